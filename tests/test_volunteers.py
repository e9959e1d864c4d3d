"""Volunteers and 党员 claim residents' 微心愿 (issue 16, point 2), as they would in their chat:
the wish card without the resident's name, 认领 by a member, the details in private, 完成 and
the resident's rating; a wish left unclaimed is posted again; /volunteers for the committee."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.clock import ManualClock
from sandbox import Sandbox
from sandbox.world import Chat, User
from tests.conftest import Community, StartLinli
from tests.test_tickets import opened, tickets_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def answer(sb: Sandbox, user: User, sent: object, button: str) -> str:
    return str((await sb.callback_answer(await sb.press(user, sent, button)))["text"])  # type: ignore[arg-type]


@pytest.fixture
async def helpers(sb: Sandbox, community: Community) -> tuple[Chat, User, User]:
    """The volunteers' chat with two members: 党员小李 (who opened the bot) and 志愿者老周."""
    li = sb.add_user("党员小李")
    zhou = sb.add_user("志愿者老周")
    chat = sb.add_group("邻里志愿者群", owner=community.admin, members=[li, zhou])
    chat.members[sb.bot.id].status = "member"
    return chat, li, zhou


async def test_a_volunteer_claims_a_wish_and_the_resident_rates_it(
    sb: Sandbox,
    community: Community,
    start_linli: StartLinli,
    helpers: tuple[Chat, User, User],
) -> None:
    chat, li, zhou = helpers
    linli = await start_linli(volunteer_chat_id=chat.id)
    await opened(sb, community.auntie)
    await opened(sb, li)
    # 王阿姨 registered her home, then asks for a little help.
    await sb.send(community.auntie, None, "/home 3号楼502")
    offer = await sb.next_message(community.auntie, containing="对吗")
    await sb.press(community.auntie, offer, "对，就是这里")
    await sb.wait_for_edit(offer, "已登记")
    await sb.send(community.auntie, None, "/wish 想请人帮忙换一下厨房的灯泡，我够不着")
    await sb.next_message(community.auntie, containing="#1")
    staff_card = await sb.next_message(community.committee, containing="#1")
    card = await sb.next_message(chat, containing="微心愿 #1")
    assert "厨房的灯泡" in card.text and "3号楼" in card.text
    assert "王阿姨" not in card.text and "502" not in card.text and "tg://" not in str(card.raw)
    assert card.button_texts == ["认领"]
    # Someone outside the volunteers' chat cannot claim, even with the card's data.
    assert await answer(sb, community.neighbour, card, "认领") == texts.ONLY_VOLUNTEERS
    assert await answer(sb, li, card, "认领") == texts.ANSWER_VOLUNTEER_CLAIMED
    assert await answer(sb, zhou, card, "认领") == texts.VOLUNTEER_TAKEN
    await sb.wait_for_edit(card, "已由党员小李认领")
    details = await sb.next_message(li, containing="#1")
    assert "王阿姨" in details.text and "3号楼502室" in details.text
    assert f"tg://user?id={community.auntie.id}" in str(details.raw)
    told = await sb.next_message(community.auntie, containing="有人认领了")
    assert "党员小李" in told.text
    await sb.wait_for_edit(staff_card, "党员小李")
    # 完成 by the volunteer asks the resident to rate, as staff's does.
    assert await answer(sb, li, details, "完成") == texts.ANSWER_FINISHED
    rating = await sb.next_message(community.auntie, containing="评价")
    await sb.press(community.auntie, rating, "满意")
    await sb.wait_for_edit(staff_card, "满意")
    [ticket] = await tickets_of(linli)
    assert ticket.status == "rated" and ticket.by_volunteer and ticket.assignee_id == li.id
    # The committee sees who helped; residents never do.
    await sb.send(community.staff, community.committee, "/volunteers")
    figures = await sb.next_message(community.committee, containing="志愿服务")
    assert "党员小李：1 次" in figures.text
    await sb.send(community.auntie, None, "/volunteers")
    assert "只给社区工作人员" in (await sb.next_message(community.auntie)).text


async def test_a_volunteer_who_never_opened_the_bot_gets_the_link_and_then_the_details(
    sb: Sandbox,
    community: Community,
    start_linli: StartLinli,
    helpers: tuple[Chat, User, User],
) -> None:
    chat, _, zhou = helpers
    await start_linli(volunteer_chat_id=chat.id)
    await opened(sb, community.auntie)
    await sb.send(community.auntie, None, "/wish 想找人周末陪我去医院复查")
    card = await sb.next_message(chat, containing="微心愿 #1")
    await sb.press(zhou, card, "认领")
    link = await sb.next_message(chat, containing="私聊")
    assert "start=v1" in str(link.raw) and "医院" not in link.text
    await sb.send(zhou, None, "/start v1")
    details = await sb.next_message(zhou, containing="#1")
    assert "王阿姨" in details.text and details.button_texts == ["完成"]


async def test_an_unclaimed_wish_is_posted_again_to_the_volunteers(
    sb: Sandbox,
    community: Community,
    start_linli: StartLinli,
    helpers: tuple[Chat, User, User],
) -> None:
    chat, li, _ = helpers
    clock = ManualClock(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI))
    linli = await start_linli(clock=clock, volunteer_chat_id=chat.id)
    await opened(sb, community.auntie)
    await sb.send(community.auntie, None, "/wish 想请人教我用手机挂号")
    first = await sb.next_message(chat, containing="微心愿 #1")
    assert linli.services
    assert await linli.services.volunteers.tick() == 0
    clock.advance(timedelta(days=3, hours=1))
    assert await linli.services.volunteers.tick() == 1
    assert await linli.services.volunteers.tick() == 0  # not again at once
    again = await sb.next_message(chat, containing="微心愿 #1")
    assert again.message_id != first.message_id
    # Only the newest card claims it: the old one is no longer the wish's card.
    assert await answer(sb, li, first, "认领") == texts.UNKNOWN_BUTTON
    assert await answer(sb, li, again, "认领") == texts.ANSWER_VOLUNTEER_CLAIMED


async def test_a_wish_staff_claim_is_marked_taken_in_the_volunteers_chat(
    sb: Sandbox,
    community: Community,
    start_linli: StartLinli,
    helpers: tuple[Chat, User, User],
) -> None:
    chat, li, _ = helpers
    await start_linli(volunteer_chat_id=chat.id)
    await opened(sb, community.auntie)
    await sb.send(community.auntie, None, "/wish 想请人帮忙搬一下旧衣柜")
    card = await sb.next_message(chat, containing="微心愿 #1")
    staff_card = await sb.next_message(community.committee, containing="#1")
    await sb.press(community.staff, staff_card, "认领")
    taken = await sb.wait_for_edit(card, "已由社区工作人员认领")
    assert taken.buttons == []
    assert await answer(sb, li, card, "认领") == texts.VOLUNTEER_TAKEN
