"""The features added with issues 13-16, attacked as a hostile resident, a curious volunteer
or a party's worker outside their scope would: forged 补充 / 不满意-why / volunteer / undo /
unmute presses, replies to other people's prompts and cards, notes that fall back to the
group, and posts that join (or leave) a rumour's review card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.app import Linli
from bot.buttons import (
    AddButton,
    ReviewButton,
    UnmuteButton,
    VolunteerButton,
    VolunteerDoneButton,
    WhyButton,
)
from bot.clock import ManualClock
from sandbox import Sandbox, Sent
from sandbox.world import Chat, Member, User
from storage.models import Ticket
from tests.conftest import Community, StartLinli

SHANGHAI = ZoneInfo("Asia/Shanghai")
GONE = texts.UNKNOWN_BUTTON
RUMOUR = "紧急通知！内部消息，明天全小区停水三天，赶紧转发给家里人"
AD = "兼职刷单，日结工资，加微信 138 1234 5678 详聊"


@dataclass
class Hood:
    sb: Sandbox
    c: Community
    linli: Linli
    clock: ManualClock
    property_chat: Chat  # 物业's chat
    worker: User  # 钱经理, in 物业's chat only
    helpers: Chat  # the volunteers' chat
    li: User  # 党员小李, a volunteer who opened the bot
    zhou: User  # 志愿者老周, a volunteer who opened the bot
    mods: Chat  # the moderators' chat
    moderator: User  # 陈管理
    annex: Chat  # 5号楼业主群, a second resident group (bot an admin)
    stranger: User  # 孙大爷, a resident with no part in anything


@pytest.fixture
async def hood(sb: Sandbox, community: Community, start_linli: StartLinli) -> Hood:
    c = community
    worker = sb.add_user("钱经理")
    property_chat = sb.add_group("物业客服群", owner=c.admin, members=[worker])
    property_chat.members[sb.bot.id] = Member("member")
    li, zhou = sb.add_user("党员小李"), sb.add_user("志愿者老周")
    helpers = sb.add_group("邻里志愿者群", owner=c.admin, members=[li, zhou])
    helpers.members[sb.bot.id].status = "member"
    moderator = sb.add_user("陈管理")
    mods = sb.add_group("群管理员审核群", owner=c.admin, members=[moderator])
    mods.members[sb.bot.id].status = "member"
    stranger = sb.add_user("孙大爷")
    annex = sb.add_group("5号楼业主群", owner=c.admin, members=[c.auntie, c.neighbour, stranger])
    sb.join(c.building, stranger)
    sb.join(c.building, li)
    clock = ManualClock(datetime(2026, 11, 24, 7, 0, tzinfo=SHANGHAI))
    linli = await start_linli(
        clock=clock,
        loose=True,
        volunteer_chat_id=helpers.id,
        moderator_chat_id=mods.id,
        rules=f'[party_chats]\n"物业" = {property_chat.id}\n\n[screening]\nmute_after_ads = 2\n',
    )
    for group in (c.building, annex):
        await sb.add_bot(group, c.admin, admin=True)
        await sb.next_message(group)
    for user in (c.auntie, li, zhou, stranger):
        await opened(sb, user)
    return Hood(
        sb,
        c,
        linli,
        clock,
        property_chat,
        worker,
        helpers,
        li,
        zhou,
        mods,
        moderator,
        annex,
        stranger,
    )


async def opened(sb: Sandbox, user: User) -> Sent:
    await sb.send(user, None, "/start")
    return await sb.next_message(user)


async def ticket(linli: Linli, number: int) -> Ticket | None:
    assert linli.db
    async with linli.db.read() as tx:
        return await tx.tickets.get(number)


async def answer(sb: Sandbox, user: User, under: Sent, data: str) -> str:
    return str((await sb.callback_answer(await sb.press_data(user, under, data)))["text"])


async def flushed(hood: Hood) -> None:
    await hood.sb.settle()
    assert hood.linli.services and await hood.linli.services.outbox.flush(timeout=10)


def texts_in(sb: Sandbox, chat: Chat | User) -> list[str]:
    return [s.text for s in sb.sent_to(chat)]


def is_visible(sb: Sandbox, chat: Chat, message_id: int) -> bool:
    return any(m.message_id == message_id for m in sb.visible(chat))


async def post(sb: Sandbox, user: User, chat: Chat, text: str, **extra: object) -> int:
    return int((await sb.send(user, chat, text, **extra))["message_id"])  # type: ignore[arg-type]


# 1. 补充, replies to the acknowledgement, 不满意's why ----------------------------------------


async def test_a_neighbours_forged_add_button_joins_nothing_to_her_ticket(hood: Hood) -> None:
    sb, c = hood.sb, hood.c
    await sb.send(c.auntie, None, "/complain 楼下有人遛狗不拴绳，吓到孩子")
    await sb.next_message(c.auntie, containing="#1")
    await sb.next_message(c.committee, containing="#1")
    menu = sb.sent_to(hood.stranger)[-1]  # his own private chat: the family's scope holds
    assert await answer(sb, hood.stranger, menu, AddButton(1).pack()) == texts.NOT_YOURS
    await sb.send(hood.stranger, None, "别修了，她骗人的")
    await flushed(hood)
    assert not any("居民补充" in t or "骗人" in t for t in texts_in(sb, c.committee))
    assert not any("骗人" in t for t in texts_in(sb, c.auntie))
    assert (await ticket(hood.linli, 1)).attachments == ()  # type: ignore[union-attr]


async def test_a_forged_why_button_tells_the_committee_nothing(hood: Hood) -> None:
    sb, c = hood.sb, hood.c
    await sb.send(c.auntie, None, "/complain 楼下有人遛狗不拴绳")
    await sb.next_message(c.auntie, containing="#1")
    card = await sb.next_message(c.committee, containing="#1")
    await sb.press(c.staff, card, "受理")
    await sb.press(c.staff, await sb.wait_for_edit(card, "处理中"), "完成")
    question = await sb.next_message(c.auntie, containing="评价")
    menu = sb.sent_to(hood.stranger)[-1]
    # A stranger, and the reporter herself before she said 不满意: neither is asked why.
    assert await answer(sb, hood.stranger, menu, WhyButton("manner", 1).pack()) == texts.NOT_YOURS
    assert await answer(sb, c.auntie, question, WhyButton("slow", 1).pack()) == texts.DRAFT_GONE
    await flushed(hood)
    assert not any("不满意" in t for t in texts_in(sb, c.committee))
    assert (await ticket(hood.linli, 1)).status == "done"  # type: ignore[union-attr]


async def test_a_reply_to_the_groups_acknowledgement_reaches_neither_staff_nor_her(
    hood: Hood,
) -> None:
    sb, c = hood.sb, hood.c
    await sb.send(c.auntie, c.building, "#报修 3号楼电梯异响")
    ack = await sb.next_message(c.building, containing="#1")
    await sb.next_message(hood.property_chat, containing="#1")
    before = {chat.id: len(sb.sent_to(chat)) for chat in (c.committee, hood.property_chat)}
    await sb.send(hood.stranger, c.building, "别理她，电梯好得很", reply_to=ack.message_id)
    await sb.send(hood.stranger, c.building, voice_seconds=4, reply_to=ack.message_id)
    await flushed(hood)
    after = {chat.id: len(sb.sent_to(chat)) for chat in (c.committee, hood.property_chat)}
    assert after == before
    assert not any("好得很" in t for t in texts_in(sb, c.auntie))
    assert (await ticket(hood.linli, 1)).attachments == ()  # type: ignore[union-attr]
    assert await ticket(hood.linli, 2) is None


async def test_a_reply_to_someone_elses_prompt_in_the_group_files_nothing(hood: Hood) -> None:
    sb, c = hood.sb, hood.c
    await sb.send(c.auntie, c.building, "#投诉")
    prompt = await sb.next_message(c.building, containing="后面写上")
    # Someone else answers her prompt, in words and in a voice note: neither is filed, as
    # hers or as his.
    await sb.send(hood.stranger, c.building, "物业经理贪污", reply_to=prompt.message_id)
    await sb.send(hood.stranger, c.building, voice_seconds=9, reply_to=prompt.message_id)
    await flushed(hood)
    assert await ticket(hood.linli, 1) is None
    # The same prompt's id quoted in the other group is not the prompt either.
    await sb.send(c.auntie, hood.annex, "楼道里堆满了杂物")
    last = sb.sent_to(hood.annex)[-1]
    await sb.send(c.auntie, hood.annex, "楼道里堆满了杂物", reply_to=last.message_id)
    await flushed(hood)
    assert await ticket(hood.linli, 1) is None
    # Her own answer is hers.
    await sb.send(c.auntie, c.building, "楼道里堆满了杂物", reply_to=prompt.message_id)
    await sb.next_message(c.building, containing="#1")
    filed = await ticket(hood.linli, 1)
    assert filed is not None and filed.reporter_id == c.auntie.id and "杂物" in filed.text


# 2. notes: who may write one, who reads it, what the group sees -------------------------------


async def test_a_note_refused_in_private_puts_only_the_number_in_the_group(hood: Hood) -> None:
    sb, c = hood.sb, hood.c  # 赵师傅 never opened the bot
    await sb.send(c.neighbour, c.building, "#投诉 楼下有人遛狗不拴绳，吓到孩子")
    await sb.next_message(c.building, containing="#1")
    card = await sb.next_message(c.committee, containing="#1")
    await sb.press(c.staff, card, "受理")
    await sb.wait_for_edit(card, "处理中")
    note = "赵师傅您好，明早9点到3号楼602找您，有事打我电话13912345678"
    await sb.send(c.staff, c.committee, note, reply_to=card.message_id)
    await sb.next_message(c.committee, containing=texts.NOTE_SENT)
    line = await sb.next_message(c.building, containing="有新进展")
    await flushed(hood)
    assert "#1" in line.text and "start=t1" in str(line.raw)
    group = " ".join(texts_in(sb, c.building))
    assert "602" not in group and "13912345678" not in group and "遛狗" not in group


async def test_a_reply_to_a_card_by_another_partys_worker_reaches_no_resident(
    hood: Hood,
) -> None:
    sb, c, worker = hood.sb, hood.c, hood.worker
    await sb.send(c.auntie, c.building, "#报修 3号楼电梯异响")  # 物业's
    await sb.next_message(c.building, containing="#1")
    card = await sb.next_message(hood.property_chat, containing="#1")
    # He moves it to 居委会 himself: the card in 物业's chat is no longer its card.
    await sb.press(worker, card, "转派")
    await sb.press(worker, await sb.wait_for_edit(card, "请选择转派给"), "居委会")
    await sb.next_message(c.committee, containing="#1")
    await flushed(hood)
    heard = len(sb.sent_to(c.auntie))
    await sb.send(worker, hood.property_chat, "已经修好了，别再投诉了", reply_to=card.message_id)
    await sb.send(worker, hood.property_chat, "完成", reply_to=card.message_id)
    await flushed(hood)
    assert len(sb.sent_to(c.auntie)) == heard
    assert not any("别再投诉" in t for t in texts_in(sb, c.building))
    t = await ticket(hood.linli, 1)
    assert t is not None and t.party == "residents" and t.status != "done" and t.last_note is None


async def test_a_note_written_to_the_reporter_does_not_go_to_strangers_who_plus_oned(
    hood: Hood,
) -> None:
    """A staff member answering the card writes to 王阿姨 (the card says "居民会收到"); a
    neighbour who only pressed +1 should hear of progress, not read her door number."""
    sb, c = hood.sb, hood.c
    await sb.send(c.auntie, c.building, "#投诉 3号楼电梯坏了一周")
    await sb.next_message(c.building, containing="#1")
    card = await sb.next_message(hood.property_chat, containing="#1")
    await sb.send(hood.stranger, None, "/complain 3号楼电梯又坏了，一周了")
    offer = await sb.next_message(hood.stranger, containing="+1")
    await sb.press(hood.stranger, offer, "+1 到 #1")
    await sb.next_message(hood.stranger, containing="#1")
    # /ticket 1 for the follower: the public steps, never who reported it.
    await sb.send(hood.stranger, None, "/ticket 1")
    view = await sb.next_message(hood.stranger, containing="#1")
    assert "王阿姨" not in view.text
    await sb.press(hood.worker, await sb.wait_for_edit(card, "+1"), "受理")
    await sb.wait_for_edit(card, "处理中")
    await sb.send(
        hood.worker,
        hood.property_chat,
        "王阿姨，明天上午到您家3号楼502看看",
        reply_to=card.message_id,
    )
    await sb.next_message(c.auntie, containing="进展")
    await flushed(hood)
    assert not any("502" in t for t in texts_in(sb, hood.stranger))


# 3. volunteers ---------------------------------------------------------------------------------


async def wish_card(hood: Hood) -> Sent:
    sb, c = hood.sb, hood.c
    await sb.send(c.auntie, c.building, "#微心愿 想请人帮忙换一下厨房的灯泡，我够不着")
    await sb.next_message(c.building, containing="#1")
    return await sb.next_message(hood.helpers, containing="微心愿 #1")


async def test_a_volunteers_forged_claim_counts_only_on_the_wish_card(hood: Hood) -> None:
    sb, c = hood.sb, hood.c
    card = await wish_card(hood)
    assert "王阿姨" not in card.text and "tg://" not in str(card.raw)
    data = VolunteerButton(1).pack()
    # A volunteer, with the card's data under another bot message in the volunteers' chat,
    # and under a bot message in a resident group they are in.
    await sb.send(hood.li, hood.helpers, "/id")
    other = await sb.next_message(hood.helpers)
    assert await answer(sb, hood.li, other, data) == GONE
    welcome = sb.sent_to(c.building)[0]
    assert await answer(sb, hood.li, welcome, data) == GONE
    # A resident with the right data under the right card.
    assert await answer(sb, hood.stranger, card, data) in (texts.ONLY_VOLUNTEERS, GONE)
    await flushed(hood)
    assert (await ticket(hood.linli, 1)).status == "new"  # type: ignore[union-attr]
    assert not any("王阿姨" in t for t in texts_in(sb, hood.li))
    assert not any("王阿姨" in t for t in texts_in(sb, hood.stranger))
    assert not any("认领" in t for t in texts_in(sb, c.auntie))


async def test_no_one_but_the_claiming_volunteer_completes_the_wish(hood: Hood) -> None:
    sb, c = hood.sb, hood.c
    card = await wish_card(hood)
    await sb.press(hood.li, card, "认领")
    await sb.next_message(hood.li, containing="#1")
    await sb.next_message(c.auntie, containing="有人认领了")
    done = VolunteerDoneButton(1).pack()
    for user in (hood.zhou, c.auntie, hood.stranger):
        under = sb.sent_to(user)[-1]
        assert await answer(sb, user, under, done) == texts.NOT_YOURS
    # Even the claimer's own data, pressed in the volunteers' chat, is out of its scope.
    assert await answer(sb, hood.li, card, done) == GONE
    await flushed(hood)
    assert (await ticket(hood.linli, 1)).status == "in_progress"  # type: ignore[union-attr]
    assert not any("评价" in t for t in texts_in(sb, c.auntie))


async def test_a_rejected_wish_cannot_be_claimed_from_its_old_card(hood: Hood) -> None:
    sb, c = hood.sb, hood.c
    card = await wish_card(hood)
    staff_card = await sb.next_message(c.committee, containing="#1")
    await sb.press(c.staff, staff_card, "不予受理")
    prompt = await sb.next_message(c.committee, containing="原因")
    await sb.send(c.staff, c.committee, "已由社区安排物业上门", reply_to=prompt.message_id)
    await sb.wait_for_edit(staff_card, "不予受理")
    assert await answer(sb, hood.li, card, VolunteerButton(1).pack()) == texts.VOLUNTEER_TAKEN
    await flushed(hood)
    assert not any("王阿姨" in t for t in texts_in(sb, hood.li))
    assert (await ticket(hood.linli, 1)).status == "rejected"  # type: ignore[union-attr]


async def test_the_wish_card_never_names_the_resident_even_posted_again(hood: Hood) -> None:
    sb, c = hood.sb, hood.c
    await sb.send(c.auntie, None, "/home 3号楼502")
    offer = await sb.next_message(c.auntie, containing="对吗")
    await sb.press(c.auntie, offer, "对，就是这里")
    await sb.wait_for_edit(offer, "已登记")
    first = await wish_card(hood)
    hood.clock.advance(timedelta(days=3, hours=1))
    assert hood.linli.services and await hood.linli.services.volunteers.tick() == 1
    again = await sb.next_message(hood.helpers, containing="微心愿 #1")
    for card in (first, again):
        assert "3号楼" in card.text
        assert "王阿姨" not in card.text and "502" not in card.text
        assert str(c.auntie.id) not in str(card.raw)


# 4. review cards: undo, unmute, joined posts --------------------------------------------------


async def confirmed(hood: Hood, author: User, chat: Chat, text: str) -> tuple[Sent, int]:
    sb = hood.sb
    message = await post(sb, author, chat, text)
    card = await sb.next_message(hood.mods, containing="待审核")
    await sb.press(hood.moderator, card, "确认谣言")
    await sb.next_message(chat, containing="内容不实")
    return await sb.wait_for_edit(card, "确认为谣言"), message


async def test_forged_undo_presses_take_nothing_back(hood: Hood) -> None:
    sb, c = hood.sb, hood.c
    card, _ = await confirmed(hood, c.neighbour, c.building, RUMOUR)
    notice = [s for s in sb.sent_to(c.building) if "内容不实" in s.text][-1]
    undo = ReviewButton("undo", 1).pack()
    # The author himself under the group's notice; staff (not moderators) under the card;
    # a moderator under another message of the moderators' chat.
    assert await answer(sb, c.neighbour, notice, undo) == GONE
    assert await answer(sb, c.staff, card, undo) == texts.ONLY_MODERATORS
    await sb.send(hood.moderator, hood.mods, "/id")
    other = await sb.next_message(hood.mods)
    assert await answer(sb, hood.moderator, other, undo) == GONE
    # The moderator, after the window.
    hood.clock.advance(timedelta(minutes=11))
    assert "不能撤销" in await answer(sb, hood.moderator, card, undo)
    await flushed(hood)
    assert is_visible(sb, c.building, notice.message_id)
    assert hood.linli.db
    async with hood.linli.db.read() as tx:
        flag = await tx.flags.get(1)
    assert flag is not None and flag.status == "confirmed"
    await post(sb, c.auntie, hood.annex, RUMOUR)  # still known: answered at once
    await sb.next_message(hood.annex, containing="核实过")


async def test_forged_unmute_presses_lift_nothing(hood: Hood) -> None:
    sb, c = hood.sb, hood.c
    await post(sb, c.neighbour, c.building, AD)
    await sb.press(
        hood.moderator, await sb.next_message(hood.mods, containing="待审核"), "确认广告"
    )
    await flushed(hood)
    await post(sb, c.neighbour, c.building, AD.replace("详聊", "私聊"))
    note = await sb.next_message(hood.mods, containing="禁言")
    assert c.building.member(c.neighbour.id).is_muted
    data = note.button_data("解除禁言")
    assert data is not None
    # The muted man in his own private chat, under the group's notice, and staff under the
    # note itself; a moderator with the data under another message.
    await opened(sb, c.neighbour)
    assert await answer(sb, c.neighbour, sb.sent_to(c.neighbour)[-1], data) == GONE
    assert await answer(sb, c.neighbour, sb.sent_to(c.building)[-1], data) == GONE
    assert await answer(sb, c.staff, note, data) == texts.ONLY_MODERATORS
    await sb.send(hood.moderator, hood.mods, "/id")
    other = await sb.next_message(hood.mods)
    assert await answer(sb, hood.moderator, other, data) == GONE
    assert await answer(sb, hood.moderator, note, UnmuteButton(99).pack()) == GONE
    await flushed(hood)
    assert c.building.member(c.neighbour.id).is_muted


async def test_one_rumour_in_two_groups_is_one_card_and_one_decision(hood: Hood) -> None:
    sb, c = hood.sb, hood.c
    first = await post(sb, c.neighbour, c.building, RUMOUR)
    card = await sb.next_message(hood.mods, containing="待审核")
    second = await post(sb, hood.stranger, hood.annex, RUMOUR + "！！")
    joined = await sb.wait_for_edit(card, "另见 1 条")
    await sb.press(hood.moderator, joined, "确认谣言")
    await flushed(hood)
    assert len([t for t in texts_in(sb, hood.mods) if "待审核" in t]) == 1
    assert not is_visible(sb, c.building, first) and not is_visible(sb, hood.annex, second)


async def test_a_neighbour_debunking_a_pending_rumour_is_not_removed_with_it(hood: Hood) -> None:
    """The rumour is waiting for a moderator; 王阿姨 warns the other group that it is false,
    quoting it. Her warning must not become one of the rumour's posts, removed by 确认."""
    sb, c = hood.sb, hood.c
    await post(sb, c.neighbour, c.building, RUMOUR)
    card = await sb.next_message(hood.mods, containing="待审核")
    debunk = await post(sb, c.auntie, hood.annex, "辟谣！这条是假的，大家别信也别转：" + RUMOUR)
    await flushed(hood)
    await sb.press(hood.moderator, sb.edited(hood.mods, card.message_id), "确认谣言")
    await flushed(hood)
    assert is_visible(sb, hood.annex, debunk)
    assert not any("内容不实" in t for t in texts_in(sb, hood.annex))


