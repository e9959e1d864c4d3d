"""PostgreSQL, for a deployment that outgrows one SQLite file: asyncpg with a connection pool.

Every write transaction, in this process and in any other worker on the same database, first
takes one transaction-scoped advisory lock: writers take turns exactly as on SQLite, so the
services' read-decide-write steps need no retry logic, and the result of any mix of workers is
one that a single process could have produced. Writes are short (no network inside them: the
outbox sends after commit), so the turn is brief. Within one process a read also waits for
the write in progress, as on SQLite: a button pressed under a message the sender is just
recording finds it recorded. Reads of different workers run side by side, each on a
repeatable-read snapshot.

PostgreSQL's text cannot hold U+0000, which Telegram passes through from a client: it is
dropped from every text written (SQLite would keep it; nobody reads it either way).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from storage.db import (
    ChatLocks,
    Clock,
    Database,
    Leadership,
    Row,
    StorageError,
    Tx,
    migration_files,
)
from storage.dialect import numbered_placeholders
from storage.models import to_db

log = logging.getLogger(__name__)

# Advisory lock keys (any 64-bit numbers no other application on the database uses).
WRITE_LOCK = 0x4C494E4C49_01  # "LINLI" 01: one writer at a time, across workers
MIGRATION_LOCK = 0x4C494E4C49_02  # one worker migrates; the others wait, then find it done
LEADER_LOCKS = {"outbox": 0x4C494E4C49_03}  # one worker sends the outbox
CHAT_LOCK_CLASS = 0x4C494E  # with a chat's 32-bit hash: who handles that chat's updates
OUTBOX_CHANNEL = "linli_outbox"  # NOTIFY: messages were queued
HEARTBEAT_S = 2.0
GRACE_S = 2 * HEARTBEAT_S + 1.0  # a new outbox sender waits this long before its first send
STATEMENT_TIMEOUT_S = 10.0  # a session-lock statement that takes longer: the connection is lost
# Each session: a writer waits at most this long for its turn (then StorageError, as SQLite's
# busy timeout); a transaction left idle this long is ended by the server; and a peer that
# vanished without closing (a cut cable, not kill -9) is noticed within about a minute.
SESSION_SETTINGS = {
    "lock_timeout": "10s",
    "idle_in_transaction_session_timeout": "300s",
    "tcp_keepalives_idle": "30",
    "tcp_keepalives_interval": "10",
    "tcp_keepalives_count": "3",
}
POOL_SIZE = 10
ACQUIRE_TIMEOUT_S = 30.0

Connection = asyncpg.Connection | PoolConnectionProxy
FAILURES = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, asyncio.TimeoutError)


_NO_TURN = contextlib.nullcontext()


def _changed(status: str) -> int:
    """Rows changed, from a command status such as 'INSERT 0 1' or 'UPDATE 3'."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def _storable(params: Sequence[Any]) -> Sequence[Any]:
    """PostgreSQL's text cannot hold NUL (SQLite's can): it is dropped from every parameter,
    of writes and of reads alike (an INSERT ... RETURNING is a read here, and a lookup must
    find what was stored without it)."""
    if any(isinstance(p, str) and "\x00" in p for p in params):
        return [p.replace("\x00", "") if isinstance(p, str) else p for p in params]
    return params


class PostgresExecutor:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Sequence[Any]) -> int:
        return _changed(await self.conn.execute(numbered_placeholders(sql), *_storable(params)))

    async def insert(self, sql: str, params: Sequence[Any]) -> int | None:
        new_id = await self.conn.fetchval(
            numbered_placeholders(f"{sql} RETURNING id"), *_storable(params)
        )
        return None if new_id is None else int(new_id)

    async def fetchone(self, sql: str, params: Sequence[Any]) -> Row | None:
        row: Row | None = await self.conn.fetchrow(numbered_placeholders(sql), *_storable(params))
        return row

    async def fetchall(self, sql: str, params: Sequence[Any]) -> list[Row]:
        return list(await self.conn.fetch(numbered_placeholders(sql), *_storable(params)))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self.conn.executemany(numbered_placeholders(sql), [_storable(r) for r in rows])


