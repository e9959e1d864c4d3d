"""The outbox under Telegram's answers: 429, 5xx, dropped connections, 403 and 400."""

from __future__ import annotations

import logging
import time

import pytest

from bot.app import Linli
from bot.pacing import FloodPacer
from bot.services.messaging import text_message
from sandbox import Sandbox
from storage.models import OutboxMessage
from storage.outbox import OutgoingMessage
from tests.conftest import Community, StartLinli


@pytest.fixture
def start_bot(start_linli: StartLinli) -> StartLinli:
    return start_linli


async def queue(linli: Linli, *messages: OutgoingMessage) -> list[int]:
    assert linli.db
    async with linli.db.transaction() as tx:
        ids = [await tx.outbox.enqueue(m) for m in messages]
    return [i for i in ids if i is not None]


async def row(linli: Linli, outbox_id: int) -> OutboxMessage:
    assert linli.db
    async with linli.db.read() as tx:
        found = await tx.outbox.get(outbox_id)
    assert found is not None
    return found


async def opened(sb: Sandbox, community: Community) -> None:
    await sb.send(community.auntie, None, "/start")
    await sb.next_message(community.auntie)


async def test_429_waits_retry_after_then_delivers_once(
    start_bot: StartLinli, sb: Sandbox, community: Community
) -> None:
    linli = await start_bot()
    await opened(sb, community)
    sb.faults.fail_next("sendMessage", status=429, retry_after=1)
    began = time.monotonic()
    [outbox_id] = await queue(linli, text_message(community.auntie.id, "您的工单有进展了"))
    sent = await sb.next_message(community.auntie)
    assert time.monotonic() - began >= 1.0
    assert sent.text == "您的工单有进展了"
    assert linli.services and await linli.services.outbox.flush(timeout=5)
    assert len(sb.sent_to(community.auntie)) == 2  # the greeting and this one, once
    stored = await row(linli, outbox_id)
    assert stored.status == "sent" and stored.telegram_message_id == sent.message_id


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 500, "times": 2},
        {"status": 502},
        {"drop": True},
    ],
)
async def test_server_errors_and_dropped_connections_are_retried(
    start_bot: StartLinli, sb: Sandbox, community: Community, fault: dict
) -> None:
    linli = await start_bot()
    await opened(sb, community)
    sb.faults.fail_next("sendMessage", **fault)
    [outbox_id] = await queue(linli, text_message(community.auntie.id, "电梯已经修好了"))
    assert (await sb.next_message(community.auntie, timeout=10)).text == "电梯已经修好了"
    assert linli.services and await linli.services.outbox.flush(timeout=5)
    assert [s.text for s in sb.sent_to(community.auntie)].count("电梯已经修好了") == 1
    stored = await row(linli, outbox_id)
    assert stored.status == "sent" and stored.attempts == fault.get("times", 1) + 1


async def test_403_in_private_marks_undeliverable_and_answers_in_the_group(
    start_bot: StartLinli, sb: Sandbox, community: Community
) -> None:
    linli = await start_bot()
    await sb.add_bot(community.building, community.admin)
    await sb.next_message(community.building)
    post = await sb.send(community.neighbour, community.building, "楼道灯坏了")
    [outbox_id] = await queue(
        linli,
        text_message(
            community.neighbour.id,
            "收到您的投诉 #42",
            fallback="group_link",
            fallback_args={
                "group_chat_id": community.building.id,
                "start": "t42",
                "name": "赵师傅",
                "reply_to": post["message_id"],
            },
        ),
    )
    notice = await sb.next_message(community.building)
    assert "赵师傅" in notice.text and "还没有和我私聊" in notice.text
    assert "#42" not in notice.text  # the private text is not repeated in the group
    links = [e["url"] for e in notice.raw.get("entities", []) if e["type"] == "text_link"]
    assert "https://t.me/linli_sandbox_bot?start=t42" in links
    assert notice.reply_to_message_id == post["message_id"]
    stored = await row(linli, outbox_id)
    assert stored.status == "undeliverable" and "initiate" in (stored.last_error or "")
    assert linli.db
    async with linli.db.read() as tx:
        person = await tx.people.get(community.neighbour.id)
    assert person is not None and not person.private_chat_open


