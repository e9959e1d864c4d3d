"""The database: transactions, consistent reads and numbered migrations, on SQLite or PostgreSQL.

Both backends give the same guarantees, so services and repositories never ask which one runs:
- a write transaction is all or nothing, and write transactions never interleave (SQLite has
  one writer; on PostgreSQL every writer, in any worker process, first takes one advisory
  lock), so a service may read, decide and write in one transaction without races;
- `transaction(update_id=...)` first claims the Telegram update: a redelivered update changes
  nothing twice, whichever worker gets it;
- a read never sees half of someone's transaction;
- a failed statement raises StorageError and keeps nothing.

SQL is written once, with `?` placeholders, in what both accept (see storage/dialect.py for the
few differences, handled in one place). Pick the backend with DATABASE_URL: `sqlite:///path.db`
(the default, embedded) or `postgresql://user:pass@host:5432/db` (asyncpg, pooled).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from storage.dialect import postgresql_ddl
from storage.flags import FlagRepository, KnownTextRepository
from storage.households import HouseholdRepository
from storage.inbox import InboxRepository
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
from storage.votes import VoteRepository

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_DIALECT_MIGRATION = re.compile(r"^(\d{4})_([a-z0-9_]+)\.(postgresql)\.sql$")


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
    """The database failed a statement (read-only, disk full, locked for too long, gone): nothing
    of the transaction was kept, and the work may be tried again later."""


class Row(Protocol):
    """A result row, by column name or position (sqlite3.Row and asyncpg.Record both are)."""

    def __getitem__(self, key: int | str, /) -> Any: ...
    def keys(self) -> Any: ...


class Executor(Protocol):
    """One backend's way of running a statement inside the current transaction."""

    async def execute(self, sql: str, params: Sequence[Any]) -> int: ...
    async def insert(self, sql: str, params: Sequence[Any]) -> int | None: ...
    async def fetchone(self, sql: str, params: Sequence[Any]) -> Row | None: ...
    async def fetchall(self, sql: str, params: Sequence[Any]) -> list[Row]: ...
    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...


def sqlite_path(database_url: str) -> str:
    """`sqlite:///relative/path.db`, `sqlite:////absolute/path.db` or `sqlite:///:memory:`."""
    prefix = "sqlite:///"
    if not database_url.startswith(prefix):
        raise ValueError("expected sqlite:///path/to/file.db")
    path = database_url[len(prefix) :]
    if not path:
        raise ValueError("expected sqlite:///path/to/file.db")
    return path


def is_postgresql(database_url: str) -> bool:
    return database_url.startswith(("postgresql://", "postgres://"))


def check_database_url(database_url: str) -> str:
    """The URL as given, or ValueError saying what a valid one looks like."""
    if is_postgresql(database_url):
        if "@" not in database_url and "host=" not in database_url:
            raise ValueError("expected postgresql://user:password@host:5432/database")
        return database_url
    try:
        sqlite_path(database_url)
    except ValueError:
        raise ValueError(
            "expected sqlite:///path/to/file.db or postgresql://user:password@host:5432/db"
        ) from None
    return database_url


class Tx:
    """One unit of work; repositories hang off it."""

    def __init__(self, run: Executor, now: datetime, update_id: int | None = None) -> None:
        self._run = run
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
        self.inbox = InboxRepository(self)
        self.households = HouseholdRepository(self)
        self.votes = VoteRepository(self)

    @property
    def now_db(self) -> str:
        return to_db(self.now)

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run a statement; the number of rows it changed."""
        return await self._run.execute(sql, tuple(params))

    async def insert(self, sql: str, params: Iterable[Any] = ()) -> int | None:
        """Run an INSERT into a table with an `id` column; the new row's id, or None when an
        ON CONFLICT clause skipped it."""
        return await self._run.insert(sql, tuple(params))

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        return await self._run.fetchone(sql, tuple(params))

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        return await self._run.fetchall(sql, tuple(params))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._run.executemany(sql, rows)

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after_commit.append(callback)


class ChatLocks:
    """Which worker handles a chat's updates now: one holder at most, across all workers (here,
    within the one process SQLite allows; storage.postgres holds them in the database, so a
    worker that dies lets go of its chats at once)."""

    def __init__(self) -> None:
        self._held: set[int] = set()

    async def try_take(self, key: int) -> bool:
        if key in self._held:
            return False
        self._held.add(key)
        return True

    async def release(self, key: int) -> None:
        self._held.discard(key)

    def holds(self, key: int) -> bool:
        """Still this worker's (false once the locks were lost with their connection)."""
        return key in self._held

    @property
    def healthy(self) -> bool:
        return True

    async def close(self) -> None:
        self._held.clear()


