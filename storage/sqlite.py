"""SQLite, the embedded default: one long-lived aiosqlite connection.

SQLite allows one writer; aiosqlite runs every statement on one thread, so two coroutines that
each opened a transaction on the shared connection would interleave their statements. A lock
serialises transactions (and reads, so that a read never sees half of someone's transaction).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from storage.db import Clock, Database, Row, StorageError, Tx, migration_files
from storage.models import to_db

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


class SqliteExecutor:
    # Each await is one trip to aiosqlite's thread and back, the main cost of a small
    # statement: reads fetch in the same trip.

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Sequence[Any]) -> int:
        cursor = await self.conn.execute(sql, params)
        return cursor.rowcount

    async def insert(self, sql: str, params: Sequence[Any]) -> int | None:
        rows = list(await self.conn.execute_fetchall(f"{sql} RETURNING id", params))
        return int(rows[0][0]) if rows else None

    async def fetchone(self, sql: str, params: Sequence[Any]) -> Row | None:
        rows = await self.conn.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def fetchall(self, sql: str, params: Sequence[Any]) -> list[Row]:
        return list(await self.conn.execute_fetchall(sql, params))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self.conn.executemany(sql, rows)


class SqliteDatabase(Database):
    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, clock: Clock) -> None:
        super().__init__(clock)
        self._conn = conn
        self._run = SqliteExecutor(conn)
        self._lock = asyncio.Lock()

    @classmethod
    async def connect(cls, path: str, clock: Clock) -> SqliteDatabase:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        # WAL: readers do not block the writer; NORMAL sync in WAL keeps every committed
        # transaction across a process crash (kill -9), which is the failure we design for.
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return cls(conn, clock)

    async def close(self) -> None:
        async with self._lock:
            await self._conn.close()

    async def migrate(self) -> list[int]:
        async with self._lock:
            await self._conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            async with self._conn.execute("SELECT version FROM schema_migrations") as cur:
                done = {row[0] for row in await cur.fetchall()}
            applied = []
            for version, name, sql in migration_files("sqlite"):
                if version in done:
                    continue
                await self._apply(version, name, sql)
                log.info("applied migration %04d_%s", version, name)
                applied.append(version)
            return applied

    async def _apply(self, version: int, name: str, sql: str) -> None:
        now = to_db(self.clock.now())
        script = (
            f"BEGIN IMMEDIATE;\n{sql}\n"
            f"INSERT INTO schema_migrations (version, name, applied_at) "
            f"VALUES ({version}, '{name}', '{now}');"
        )
        # Foreign keys off around the migration (a no-op inside a transaction), so that a table
        # can be rebuilt; every reference is checked before it commits.
        await self._conn.execute("PRAGMA foreign_keys=OFF")
        try:
            await self._conn.executescript(script)
            broken = list(await self._conn.execute_fetchall("PRAGMA foreign_key_check"))
            if broken:
                raise RuntimeError(f"migration {version:04d}_{name} breaks foreign keys")
            await self._conn.execute("COMMIT")
        except Exception:
            if self._conn.in_transaction:
                await self._conn.execute("ROLLBACK")
            raise
        finally:
            await self._conn.execute("PRAGMA foreign_keys=ON")

    async def set_read_only(self, read_only: bool) -> None:
        async with self._lock:
            await self._conn.execute(f"PRAGMA query_only = {int(read_only)}")

    @asynccontextmanager
    async def transaction(
        self, *, update_id: int | None = None, what: str = "", serial: bool = True
    ) -> AsyncIterator[Tx]:
        async with self._lock:
            tx = Tx(self._run, self.clock.now(), update_id)
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StorageError(str(exc)) from exc
            except asyncio.CancelledError:
                # The BEGIN runs in aiosqlite's thread whether or not we wait for it: end
                # what it opened, or the next transaction finds one already open.
                with contextlib.suppress(sqlite3.Error):
                    await self._conn.execute("ROLLBACK")
                raise
            try:
                await self._claim(tx, update_id, what)
                yield tx
                await self._conn.execute("COMMIT")
            except BaseException as exc:
                with contextlib.suppress(sqlite3.Error):
                    await self._conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StorageError(str(exc)) from exc
                raise
        self._committed(tx)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        async with self._lock:
            try:
                yield Tx(self._run, self.clock.now())
            except sqlite3.Error as exc:
                raise StorageError(str(exc)) from exc

    async def backup(self, target: Path) -> None:
        """An online copy of the whole database (SQLite's backup API), consistent even while
        the bot writes."""
        target.parent.mkdir(parents=True, exist_ok=True)
        async with self._lock:
            async with aiosqlite.connect(target) as copy:
                await self._conn.backup(copy)
