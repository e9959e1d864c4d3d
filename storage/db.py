"""The database connection: one long-lived aiosqlite connection, migrations, transactions.

SQLite allows one writer; aiosqlite runs every statement on one thread, so two coroutines that
each open an explicit transaction on the shared connection would interleave their statements.
A lock serialises transactions (and reads, so that a read never sees half of someone's
transaction). SQL is kept to what PostgreSQL also accepts, apart from the placeholder style,
so another backend can implement the same Tx surface later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

from storage.flags import FlagRepository, KnownTextRepository
from storage.models import to_db
from storage.outbox import OutboxRepository
from storage.prompts import PromptRepository
from storage.reception import DigestRepository, ReceptionRepository
from storage.repositories import (
    ChatRepository,
    EventRepository,
    PeopleRepository,
    UpdateRepository,
)
from storage.tickets import DraftRepository, TicketRepository

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
BUSY_TIMEOUT_MS = 5000


class Clock(Protocol):
    """What storage needs of time: the current moment, timezone-aware. The application passes
    its own (tests pass one that moves only when told)."""

    def now(self) -> datetime: ...


class UtcNow:
    def now(self) -> datetime:
        return datetime.now(UTC)


class AlreadyHandled(Exception):
    """The update was handled before (Telegram handed it out again): do nothing twice."""


class StorageError(Exception):
    """The database failed a statement (read-only, disk full, locked for too long): nothing of
    the transaction was kept, and the work may be tried again later."""


def sqlite_path(database_url: str) -> str:
    """`sqlite:///relative/path.db`, `sqlite:////absolute/path.db` or `sqlite:///:memory:`."""
    prefix = "sqlite:///"
    if not database_url.startswith(prefix):
        raise ValueError("expected sqlite:///path/to/file.db")
    path = database_url[len(prefix) :]
    if not path:
        raise ValueError("expected sqlite:///path/to/file.db")
    return path


class Tx:
    """One unit of work on the connection; repositories hang off it."""

    def __init__(
        self, conn: aiosqlite.Connection, now: datetime, update_id: int | None = None
    ) -> None:
        self.conn = conn
        self.now = now
        self.update_id = update_id  # the Telegram update this unit of work answers, if any
        self.queued_messages = 0  # outbox rows added in this transaction
        self.chats_changed = False  # a chat's kind, state or rights were written
        self._after_commit: list[Callable[[], None]] = []
        self.chats = ChatRepository(self)
        self.people = PeopleRepository(self)
        self.events = EventRepository(self)
        self.outbox = OutboxRepository(self)
        self.updates = UpdateRepository(self)
        self.tickets = TicketRepository(self)
        self.drafts = DraftRepository(self)
        self.reception = ReceptionRepository(self)
        self.digests = DigestRepository(self)
        self.flags = FlagRepository(self)
        self.known = KnownTextRepository(self)
        self.prompts = PromptRepository(self)

    @property
    def now_db(self) -> str:
        return to_db(self.now)

    # Each await below is one trip to aiosqlite's thread and back, the main cost of a small
    # statement: a write is not followed by a cursor close (its statement is finished and
    # reset already), and reads fetch in the same trip.

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Cursor:
        return await self.conn.execute(sql, tuple(params))  # rowcount, lastrowid readable

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        rows = await self.conn.execute_fetchall(sql, tuple(params))
        return next(iter(rows), None)

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return list(await self.conn.execute_fetchall(sql, tuple(params)))

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after_commit.append(callback)


class Database:
    def __init__(self, conn: aiosqlite.Connection, clock: Clock) -> None:
        self._conn = conn
        self.clock = clock
        self._lock = asyncio.Lock()
        self._commit_listeners: list[Callable[[Tx], None]] = []

    @classmethod
    async def open(cls, database_url: str, clock: Clock | None = None) -> Database:
        path = sqlite_path(database_url)
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
        db = cls(conn, clock or UtcNow())
        await db.migrate()
        return db

    async def close(self) -> None:
        async with self._lock:
            await self._conn.close()

    def on_commit(self, listener: Callable[[Tx], None]) -> None:
        """Call listener(tx) after every committed transaction (e.g. to wake the outbox)."""
        self._commit_listeners.append(listener)

    async def migrate(self) -> list[int]:
        """Apply the numbered migrations not yet recorded; return the versions applied."""
        async with self._lock:
            await self._conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            async with self._conn.execute("SELECT version FROM schema_migrations") as cur:
                done = {row[0] for row in await cur.fetchall()}
            applied = []
            for version, name, sql in migration_files():
                if version in done:
                    continue
                now = to_db(self.clock.now())
                script = (
                    f"BEGIN IMMEDIATE;\n{sql}\n"
                    f"INSERT INTO schema_migrations (version, name, applied_at) "
                    f"VALUES ({version}, '{name}', '{now}');"
                )
                # Foreign keys off around the migration (a no-op inside a transaction), so that
                # a table can be rebuilt; every reference is checked before it commits.
                await self._conn.execute("PRAGMA foreign_keys=OFF")
                try:
                    await self._conn.executescript(script)
                    broken = list(await self._conn.execute_fetchall("PRAGMA foreign_key_check"))
                    if broken:
                        raise RuntimeError(
                            f"migration {version:04d}_{name} breaks foreign keys: {broken[:5]}"
                        )
                    await self._conn.execute("COMMIT")
                except Exception:
                    if self._conn.in_transaction:
                        await self._conn.execute("ROLLBACK")
                    raise
                finally:
                    await self._conn.execute("PRAGMA foreign_keys=ON")
                log.info("applied migration %04d_%s", version, name)
                applied.append(version)
            return applied

    async def set_read_only(self, read_only: bool) -> None:
        """Refuse every write from now on (or allow them again), as a read-only mount or a full
        disk would: for fault drills and their tests."""
        async with self._lock:
            await self._conn.execute(f"PRAGMA query_only = {int(read_only)}")

    @asynccontextmanager
    async def transaction(
        self, *, update_id: int | None = None, what: str = ""
    ) -> AsyncIterator[Tx]:
        """An explicit write transaction; with update_id, it first claims that update.

        Raises AlreadyHandled (and changes nothing) when the update was claimed before, and
        StorageError (nothing kept) when the database fails a statement.
        """
        async with self._lock:
            tx = Tx(self._conn, self.clock.now(), update_id)
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StorageError(str(exc)) from exc
            try:
                if update_id is not None and not await tx.updates.claim(update_id, what):
                    raise AlreadyHandled(update_id)
                yield tx
                await self._conn.execute("COMMIT")
            except BaseException as exc:
                with contextlib.suppress(sqlite3.Error):
                    await self._conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StorageError(str(exc)) from exc
                raise
        for callback in tx._after_commit:
            callback()
        for listener in self._commit_listeners:
            listener(tx)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """Consistent reads (no other transaction can be half-way through)."""
        async with self._lock:
            try:
                yield Tx(self._conn, self.clock.now())
            except sqlite3.Error as exc:
                raise StorageError(str(exc)) from exc


def migration_files() -> list[tuple[int, str, str]]:
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a number: {versions}")
    return found