class PostgresDatabase(Database):
    dialect = "postgresql"
    shared = True

    def __init__(self, pool: asyncpg.Pool, clock: Clock, url: str) -> None:
        super().__init__(clock)
        self._pool = pool
        self._url = url
        # Transactions of this process queue here rather than each holding a pooled
        # connection while it waits for the advisory lock; reads queue here too (see above).
        self._write_turn = asyncio.Lock()
        self._read_only = False

    @classmethod
    async def connect(cls, url: str, clock: Clock, *, pool_size: int = POOL_SIZE) -> Database:
        try:
            pool = await asyncpg.create_pool(
                url, min_size=1, max_size=pool_size, server_settings=SESSION_SETTINGS
            )
        except FAILURES as exc:
            raise StorageError(f"cannot connect to PostgreSQL: {exc}") from exc
        return cls(pool, clock, url)

    async def close(self) -> None:
        await self._pool.close()

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[Connection]:
        try:
            conn = await self._pool.acquire(timeout=ACQUIRE_TIMEOUT_S)
        except FAILURES as exc:
            raise StorageError(f"no database connection: {exc}") from exc
        try:
            yield conn
        finally:
            await self._pool.release(conn)

    async def migrate(self) -> list[int]:
        applied = []
        async with self._connection() as conn:
            await conn.execute("SET lock_timeout = 0")  # another worker may be migrating
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
            try:
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    " version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
                done = {r[0] for r in await conn.fetch("SELECT version FROM schema_migrations")}
                for version, name, sql in migration_files("postgresql"):
                    if version in done:
                        continue
                    async with conn.transaction():
                        await conn.execute(sql)  # no arguments: several statements at once
                        await conn.execute(
                            "INSERT INTO schema_migrations (version, name, applied_at)"
                            " VALUES ($1, $2, $3)",
                            version,
                            name,
                            to_db(self.clock.now()),
                        )
                    log.info("applied migration %04d_%s", version, name)
                    applied.append(version)
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
                await conn.execute("RESET lock_timeout")
        return applied

    async def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only

    @asynccontextmanager
    async def transaction(
        self, *, update_id: int | None = None, what: str = "", serial: bool = True
    ) -> AsyncIterator[Tx]:
        async with self._write_turn if serial else _NO_TURN, self._connection() as conn:
            work = conn.transaction()
            try:
                await work.start()
                if self._read_only:
                    await conn.execute("SET TRANSACTION READ ONLY")
                if serial:
                    await conn.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK)
            except FAILURES as exc:
                with contextlib.suppress(*FAILURES):
                    await work.rollback()
                raise StorageError(str(exc)) from exc
            tx = Tx(PostgresExecutor(conn), self.clock.now(), update_id)
            try:
                await self._claim(tx, update_id, what)
                yield tx
                if tx.queued_messages:  # delivered on commit, to the worker that sends
                    await conn.execute("SELECT pg_notify($1, '')", OUTBOX_CHANNEL)
                await work.commit()
            except BaseException as exc:
                with contextlib.suppress(*FAILURES):
                    await work.rollback()
                if isinstance(exc, FAILURES):
                    raise StorageError(str(exc)) from exc
                raise
        self._committed(tx)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        async with self._write_turn, self._connection() as conn:
            snapshot = conn.transaction(isolation="repeatable_read", readonly=True)
            try:
                await snapshot.start()
            except FAILURES as exc:
                raise StorageError(str(exc)) from exc
            try:
                yield Tx(PostgresExecutor(conn), self.clock.now())
            except FAILURES as exc:
                raise StorageError(str(exc)) from exc
            finally:
                with contextlib.suppress(*FAILURES):
                    await snapshot.rollback()

    async def chat_locks(self) -> ChatLocks:
        return PostgresChatLocks(self._session)

    async def leadership(
        self, name: str, *, on_notify: Callable[[], None] | None = None
    ) -> Leadership:
        return PostgresLeadership(self._session, LEADER_LOCKS[name], on_notify)

    async def _session(self) -> asyncpg.Connection:
        """A connection of its own, outside the pool: session locks live as long as it does,
        and PostgreSQL drops them the moment the process holding it dies."""
        try:
            return await asyncpg.connect(self._url, server_settings=SESSION_SETTINGS)
        except FAILURES as exc:
            raise StorageError(f"cannot connect to PostgreSQL: {exc}") from exc


def _chat_hash(key: int) -> int:
    """A chat id (64 bits) as the 32-bit half of a two-part advisory lock key; two chats that
    share one are merely handled one after the other."""
    return ((key ^ (key >> 32)) & 0x7FFFFFFF) or 1


class _Session:
    """A connection of its own for session advisory locks: opened when first needed (and again
    after it was lost), dropped at once on a failure, since its locks went with it."""

    def __init__(self, connect: Callable[[], Awaitable[asyncpg.Connection]]) -> None:
        self._connect = connect
        self.conn: asyncpg.Connection | None = None

    @property
    def alive(self) -> bool:
        return self.conn is not None and not self.conn.is_closed()

    async def open(self) -> tuple[asyncpg.Connection, bool]:
        """The connection, and whether it is a new one (any earlier session's locks are gone)."""
        if self.conn is not None and not self.conn.is_closed():
            return self.conn, False
        self.conn = await self._connect()
        return self.conn, True

    def lost(self) -> None:
        if self.conn is not None:
            self.conn.terminate()
            self.conn = None

    async def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(*FAILURES):
                await self.conn.close()
            self.conn = None


