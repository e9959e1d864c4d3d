"""Trust boundaries, tried as a hostile resident and a careless operator would: forged button
data under bot messages in the wrong chat, names shaped like prompts, a party's worker reaching
for another party's tickets, edited posts, a database turning read-only, a flood from one
person, staff chats that change, and texts measured as Telegram measures them."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.app import Linli
from bot.buttons import (
    CardButton,
    DraftButton,
    DuplicateButton,
    MenuButton,
    RatingButton,
    ReviewButton,
)
from bot.clock import ManualClock
from sandbox import Sandbox, Sent
from sandbox.world import Chat, Member, User
from storage.models import Ticket, to_db
from tests.conftest import Community, StartLinli, stopped

SHANGHAI = ZoneInfo("Asia/Shanghai")
GONE = texts.UNKNOWN_BUTTON
LOOSE = {"overall": 10_000, "per_group": 10_000, "per_private": 10_000}


@dataclass
class Estate:
    sb: Sandbox
    c: Community
    linli: Linli
    property_chat: Chat  # 物业's own chat
    worker: User  # 钱经理: in 物业's chat only


@pytest.fixture
async def estate(sb: Sandbox, community: Community, start_linli: StartLinli) -> Estate:
    worker = sb.add_user("钱经理")
    property_chat = sb.add_group("物业客服群", owner=community.admin, members=[worker])
    property_chat.members[sb.bot.id] = Member("member")
    linli = await start_linli(loose=True, rules=f'[party_chats]\n"物业" = {property_chat.id}\n')
    await sb.add_bot(community.building, community.admin, admin=True)
    await sb.next_message(community.building)
    await opened(sb, community.auntie)
    return Estate(sb, community, linli, property_chat, worker)


async def opened(sb: Sandbox, user: User) -> Sent:
    await sb.send(user, None, "/start")
    return await sb.next_message(user)


async def ticket(linli: Linli, number: int) -> Ticket | None:
    assert linli.db
    async with linli.db.read() as tx:
        return await tx.tickets.get(number)


async def answer(sb: Sandbox, user: User, under: Sent, data: str) -> str:
    return str((await sb.callback_answer(await sb.press_data(user, under, data)))["text"])


async def flushed(linli: Linli) -> None:
    assert linli.services
    await linli.services.outbox.flush(timeout=10)


# 1. one family per button, each with its scope ----------------------------------------------


async def test_private_buttons_forged_in_a_group_send_nothing_there(estate: Estate) -> None:
    sb, c = estate.sb, estate.c
    await sb.send(c.auntie, None, "/complain 502室的狗天天半夜叫，吵得睡不着")
    await sb.next_message(c.auntie)
    welcome = sb.sent_to(c.building)[0]
    before = len(sb.sent_to(c.building))
    for data in (
        MenuButton("mine").pack(),
        MenuButton("complain").pack(),
        MenuButton("reception").pack(),
        DraftButton("ok", 1).pack(),
        DuplicateButton("new", 1).pack(),
        RatingButton("0", 1).pack(),
    ):
        assert await answer(sb, c.neighbour, welcome, data) == GONE
    await sb.settle()
    await flushed(estate.linli)
    assert len(sb.sent_to(c.building)) == before  # nothing posted in the group
    assert not any("502" in s.text for s in sb.sent_to(c.building))
    assert not sb.sent_to(c.neighbour)  # and nothing started for the presser either
    assert estate.linli.db
    async with estate.linli.db.read() as tx:
        assert await tx.drafts.of_user(c.neighbour.id) is None


async def test_staff_and_review_buttons_work_only_on_their_own_card(estate: Estate) -> None:
    sb, c = estate.sb, estate.c
    await sb.send(c.auntie, c.building, "#投诉 楼道里堆满了杂物")
    ack = await sb.next_message(c.building)
    card = await sb.next_message(c.committee)
    data = card.button_data("受理")
    # The committee's own staff, pressing the card's data under the group's acknowledgement
    # and under another bot message in the committee chat: neither is the card.
    assert await answer(sb, c.staff, ack, data) == GONE
    await sb.send(c.staff, c.committee, "/id")
    other = await sb.next_message(c.committee)
    assert await answer(sb, c.staff, other, data) == GONE
    assert await answer(sb, c.admin, ack, ReviewButton("confirm", 1).pack()) == GONE
    assert (await ticket(estate.linli, 1)).status == "new"  # type: ignore[union-attr]
    assert await answer(sb, c.staff, card, data) == texts.ANSWER_ACCEPTED


async def in_flight(linli: Linli, row: int | None) -> None:
    """Outbox row `row` as if still being sent: out, but its message id not yet written down."""
    assert linli.db
    async with linli.db.transaction() as tx:
        await tx.execute(
            "UPDATE outbox SET telegram_message_id = NULL, status = 'pending',"
            " next_attempt_at = ? WHERE id = ?",
            (to_db(datetime(2099, 1, 1, tzinfo=SHANGHAI)), row),
        )


async def test_a_press_on_a_card_whose_id_is_not_recorded_yet_waits_for_it(
    estate: Estate,
) -> None:
    """The card is out, but the worker that sent it has not yet written down its message id
    (another worker; a worker quick off the mark): 受理 waits for the id instead of calling
    the card stale (and, the id still missing after the wait, asks to press again), and the
    same data under an older message is still refused."""
    sb, c, linli = estate.sb, estate.c, estate.linli
    await sb.send(c.staff, c.committee, "/id")
    older = await sb.next_message(c.committee)
    await sb.send(c.auntie, c.building, "#投诉 楼道里堆满了杂物")
    card = await sb.next_message(c.committee)
    await flushed(linli)
    row = (await ticket(linli, 1)).card_outbox_id  # type: ignore[union-attr]
    await in_flight(linli, row)
    assert await answer(sb, c.staff, older, card.button_data("受理") or "") == GONE
    # Never recorded within the wait: slow, not stale, and nothing changed.
    assert await answer(sb, c.staff, card, card.button_data("受理") or "") == (
        texts.NOT_RECORDED_YET
    )
    assert (await ticket(linli, 1)).status == "new"  # type: ignore[union-attr]

    async def recorded_a_moment_later() -> None:
        await asyncio.sleep(0.3)
        async with linli.db.transaction() as tx:  # type: ignore[union-attr]
            await tx.execute(
                "UPDATE outbox SET telegram_message_id = ?, status = 'sent' WHERE id = ?",
                (card.message_id, row),
            )

    recording = asyncio.create_task(recorded_a_moment_later())
    assert await answer(sb, c.staff, card, card.button_data("受理") or "") == texts.ANSWER_ACCEPTED
    await recording
    assert (await ticket(linli, 1)).status == "in_progress"  # type: ignore[union-attr]


async def test_a_rating_counts_only_on_the_question_sent_to_the_reporter(estate: Estate) -> None:
    sb, c = estate.sb, estate.c
    await sb.send(c.auntie, None, "/complain 楼下有人遛狗不拴绳")
    ack = await sb.next_message(c.auntie)
    card = await sb.next_message(c.committee)
    await sb.press(c.staff, card, "受理")
    await sb.next_message(c.auntie)
    await sb.press(c.staff, await sb.wait_for_edit(card, "处理中"), "完成")
    question = await sb.next_message(c.auntie)
    # The reporter herself, with the right data under the wrong message of her own chat.
    assert await answer(sb, c.auntie, ack, question.button_data("满意")) == GONE
    assert (await ticket(estate.linli, 1)).status == "done"  # type: ignore[union-attr]
    rated = await answer(sb, c.auntie, question, question.button_data("满意"))
    assert rated == "谢谢您的评价：满意"


async def test_a_rating_press_before_its_question_is_recorded_asks_to_press_again(
    estate: Estate,
) -> None:
    """The rating question is out, but its message id is not written down yet: 满意 is slow,
    not stale (the reporter is asked to press again, and nothing is rated), and counts once
    the id is there."""
    sb, c, linli = estate.sb, estate.c, estate.linli
    await sb.send(c.auntie, None, "/complain 楼下有人遛狗不拴绳")
    await sb.next_message(c.auntie)
    card = await sb.next_message(c.committee)
    await sb.press(c.staff, card, "受理")
    await sb.next_message(c.auntie)
    await sb.press(c.staff, await sb.wait_for_edit(card, "处理中"), "完成")
    question = await sb.next_message(c.auntie)
    await flushed(linli)
    row = (await ticket(linli, 1)).rating_outbox_id  # type: ignore[union-attr]
    await in_flight(linli, row)
    data = question.button_data("满意")
    assert await answer(sb, c.auntie, question, data) == texts.NOT_RECORDED_YET
    assert (await ticket(linli, 1)).status == "done"  # type: ignore[union-attr]
    assert linli.db
    async with linli.db.transaction() as tx:
        await tx.execute(
            "UPDATE outbox SET telegram_message_id = ?, status = 'sent' WHERE id = ?",
            (question.message_id, row),
        )
    assert await answer(sb, c.auntie, question, data) == "谢谢您的评价：满意"
    assert (await ticket(linli, 1)).status == "rated"  # type: ignore[union-attr]


async def test_plus_one_follows_the_offered_ticket_whatever_the_data_says(estate: Estate) -> None:
    sb, c = estate.sb, estate.c
    await sb.send(c.neighbour, None, "/start")
    await sb.next_message(c.neighbour)
    await sb.send(c.neighbour, None, "/complain 物业费收据开错了")  # ticket #1, a private one
    await sb.next_message(c.neighbour)
    await sb.send(c.auntie, c.building, "#投诉 3号楼电梯坏了一周")  # #2, posted in the group
    await sb.next_message(c.building)
    await opened(sb, c.staff)
    await sb.send(c.staff, None, "/complain 3号楼电梯又坏了，一周了")
    offer = await sb.next_message(c.staff)
    assert offer.button_texts == ["+1 到 #2", "仍然新建"]
    # The old form named the ticket in the data; no family reads that any more.
    draft = DuplicateButton.unpack(offer.button_data("+1 到 #2"))
    assert draft is not None
    assert await answer(sb, c.staff, offer, f"d:plus1:{draft.draft}:1") == GONE
    await sb.press(c.staff, offer, "+1 到 #2")
    assert "#2" in (await sb.next_message(c.staff)).text
    await sb.send(c.staff, None, "/mytickets")
    mine = await sb.next_message(c.staff)
    assert "#2" in mine.text and "#1" not in mine.text


async def test_a_complaint_made_in_private_is_never_offered_to_anyone_else(estate: Estate) -> None:
    sb, c = estate.sb, estate.c
    await sb.send(c.auntie, None, "/complain 502室的狗天天半夜叫，吵得睡不着")
    await sb.next_message(c.auntie)
    owner = sb.add_user("502室主人")
    await opened(sb, owner)
    await sb.send(owner, None, "/complain 502室的狗天天半夜叫，吵得睡不着")  # a guess
    reply = await sb.next_message(owner)
    assert "#2" in reply.text and not any("+1" in b for b in reply.button_texts)  # its own


async def test_those_who_plus_one_never_read_the_reason_written_to_the_reporter(
    estate: Estate,
) -> None:
    sb, c = estate.sb, estate.c
    await sb.send(c.auntie, c.building, "#投诉 小区东门的垃圾桶满了没人清")
    await sb.next_message(c.building)
    card = await sb.next_message(estate.property_chat)
    await opened(sb, c.neighbour)
    await sb.send(c.neighbour, None, "/complain 小区东门的垃圾桶满了，没人清")
    offer = await sb.next_message(c.neighbour)
    await sb.press(c.neighbour, offer, "+1 到 #1")
    await sb.next_message(c.neighbour)
    await sb.press(estate.worker, card, "不予受理")
    prompt = await sb.next_message(estate.property_chat, containing="原因")
    await sb.send(
        estate.worker,
        estate.property_chat,
        "王阿姨您好，东门不归我们管",
        reply_to=prompt.message_id,
    )
    assert "王阿姨您好" in (await sb.next_message(c.auntie, containing="不予受理")).text
    told = await sb.next_message(c.neighbour, containing="不予受理")
    assert "#1" in told.text and "王阿姨" not in told.text and "东门不归" not in told.text


async def test_a_waiting_offer_is_filed_not_lost_when_another_request_comes(estate: Estate) -> None:
    sb, c = estate.sb, estate.c
    await opened(sb, c.neighbour)
    await sb.send(c.neighbour, c.building, "#投诉 3号楼电梯又坏了，老人下不了楼")
    await sb.next_message(c.building)
    await sb.send(c.auntie, c.building, "#投诉 3号楼电梯又坏了，老人都下不了楼")
    assert "私信" in (await sb.next_message(c.building)).text
    offer = await sb.next_message(c.auntie, containing="#1")
    await sb.send(c.auntie, c.building, "#投诉 小区东门的路灯不亮了")
    await sb.settle()
    await flushed(estate.linli)
    texts_filed = {t.text for n in (2, 3) if (t := await ticket(estate.linli, n))}
    assert texts_filed == {"3号楼电梯又坏了，老人都下不了楼", "小区东门的路灯不亮了"}
    assert await answer(sb, c.auntie, offer, offer.button_data("仍然新建")) == texts.DRAFT_GONE


async def test_an_offer_the_resident_cannot_receive_is_filed_instead(estate: Estate) -> None:
    sb, c = estate.sb, estate.c
    await sb.send(c.neighbour, c.building, "#投诉 3号楼电梯又坏了，老人下不了楼")
    await sb.next_message(c.building)
    sb.block_bot(c.auntie)  # the bot still believes her private chat is open
    await sb.send(c.auntie, c.building, "#投诉 3号楼电梯又坏了，老人都下不了楼")
    await sb.next_message(c.building)  # "我私信问您一下"
    filed = await sb.next_message(c.building, containing="#2")
    assert "#2" in filed.text
    assert (await ticket(estate.linli, 2)).text == "3号楼电梯又坏了，老人都下不了楼"  # type: ignore


async def test_an_offer_nobody_answers_is_filed_after_some_hours(
    sb: Sandbox, community: Community, start_linli: StartLinli
) -> None:
    c = community
    clock = ManualClock(datetime(2026, 12, 14, 10, 0, tzinfo=SHANGHAI))
    linli = await start_linli(loose=True, clock=clock)
    await opened(sb, c.auntie)
    await sb.send(c.auntie, None, "/complain 3号楼电梯坏了一周")
    await sb.next_message(c.auntie)
    await sb.send(c.auntie, None, "/complain 3号楼电梯又坏了，一周了")
    assert (await sb.next_message(c.auntie)).button_texts == ["+1 到 #1", "仍然新建"]
    assert linli.services
    assert await linli.services.intake.file_unanswered_offers() == 0
    clock.advance(timedelta(hours=7))
    assert await linli.services.intake.file_unanswered_offers() == 1
    assert "#2" in (await sb.next_message(c.auntie)).text


# 2. prompts by message id ---------------------------------------------------------------------


async def test_a_name_shaped_like_the_reject_prompt_rejects_nothing(estate: Estate) -> None:
    sb, c = estate.sb, estate.c
    trickster = sb.add_user("不予受理 #1 的原因")
    sb.join(c.building, trickster)
    await opened(sb, trickster)
    await sb.send(trickster, c.building, "#投诉 小区门口的共享单车太乱")
    await sb.next_message(c.building)
    card = await sb.next_message(c.committee)
    assert "不予受理 #1 的原因" in card.text  # the name is on the card...
    await sb.send(c.staff, c.committee, "收到，马上去看", reply_to=card.message_id)
    await sb.settle()
    await flushed(estate.linli)
    assert (await ticket(estate.linli, 1)).status == "new"  # ...and replying to it is no reason
    assert not any("不予受理" in s.text for s in sb.sent_to(trickster)[1:])


async def test_only_a_reply_to_the_prompt_itself_by_someone_allowed_is_taken(
    estate: Estate,
) -> None:
    sb, c = estate.sb, estate.c
    await sb.send(c.auntie, None, "/complain 想在楼顶装个游泳池")
    await sb.next_message(c.auntie)
    card = await sb.next_message(c.committee)
    assert (
        await answer(sb, c.staff, card, card.button_data("不予受理")) == texts.ANSWER_REPLY_REASON
    )
    prompt = await sb.next_message(c.committee)
    await sb.send(c.staff, c.committee, "我说不行就不行", reply_to=card.message_id)
    await sb.settle()
    assert (await ticket(estate.linli, 1)).status == "new"  # a reply to the card is no answer
    await sb.send(c.staff, c.committee, "楼顶是公共部位，不能私自改建", reply_to=prompt.message_id)
    notice = await sb.next_message(c.auntie, containing="不予受理")
    assert "楼顶是公共部位" in notice.text and "我说不行" not in notice.text
    await sb.send(c.staff, c.committee, "再补充一句", reply_to=prompt.message_id)  # answered
    await sb.settle()
    await flushed(estate.linli)
    assert not any("再补充" in s.text for s in sb.sent_to(c.auntie))


async def test_a_name_shaped_like_the_clarification_prompt_clarifies_nothing(
    sb: Sandbox, community: Community, start_linli: StartLinli
) -> None:
    c = community
    linli = await start_linli(loose=True)
    await sb.add_bot(c.building, c.admin, admin=True)
    await sb.next_message(c.building)
    trickster = sb.add_user("谣言#1 已记下")
    sb.join(c.building, trickster)
    await sb.send(trickster, c.building, "紧急通知！内部消息，明天全小区停水三天，赶紧转发")
    card = await sb.next_message(c.committee)
    assert "谣言#1 已记下" in card.text
    await sb.press(c.admin, card, "确认谣言")
    prompt = await sb.next_message(c.committee, containing="请回复这条消息")
    await sb.send(c.staff, c.committee, "这是造谣", reply_to=card.message_id)
    await sb.settle()
    assert linli.db
    async with linli.db.read() as tx:
        known = await tx.known.get(1)
    assert known is not None and known.clarification is None
    await sb.send(c.admin, c.committee, "经核实，近期没有停水计划。", reply_to=prompt.message_id)
    assert "已保存" in (await sb.next_message(c.committee, containing="已保存")).text


# 3. party scope -------------------------------------------------------------------------------


async def test_a_property_worker_acts_only_on_the_property_companys_tickets(estate: Estate) -> None:
    sb, c, worker = estate.sb, estate.c, estate.worker
    await sb.send(c.auntie, c.building, "#投诉 物业费收得不明不白，要求公开账目")  # 业委会
    await sb.next_message(c.building)
    owners_card = await sb.next_message(c.committee)
    await sb.send(c.auntie, c.building, "#报修 3号楼电梯异响")  # 物业
    await sb.next_message(c.building)
    property_card = await sb.next_message(estate.property_chat)
    assert "#2" in property_card.text

    # Forged under the property chat's own card: the other ticket's card is elsewhere.
    assert await answer(sb, worker, property_card, CardButton("accept", 1).pack()) == GONE
    assert await answer(sb, worker, property_card, CardButton("reject", 1).pack()) == GONE
    assert (await ticket(estate.linli, 1)).status == "new"  # type: ignore[union-attr]
    # ...and even someone in the committee chat pressing its card must be in that chat.
    assert (
        await answer(sb, worker, owners_card, owners_card.button_data("受理")) == texts.ONLY_STAFF
    )

    await sb.send(worker, estate.property_chat, "/ticket 1")
    assert (await sb.next_message(estate.property_chat)).text == texts.TICKET_NOT_FOUND
    await sb.send(worker, estate.property_chat, "/ticket 2")
    view = await sb.next_message(estate.property_chat)
    assert "王阿姨" in view.text and "电梯异响" in view.text
    await opened(sb, worker)
    await sb.send(worker, None, "/ticket 1")
    assert (await sb.next_message(worker)).text == texts.TICKET_NOT_FOUND
    assert (
        await answer(sb, worker, property_card, property_card.button_data("受理"))
        == texts.ANSWER_ACCEPTED
    )


async def test_committee_wide_commands_need_the_committee_chat(estate: Estate) -> None:
    sb, c, worker = estate.sb, estate.c, estate.worker
    await opened(sb, worker)
    await sb.send(worker, None, "/digest")
    assert (await sb.next_message(worker)).text == texts.DIGEST_ONLY_STAFF
    await sb.send(worker, None, "/reception add 每月15日 09:00-11:00 居委会一楼")
    assert (await sb.next_message(worker)).text == texts.RECEPTION_ONLY_STAFF
    sb.join(c.hobby, worker)
    await sb.add_bot(c.hobby, c.neighbour)
    await sb.next_message(c.hobby)
    await sb.send(worker, c.hobby, "/bind")
    assert (await sb.next_message(c.hobby)).text == texts.BIND_NOT_ALLOWED
    sb.join(c.building, worker)
    await sb.send(worker, c.building, "/unbind")
    assert (await sb.next_message(c.building)).text == texts.BIND_NOT_ALLOWED
    # /digest in the property chat shows the property company's own figures, nothing of the
    # committee's (other parties, moderation), even to committee staff who are members there.
    sb.join(estate.property_chat, c.staff)
    await sb.send(c.staff, estate.property_chat, "/digest")
    own = await sb.next_message(estate.property_chat)
    assert "物业日报" in own.text and "群消息审核" not in own.text and "居委会" not in own.text
    assert estate.linli.services
    assert await estate.linli.services.groups.is_resident_group(c.building.id)


async def test_a_party_worker_posting_a_rumour_is_screened(estate: Estate) -> None:
    sb, c, worker = estate.sb, estate.c, estate.worker
    sb.join(c.building, worker)
    await sb.send(worker, c.building, "紧急通知！内部消息，明天全小区停水三天，赶紧转发")
    card = await sb.next_message(c.committee)
    assert "待审核#1" in card.text and "钱经理" in card.text


async def test_the_moderators_chat_never_shows_a_reporter(
    sb: Sandbox, community: Community, start_linli: StartLinli
) -> None:
    c = community
    moderator = sb.add_user("陈管理")
    mods = sb.add_group("审核群", owner=c.admin, members=[moderator, c.staff])
    mods.members[sb.bot.id] = Member("member")
    await start_linli(loose=True, moderator_chat_id=mods.id)
    await opened(sb, c.auntie)
    await sb.send(c.auntie, None, "/complain 邻居装修太吵")
    await sb.next_message(c.auntie)
    await sb.send(c.staff, mods, "/ticket 1")
    assert (await sb.next_message(mods)).text == texts.TICKET_NOT_FOUND
    await sb.send(c.staff, c.committee, "/ticket 1")
    assert "王阿姨" in (await sb.next_message(c.committee, containing="#1")).text


# 4. edits never re-run an action ------------------------------------------------------------


async def test_an_edited_post_updates_its_ticket_and_files_nothing_new(estate: Estate) -> None:
    sb, c = estate.sb, estate.c
    sent = await sb.send(c.auntie, c.building, "#投诉 地下车库漏水")
    await sb.next_message(c.building)
    card = await sb.next_message(estate.property_chat)
    await sb.edit(c.auntie, c.building, sent["message_id"], "#投诉 地下车库B区漏水，积水很深")
    edited = await sb.wait_for_edit(card, "B区漏水")
    assert "#1" in edited.text
    await sb.send(c.staff, None, "/start")
    command = await sb.send(c.auntie, None, "/wish 想请人帮忙换灯泡")
    await sb.next_message(c.auntie)
    await sb.edit(c.auntie, sb.chats[c.auntie.id], command["message_id"], "/wish 想请人修水管")
    rule = await sb.send(c.staff, c.committee, "/reception add 每月15日 09:00-11:00 居委会一楼")
    await sb.next_message(c.committee, containing="已添加")
    await sb.edit(
        c.staff, c.committee, rule["message_id"], "/reception add 每月16日 09:00-11:00 居委会一楼"
    )
    await sb.settle()
    await flushed(estate.linli)
    assert await ticket(estate.linli, 3) is None  # #1 the complaint, #2 the wish, nothing more
    assert (await ticket(estate.linli, 1)).text == "地下车库B区漏水，积水很深"  # type: ignore
    assert (await ticket(estate.linli, 2)).text == "想请人帮忙换灯泡"  # type: ignore[union-attr]
    assert estate.linli.db
    async with estate.linli.db.read() as tx:
        assert len(await tx.reception.active()) == 1
        log = await tx.events.for_subject("ticket:1")
    assert [e.action for e in log] == ["filed", "edited"]


# 5. storage faults --------------------------------------------------------------------------


async def test_a_reply_on_the_wire_when_the_database_turns_read_only_is_sent_once(
    estate: Estate, caplog: pytest.LogCaptureFixture
) -> None:
    sb, c, linli = estate.sb, estate.c, estate.linli
    assert linli.db
    sb.faults.fail_next("sendMessage", status=200, delay=0.5, chat_id=c.auntie.id)
    with caplog.at_level(logging.ERROR, logger="bot.outbox"):
        await sb.send(c.auntie, None, "/reception")
        await sb.settle(quiet=0.05)
        await linli.db.set_read_only(True)  # while Telegram takes its time to answer
        reply = await sb.next_message(c.auntie)
        await sb.send(c.auntie, None, "/reception")  # cannot be stored now
        said = await sb.next_message(c.auntie)
        assert said.text == texts.TRY_LATER
        assert any("recording that failed" in r.message for r in caplog.records)
    await linli.db.set_read_only(False)
    again = await sb.next_message(c.auntie)  # the second /reception, handled once stored
    assert again.text == reply.text
    await sb.settle()
    await flushed(linli)
    assert [s.text for s in sb.sent_to(c.auntie)].count(reply.text) == 2  # once each, no more


async def test_a_tagged_post_that_cannot_be_stored_is_answered_and_filed_later(
    estate: Estate,
) -> None:
    sb, c, linli = estate.sb, estate.c, estate.linli
    assert linli.db
    await linli.db.set_read_only(True)
    await sb.send(c.neighbour, c.building, "#报修 5号楼门口的路灯不亮了")
    sorry = await sb.next_message(c.building)
    assert sorry.text == texts.TRY_LATER
    await sb.settle()
    assert await ticket(linli, 1) is None
    await linli.db.set_read_only(False)
    ack = await sb.next_message(c.building, timeout=10)
    assert "#1" in ack.text
    assert (await ticket(linli, 1)).text == "5号楼门口的路灯不亮了"  # type: ignore[union-attr]
    await sb.settle()
    assert [s.text for s in sb.sent_to(c.building)].count(texts.TRY_LATER) == 1


async def test_an_admin_in_a_partys_chat_sees_only_that_partys_tickets(estate: Estate) -> None:
    sb, c = estate.sb, estate.c
    await sb.send(c.auntie, None, "/complain 楼道里堆满了杂物，隔壁502一直不清理")  # 居委会
    await sb.next_message(c.auntie)
    sb.join(estate.property_chat, c.admin)
    await sb.send(c.admin, estate.property_chat, "/ticket 1")
    assert (await sb.next_message(estate.property_chat)).text == texts.TICKET_NOT_FOUND
    await sb.send(c.admin, c.committee, "/ticket 1")
    assert "王阿姨" in (await sb.next_message(c.committee, containing="#1")).text


async def test_a_residents_group_set_as_a_partys_chat_gets_no_cards(
    sb: Sandbox, community: Community, start_linli: StartLinli, caplog: pytest.LogCaptureFixture
) -> None:
    c = community
    linli = await start_linli(loose=True)
    await sb.add_bot(c.building, c.admin, admin=True)
    await sb.next_message(c.building)
    await stopped(linli)
    with caplog.at_level(logging.ERROR):  # the operator pasted the wrong id
        linli = await start_linli(loose=True, rules=f'[party_chats]\n"物业" = {c.building.id}\n')
    assert any("[party_chats] 物业" in r.message for r in caplog.records)
    await opened(sb, c.auntie)
    await sb.send(c.auntie, None, "/complain 3号楼电梯又坏了，我家老人下不了楼")
    card = await sb.next_message(c.committee, containing="#1")
    assert "王阿姨" in card.text
    await sb.settle()
    await flushed(linli)
    assert not any("王阿姨" in s.text for s in sb.sent_to(c.building))


# 6. floods ------------------------------------------------------------------------------------


async def test_one_resident_filing_500_requests_buries_nobody(estate: Estate) -> None:
    sb, c, linli = estate.sb, estate.c, estate.linli
    problems = [
        "电梯坏了",
        "楼道灯不亮",
        "垃圾没人清运",
        "楼上装修太吵",
        "地下室漏水",
        "门禁卡刷不开",
        "绿化带的树枝挡路",
        "消防通道被堵",
    ]
    for i in range(500):
        await sb.send(c.auntie, None, f"/complain {problems[i % len(problems)]}")
    await sb.settle(timeout=120)
    await opened(sb, c.neighbour)
    await sb.send(c.neighbour, c.building, "#投诉 3号楼电梯里困人了")
    card = await sb.next_message(estate.property_chat, containing="困人")
    assert "赵师傅" in card.text
    await flushed(linli)
    cards = [
        s for s in sb.sent_to(estate.property_chat) + sb.sent_to(c.committee) if "反映人" in s.text
    ]
    assert len(cards) == 6  # five of hers, then his
    refusals = [s for s in sb.sent_to(c.auntie) if "这一小时已经提交了" in s.text]
    assert len(refusals) == 1


async def test_a_flood_of_empty_tags_gets_one_hint(estate: Estate) -> None:
    sb, c = estate.sb, estate.c
    before = len(sb.sent_to(c.building))
    for _ in range(30):
        await sb.send(c.neighbour, c.building, "#投诉")
    await sb.settle()
    await flushed(estate.linli)
    assert len(sb.sent_to(c.building)) == before + 1


async def test_the_quota_counts_requests_written_step_by_step_too(estate: Estate) -> None:
    sb, c = estate.sb, estate.c
    for i in range(6):
        await sb.send(c.auntie, None, "/wish")
        await sb.next_message(c.auntie)
        chores = "搬柜子修水管换灯泡教下棋理发陪聊天"
        await sb.send(c.auntie, None, f"第{i}个心愿：想请人帮忙{chores[i : i + 3]}")
        question = await sb.next_message(c.auntie)
        await sb.press(c.auntie, question, texts.BTN_NO_PHOTO)
        confirm = await sb.next_message(c.auntie)
        said = await answer(sb, c.auntie, confirm, confirm.button_data(texts.BTN_SUBMIT))
        if i < 5:
            assert "#" in (await sb.next_message(c.auntie)).text
        else:
            assert said == texts.QUOTA_TOAST
            assert "这一小时" in (await sb.next_message(c.auntie)).text
    assert await ticket(estate.linli, 5) is not None and await ticket(estate.linli, 6) is None


# 7. chat changes ----------------------------------------------------------------------------


async def test_a_committee_chat_upgraded_to_a_supergroup_keeps_its_staff(
    sb: Sandbox, community: Community, start_linli: StartLinli, caplog: pytest.LogCaptureFixture
) -> None:
    c = community
    committee = sb.add_group("社区工作群（普通群）", owner=c.admin, members=[c.staff], basic=True)
    committee.members[sb.bot.id] = Member("member")
    c.committee = committee
    await start_linli(loose=True)
    with caplog.at_level(logging.ERROR):
        upgraded = await sb.upgrade(committee, c.admin)
        await sb.settle()
    assert any(
        "COMMITTEE_CHAT_ID" in r.message and str(upgraded.id) in r.message for r in caplog.records
    )
    await opened(sb, c.auntie)
    await sb.send(c.auntie, None, "/complain 小区路灯坏了好几盏")
    await sb.next_message(c.auntie)
    card = await sb.next_message(upgraded)
    assert await answer(sb, c.staff, card, card.button_data("受理")) == texts.ANSWER_ACCEPTED
    await sb.send(c.staff, upgraded, "/digest")
    assert "社区日报" in (await sb.next_message(upgraded, containing="日报")).text


async def test_a_card_the_party_chat_refuses_goes_to_the_committee(
    estate: Estate, caplog: pytest.LogCaptureFixture
) -> None:
    sb, c = estate.sb, estate.c
    estate.property_chat.members[sb.bot.id] = Member("kicked")
    with caplog.at_level(logging.ERROR):
        await sb.send(c.auntie, c.building, "#报修 2号楼水管爆了")
        card = await sb.next_message(c.committee)
    assert "水管爆了" in card.text and "物业的工作群收不到卡片" in card.text
    assert any("#1" in r.message and "refused" in r.message for r in caplog.records)
    assert await answer(sb, c.staff, card, card.button_data("受理")) == texts.ANSWER_ACCEPTED


async def test_a_deleted_group_stops_being_a_resident_group(
    sb: Sandbox, community: Community, start_linli: StartLinli
) -> None:
    c = community
    clock = ManualClock(datetime(2026, 12, 14, 18, 0, tzinfo=SHANGHAI))
    linli = await start_linli(loose=True, clock=clock)
    await sb.add_bot(c.building, c.admin, admin=True)
    await sb.next_message(c.building)
    await sb.send(c.staff, c.committee, "/reception add 每月15日 09:00-11:00 居委会一楼")
    await sb.next_message(c.committee, containing="已添加")
    sb.delete_group(c.building, c.admin)
    clock.set(datetime(2026, 12, 14, 19, 0, tzinfo=SHANGHAI))
    assert linli.services
    await linli.services.reception.tick()
    await flushed(linli)
    assert not await linli.services.groups.is_resident_group(c.building.id)


# 8. Telegram's units --------------------------------------------------------------------------


async def test_texts_are_measured_in_utf16_units_and_cards_always_fit(estate: Estate) -> None:
    sb, c = estate.sb, estate.c
    await sb.send(c.auntie, None, "/complain " + "😡" * 2000)  # 2,000 emoji: 4,000 units
    assert "最多 2000 个字" in (await sb.next_message(c.auntie)).text
    assert await ticket(estate.linli, 1) is None

    long_name = sb.add_user("🏠" * 64, "🌸" * 64)
    sb.join(c.building, long_name)
    await opened(sb, long_name)
    await sb.send(long_name, c.building, "#投诉 " + "😡" * 1000)  # 2,000 units: allowed
    await sb.next_message(c.building)
    assert (await sb.next_message(long_name, containing="#1")).text.count("😡") > 900
    card = await sb.next_message(c.committee)
    clerk = sb.add_user("🧑‍💼" * 40, "📋" * 64)  # a staff member with a very long name
    sb.join(c.committee, clerk)
    for party in ["街道", "居委会"] * 5:  # ten forwards, each a line in the ticket's log
        await sb.press(clerk, sb.edited(c.committee, card.message_id), "转派")
        choosing = await sb.wait_for_edit(card, "请选择转派给")
        await sb.press(clerk, choosing, party)
        await sb.wait_for_edit(card, f"· {party}\n")
    await sb.send(clerk, c.committee, "/ticket 1")
    view = await sb.next_message(c.committee, containing="经过")
    assert len(view.text.encode("utf-16-le")) // 2 <= 4096 and "😡" in view.text
    assert view.text.count("转派给") == 10
    await sb.press(clerk, sb.edited(c.committee, card.message_id), "不予受理")
    prompt = await sb.next_message(c.committee, containing="原因")
    await sb.send(clerk, c.committee, "🙏" * 1500, reply_to=prompt.message_id)
    rejected = await sb.wait_for_edit(card, "原因：🙏")
    assert len(rejected.text.encode("utf-16-le")) // 2 <= 4096
    notice = await sb.next_message(long_name, containing="不予受理")
    assert "🙏" in notice.text


# the careless and the unusual --------------------------------------------------------------


async def test_capitalised_commands_and_odd_numbers_are_understood_or_politely_refused(
    estate: Estate,
) -> None:
    sb, c = estate.sb, estate.c
    await sb.send(c.auntie, None, "/Complain 楼道的灯坏了一个星期了")
    assert "#1" in (await sb.next_message(c.auntie)).text
    for word in ("²", "①", "#１", "-1", "1e3"):
        await sb.send(c.auntie, None, f"/ticket {word}")
        reply = await sb.next_message(c.auntie)
        assert reply.text != texts.SORRY
    await sb.send(c.staff, c.committee, "/reception del ②")
    assert (await sb.next_message(c.committee)).text != texts.SORRY


async def test_a_long_list_of_rules_still_fits_one_message(estate: Estate) -> None:
    sb, c = estate.sb, estate.c
    await opened(sb, c.staff)
    for day in [*range(1, 29), *range(1, 13)]:
        await sb.send(
            c.staff,
            None,
            f"/reception add 每月{day}日 09:00-11:00 "
            f"{'居委会一楼大会议室' * 6} {'联合接待日暨议事会' * 6}",
        )
        await sb.next_message(c.staff)
    await sb.send(c.staff, None, "/reception list")
    listing = await sb.next_message(c.staff)
    assert len(listing.text.encode("utf-16-le")) // 2 <= 4096 and "还有" in listing.text


async def test_a_reason_that_mentions_a_hashtag_is_still_a_reason(estate: Estate) -> None:
    sb, c = estate.sb, estate.c
    await sb.send(c.auntie, None, "/complain 有人在小区里打架")
    await sb.next_message(c.auntie)
    card = await sb.next_message(c.committee)
    await sb.press(c.staff, card, "不予受理")
    prompt = await sb.next_message(c.committee, containing="原因")
    await sb.send(c.staff, c.committee, "这不属于#投诉范围，请直接报警", reply_to=prompt.message_id)
    assert "请直接报警" in (await sb.next_message(c.auntie, containing="不予受理")).text


# 9. the duplicate offer is private ------------------------------------------------------------


async def test_a_guessed_text_in_a_group_probes_nothing(estate: Estate) -> None:
    sb, c = estate.sb, estate.c
    await sb.send(c.auntie, None, "/complain 502室的狗天天半夜叫")
    await sb.next_message(c.auntie)
    prober = sb.add_user("好奇的邻居")
    sb.join(c.building, prober)
    await sb.send(prober, c.building, "#投诉 502室的狗天天半夜叫")  # never opened the bot
    reply = await sb.next_message(c.building)
    assert "#2" in reply.text and "#1" not in reply.text and reply.button_texts == []
    assert "+1" not in reply.text