async def test_400_gives_up_with_a_logged_reason_and_the_chat_goes_on(
    start_bot: StartLinli, sb: Sandbox, community: Community, caplog: pytest.LogCaptureFixture
) -> None:
    linli = await start_bot()
    await opened(sb, community)
    caplog.set_level(logging.WARNING, logger="bot.outbox")
    bad, good = await queue(
        linli,
        text_message(community.auntie.id, "长" * 5000),
        text_message(community.auntie.id, "下一条消息"),
    )
    assert (await sb.next_message(community.auntie)).text == "下一条消息"
    assert linli.services and await linli.services.outbox.flush(timeout=5)  # recorded as sent
    stored = await row(linli, bad)
    assert stored.status == "failed" and "too long" in (stored.last_error or "").lower()
    assert (
        sum(
            1
            for method, params in sb.calls
            if method == "sendMessage" and params.get("text") == "长" * 5000
        )
        == 1
    )
    assert any("too long" in r.getMessage().lower() for r in caplog.records)
    assert (await row(linli, good)).status == "sent"


async def test_one_chats_messages_keep_their_order_through_retries(
    start_bot: StartLinli, sb: Sandbox, community: Community
) -> None:
    linli = await start_bot()
    await opened(sb, community)
    sb.faults.fail_next("sendMessage", status=500)
    await queue(linli, *[text_message(community.auntie.id, f"第{i}步") for i in range(1, 4)])
    got = [(await sb.next_message(community.auntie, timeout=10)).text for _ in range(3)]
    assert got == [f"第{i}步" for i in range(1, 4)]


async def test_a_dedupe_key_sends_at_most_once(
    start_bot: StartLinli, sb: Sandbox, community: Community
) -> None:
    linli = await start_bot()
    await opened(sb, community)
    once = text_message(community.auntie.id, "明早九点接待日", dedupe_key="reminder:1:auntie")
    assert len(await queue(linli, once)) == 1
    assert await queue(linli, once) == []
    await sb.next_message(community.auntie)
    assert linli.services and await linli.services.outbox.flush(timeout=5)
    assert [s.text for s in sb.sent_to(community.auntie)].count("明早九点接待日") == 1


async def test_a_rolled_back_change_sends_nothing(
    start_bot: StartLinli, sb: Sandbox, community: Community
) -> None:
    linli = await start_bot()
    await opened(sb, community)
    assert linli.db
    with pytest.raises(RuntimeError):
        async with linli.db.transaction() as tx:
            await tx.outbox.enqueue(text_message(community.auntie.id, "不该发出的消息"))
            raise RuntimeError("the change failed half-way")
    assert linli.services and await linli.services.outbox.flush(timeout=5)
    await sb.settle()
    assert "不该发出的消息" not in [s.text for s in sb.sent_to(community.auntie)]


async def test_pacing_keeps_within_flood_limits(
    start_bot: StartLinli, sb: Sandbox, community: Community
) -> None:
    # Telegram's limits on a shortened clock: 10/s overall, 3 per second in a group. The
    # pacer's margin is scaled with it: the default 0.1 s is meant for 60 s windows, and a
    # busy 2-core CI machine delays a request by more than that now and then (seen once).
    sb.flood.overall, sb.flood.per_group, sb.flood.group_period = 10, 3, 1.0
    pacer = FloodPacer(overall=10, per_group=3, group_period=1.0, margin=0.25)
    linli = await start_bot(pacer=pacer)
    await sb.add_bot(community.building, community.admin)
    await sb.next_message(community.building)
    sb.flood.enabled = True
    began = time.monotonic()
    await queue(linli, *[text_message(community.building.id, f"提醒{i}") for i in range(9)])
    for _ in range(9):
        await sb.next_message(community.building, timeout=10)
    assert sb.flood.refused == 0
    assert time.monotonic() - began >= 2.0  # 9 messages at 3 per second


async def test_without_pacing_the_sandbox_refuses_and_nothing_is_lost(
    start_bot: StartLinli, sb: Sandbox, community: Community
) -> None:
    sb.flood.overall, sb.flood.per_group, sb.flood.group_period = 10, 3, 1.0
    linli = await start_bot(pacer=FloodPacer(overall=1000, per_group=1000))
    await sb.add_bot(community.building, community.admin)
    await sb.next_message(community.building)
    sb.flood.enabled = True
    await queue(linli, *[text_message(community.building.id, f"提醒{i}") for i in range(6)])
    got = [(await sb.next_message(community.building, timeout=15)).text for _ in range(6)]
    assert sb.flood.refused >= 1  # the limits are real...
    assert got == [f"提醒{i}" for i in range(6)]  # ...and 429 only delays, in order
