"""Persistence: SQLite (aiosqlite, the default) or PostgreSQL (asyncpg), numbered migrations,
repositories."""

from storage.db import AlreadyHandled, Database, StorageError, Tx

__all__ = ["AlreadyHandled", "Database", "StorageError", "Tx"]
