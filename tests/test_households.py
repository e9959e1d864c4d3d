"""Households over the sandbox: /home with an address or through the question, confirmation
on a card when the community file asks for it, /homes for staff only, /home 删除."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from tests.conftest import Community, StartLinli
from tests.test_votes import FACADE, register

SHANGHAI = ZoneInfo("Asia/Shanghai")
VERIFY = "[households]\nverify = true\n"


def morning() -> ManualClock:
    return ManualClock(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI))


async def test_home_through_the_question_and_changed_and_removed(
    start_linli: StartLinli, community: Community
) -> None:
    sb, auntie = community.sb, community.auntie
    await start_linli(clock=morning(), loose=True)
    await sb.send(auntie, None, "/home")
    prompt = await sb.next_message(auntie, containing="楼号和门牌号")
    assert prompt.markup is not None and prompt.markup.get("force_reply")
    await sb.send(auntie, None, "３号楼５楼５０２室", reply_to=prompt.message_id)
    offer = await sb.next_message(auntie, containing="对吗")
    assert "3号楼502室" in offer.text
    await sb.press(auntie, offer, "不对，重新填")
    again = await sb.next_message(auntie, containing="楼号和门牌号")
    await sb.send(auntie, None, "3号楼2单元502", reply_to=again.message_id)
    offer = await sb.next_message(auntie, containing="对吗")
    await sb.press(auntie, offer, "对，就是这里")
    assert "3号楼2单元502室" in (await sb.wait_for_edit(offer, "已登记")).text
    # The old question is answered: a reply to it is an ordinary message now.
    await sb.send(auntie, None, "5号楼101", reply_to=prompt.message_id)
    assert "对吗" not in (await sb.next_message(auntie)).text
    await sb.send(auntie, None, "/home 3楼502")
    assert "楼号还是楼层" in (await sb.next_message(auntie)).text
    await sb.send(auntie, None, "/home 删除")
    assert "已删除" in (await sb.next_message(auntie)).text
    await sb.send(auntie, None, "/home 删除")
    assert "还没有登记" in (await sb.next_message(auntie)).text


async def test_an_address_is_never_taken_in_a_group(
    start_linli: StartLinli, community: Community
) -> None:
    sb = community.sb
    await start_linli(clock=morning(), loose=True)
    await sb.add_bot(community.building, community.admin)
    await sb.next_message(community.building)
    await sb.send(community.auntie, community.building, "/home 3号楼502")
    assert "私聊" in (await sb.next_message(community.building)).text
    await sb.send(community.auntie, community.building, "/homes 3号楼")
    await sb.settle()
    assert not [s for s in sb.sent_to(community.building) if "住户登记" in s.text]


async def test_staff_confirm_households_before_they_vote(
    start_linli: StartLinli, community: Community
) -> None:
    sb, c = community.sb, community
    await start_linli(clock=morning(), loose=True, rules=VERIFY)
    await register(sb, c.auntie, "3号楼502")
    card = await sb.next_message(c.committee, containing="住户登记待确认")
    assert "3号楼502室：王阿姨" in card.text
    await sb.send(c.staff, c.committee, FACADE)
    await sb.next_message(c.committee, containing="号投票")
    await sb.send(c.auntie, None, "/start vote_1")
    assert "等工作人员确认" in (await sb.next_message(c.auntie)).text
    # A resident cannot confirm themselves, even with the card's own data.
    answer = await sb.callback_answer(await sb.press(c.auntie, card, "确认"))
    assert "只有工作人员" in str(answer.get("text"))
    answer = await sb.callback_answer(await sb.press(c.staff, card, "确认"))
    assert answer.get("text") == "已确认"
    assert "已经确认" in (await sb.next_message(c.auntie, containing="确认")).text
    await sb.wait_for_edit(card, "已确认")
    await sb.send(c.auntie, None, "/start vote_1")
    assert (await sb.next_message(c.auntie, containing="请点一个选项")).buttons
    # /homes: counts per household, for staff only.
    await register(sb, c.neighbour, "3号楼502室")
    await sb.send(c.staff, c.committee, "/homes 3号楼")
    listing = (await sb.next_message(c.committee, containing="3号楼住户登记")).text
    assert "502室：2 人（1 人待确认）" in listing and "王阿姨" not in listing
    await sb.send(c.neighbour, None, "/homes 3号楼")
    assert "只有工作人员" in (await sb.next_message(c.neighbour)).text