class Leadership:
    """One worker at a time does a job (the outbox sender). In one process it is always this
    one; storage.postgres hands it to another worker when the holder dies."""

    async def acquire(self) -> bool:
        """True while this worker holds it (taking it if it is free)."""
        return True

    @property
    def held(self) -> bool:
        """Whether this worker holds it now (without trying to take it)."""
        return True

    async def close(self) -> None:
        return None


class Database:
    """What the application holds: `transaction()`, `read()`, `migrate()`, `close()`.
    `Database.open(url, clock)` returns the backend the URL names."""

    dialect = ""
    # Whether other processes (webhook workers) may write to it too: what a service keeps in
    # memory from it must then be read again before it is relied on.
    shared = False

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._commit_listeners: list[Callable[[Tx], None]] = []

    @classmethod
    async def open(cls, database_url: str, clock: Clock | None = None) -> Database:
        check_database_url(database_url)
        if is_postgresql(database_url):
            from storage.postgres import PostgresDatabase

            db: Database = await PostgresDatabase.connect(database_url, clock or UtcNow())
        else:
            from storage.sqlite import SqliteDatabase

            db = await SqliteDatabase.connect(sqlite_path(database_url), clock or UtcNow())
        try:
            await db.migrate()
        except BaseException:
            await db.close()
            raise
        return db

    def on_commit(self, listener: Callable[[Tx], None]) -> None:
        """Call listener(tx) after every committed transaction (e.g. to wake the outbox)."""
        self._commit_listeners.append(listener)

    def _committed(self, tx: Tx) -> None:
        for callback in tx._after_commit:
            callback()
        for listener in self._commit_listeners:
            listener(tx)

    async def close(self) -> None:
        raise NotImplementedError

    async def migrate(self) -> list[int]:
        """Apply the numbered migrations not yet recorded; return the versions applied."""
        raise NotImplementedError

    async def backup(self, target: Path) -> None:
        """An online copy of the whole database to `target` (SQLite; PostgreSQL has pg_dump)."""
        raise NotImplementedError(f"{self.dialect}: use the database's own backup tools")

    async def set_read_only(self, read_only: bool) -> None:
        """Refuse every write from now on (or allow them again), as a read-only mount or a full
        disk would: for fault drills and their tests."""
        raise NotImplementedError

    def transaction(
        self, *, update_id: int | None = None, what: str = "", serial: bool = True
    ) -> AbstractAsyncContextManager[Tx]:
        """An explicit write transaction; with update_id, it first claims that update.

        serial=False skips the turn writers take (SQLite has one writer regardless): only for
        writes that cannot conflict with anyone's decision, such as storing a webhook update
        under its own id or marking it handled by the worker holding its chat.

        Raises AlreadyHandled (and changes nothing) when the update was claimed before, and
        StorageError (nothing kept) when the database fails a statement.
        """
        raise NotImplementedError

    def read(self) -> AbstractAsyncContextManager[Tx]:
        """Consistent reads (no other transaction can be half-way through)."""
        raise NotImplementedError

    async def chat_locks(self) -> ChatLocks:
        return ChatLocks()

    async def leadership(
        self, name: str, *, on_notify: Callable[[], None] | None = None
    ) -> Leadership:
        """The right to do job `name` alone; on_notify is called when another worker queued
        messages (PostgreSQL's NOTIFY; in one process the commit listener does it)."""
        return Leadership()

    async def _claim(self, tx: Tx, update_id: int | None, what: str) -> None:
        if update_id is not None and not await tx.updates.claim(update_id, what):
            raise AlreadyHandled(update_id)


def migration_files(dialect: str = "sqlite") -> list[tuple[int, str, str]]:
    """(version, name, SQL) in order, as `dialect` runs them. A migration is one portable file,
    NNNN_name.sql (translated by storage.dialect); where a dialect needs other SQL,
    NNNN_name.<dialect>.sql beside it is used as written instead."""
    found: dict[int, tuple[str, str]] = {}
    overrides: dict[int, str] = {}
    for entry in resources.files("storage.migrations").iterdir():
        if match := _MIGRATION_NAME.match(entry.name):
            version = int(match.group(1))
            if version in found:
                raise RuntimeError(f"two migrations share the number {version:04d}")
            found[version] = (match.group(2), entry.read_text(encoding="utf-8"))
        elif (match := _DIALECT_MIGRATION.match(entry.name)) and match.group(3) == dialect:
            overrides[int(match.group(1))] = entry.read_text(encoding="utf-8")
    if stray := set(overrides) - set(found):
        raise RuntimeError(f"dialect migrations without a portable one: {sorted(stray)}")
    portable = postgresql_ddl if dialect == "postgresql" else str
    return [
        (v, name, overrides[v] if v in overrides else portable(sql))
        for v, (name, sql) in sorted(found.items())
    ]
