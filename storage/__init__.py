"""Persistence: one SQLite database (aiosqlite), numbered migrations, repositories."""

from storage.db import AlreadyHandled, Database, Tx

__all__ = ["AlreadyHandled", "Database", "Tx"]
