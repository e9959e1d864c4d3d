"""Deadlines as staff live them: a reminder before a ticket falls due, then the escalation
ladder (the card's chat and the committee, later the street office), one message per chat."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import Linli
from bot.clock import ManualClock
from sandbox import Sandbox, Sent
from sandbox.world import Chat, User
from tests.conftest import Community, StartLinli

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)
MANY = "[limits]\nrequests_per_hour = 100\n"


async def opened(sb: Sandbox, user: User) -> None:
    await sb.send(user, None, "/start")
    await sb.next_message(user)


async def file(sb: Sandbox, c: Community, text: str, card_chat: Chat) -> Sent:
    await sb.send(c.auntie, None, f"/complain {text}")
    await sb.next_message(c.auntie, containing="#")
    return await sb.next_message(card_chat, containing=text[:4])


async def tick(linli: Linli) -> int:
    assert linli.services
    raised = await linli.services.tickets.escalate_overdue()
    assert await linli.services.outbox.flush(timeout=5)
    return raised


def alerts(sb: Sandbox, chat: Chat) -> list[Sent]:
    return [s for s in sb.sent_to(chat) if s.text.startswith(("⏳", "⏰", "🚩"))]


@pytest.fixture
def chats(sb: Sandbox, community: Community) -> tuple[Chat, Chat]:
    property_chat = sb.add_group("物业客服群", owner=community.admin, members=[community.staff])
    property_chat.members[sb.bot.id].status = "member"
    street = sb.add_group("街道问题直通车", owner=community.admin)
    street.members[sb.bot.id].status = "member"
    return property_chat, street


async def start(
    start_linli: StartLinli, sb: Sandbox, c: Community, chats: tuple[Chat, Chat], extra: str = ""
) -> tuple[Linli, ManualClock]:
    property_chat, street = chats
    clock = ManualClock(MONDAY)
    bot = await start_linli(
        clock=clock,
        loose=True,
        street_chat_id=street.id,
        rules=MANY + extra + f'[party_chats]\n"物业" = {property_chat.id}\n',
    )
    await opened(sb, c.auntie)
    return bot, clock


async def test_the_cards_chat_is_reminded_before_the_ticket_falls_due(
    start_linli: StartLinli, community: Community, chats: tuple[Chat, Chat]
) -> None:
    c, sb = community, community.sb
    property_chat, _ = chats
    linli, clock = await start(start_linli, sb, c, chats)
    await file(sb, c, "电梯坏了", property_chat)  # 电梯: due Wednesday 09:00
    clock.set(datetime(2026, 12, 2, 4, 59, tzinfo=SHANGHAI))
    await tick(linli)
    assert alerts(sb, property_chat) == []
    clock.advance(timedelta(minutes=1))  # four hours before
    await tick(linli)
    await tick(linli)
    [soon] = alerts(sb, property_chat)
    assert soon.text.startswith("⏳ 快到期了（1 件）")
    assert "#1 电梯 · 物业 · 待受理（还没人接）" in soon.text
    assert "「电梯坏了」" in soon.text and "期限 12月2日 09:00" in soon.text
    assert alerts(sb, c.committee) == []  # a reminder is for those who handle it


async def test_overdue_reaches_the_cards_chat_and_the_committee_with_text_assignee_and_age(
    start_linli: StartLinli, community: Community, chats: tuple[Chat, Chat]
) -> None:
    c, sb = community, community.sb
    property_chat, _ = chats
    linli, clock = await start(start_linli, sb, c, chats)
    card = await file(sb, c, "电梯坏了，" + "按钮失灵，" * 30, property_chat)
    await sb.press(c.staff, card, "受理")
    await sb.wait_for_edit(card, "处理中")
    clock.set(datetime(2026, 12, 2, 15, 0, tzinfo=SHANGHAI))  # six hours late
    assert await tick(linli) == 1
    assert await tick(linli) == 0
    for chat in (property_chat, c.committee):
        [late] = [s for s in alerts(sb, chat) if "超时提醒" in s.text]
        assert late.text.startswith("⏰ 超时提醒（1 件）")
        assert "#1 电梯 · 物业 · 处理中（张主任）" in late.text
        assert "提交已2天，已超时6小时" in late.text
        assert "「电梯坏了，按钮失灵" in late.text and "…」" in late.text  # shortened
    await sb.wait_for_edit(card, "已超时")


async def test_the_ladder_reaches_the_street_office_three_working_days_later_once(
    start_linli: StartLinli, community: Community, chats: tuple[Chat, Chat]
) -> None:
    c, sb = community, community.sb
    property_chat, street = chats
    linli, clock = await start(start_linli, sb, c, chats)
    await file(sb, c, "电梯坏了", property_chat)
    clock.set(datetime(2026, 12, 2, 9, 1, tzinfo=SHANGHAI))
    assert await tick(linli) == 1
    assert not [s for s in sb.sent_to(street) if "问题直通车" in s.text]
    clock.set(datetime(2026, 12, 7, 8, 59, tzinfo=SHANGHAI))  # Thu, Fri, Mon: not yet
    assert await tick(linli) == 0
    clock.advance(timedelta(minutes=2))
    assert await tick(linli) == 1
    [through] = [s for s in sb.sent_to(street) if "问题直通车" in s.text]
    assert "#1 电梯 · 物业" in through.text and "「电梯坏了」" in through.text
    assert "第2次提醒" in [s for s in alerts(sb, c.committee)][-1].text
    assert "第2次提醒" in alerts(sb, property_chat)[-1].text
    clock.advance(timedelta(days=10))
    assert await tick(linli) == 0  # the ladder has two steps: no third
    assert len([s for s in sb.sent_to(street) if "问题直通车" in s.text]) == 1


async def test_nine_overdue_tickets_after_a_holiday_are_one_message_per_chat(
    start_linli: StartLinli, community: Community, chats: tuple[Chat, Chat]
) -> None:
    c, sb = community, community.sb
    property_chat, _ = chats
    linli, clock = await start(start_linli, sb, c, chats)
    for i in range(9):
        await file(sb, c, f"{i + 1}号楼电梯坏了", property_chat)
    clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI))
    assert await tick(linli) == 9
    for chat in (property_chat, c.committee):
        [late] = alerts(sb, chat)
        assert late.text.startswith("⏰ 超时提醒（9 件）")
        assert all(f"#{n} " in late.text for n in range(1, 10))


async def test_a_step_taken_is_not_taken_again_after_a_restart(
    start_linli: StartLinli, community: Community, chats: tuple[Chat, Chat]
) -> None:
    c, sb = community, community.sb
    property_chat, _ = chats
    linli, clock = await start(start_linli, sb, c, chats)
    await file(sb, c, "电梯坏了", property_chat)
    clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI))
    assert await tick(linli) == 1
    await linli.stop()
    again, again_clock = await start(start_linli, sb, c, chats)
    again_clock.set(datetime(2026, 12, 2, 10, 30, tzinfo=SHANGHAI))
    assert await tick(again) == 0
    assert len(alerts(sb, c.committee)) == 1 and len(alerts(sb, property_chat)) == 1


async def test_the_community_file_sets_the_ladder_and_the_reminder(
    start_linli: StartLinli, community: Community, chats: tuple[Chat, Chat]
) -> None:
    c, sb = community, community.sb
    property_chat, _ = chats
    rules = (
        "[deadlines]\nremind_before_hours = 0\n"
        'ladder = [{ after_working_days = 1, to = ["committee"] }]\n'
    )
    linli, clock = await start(start_linli, sb, c, chats, rules)
    await file(sb, c, "电梯坏了", property_chat)
    clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=SHANGHAI))
    assert await tick(linli) == 0  # no reminder
    clock.set(datetime(2026, 12, 2, 12, 0, tzinfo=SHANGHAI))
    assert await tick(linli) == 1  # overdue (the card says so), the first step a day later
    assert alerts(sb, c.committee) == []
    clock.set(datetime(2026, 12, 3, 9, 30, tzinfo=SHANGHAI))
    assert await tick(linli) == 1
    assert await tick(linli) == 0
    assert len(alerts(sb, c.committee)) == 1 and alerts(sb, property_chat) == []
