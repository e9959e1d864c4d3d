"""微心愿 and complaints from intake to the resident's rating, as residents and staff use them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import Linli
from bot.clock import ManualClock
from sandbox import Sandbox, Sent
from sandbox.world import Member, User
from storage.models import Ticket
from tests.conftest import Community, StartLinli

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def until(check: Callable[[], bool], timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.02)


async def card_shows(sb: Sandbox, card: Sent, words: str) -> Sent:
    return await sb.wait_for_edit(card, words)


async def tickets_of(linli: Linli) -> list[Ticket]:
    assert linli.db
    async with linli.db.read() as tx:
        return await tx.tickets.all()


async def opened(sb: Sandbox, user: User) -> None:
    await sb.send(user, None, "/start")
    await sb.next_message(user)


@pytest.fixture
async def town(linli: Linli, community: Community) -> Community:
    """The building group is a resident group; 王阿姨 has opened the bot, 赵师傅 has not."""
    sb = community.sb
    await sb.add_bot(community.building, community.admin, admin=True)
    await sb.next_message(community.building)
    await opened(sb, community.auntie)
    return community


# 1. intake -------------------------------------------------------------------------------------


async def test_a_private_wish_becomes_ticket_1_with_a_card_for_staff(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.send(town.auntie, None, "/wish 想请人帮忙换个楼道灯泡")
    ack = await sb.next_message(town.auntie)
    assert "#1" in ack.text and "微心愿" in ack.text and "居委会" in ack.text
    card = await sb.next_message(town.committee)
    assert "#1" in card.text and "微心愿" in card.text and "王阿姨" in card.text
    assert "想请人帮忙换个楼道灯泡" in card.text and "待认领" in card.text
    assert card.button_texts == ["认领", "转派", "不予受理"]


async def test_a_group_complaint_is_routed_to_the_property_company(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    post = await sb.send(town.auntie, town.building, "3号楼电梯坏了一周了 #投诉")
    reply = await sb.next_message(town.building)
    assert "#1" in reply.text and "电梯" in reply.text and "物业" in reply.text
    assert reply.reply_to_message_id == post["message_id"]
    assert "t.me" not in str(reply.raw)  # she opened the bot: progress comes in private
    private = await sb.next_message(town.auntie)
    assert "#1" in private.text and "3号楼电梯坏了一周了" in private.text
    card = await sb.next_message(town.committee)
    assert "3号楼业主群" in card.text and "待受理" in card.text
    assert card.button_texts[0] == "受理"
    [ticket] = await tickets_of(linli)
    assert (ticket.kind, ticket.category, ticket.party) == ("complaint", "电梯", "property")


async def test_a_photo_with_a_repair_hashtag_keeps_the_photo(linli: Linli, town: Community) -> None:
    sb = town.sb
    await sb.send(town.auntie, town.building, photo=True, caption="#报修 楼道灯坏了")
    await sb.next_message(town.building)
    photo = await sb.next_message(town.committee)
    assert photo.method == "sendPhoto" and "#1" in photo.text
    card = await sb.next_message(town.committee)
    assert "楼道灯坏了" in card.text and "维修" in card.text
    [ticket] = await tickets_of(linli)
    assert ticket.photo_file_id is not None


async def test_commands_work_in_a_resident_group_too(linli: Linli, town: Community) -> None:
    sb = town.sb
    await sb.send(town.auntie, town.building, "/wish@linli_sandbox_bot 想找人教孩子下围棋")
    assert "#1" in (await sb.next_message(town.building)).text


async def test_no_text_asks_for_it_and_files_nothing(linli: Linli, town: Community) -> None:
    sb = town.sb
    await sb.send(town.auntie, town.building, "#投诉")
    assert "后面写上具体内容" in (await sb.next_message(town.building)).text
    await sb.send(town.auntie, town.building, "/wish")
    assert "#微心愿" in (await sb.next_message(town.building)).text
    assert await tickets_of(linli) == []


async def test_over_2000_characters_is_politely_refused(linli: Linli, town: Community) -> None:
    sb = town.sb
    await sb.send(town.auntie, None, "/complain " + "电梯" * 1001)
    assert "最多 2000 个字" in (await sb.next_message(town.auntie)).text
    assert await tickets_of(linli) == []


async def test_a_group_where_the_bot_is_not_enabled_stays_quiet(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.add_bot(town.hobby, town.neighbour)
    await sb.next_message(town.hobby)
    await sb.send(town.auntie, town.hobby, "#投诉 广场舞音响太吵")
    await sb.send(town.auntie, town.hobby, "/complain 广场舞音响太吵")
    await sb.settle()
    assert len(sb.sent_to(town.hobby)) == 1 and await tickets_of(linli) == []


async def test_a_redelivered_post_files_one_ticket(linli: Linli, town: Community) -> None:
    sb = town.sb
    await sb.send(town.auntie, town.building, "#投诉 垃圾三天没人清运")
    await sb.next_message(town.building)
    await sb.redeliver(sb.last_update_id)
    await sb.settle()
    assert linli.services and await linli.services.outbox.flush(timeout=5)
    assert len(await tickets_of(linli)) == 1
    assert len(sb.sent_to(town.building)) == 2  # the welcome and one acknowledgement


async def test_the_private_conversation_asks_text_photo_and_confirmation(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.send(town.auntie, None, "/start")
    menu = await sb.next_message(town.auntie)
    await sb.press(town.auntie, menu, "投诉/报修")
    assert "遇到了什么问题" in (await sb.next_message(town.auntie)).text
    await sb.send(town.auntie, None, "楼下有人遛狗不拴绳")
    photo_question = await sb.next_message(town.auntie)
    assert "照片" in photo_question.text
    await sb.send(town.auntie, None, photo=True)
    confirm = await sb.next_message(town.auntie)
    assert "楼下有人遛狗不拴绳" in confirm.text and "附照片" in confirm.text
    assert await tickets_of(linli) == []  # nothing is filed before the resident confirms
    await sb.press(town.auntie, confirm, "确认提交")
    assert "#1" in (await sb.next_message(town.auntie)).text
    [ticket] = await tickets_of(linli)
    assert ticket.category == "宠物" and ticket.party == "residents" and ticket.photo_file_id


async def test_the_conversation_without_photo_and_cancel(linli: Linli, town: Community) -> None:
    sb = town.sb
    await sb.send(town.auntie, None, "/wish")
    await sb.next_message(town.auntie)
    await sb.send(town.auntie, None, "想请人帮忙修一下自行车")
    question = await sb.next_message(town.auntie)
    await sb.press(town.auntie, question, "不加照片")
    confirm = await sb.next_message(town.auntie)
    await sb.send(town.auntie, None, "/cancel")
    assert "已经取消" in (await sb.next_message(town.auntie)).text
    answer = await sb.callback_answer(await sb.press(town.auntie, confirm, "确认提交"))
    assert "已经提交或取消" in answer["text"]
    assert await tickets_of(linli) == []


# 2. acknowledgement and the 403 fallback -----------------------------------------------------


async def test_a_resident_who_never_opened_the_bot_gets_a_link_that_opens_the_ticket(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.send(town.neighbour, town.building, "#投诉 消防通道被电动车堵了")
    reply = await sb.next_message(town.building)
    links = [e["url"] for e in reply.raw.get("entities", []) if e["type"] == "text_link"]
    assert links == ["https://t.me/linli_sandbox_bot?start=t1"]
    await sb.send(town.neighbour, None, "/start t1")
    view = await sb.next_message(town.neighbour)
    assert "#1" in view.text and "消防通道被电动车堵了" in view.text
    # now subscribed: the next step reaches them in private
    card = await sb.next_message(town.committee)
    await sb.press(town.staff, card, "受理")
    assert "已受理" in (await sb.next_message(town.neighbour)).text


async def test_a_blocked_private_chat_falls_back_to_a_link_in_the_group(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    sb.block_bot(town.auntie)
    await sb.send(town.auntie, town.building, "#报修 单元门门禁坏了")
    ack = await sb.next_message(town.building)
    assert "#1" in ack.text
    fallback = await sb.next_message(town.building)
    assert "还没有和我私聊" in fallback.text and "单元门" not in fallback.text
    links = [e["url"] for e in fallback.raw.get("entities", []) if e["type"] == "text_link"]
    assert "https://t.me/linli_sandbox_bot?start=t1" in links


async def test_someone_elses_ticket_link_shows_nothing_of_it(linli: Linli, town: Community) -> None:
    sb = town.sb
    await sb.send(town.auntie, town.building, "#投诉 楼上装修太吵")
    await sb.next_message(town.building)
    await sb.send(town.neighbour, None, "/start t1")
    greeting = await sb.next_message(town.neighbour)
    assert "装修" not in greeting.text and "王阿姨" not in greeting.text
    assert greeting.text.startswith("赵师傅，您好")


# 3. routing -----------------------------------------------------------------------------------


@pytest.fixture
async def property_chat_bot(
    sb: Sandbox, community: Community, start_linli: StartLinli
) -> tuple[Linli, Community, int]:
    property_chat = sb.add_group("物业客服群", owner=community.admin, members=[community.staff])
    property_chat.members[sb.add_user("钱经理").id] = Member("member")  # 物业's, not committee
    property_chat.members[sb.bot.id].status = "member"
    bot = await start_linli(rules=f'[party_chats]\n"物业" = {property_chat.id}\n')
    await sb.add_bot(community.building, community.admin)
    await sb.next_message(community.building)
    return bot, community, property_chat.id


async def test_a_party_with_its_own_chat_gets_its_cards_there_and_forwarding_moves_them(
    property_chat_bot: tuple[Linli, Community, int],
) -> None:
    _, c, property_chat = property_chat_bot
    sb = c.sb
    await sb.send(c.auntie, c.building, "#投诉 地下车库漏水")
    await sb.next_message(c.building)
    card = await sb.next_message(property_chat)
    assert "漏水" in card.text and "物业" in card.text
    await sb.press(c.staff, card, "转派")
    choosing = await card_shows(sb, card, "请选择转派给")
    await sb.press(c.staff, choosing, "居委会")
    await card_shows(sb, card, "张主任已转派给居委会")
    moved = await sb.next_message(c.committee, containing="#1")
    assert "#1" in moved.text and "居委会" in moved.text and moved.button_texts[0] == "受理"


# 4. the staff card ---------------------------------------------------------------------------


async def test_staff_accept_then_complete_and_the_resident_hears_each_step(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.send(town.auntie, town.building, "#投诉 电梯坏了")
    await sb.next_message(town.building)
    await sb.next_message(town.auntie)
    card = await sb.next_message(town.committee)
    answer = await sb.callback_answer(await sb.press(town.staff, card, "受理"))
    assert answer["text"] == "已受理"
    accepted = await card_shows(sb, card, "处理中")
    assert "张主任" in accepted.text and accepted.button_texts[0] == "完成"
    assert "#1 已受理" in (await sb.next_message(town.auntie)).text
    await sb.press(town.staff, accepted, "完成")
    done = await card_shows(sb, card, "已办结")
    assert done.button_texts == []
    rating = await sb.next_message(town.auntie)
    assert "#1" in rating.text and "已办结" in rating.text
    assert rating.button_texts == ["满意", "基本满意", "不满意", "未解决"]
    assert linli.db
    async with linli.db.read() as tx:
        log = await tx.events.for_subject("ticket:1")
    assert [(e.action, e.actor_id) for e in log] == [
        ("filed", town.auntie.id),
        ("accepted", town.staff.id),
        ("done", town.staff.id),
    ]


async def test_a_wish_is_claimed_by_name(linli: Linli, town: Community) -> None:
    sb = town.sb
    await sb.send(town.auntie, None, "/wish 想请人教孩子下围棋")
    await sb.next_message(town.auntie)
    card = await sb.next_message(town.committee)
    await sb.press(town.staff, card, "认领")
    await card_shows(sb, card, "已认领")
    assert "张主任" in (await sb.next_message(town.auntie)).text


async def test_a_resident_replaying_a_staff_button_changes_nothing(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.send(town.auntie, None, "/complain 物业费收得不明白")
    ack = await sb.next_message(town.auntie)
    card = await sb.next_message(town.committee)
    data = card.button_data("受理")
    # The resident sends the staff card's callback data under a message in her own chat: not
    # the card, so the press is out of its scope...
    answer = await sb.callback_answer(await sb.press_data(town.auntie, ack, data))
    assert GONE in answer["text"]
    # ...or is somehow in the staff chat and presses the real button.
    sb.join(town.committee, town.neighbour, status="left")
    answer = await sb.callback_answer(await sb.press(town.neighbour, card, "受理"))
    assert "只有社区工作人员" in answer["text"]
    [ticket] = await tickets_of(linli)
    assert ticket.status == "new"
    assert sb.edited(town.committee, card.message_id).text == card.text


STALE = "按钮已过期"
GONE = "这个按钮已经失效了"


@pytest.mark.parametrize(
    ("data", "answer_says"),
    [
        ("t:accept:999", GONE),
        ("t:accept:abc", GONE),
        ("t:claim:1", STALE),
        ("x" * 200, GONE),
        ("t:to:1:MARS", GONE),
        ("r:5:1", GONE),
        ("", GONE),
        ("t:accept:1" + "0" * 60, GONE),
    ],
)
async def test_forged_or_oversized_button_data_is_declined_politely(
    linli: Linli, town: Community, data: str, answer_says: str
) -> None:
    sb = town.sb
    await sb.send(town.auntie, None, "/complain 小区门口有人摆摊")
    await sb.next_message(town.auntie)
    card = await sb.next_message(town.committee)
    answer = await sb.callback_answer(await sb.press_data(town.staff, card, data))
    assert answer_says in answer["text"]
    [ticket] = await tickets_of(linli)
    assert (ticket.status, ticket.party) == ("new", "street")


async def test_reject_asks_staff_for_a_reason_the_resident_then_reads(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.send(town.auntie, None, "/complain 想让小区多建一个游泳池")
    await sb.next_message(town.auntie)
    card = await sb.next_message(town.committee)
    await sb.press(town.staff, card, "不予受理")
    prompt = await sb.next_message(town.committee)
    assert "不予受理 #1 的原因" in prompt.text
    assert prompt.markup and prompt.markup["force_reply"] is True
    await sb.send(town.staff, town.committee, "随便", reply_to=card.message_id)  # not the prompt
    await sb.send(
        town.staff, town.committee, "超出物业服务范围，可向业委会提议", reply_to=prompt.message_id
    )
    notice = await sb.next_message(town.auntie, containing="不予受理")
    assert "超出物业服务范围" in notice.text
    assert "随便" not in notice.text
    rejected = await card_shows(sb, card, "原因：超出物业服务范围")
    assert rejected.button_texts == []


# 5. closing the loop ---------------------------------------------------------------------------


async def finish_one(sb: Sandbox, c: Community, text: str = "/complain 电梯又坏了") -> Sent:
    await sb.send(c.auntie, None, text)
    await sb.next_message(c.auntie)
    card = await sb.next_message(c.committee)
    await sb.press(c.staff, card, "受理")
    await sb.next_message(c.auntie)
    accepted = await card_shows(sb, card, "处理中")
    await sb.press(c.staff, accepted, "完成")
    return await sb.next_message(c.auntie)


async def test_the_resident_rates_once(linli: Linli, town: Community) -> None:
    sb = town.sb
    rating = await finish_one(sb, town)
    answer = await sb.callback_answer(await sb.press(town.auntie, rating, "基本满意"))
    assert "基本满意" in answer["text"]
    again = await sb.callback_answer(await sb.press(town.auntie, rating, "不满意"))
    assert "已经评价过了" in again["text"]
    [ticket] = await tickets_of(linli)
    assert (ticket.status, ticket.rating) == ("rated", "fair")
    await until(lambda: sb.edited(town.auntie, rating.message_id).button_texts == [])


async def test_only_the_reporter_can_rate(linli: Linli, town: Community) -> None:
    sb = town.sb
    rating = await finish_one(sb, town)
    data = rating.button_data("满意")
    # A neighbour's forged press under her message, and under a message in his own chat.
    answer = await sb.callback_answer(await sb.press_data(town.neighbour, rating, data))
    assert GONE in answer["text"]
    await opened(sb, town.neighbour)
    own = sb.sent_to(town.neighbour)[-1]
    answer = await sb.callback_answer(await sb.press_data(town.neighbour, own, data))
    assert "给提交人用的" in answer["text"]
    [ticket] = await tickets_of(linli)
    assert ticket.status == "done" and ticket.rating is None


async def test_unsolved_reopens_and_tells_staff(linli: Linli, town: Community) -> None:
    sb = town.sb
    rating = await finish_one(sb, town)
    await sb.press(town.auntie, rating, "未解决")
    told = await sb.next_message(town.committee)
    assert "#1" in told.text and "未解决" in told.text
    [ticket] = await tickets_of(linli)
    assert ticket.status == "in_progress"


# 6. deadlines -------------------------------------------------------------------------------


@pytest.fixture
async def clocked(
    sb: Sandbox, community: Community, start_linli: StartLinli
) -> tuple[Linli, ManualClock]:
    # Filed the day before National Day 2026 (1-7 October off, Saturday 10 October worked).
    clock = ManualClock(datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI))
    bot = await start_linli(clock=clock)
    await opened(sb, community.auntie)
    return bot, clock


async def test_due_dates_count_working_days_across_a_holiday(
    clocked: tuple[Linli, ManualClock], community: Community
) -> None:
    linli, _ = clocked
    sb = community.sb
    await sb.send(community.auntie, None, "/complain 电梯停了")  # 电梯: 2 working days
    ack = await sb.next_message(community.auntie)
    assert "10月9日 10:00" in ack.text  # 1-7 Oct off: 8 Oct is the 1st working day, 9 Oct the 2nd
    [ticket] = await tickets_of(linli)
    assert ticket.due_at == datetime(2026, 10, 9, 10, 0, tzinfo=SHANGHAI)


async def test_an_overdue_ticket_gets_one_escalation_card(
    clocked: tuple[Linli, ManualClock], community: Community
) -> None:
    linli, clock = clocked
    sb = community.sb
    await sb.send(community.auntie, None, "/complain 楼道灯不亮")
    await sb.next_message(community.auntie)
    card = await sb.next_message(community.committee)
    assert linli.services
    assert await linli.services.tickets.escalate_overdue() == 0
    clock.advance(timedelta(days=15))
    assert await linli.services.tickets.escalate_overdue() == 1
    assert await linli.services.tickets.escalate_overdue() == 0  # not one per run
    escalation = await sb.next_message(community.committee, containing="超时提醒")
    assert "超时" in escalation.text and "#1" in escalation.text
    await card_shows(sb, card, "已超时")
    assert await linli.services.outbox.flush(timeout=5)
    assert [s.text for s in sb.sent_to(community.committee)].count(escalation.text) == 1
    assert linli.application and linli.application.job_queue
    assert linli.application.job_queue.get_jobs_by_name("escalate-overdue")


# 7. duplicates ----------------------------------------------------------------------------


async def test_a_similar_complaint_offers_plus_one_in_private_and_both_hear_the_outcome(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.send(town.auntie, town.building, "#投诉 3号楼电梯坏了一周")
    await sb.next_message(town.building)
    card = await sb.next_message(town.committee)
    await opened(sb, town.neighbour)
    await sb.send(town.neighbour, town.building, "#投诉 3号楼电梯又坏了，一周了")
    said = await sb.next_message(town.building)
    assert "私信" in said.text and said.button_texts == []  # nothing to press in the group
    assert "#1" not in said.text and "王阿姨" not in said.text
    offer = await sb.next_message(town.neighbour)
    assert offer.button_texts == ["+1 到 #1", "仍然新建"]
    assert "王阿姨" not in offer.text and "坏了一周" not in offer.text
    stranger = await sb.callback_answer(
        await sb.press_data(town.auntie, sb.sent_to(town.auntie)[-1], offer.button_data("+1 到 #1"))
    )
    assert "给提交人用的" in stranger["text"]
    await sb.press(town.neighbour, offer, "+1 到 #1")
    assert "已把您加到 #1" in (await sb.next_message(town.neighbour)).text
    assert len(await tickets_of(linli)) == 1
    await card_shows(sb, card, "另有 1 位居民 +1")
    await sb.press(town.staff, sb.edited(town.committee, card.message_id), "受理")
    assert "#1 已受理" in (await sb.next_message(town.neighbour)).text


async def test_create_anyway_files_a_new_ticket(linli: Linli, town: Community) -> None:
    sb = town.sb
    await sb.send(town.auntie, None, "/complain 3号楼电梯坏了一周")
    await sb.next_message(town.auntie)
    await sb.send(town.auntie, None, "/complain 3号楼电梯又坏了，一周了")
    offer = await sb.next_message(town.auntie)
    await sb.press(town.auntie, offer, "仍然新建")
    assert "#2" in (await sb.next_message(town.auntie)).text


# 8. the residents' own view ------------------------------------------------------------


async def test_my_tickets_shows_own_with_text_and_followed_without(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.send(town.auntie, town.building, "#投诉 3号楼电梯坏了一周")
    await sb.next_message(town.building)
    await opened(sb, town.neighbour)
    await sb.send(town.neighbour, None, "/complain 3号楼电梯又坏了，一周了")
    offer = await sb.next_message(town.neighbour)
    await sb.press(town.neighbour, offer, "+1 到 #1")
    await sb.next_message(town.neighbour)
    await sb.send(town.neighbour, None, "/wish 想请人帮忙搬个柜子")
    await sb.next_message(town.neighbour)
    await sb.send(town.neighbour, None, "/mytickets")
    mine = await sb.next_message(town.neighbour)
    assert "#2" in mine.text and "搬个柜子" in mine.text
    assert "#1" in mine.text and "坏了一周" not in mine.text and "王阿姨" not in mine.text
    await sb.send(town.neighbour, town.building, "/mytickets")
    pointer = await sb.next_message(town.building)
    assert "私聊" in pointer.text and "#2" not in pointer.text


async def test_ticket_view_staff_see_all_residents_only_their_own(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.send(town.auntie, None, "/complain 邻居家狗半夜叫")
    await sb.next_message(town.auntie)
    card = await sb.next_message(town.committee)
    await sb.press(town.staff, card, "受理")
    await card_shows(sb, card, "处理中")
    await sb.next_message(town.auntie)  # 已受理
    await sb.send(town.staff, town.committee, "/ticket 1")
    staff_view = await sb.next_message(town.committee)
    assert "王阿姨" in staff_view.text and "张主任 受理" in staff_view.text
    await sb.send(town.auntie, None, "/ticket #1")
    own = await sb.next_message(town.auntie)
    assert "邻居家狗半夜叫" in own.text and "受理" in own.text
    await opened(sb, town.neighbour)
    await sb.send(town.neighbour, None, "/ticket 1")
    other = await sb.next_message(town.neighbour)
    assert other.text == "没有找到这个工单。"
    await sb.send(town.auntie, town.building, "/ticket 1")  # never in a resident group
    await sb.send(town.neighbour, None, "/ticket abc")
    assert "/ticket 42" in (await sb.next_message(town.neighbour)).text
    assert len(sb.sent_to(town.building)) == 1


async def test_members_of_a_partys_own_chat_act_on_its_cards(
    property_chat_bot: tuple[Linli, Community, int],
) -> None:
    _, c, property_chat = property_chat_bot
    sb = c.sb
    manager = next(u for u in sb.users.values() if u.first_name == "钱经理")
    await sb.send(c.auntie, c.building, "#报修 5号楼电梯异响")
    await sb.next_message(c.building)
    card = await sb.next_message(property_chat)
    answer = await sb.callback_answer(await sb.press(manager, card, "受理"))
    assert answer["text"] == "已受理"
    assert "钱经理" in (await sb.wait_for_edit(card, "处理中")).text
