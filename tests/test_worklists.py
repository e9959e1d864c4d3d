"""Staff's worklists (/open), cards posted again, /help in a staff chat: as staff use them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import commands
from bot.app import Linli
from bot.clock import ManualClock
from sandbox import Sandbox, Sent
from sandbox.world import Chat, Member, User
from tests.conftest import Community, StartLinli

SHANGHAI = ZoneInfo("Asia/Shanghai")
MANY = "[limits]\nrequests_per_hour = 100\n"


async def opened(sb: Sandbox, user: User) -> None:
    await sb.send(user, None, "/start")
    await sb.next_message(user)


async def file(sb: Sandbox, c: Community, text: str, card_chat: Chat | None = None) -> Sent:
    """A complaint from 王阿姨 in private; its card, in `card_chat` (the committee's)."""
    await sb.send(c.auntie, None, f"/complain {text}")
    await sb.next_message(c.auntie, containing="#")
    return await sb.next_message(card_chat or c.committee, containing=text[:4])


@pytest.fixture
async def office(
    sb: Sandbox, community: Community, start_linli: StartLinli
) -> tuple[Linli, ManualClock, Chat]:
    """A Monday morning; 物业 has its own chat (张主任 and 钱经理 in it)."""
    clock = ManualClock(datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI))
    property_chat = sb.add_group("物业客服群", owner=community.admin, members=[community.staff])
    property_chat.members[sb.bot.id].status = "member"
    property_chat.members[sb.add_user("钱经理").id] = Member("member")
    bot = await start_linli(
        clock=clock, loose=True, rules=MANY + f'[party_chats]\n"物业" = {property_chat.id}\n'
    )
    await opened(sb, community.auntie)
    return bot, clock, property_chat


async def test_open_lists_a_partys_tickets_in_its_chat_and_every_partys_in_the_committee_chat(
    office: tuple[Linli, ManualClock, Chat], community: Community
) -> None:
    _, clock, property_chat = office
    c, sb = community, community.sb
    await file(sb, c, "楼上装修太吵")  # 居委会, 3 working days
    lift = await file(sb, c, "电梯坏了", property_chat)  # 物业, 2 working days
    await file(sb, c, "墙角渗水", property_chat)  # 物业 (漏水), 2 working days
    await sb.press(c.staff, lift, "受理")
    await sb.wait_for_edit(lift, "处理中")
    clock.advance(timedelta(days=2, hours=23))  # Thursday 08:00: 电梯 and 漏水 overdue

    await sb.send(c.staff, property_chat, "/open")
    listing = await sb.next_message(property_chat)
    lines = listing.text.splitlines()
    assert lines[0].startswith("物业未办结的工单（2 件）")
    assert lines[1].startswith("⏰#2 电梯 · 物业 · 处理中（张主任） · 2天")
    assert lines[2].startswith("⏰#3 漏水 · 物业 · 待受理")
    assert "#1" not in listing.text and "装修" not in listing.text  # 居委会's, not theirs
    assert listing.button_texts == ["#2", "#3"]

    await sb.send(c.staff, c.committee, "/open")
    everything = await sb.next_message(c.committee)
    assert everything.text.startswith("未办结的工单（3 件）")
    assert everything.text.index("#2") < everything.text.index("#3") < everything.text.index("#1")
    assert "⏰#1" not in everything.text  # not overdue yet

    await sb.send(c.staff, c.committee, "/open mine")
    mine = await sb.next_message(c.committee)
    assert mine.text.startswith("我经手的未办结工单（1 件）") and mine.button_texts == ["#2"]


async def test_open_is_for_staff_chats_only(
    office: tuple[Linli, ManualClock, Chat], community: Community
) -> None:
    _, _, property_chat = office
    c, sb = community, community.sb
    await sb.add_bot(c.building, c.admin, admin=True)
    await sb.next_message(c.building)
    await file(sb, c, "电梯坏了", property_chat)
    await sb.send(c.staff, c.building, "/open")  # a residents' group: not a word of tickets
    await sb.send(c.staff, None, "/open")
    assert "请在工作群里用" in (await sb.next_message(c.staff)).text
    await sb.settle()
    assert [s.text for s in sb.sent_to(c.building) if "电梯" in s.text] == []


async def test_a_long_list_pages_and_each_page_fits_one_message(
    office: tuple[Linli, ManualClock, Chat], community: Community
) -> None:
    c, sb = community, community.sb
    for i in range(12):
        await file(sb, c, f"楼道第{i + 1}层太吵")
    await sb.send(c.staff, c.committee, "/open")
    first = await sb.next_message(c.committee)
    assert "第 1/2 页" in first.text
    assert first.button_texts == [f"#{n}" for n in range(1, 11)] + ["下一页"]
    answer = await sb.callback_answer(await sb.press(c.staff, first, "下一页"))
    assert answer["text"] == "第 2 页"
    second = await sb.wait_for_edit(first, "第 2/2 页")
    assert second.button_texts == ["#11", "#12", "上一页"]
    assert "#1 " not in second.text and "#12" in second.text
    await sb.press(c.staff, second, "上一页")
    await sb.wait_for_edit(first, "第 1/2 页")


