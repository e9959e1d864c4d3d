"""A Telegram that fails one call in ten (5xx, dropped connections, 429 with retry_after):
a burst of requests, rumour decisions and a reminder to 50 groups still end with every
notification delivered exactly once, nothing lost, and no handler failing."""

from __future__ import annotations

import asyncio
import logging
import random
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app import Linli
from bot.clock import ShiftedClock
from bot.pacing import FloodPacer
from sandbox import Fault, Sandbox
from sandbox.world import Member
from tests.conftest import Community, make_settings, stopped

SHANGHAI = ZoneInfo("Asia/Shanghai")
POOL = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 600))  # CJK ideographs
N_REQUESTS = 200
N_RUMOURS = 20
N_GROUPS = 50


def unique_text(rng: random.Random, i: int) -> str:
    """Requests that read differently (so none is offered as a duplicate of another)."""
    return f"第{i}件：" + "".join(rng.sample(POOL, 14))


@pytest.fixture
def flaky(sb: Sandbox) -> Sandbox:
    sb.faults.rate_kinds = (
        Fault(None, 500, "Internal Server Error"),
        Fault(None, 502, "Bad Gateway"),
        Fault(None, drop=True),
        Fault(None, 429, "Too Many Requests: retry after 1", retry_after=1),
    )
    return sb


async def test_one_call_in_ten_failing_loses_nothing_and_sends_nothing_twice(
    flaky: Sandbox, community: Community, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    sb = flaky
    rng = random.Random(4)
    groups = [sb.add_group(f"{i}号楼业主群", owner=community.admin) for i in range(N_GROUPS)]
    for group in groups:
        group.members[sb.bot.id] = Member("member")
    residents = [sb.add_user(f"居民{i}") for i in range(N_REQUESTS)]
    sb.join(community.building, community.staff)
    clock = ShiftedClock(datetime(2026, 12, 14, 18, 0, tzinfo=SHANGHAI))  # retries need time
    linli = Linli(
        make_settings(sb, database_url, community),
        clock=clock,
        poll_timeout=1.0,
        flush_timeout=5.0,
        clock_tick=None,
        pacer=FloodPacer(overall=10_000, per_group=10_000, per_private=10_000),
    )
    await linli.start()
    caplog.set_level(logging.ERROR)
    try:
        assert linli.db and linli.services
        await sb.add_bot(community.building, community.admin, admin=True)
        await sb.next_message(community.building)
        async with linli.db.transaction() as tx:
            for group in groups:
                await tx.chats.bind_resident(group.id, group.title, community.admin.id, False)
        await sb.send(
            community.staff,
            community.committee,
            "/reception add 每月15日 09:00-11:00 居委会一楼 联合接待日",
        )
        await sb.next_message(community.committee)
        sb.faults.rate = 0.1  # from here on, one call in ten fails
        calls_before = len(sb.calls)

        for i, person in enumerate(residents):
            kind = "/wish" if i % 2 else "/complain"
            await sb.send(person, None, f"{kind} {unique_text(rng, i)}")
        rumours = []
        for i in range(N_RUMOURS):
            author = residents[i]
            sb.join(community.building, author)
            sent = await sb.send(
                author,
                community.building,
                f"紧急通知！内部消息，{unique_text(rng, i)}，赶紧转发给家里人",
            )
            rumours.append(sent["message_id"])
        clock.set(datetime(2026, 12, 14, 19, 0, tzinfo=SHANGHAI))
        assert await linli.services.reception.tick() == 1

        cards = []
        for _ in range(N_RUMOURS):
            cards.append(
                await sb.next_message(community.committee, containing="待审核", timeout=60)
            )
        for card in cards:
            # A press whose role check or answer fails is pressed again, as a person would.
            for _ in range(5):
                answer = await sb.callback_answer(
                    await sb.press(community.staff, card, "确认谣言"), timeout=20
                )
                if answer["text"] in ("已处理", "这条已经处理过了。"):
                    break
            else:
                raise AssertionError(f"could not decide on {card.text}")
        await sb.settle(quiet=0.5, timeout=90)
        for _ in range(600):  # retries wait out their backoff: until nothing is pending
            async with linli.db.read() as tx:
                if not await tx.outbox.not_sent(("pending",)):
                    break
            await asyncio.sleep(0.1)
        async with linli.db.read() as tx:
            tickets = await tx.tickets.all()
            undelivered = await tx.outbox.not_sent(("pending", "failed", "undeliverable"))
    finally:
        await stopped(linli)
    sb.faults.rate = 0.0
    calls = sum(1 for m, _ in sb.calls[calls_before:] if m != "getUpdates")
    assert sb.faults.injected >= 0.07 * calls > 40  # the storm really happened
    assert [(r.id, r.method, r.last_error) for r in undelivered] == []

    # Every request became one ticket, acknowledged once, with one staff card.
    assert sorted(t.reporter_id for t in tickets) == sorted(p.id for p in residents)
    acks = [[s for s in sb.sent_to(p) if "已收到您的" in s.text] for p in residents]
    assert [len(a) for a in acks] == [1] * N_REQUESTS
    cards = [re.match(r"^\S+ #(\d+) ", s.text) for s in sb.sent_to(community.committee)]
    assert sorted(int(m.group(1)) for m in cards if m) == [t.id for t in tickets]
    # Every confirmed rumour removed, one calm notice each, one clarification prompt each.
    visible = {m.message_id for m in sb.visible(community.building)}
    assert not visible & set(rumours)
    assert sum("内容不实" in s.text for s in sb.sent_to(community.building)) == N_RUMOURS
    assert sum("已记下" in s.text for s in sb.sent_to(community.committee)) == N_RUMOURS
    # The reminder reached each of the 50 groups (and the building group) once.
    for group in [*groups, community.building]:
        assert sum("联合接待日" in s.text for s in sb.sent_to(group)) == 1, group.title
    # No handler failed.
    assert [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.ERROR
        and r.name.startswith(("bot", "handlers", "storage", "telegram"))
    ] == []
