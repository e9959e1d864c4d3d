"""Persistence: one SQLite database (aiosqlite), numbered migrations, repositories."""

from storage.db import AlreadyHandled, Database, StorageError, Tx

__all__ = ["AlreadyHandled", "Database", "StorageError", "Tx"]
