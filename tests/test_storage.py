"""Storage behaves the same on SQLite and PostgreSQL: transactions are all or nothing and never
interleave, an update is claimed once, two workers on one database take turns, Telegram's
64-bit ids survive, a failing database keeps nothing, and migrations apply once."""

from __future__ import annotations

import asyncio

import pytest

from bot.clock import SystemClock
from storage import AlreadyHandled, Database, StorageError
from storage.db import migration_files
from storage.outbox import OutgoingMessage

SUPERGROUP = -1001234567890  # below -2^31: a 32-bit column would refuse it
USER = 7_000_000_001


async def opened(url: str) -> Database:
    return await Database.open(url, SystemClock())


async def test_concurrent_transactions_do_not_interleave(database_url: str) -> None:
    db = await opened(database_url)

    async def bind_then_event(chat_id: int) -> None:
        async with db.transaction() as tx:
            await tx.chats.bind_resident(chat_id, f"群{chat_id}", 1, False)
            await asyncio.sleep(0.01)  # another task runs here
            await tx.events.append("chat_bound", actor_id=1, subject=f"chat:{chat_id}")
            if chat_id % 2:
                raise ValueError("this one fails and must leave no trace")

    try:
        results = await asyncio.gather(
            *(bind_then_event(-i) for i in range(1, 11)), return_exceptions=True
        )
        assert sum(isinstance(r, ValueError) for r in results) == 5
        async with db.read() as tx:
            groups = sorted(c.id for c in await tx.chats.resident_groups())
            events = [await tx.events.for_subject(f"chat:{g}") for g in groups]
    finally:
        await db.close()
    assert groups == [-10, -8, -6, -4, -2]
    assert all(len(e) == 1 for e in events)


async def test_an_update_is_claimed_once_and_a_second_claim_changes_nothing(
    database_url: str,
) -> None:
    db = await opened(database_url)
    try:
        async with db.transaction(update_id=41, what="first") as tx:
            await tx.chats.bind_resident(SUPERGROUP, "3号楼", USER, True)
            first = await tx.outbox.enqueue(OutgoingMessage(chat_id=SUPERGROUP, method="x"))
        with pytest.raises(AlreadyHandled):
            async with db.transaction(update_id=41, what="again") as tx:
                await tx.outbox.enqueue(OutgoingMessage(chat_id=SUPERGROUP, method="y"))
        async with db.read() as tx:
            chat = await tx.chats.get(SUPERGROUP)
            queued = await tx.outbox.not_sent()
            claims = await tx.updates.recent()
    finally:
        await db.close()
    assert chat is not None and chat.bound_by == USER and chat.bot_is_admin
    assert [m.id for m in queued] == [first] and queued[0].method == "x"
    assert claims == [41]


async def test_two_workers_on_one_database_take_turns(database_url: str) -> None:
    """Two Database objects are two worker processes as far as the database can tell. Each
    reads a counter and writes it back one higher, in one transaction, forty times over: no
    increment may be lost (on PostgreSQL the shared advisory lock gives the turns)."""
    first, second = await opened(database_url), await opened(database_url)

    async def bump(db: Database, n: int) -> None:
        async with db.transaction() as tx:
            count = len(await tx.events.for_subject("counter"))
            await asyncio.sleep(0)  # the other worker runs here
            await tx.events.append("bump", actor_id=n, subject="counter", detail={"saw": count})

    try:
        await asyncio.gather(*(bump(first if n % 2 else second, n) for n in range(40)))
        async with first.read() as tx:
            seen = [e.detail["saw"] for e in await tx.events.for_subject("counter")]
    finally:
        await first.close()
        await second.close()
    assert seen == list(range(40))  # each saw every earlier one: serial, none lost


async def test_a_database_that_refuses_writes_keeps_nothing_and_says_so(
    database_url: str,
) -> None:
    db = await opened(database_url)
    try:
        await db.set_read_only(True)
        with pytest.raises(StorageError):
            async with db.transaction(update_id=5) as tx:
                await tx.chats.bind_resident(SUPERGROUP, "3号楼", USER, False)
        await db.set_read_only(False)
        async with db.transaction(update_id=5) as tx:  # the claim was not kept either
            await tx.events.append("after", actor_id=USER, subject="x")
        async with db.read() as tx:
            assert await tx.chats.get(SUPERGROUP) is None
            assert [e.action for e in await tx.events.for_subject("x")] == ["after"]
    finally:
        await db.close()


async def test_workers_starting_together_migrate_once(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite runs in one process: there are no workers starting together")
    dbs = await asyncio.gather(*(opened(database_url) for _ in range(3)))
    try:
        assert [await db.migrate() for db in dbs] == [[], [], []]
        async with dbs[0].read() as tx:
            versions = [
                r[0] for r in await tx.fetchall("SELECT version FROM schema_migrations ORDER BY 1")
            ]
    finally:
        for db in dbs:
            await db.close()
    assert versions == [v for v, _, _ in migration_files()]


def test_every_dialect_migration_overrides_a_portable_one() -> None:
    portable = [(v, n) for v, n, _ in migration_files("sqlite")]
    assert [(v, n) for v, n, _ in migration_files("postgresql")] == portable
    pg = dict((v, sql) for v, _, sql in migration_files("postgresql"))
    assert "AUTOINCREMENT" not in "".join(pg.values())
    assert "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" in pg[1]
    assert "DROP CONSTRAINT IF EXISTS tickets_rating_check" in pg[7]


async def test_a_nul_character_is_stored_and_found_on_every_database(database_url: str) -> None:
    """PostgreSQL's text cannot hold NUL; a post or name carrying one is stored without it,
    whether written by a plain INSERT or by INSERT ... RETURNING, and found again."""
    db = await opened(database_url)
    try:
        async with db.transaction() as tx:
            await tx.people.seen(USER, "王\x00阿姨", None, None)
            flag = await tx.flags.create(
                kind="rumour",
                chat_id=SUPERGROUP,
                message_id=1,
                author_id=USER,
                author_name="王\x00阿姨",
                text="明天\x00停水",
                score=0.9,
                reasons=["内部消息"],
                source_update_id=1,
            )
        assert flag is not None
        async with db.read() as tx:
            person = await tx.people.get(USER)
            again = await tx.flags.get(flag.id)
    finally:
        await db.close()
    assert person is not None and person.first_name.replace("\x00", "") == "王阿姨"
    assert again is not None and again.text.replace("\x00", "") == "明天停水"
