"""A street office's deployment: two communities (居民区) on one bot, each with its own staff,
groups, tickets, reviews, reception days and digest, and the street office's chat with the
digest of both. Staff of one community never see the other's tickets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from bot import texts
from bot.app import Linli
from bot.clock import ManualClock
from bot.community import RulesError
from sandbox import Sandbox, Sent
from sandbox.world import Chat, User
from tests.conftest import SHANGHAI, Community, StartLinli, stopped

RUMOUR = "紧急通知！内部消息，明天全小区停水三天，赶紧转发给家里人"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@dataclass
class Street:
    sb: Sandbox
    c: Community  # the default community: 社区工作群, 3号楼业主群, 张主任
    linli: Linli
    clock: ManualClock
    east_staff: User  # 刘主任, of 东一居民区's committee
    east_committee: Chat
    east_property: Chat  # 东一's property company's own chat
    east_worker: User  # 物业小周, a member of it
    east_group: Chat
    east_resident: User
    street_chat: Chat
    street_staff: User


@pytest.fixture
async def street(sb: Sandbox, community: Community, start_linli: StartLinli) -> Street:
    c = community
    east_staff = sb.add_user("刘主任")
    east_resident = sb.add_user("陈大爷")
    worker = sb.add_user("物业小周")
    street_staff = sb.add_user("街道王科长")
    east_committee = sb.add_group("东一居民区工作群", owner=c.admin, members=[east_staff])
    east_property = sb.add_group("东一物业群", owner=c.admin, members=[worker])
    street_chat = sb.add_group("街道工作群", owner=c.admin, members=[street_staff])
    for chat in (east_committee, east_property, street_chat):
        chat.members[sb.bot.id].status = "administrator"
    east_group = sb.add_group("东一12号楼", owner=east_staff, members=[east_resident, c.neighbour])
    rules = f"""
name = "西二居民区"

[[communities]]
code = "dongyi"
name = "东一居民区"
committee_chat = {east_committee.id}

[communities.party_chats]
"物业" = {east_property.id}