async def test_a_forged_page_press_on_a_card_changes_nothing(
    office: tuple[Linli, ManualClock, Chat], community: Community
) -> None:
    c, sb = community, community.sb
    card = await file(sb, c, "楼上装修太吵")
    answer = await sb.callback_answer(await sb.press_data(c.staff, card, "wl:2:all"))
    assert "失效" in answer["text"]
    await sb.settle()
    assert sb.edited(c.committee, card.message_id).text == card.text


async def test_a_card_is_posted_again_from_the_list_and_the_new_one_works(
    office: tuple[Linli, ManualClock, Chat], community: Community
) -> None:
    linli, _, property_chat = office
    c, sb = community, community.sb
    old = await file(sb, c, "电梯坏了", property_chat)
    await sb.send(c.staff, c.committee, "/open")
    listing = await sb.next_message(c.committee)
    answer = await sb.callback_answer(await sb.press(c.staff, listing, "#1"))
    assert answer["text"] == "卡片已重新发出"
    new = await sb.next_message(c.committee, containing="电梯坏了")
    assert "#1" in new.text and new.button_texts == ["受理", "转派", "不予受理"]
    gone = await sb.wait_for_edit(old, "已重新发出")
    assert gone.button_texts == []
    stale = await sb.callback_answer(await sb.press_data(c.staff, old, old.button_data("受理")))
    assert "失效" in stale["text"]
    await sb.press(c.staff, new, "受理")
    await sb.wait_for_edit(new, "处理中")
    assert linli.db
    async with linli.db.read() as tx:
        ticket = await tx.tickets.get(1)
    assert ticket is not None and ticket.card_chat_id == c.committee.id


async def test_only_staff_who_may_handle_it_there_can_post_a_card_again(
    office: tuple[Linli, ManualClock, Chat], community: Community
) -> None:
    _, _, property_chat = office
    c, sb = community, community.sb
    await file(sb, c, "楼上装修太吵")  # 居委会's: not for the property company's chat
    await sb.send(c.staff, c.committee, "/open")
    listing = await sb.next_message(c.committee)
    data = listing.button_data("#1")
    assert data is not None
    await sb.send(c.staff, property_chat, "/help")
    here = await sb.next_message(property_chat)
    answer = await sb.callback_answer(await sb.press_data(c.staff, here, data))
    assert "只有社区工作人员" in answer["text"]
    await sb.settle()
    assert not [s for s in sb.sent_to(property_chat) if "装修" in s.text]


async def test_ticket_n_offers_to_post_a_lost_card_again(
    office: tuple[Linli, ManualClock, Chat], community: Community
) -> None:
    c, sb = community, community.sb
    await file(sb, c, "楼上装修太吵")
    await sb.send(c.staff, c.committee, "/ticket 1")
    view = await sb.next_message(c.committee)
    assert "装修" in view.text and view.button_texts == ["重新发卡片"]
    await sb.press(c.staff, view, "重新发卡片")
    again = await sb.next_message(c.committee, containing="楼上装修太吵")
    assert again.button_texts[0] == "受理"
    await sb.send(c.auntie, None, "/ticket 1")  # the reporter: her view, no staff button
    assert (await sb.next_message(c.auntie)).button_texts == []


async def test_help_in_a_staff_chat_shows_the_staff_commands(
    office: tuple[Linli, ManualClock, Chat], community: Community
) -> None:
    c, sb = community, community.sb
    await sb.send(c.staff, c.committee, "/help")
    help_text = (await sb.next_message(c.committee)).text
    assert "/open" in help_text and "/open mine" in help_text and "/ticket 42" in help_text
    assert "open" in [name for name, _ in commands.STAFF_CHAT]  # the staff command menu


# Cards say what happened -----------------------------------------------------------------------


async def test_a_forwarded_card_says_who_forwarded_it_and_why(
    office: tuple[Linli, ManualClock, Chat], community: Community
) -> None:
    _, _, property_chat = office
    c, sb = community, community.sb
    card = await file(sb, c, "楼上装修太吵")  # 居委会's, in the committee chat
    answer = await sb.callback_answer(await sb.press(c.staff, card, "转派"))
    assert answer["text"] == "请选择转派给谁"
    choosing = await sb.wait_for_edit(card, "请选择转派给")
    answer = await sb.callback_answer(await sb.press(c.staff, choosing, "物业"))
    assert answer["text"] == "已转派给物业，可回复写原因"
    moved = await sb.next_message(property_chat, containing="楼上装修太吵")
    assert "↪️ 张主任从居委会转派过来" in moved.text and moved.button_texts[0] == "受理"
    await sb.wait_for_edit(card, "张主任已转派给物业")
    ask = await sb.next_message(c.committee, containing="转派原因")
    assert ask.markup and ask.markup["force_reply"] is True
    await sb.send(c.staff, c.committee, "其实是楼上空调外机在响", reply_to=ask.message_id)
    said = await sb.wait_for_edit(moved, "原因：其实是楼上空调外机在响")
    assert "张主任从居委会转派过来" in said.text
    assert "已写明转派原因" in (await sb.next_message(c.committee, containing="#1")).text


async def test_the_toast_after_reject_asks_for_the_reason(
    office: tuple[Linli, ManualClock, Chat], community: Community
) -> None:
    c, sb = community, community.sb
    card = await file(sb, c, "想让小区多建一个游泳池")
    answer = await sb.callback_answer(await sb.press(c.staff, card, "不予受理"))
    assert answer["text"] == "请回复原因"