class PostgresChatLocks(ChatLocks):
    """Session advisory locks, one per chat, on a connection of their own. If that connection
    is lost, PostgreSQL has let go of every chat: `holds()` turns false at once (drains stop
    before their next update) and the next `try_take` connects again."""

    def __init__(self, connect: Callable[[], Awaitable[asyncpg.Connection]]) -> None:
        super().__init__()
        self._session = _Session(connect)
        self._turn = asyncio.Lock()  # one statement at a time on the connection

    def holds(self, key: int) -> bool:
        return key in self._held and self._session.alive

    @property
    def healthy(self) -> bool:
        return self._session.conn is None or self._session.alive

    def _lost(self, exc: BaseException) -> StorageError:
        if self._held:
            log.error("chat locks lost (%s): %d chat(s) let go", exc, len(self._held))
        self._held.clear()
        self._session.lost()
        return StorageError(f"chat locks: {exc}")

    async def try_take(self, key: int) -> bool:
        if key in self._held:
            return False
        async with self._turn:
            try:
                conn, new = await self._session.open()
                if new:
                    self._held.clear()
                taken = await conn.fetchval(
                    "SELECT pg_try_advisory_lock($1, $2)",
                    CHAT_LOCK_CLASS,
                    _chat_hash(key),
                    timeout=STATEMENT_TIMEOUT_S,
                )
            except (StorageError, *FAILURES) as exc:
                raise self._lost(exc) from exc
        if taken:
            self._held.add(key)
        return bool(taken)

    async def release(self, key: int) -> None:
        if key not in self._held:
            return
        self._held.discard(key)
        async with self._turn:
            conn = self._session.conn
            if conn is None:
                return  # the session is gone, and its locks with it
            try:
                await conn.execute(
                    "SELECT pg_advisory_unlock($1, $2)",
                    CHAT_LOCK_CLASS,
                    _chat_hash(key),
                    timeout=STATEMENT_TIMEOUT_S,
                )
            except FAILURES as exc:
                raise self._lost(exc) from exc

    async def close(self) -> None:
        self._held.clear()
        await self._session.close()


class PostgresLeadership(Leadership):
    """A session advisory lock on a connection of its own, checked every HEARTBEAT_S. A worker
    that takes it over from another (it found it held before) waits GRACE_S before it leads: by
    then a former leader that merely lost its connection has noticed (its heartbeat failed) and
    stopped sending. A worker that finds it free at its first try leads at once."""

    def __init__(
        self,
        connect: Callable[[], Awaitable[asyncpg.Connection]],
        key: int,
        on_notify: Callable[[], None] | None,
    ) -> None:
        self._session = _Session(connect)
        self._key = key
        self._on_notify = on_notify
        self._locked_at: float | None = None  # when this worker took the lock
        self._grace = 0.0
        self._saw_other = False  # another worker held it when this one asked
        self._checked = 0.0

    @property
    def held(self) -> bool:
        return self._locked_at is not None

    async def acquire(self) -> bool:
        now = asyncio.get_running_loop().time()
        try:
            conn, new = await self._session.open()
            if new:
                self._locked_at = None
                if self._on_notify is not None:
                    callback = self._on_notify
                    await conn.add_listener(OUTBOX_CHANNEL, lambda *_: callback())
            if self._locked_at is None:
                if not await conn.fetchval(
                    "SELECT pg_try_advisory_lock($1)", self._key, timeout=STATEMENT_TIMEOUT_S
                ):
                    self._saw_other = True
                    return False
                self._locked_at = self._checked = now
                self._grace = GRACE_S if self._saw_other else 0.0
                log.info("this worker now sends the outbox (in %.0f s)", self._grace)
            elif now - self._checked >= HEARTBEAT_S:
                await conn.fetchval("SELECT 1", timeout=STATEMENT_TIMEOUT_S)
                self._checked = now
            return now - self._locked_at >= self._grace
        except (StorageError, *FAILURES) as exc:
            if self._locked_at is not None:
                log.error("lost the outbox lock (%s); another worker takes over", exc)
            self._locked_at = None
            self._session.lost()
            return False

    async def close(self) -> None:
        self._locked_at = None
        await self._session.close()