[communities.households]
count = 600
"""
    clock = ManualClock(at(2026, 12, 14, 9, 0))
    linli = await start_linli(
        clock=clock, rules=rules, loose=True, street_chat_id=street_chat.id, digest_time="08:00"
    )
    sb.join(c.building, c.admin)
    await sb.add_bot(c.building, c.staff)  # staff of the default community only: bound there
    await sb.next_message(c.building)
    await sb.add_bot(east_group, east_staff)
    await sb.next_message(east_group)
    return Street(
        sb,
        c,
        linli,
        clock,
        east_staff,
        east_committee,
        east_property,
        worker,
        east_group,
        east_resident,
        street_chat,
        street_staff,
    )


async def answer(sb: Sandbox, user: User, card: Sent, button: str) -> str:
    return str((await sb.callback_answer(await sb.press(user, card, button)))["text"])


async def test_a_complaint_goes_to_its_own_communitys_staff_only(street: Street) -> None:
    s, sb = street, street.sb
    await sb.send(s.east_resident, s.east_group, "#投诉 12号楼电梯坏了两天了")
    ack = await sb.next_message(s.east_group, containing="#1")
    assert "已登记为 #1" in ack.text
    card = await sb.next_message(s.east_property, containing="#1")  # 东一's property company
    assert "陈大爷" in card.text and "东一12号楼" in card.text
    await sb.settle()
    for elsewhere in (s.c.committee, s.east_committee, s.street_chat):
        assert not any("陈大爷" in m.text for m in sb.sent_to(elsewhere))
    # The default community's staff cannot look it up, nor see its reporter.
    await sb.send(s.c.staff, s.c.committee, "/ticket 1")
    assert (
        await sb.next_message(s.c.committee, containing=texts.TICKET_NOT_FOUND)
    ).text == texts.TICKET_NOT_FOUND
    await sb.send(s.c.staff, None, "/ticket 1")
    assert (await sb.next_message(s.c.staff)).text == texts.TICKET_NOT_FOUND
    await sb.send(s.east_staff, s.east_committee, "/ticket 1")
    assert "陈大爷" in (await sb.next_message(s.east_committee, containing="#1")).text
    # Its card works for its own people only: the property worker accepts it; the default
    # community's staff, pressing under it (as any client can), change nothing.
    sb.join(s.east_property, s.c.staff)
    assert await answer(sb, s.c.staff, card, texts.BTN_ACCEPT) == texts.ONLY_STAFF
    assert await answer(sb, s.east_worker, card, texts.BTN_ACCEPT) == texts.ANSWER_ACCEPTED


async def test_a_private_complaint_goes_to_the_community_of_the_residents_group(
    street: Street,
) -> None:
    s, sb = street, street.sb
    await sb.send(s.east_resident, s.east_group, "大家好，我是12号楼的")
    await sb.send(s.east_resident, None, "/complain 楼道里的灯坏了，晚上看不见")
    await sb.next_message(s.east_resident, containing="#1")
    card = await sb.next_message(s.east_property, containing="#1")
    assert "楼道" in card.text
    await sb.send(s.c.auntie, None, "/complain 3号楼门口的路灯不亮了")  # never wrote in a group
    await sb.next_message(s.c.auntie, containing="#2")
    assert "王阿姨" in (await sb.next_message(s.c.committee, containing="#2")).text


async def test_a_rumour_is_reviewed_by_its_own_communitys_moderators(street: Street) -> None:
    s, sb = street, street.sb
    await sb.send(s.c.neighbour, s.east_group, RUMOUR)
    card = await sb.next_message(s.east_committee, containing="待审核")
    await sb.settle()
    assert not any("待审核" in m.text for m in sb.sent_to(s.c.committee))
    # The default community's staff are not moderators here.
    assert await answer(sb, s.c.staff, card, "确认谣言") == texts.ONLY_MODERATORS
    assert await answer(sb, s.east_staff, card, "确认谣言") != texts.ONLY_MODERATORS
    assert await sb.next_message(s.east_group, containing="不实")


async def test_binding_a_group_asks_staff_of_several_communities_which(street: Street) -> None:
    s, sb = street, street.sb
    group = sb.add_group("东一5号楼", owner=s.c.admin, members=[s.east_resident])
    await sb.add_bot(group, s.c.admin)  # the admin is staff of both: it must say which
    which = await sb.next_message(group)
    assert (
        "/bind dongyi（东一居民区）" in which.text and "/bind default（西二居民区）" in which.text
    )
    await sb.send(s.c.admin, group, "/bind dongyi")
    assert "东一居民区的居民群" in (await sb.next_message(group)).text
    other = sb.add_group("西二8号楼", owner=s.east_staff, members=[s.c.staff])
    await sb.add_bot(other, s.east_staff)
    await sb.next_message(other)
    await sb.send(s.c.staff, other, "/unbind")  # not the default community's group
    assert (await sb.next_message(other)).text == texts.BIND_NOT_ALLOWED
    await sb.send(s.east_staff, other, "/bind default")  # not their community
    assert (await sb.next_message(other)).text == texts.BIND_NOT_YOURS.format(name="西二居民区")
    await sb.send(s.east_staff, other, "/bind dongyi")
    assert (await sb.next_message(other)).text == texts.ALREADY_BOUND


async def test_reception_days_and_digests_per_community_and_for_the_street(
    street: Street,
) -> None:
    s, sb = street, street.sb
    linli = s.linli
    assert linli.services
    await sb.send(
        s.east_staff, s.east_committee, "/reception add 每月15日 09:00-11:00 东一居委会 接待日"
    )
    assert "已添加" in (await sb.next_message(s.east_committee, containing="已添加")).text
    s.clock.set(at(2026, 12, 14, 19, 0))
    await linli.services.reception.tick()
    reminder = await sb.next_message(s.east_group, containing="接待日")
    assert "东一居委会" in reminder.text
    await sb.settle()
    assert not any("东一居委会" in m.text for m in sb.sent_to(s.c.building))
    # Residents of each community see their own reception days.
    await sb.send(s.c.auntie, s.c.building, "/reception")
    assert "东一居委会" not in (await sb.next_message(s.c.building)).text

    await sb.send(s.east_resident, s.east_group, "#投诉 12号楼电梯坏了两天了")
    await sb.next_message(s.east_group, containing="#1")
    card = await sb.next_message(s.east_property, containing="#1")
    assert await answer(sb, s.east_worker, card, texts.BTN_ACCEPT) == texts.ANSWER_ACCEPTED
    s.clock.set(at(2026, 12, 15, 8, 0))
    assert await linli.services.digest.tick()
    east = await sb.next_message(s.east_committee, containing="日报")
    assert "东一居民区日报" in east.text and "【新工单】1 件" in east.text
    west = await sb.next_message(s.c.committee, containing="日报")
    assert "西二居民区日报" in west.text and "【新工单】0 件" in west.text
    overview = await sb.next_message(s.street_chat, containing="街道日报")
    assert "东一居民区：新工单 1" in overview.text and "西二居民区：新工单 0" in overview.text
    assert "【合计 2 个社区】新工单 1" in overview.text
    # 三维四色 of each community's property company: 1 complaint in 600 households, accepted
    # within the day; the other community has nothing to judge yet.
    assert "【三维四色 · 物业（近 30 天）】" in overview.text
    assert "🟢绿 东一居民区 99 分 · 投诉 0.2 件/百户·月 · 响应 100%" in overview.text
    assert "⚪ 西二居民区 暂无数据" in overview.text
    assert not await linli.services.digest.tick()  # once a day each
    await sb.send(s.street_staff, s.street_chat, "/digest")
    assert "街道日报" in (await sb.next_message(s.street_chat)).text
    await sb.send(s.east_staff, None, "/digest")  # in private: their own community's
    mine = await sb.next_message(s.east_staff)
    assert "东一居民区日报" in mine.text


async def test_a_community_dropped_from_the_file_stops_the_bot_instead_of_orphaning_its_data(
    street: Street, start_linli: StartLinli
) -> None:
    await stopped(street.linli)
    with pytest.raises(RulesError) as info:  # the file lost 东一: its group would be nobody's
        await start_linli(rules='name = "西二居民区"\n', loose=True)
    assert "'dongyi'" in str(info.value)


async def test_one_communitys_rumour_decisions_hold_only_in_that_community(street: Street) -> None:
    s, sb = street, street.sb
    rumour = "听说下周小区要停水三天，大家赶紧转发告诉家里人"
    await sb.send(s.east_resident, s.east_group, rumour)
    card = await sb.next_message(s.east_committee, containing="待审核")
    assert await answer(sb, s.east_staff, card, "误报/放行") == texts.ANSWER_DONE
    await sb.settle()
    # 东一's 误报 does not let the same post through unreviewed in 西二's group.
    await sb.send(s.c.neighbour, s.c.building, rumour)
    card = await sb.next_message(s.c.committee, containing="待审核")
    assert "停水三天" in card.text
    # Nor does 东一's 确认 remove a post in 西二 without 西二's moderators.
    other = "网传：小区东门有人贩子抢孩子，大家转告"
    await sb.send(s.east_resident, s.east_group, other)
    card = await sb.next_message(s.east_committee, containing="待审核")
    assert await answer(sb, s.east_staff, card, "确认谣言") == texts.ANSWER_DONE
    await sb.next_message(s.east_group, containing="内容不实")
    await sb.send(s.c.neighbour, s.c.building, other)
    card = await sb.next_message(s.c.committee, containing="待审核")
    assert "人贩子" in card.text
    await sb.settle()
    assert not any("核实过" in m.text for m in sb.sent_to(s.c.building))