async def test_a_joined_post_edited_into_a_correction_is_not_removed(hood: Hood) -> None:
    """孙大爷 forwarded the rumour to his group, then, told it was false, edited his post into
    an apology. The moderator's 确认 (of the text on the card) should not remove his
    correction and tell his group a rumour was removed."""
    sb, c = hood.sb, hood.c
    await post(sb, c.neighbour, c.building, RUMOUR)
    card = await sb.next_message(hood.mods, containing="待审核")
    second = await post(sb, hood.stranger, hood.annex, RUMOUR + "！！")
    joined = await sb.wait_for_edit(card, "另见 1 条")
    await sb.edit(hood.stranger, hood.annex, second, "抱歉，刚才那条停水消息是假的，大家别转了")
    await flushed(hood)
    await sb.press(hood.moderator, sb.edited(hood.mods, joined.message_id), "确认谣言")
    await flushed(hood)
    assert is_visible(sb, hood.annex, second)
    assert not any("内容不实" in t for t in texts_in(sb, hood.annex))


async def test_a_channel_posting_a_rumour_is_one_more_post_on_its_card(hood: Hood) -> None:
    sb, c = hood.sb, hood.c
    first = await post(sb, c.neighbour, c.building, RUMOUR)
    card = await sb.next_message(hood.mods, containing="待审核")
    channel = await sb.post_as_chat(hood.annex, RUMOUR + "！", channel="本地生活速递")
    joined = await sb.wait_for_edit(card, "另见 1 条")
    await sb.press(hood.moderator, joined, "确认谣言")
    await flushed(hood)
    assert not is_visible(sb, c.building, first)
    assert not is_visible(sb, hood.annex, int(channel["message_id"]))
    # The group's own anonymous admin repeating it is not screened, and not touched.
    own = await sb.post_as_chat(c.building, "紧急通知：内部消息，明天停水，请互相转告，赶紧转发")
    await flushed(hood)
    assert is_visible(sb, c.building, int(own["message_id"]))


async def test_a_flagged_post_edited_into_a_correction_is_not_removed_as_a_rumour(
    hood: Hood,
) -> None:
    """Same, for the card's own post: the card still shows the old words, the group would
    be told a rumour was removed when what is removed is the author's apology."""
    sb, c = hood.sb, hood.c
    first = await post(sb, c.neighbour, c.building, RUMOUR)
    card = await sb.next_message(hood.mods, containing="待审核")
    await sb.edit(c.neighbour, c.building, first, "抱歉，刚才那条停水消息是假的，大家别转了")
    await flushed(hood)
    await sb.press(hood.moderator, sb.edited(hood.mods, card.message_id), "确认谣言")
    await flushed(hood)
    assert is_visible(sb, c.building, first)
