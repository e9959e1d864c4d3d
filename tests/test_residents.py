"""Residents as they really write (issue 13): voice notes, albums, locations, stickers, plain
words in private, drafts left overnight, emergencies, and hearing back without the private
chat. Each scene is played over the sandbox as a resident would."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import Linli
from bot.clock import ManualClock
from sandbox import Sandbox
from storage.outbox import OutgoingMessage
from tests.conftest import Community, StartLinli
from tests.test_tickets import opened, tickets_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
async def town(linli: Linli, community: Community) -> Community:
    """The building group is a resident group; 王阿姨 has opened the bot, 赵师傅 has not."""
    sb = community.sb
    await sb.add_bot(community.building, community.admin, admin=True)
    await sb.next_message(community.building)
    await opened(sb, community.auntie)
    return community


# 1. voice notes --------------------------------------------------------------------------------


async def test_a_voice_note_in_private_becomes_a_complaint_and_staff_get_the_voice(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.send(town.auntie, None, voice_seconds=12)
    asked = await sb.next_message(town.auntie)
    assert "已收到您的语音" in asked.text
    assert asked.button_texts == ["投诉/报修", "微心愿", "不用了"]
    await sb.press(town.auntie, asked, "投诉/报修")
    photo_q = await sb.next_message(town.auntie)
    assert "照片" in photo_q.text
    await sb.press(town.auntie, photo_q, "不加照片")
    confirm = await sb.next_message(town.auntie)
    assert "语音留言 12 秒" in confirm.text and "附语音 1 条" in confirm.text
    await sb.press(town.auntie, confirm, "确认提交")
    ack = await sb.next_message(town.auntie)
    assert "#1" in ack.text and "已收到您的语音" in ack.text
    card = await sb.next_message(town.committee)
    assert "#1" in card.text
    voice = await sb.next_message(town.committee)
    assert voice.method == "sendVoice" and "#1 的语音" in voice.text
    [ticket] = await tickets_of(linli)
    assert [a.kind for a in ticket.attachments] == ["voice"]


async def test_a_voice_note_tagged_or_answering_the_prompt_in_a_group_is_filed(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.send(town.auntie, town.building, voice_seconds=8, caption="#报修")
    ack = await sb.next_message(town.building)
    assert "#1" in ack.text and "已收到您的语音" in ack.text
    await sb.next_message(town.committee)  # the card
    assert (await sb.next_message(town.committee)).method == "sendVoice"
    # 赵师傅 writes only the tag; the bot asks; he answers its very message with his voice.
    await sb.send(town.neighbour, town.building, "#投诉")
    prompt = await sb.next_message(town.building)
    assert "后面写上具体内容" in prompt.text
    await sb.send(town.neighbour, town.building, voice_seconds=20, reply_to=prompt.message_id)
    ack = await sb.next_message(town.building)
    assert "#2" in ack.text and "已收到您的语音" in ack.text
    # A voice note that answers nothing is chat: nothing is filed.
    await sb.send(town.auntie, town.building, voice_seconds=5)
    await sb.settle()
    assert len(await tickets_of(linli)) == 2


# 2. albums -------------------------------------------------------------------------------------


async def test_an_album_is_one_request_and_staff_get_every_photo(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.send_album(town.auntie, town.building, photos=3, caption="#报修 楼道墙皮掉了")
    ack = await sb.next_message(town.building)
    assert "#1" in ack.text
    await sb.settle()
    to_staff = sb.sent_to(town.committee)
    photos = [s for s in to_staff if s.method == "sendPhoto"]
    assert len(photos) == 3 and all("#1" in p.text for p in photos)
    [ticket] = await tickets_of(linli)
    assert len(ticket.attachments) == 2 and ticket.photo_file_id
    assert not any("#2" in s.text for s in sb.sent_to(town.building))


async def test_an_album_captioned_on_its_last_photo_keeps_the_earlier_ones(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.send_album(
        town.auntie, town.building, photos=3, caption="#报修 地库入口积水", caption_on=2
    )
    await sb.next_message(town.building, containing="#1")
    await sb.settle()
    [ticket] = await tickets_of(linli)
    assert len(ticket.attachments) == 2 and ticket.photo_file_id
    assert len([s for s in sb.sent_to(town.committee) if s.method == "sendPhoto"]) == 3


async def test_an_album_in_private_is_kept_with_the_draft(linli: Linli, town: Community) -> None:
    sb = town.sb
    await sb.send(town.auntie, None, "/complain")
    await sb.next_message(town.auntie)
    await sb.send(town.auntie, None, "车库入口的栏杆断了")
    await sb.next_message(town.auntie)  # 要不要加一张照片
    await sb.send_album(town.auntie, None, photos=2)
    confirm = await sb.next_message(town.auntie)
    assert "附照片" in confirm.text
    await sb.settle()
    assert len([s for s in sb.sent_to(town.auntie) if "请确认" in s.text]) == 1  # asked once
    await sb.press(town.auntie, confirm, "确认提交")
    await sb.next_message(town.auntie)
    await sb.settle()
    assert len([s for s in sb.sent_to(town.committee) if s.method == "sendPhoto"]) == 2


# 3. locations, stickers, plain words ----------------------------------------------------------


async def test_a_sticker_gets_one_kind_answer_and_plain_words_are_offered_as_a_request(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.send(town.auntie, None, sticker="👍")
    answer = await sb.next_message(town.auntie)
    assert "文字、语音、照片和位置" in answer.text
    await sb.send(town.auntie, None, "电梯又坏了，怎么办")
    offer = await sb.next_message(town.auntie)
    assert "要帮您登记吗" in offer.text and "电梯又坏了" in offer.text
    await sb.press(town.auntie, offer, "投诉/报修")
    photo_q = await sb.next_message(town.auntie)
    await sb.press(town.auntie, photo_q, "不加照片")
    confirm = await sb.next_message(town.auntie)
    await sb.press(town.auntie, confirm, "确认提交")
    ack = await sb.next_message(town.auntie)
    assert "#1" in ack.text and "电梯又坏了，怎么办" in ack.text
    [ticket] = await tickets_of(linli)
    assert ticket.party == "property"


async def test_a_location_is_kept_with_the_draft_and_sent_to_staff(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.send(town.auntie, None, "/complain")
    await sb.next_message(town.auntie)
    await sb.send(town.auntie, None, location=(31.2304, 121.4737))
    kept = await sb.next_message(town.auntie)
    assert "收到位置" in kept.text and "问题" in kept.text
    await sb.send(town.auntie, None, "这里的井盖不见了")
    photo_q = await sb.next_message(town.auntie)
    await sb.press(town.auntie, photo_q, "不加照片")
    confirm = await sb.next_message(town.auntie)
    assert "附位置" in confirm.text
    await sb.press(town.auntie, confirm, "确认提交")
    await sb.next_message(town.auntie)
    await sb.settle()
    assert any(s.method == "sendLocation" for s in sb.sent_to(town.committee))


# 4. drafts that go stale ----------------------------------------------------------------------


async def test_a_draft_left_overnight_does_not_swallow_the_next_mornings_complaint(
    sb: Sandbox, community: Community, start_linli: StartLinli
) -> None:
    clock = ManualClock(datetime(2026, 12, 1, 21, 0, tzinfo=SHANGHAI))
    linli = await start_linli(clock=clock)
    await opened(sb, community.auntie)
    await sb.send(community.auntie, None, "/wish")
    await sb.next_message(community.auntie)
    await sb.send(community.auntie, None, "想请人教孙子下围棋")
    await sb.next_message(community.auntie)  # 要不要加一张照片 — and she goes to bed
    clock.advance(timedelta(hours=11))
    await sb.send(community.auntie, None, "3号楼电梯又停了")
    asked = await sb.next_message(community.auntie)
    assert "想请人教孙子下围棋" in asked.text and "还没提交" in asked.text
    assert asked.button_texts == ["接着上次的", "重新开始"]
    await sb.press(community.auntie, asked, "重新开始")
    offer = await sb.next_message(community.auntie)
    assert "3号楼电梯又停了" in offer.text
    await sb.press(community.auntie, offer, "投诉/报修")
    await sb.press(community.auntie, await sb.next_message(community.auntie), "不加照片")
    await sb.press(community.auntie, await sb.next_message(community.auntie), "确认提交")
    await sb.next_message(community.auntie)
    [ticket] = await tickets_of(linli)
    assert (ticket.kind, ticket.text, ticket.party) == ("complaint", "3号楼电梯又停了", "property")


async def test_going_on_with_an_old_draft_keeps_both_messages(
    sb: Sandbox, community: Community, start_linli: StartLinli
) -> None:
    clock = ManualClock(datetime(2026, 12, 1, 21, 0, tzinfo=SHANGHAI))
    linli = await start_linli(clock=clock)
    await opened(sb, community.auntie)
    await sb.send(community.auntie, None, "/complain")
    await sb.next_message(community.auntie)
    await sb.send(community.auntie, None, photo=True)  # a photo before the words: kept
    await sb.next_message(community.auntie)
    clock.advance(timedelta(hours=5))
    await sb.send(community.auntie, None, "楼下的垃圾两天没人收")
    asked = await sb.next_message(community.auntie)
    assert "还没写内容" in asked.text
    await sb.press(community.auntie, asked, "接着上次的")
    confirm = await sb.next_message(community.auntie)
    assert "楼下的垃圾两天没人收" in confirm.text and "附照片" in confirm.text
    assert "修改" in confirm.button_texts
    await sb.press(community.auntie, confirm, "确认提交")
    await sb.next_message(community.auntie)
    [ticket] = await tickets_of(linli)
    assert ticket.photo_file_id and ticket.category == "垃圾"


# 5. emergencies -------------------------------------------------------------------------------


async def test_an_emergency_gives_numbers_at_once_and_is_urgent_for_staff(
    sb: Sandbox, community: Community, start_linli: StartLinli
) -> None:
    clock = ManualClock(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI))
    linli = await start_linli(clock=clock)
    await opened(sb, community.auntie)
    await sb.send(community.auntie, None, "/complain 电梯里困人了！")
    first = await sb.next_message(community.auntie)
    assert "先打电话" in first.text and "96333" in first.text and "119" in first.text
    ack = await sb.next_message(community.auntie)
    assert "#1" in ack.text and "12月1日 12:00" in ack.text  # hours, not days
    card = await sb.next_message(community.committee)
    assert "紧急" in card.text
    [ticket] = await tickets_of(linli)
    assert ticket.urgent and ticket.due_at == datetime(2026, 12, 1, 12, 0, tzinfo=SHANGHAI)
    assert linli.services
    assert await linli.services.tickets.escalate_overdue() == 0
    clock.advance(timedelta(minutes=31))
    assert await linli.services.tickets.escalate_overdue() == 1
    alert = await sb.next_message(community.committee, containing="还没人受理")
    assert "#1" in alert.text and "电梯里困人了" in alert.text
    assert await linli.services.tickets.escalate_overdue() == 0  # not again at once
    clock.advance(timedelta(minutes=31))
    assert await linli.services.tickets.escalate_overdue() == 1  # while nobody accepts
    answer = await sb.callback_answer(await sb.press(community.staff, card, "受理"))
    assert "受理" in str(answer), answer
    clock.advance(timedelta(minutes=31))
    assert await linli.services.tickets.escalate_overdue() == 0
    # A gas bill is not an emergency.
    await sb.send(community.auntie, None, "/complain 燃气费怎么交？")
    await sb.next_message(community.auntie, containing="#2")
    assert not (await tickets_of(linli))[1].urgent


async def test_an_urgent_message_goes_ahead_of_what_is_queued_for_its_chat(
    linli: Linli, community: Community
) -> None:
    assert linli.db and linli.services
    await linli.services.outbox.stop()  # nothing is sent while the queue is looked at
    chat = community.committee.id
    async with linli.db.transaction() as tx:
        for i in range(3):
            await tx.outbox.enqueue(OutgoingMessage(chat_id=chat, params={"text": f"日常{i}"}))
        urgent = await tx.outbox.enqueue(
            OutgoingMessage(chat_id=chat, params={"text": "紧急"}, priority=1)
        )
    async with linli.db.read() as tx:
        [head] = [
            h
            for h in await tx.outbox.due_heads(tx.now, busy_chats=set(), limit=10)
            if h.chat_id == chat
        ]
    assert head.id == urgent


# 6. hearing back without the private chat --------------------------------------------------


async def test_a_resident_who_never_opened_the_bot_hears_each_step_in_the_group(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.send(town.neighbour, town.building, "#投诉 2单元门口的路灯不亮了")
    ack = await sb.next_message(town.building)
    assert "#1" in ack.text and "t.me" in str(ack.raw)
    card = await sb.next_message(town.committee)
    await sb.press(town.staff, card, "受理")
    step = await sb.next_message(town.building, containing="已受理")
    assert "#1" in step.text and "路灯" not in step.text and "start=t1" in str(step.raw)
    card = await sb.wait_for_edit(card, "处理中")
    await sb.press(town.staff, card, "完成")
    done = await sb.next_message(town.building, containing="已办结")
    assert "评价" in done.text and "路灯" not in done.text
    await sb.settle()
    lines = [s.text for s in sb.sent_to(town.building)]
    assert sum("已受理" in t for t in lines) == 1 and sum("已办结" in t for t in lines) == 1
    # The link opens the private chat, with the rating question there at last.
    await sb.send(town.neighbour, None, "/start t1")
    rating = await sb.next_message(town.neighbour, containing="评价")
    assert "满意" in rating.button_texts


# 7. two-way notes ------------------------------------------------------------------------------


async def test_staff_notes_reach_the_resident_and_she_adds_to_her_ticket(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.send(town.auntie, None, "/complain 5号楼楼道灯不亮")
    ack = await sb.next_message(town.auntie)
    assert "补充" in ack.button_texts
    card = await sb.next_message(town.committee)
    await sb.press(town.staff, card, "受理")
    await sb.next_message(town.auntie, containing="已受理")
    # Staff reply to the card: the resident reads it as progress; the card shows it.
    await sb.send(
        town.staff, town.committee, "灯管已经订了，明天上午来换", reply_to=card.message_id
    )
    note = await sb.next_message(town.auntie, containing="进展")
    assert "#1 进展：灯管已经订了，明天上午来换" in note.text
    await sb.wait_for_edit(card, "最新进展：灯管已经订了")
    # A neighbour's reply to the card is not a note (not staff of that chat).
    # She adds a photo with 补充, and later words by replying to the acknowledgement.
    await sb.press(town.auntie, ack, "补充")
    await sb.next_message(town.auntie, containing="补充到")
    await sb.send(town.auntie, None, photo=True)
    assert "已补充到" in (await sb.next_message(town.auntie)).text
    added = await sb.next_message(town.committee, containing="居民补充")
    assert "#1" in added.text
    assert (await sb.next_message(town.committee)).method == "sendPhoto"
    await sb.send(town.auntie, None, "晚上八点以后家里有人", reply_to=ack.message_id)
    await sb.next_message(town.auntie, containing="已补充到")
    assert (
        "晚上八点以后家里有人"
        in (await sb.next_message(town.committee, containing="居民补充")).text
    )
    # A completion may carry a note.
    await sb.send(town.staff, town.committee, "完成：已换新灯管", reply_to=card.message_id)
    done = await sb.next_message(town.auntie, containing="已办结")
    assert "说明：已换新灯管" in done.text and "满意" in done.button_texts
    [ticket] = await tickets_of(linli)
    assert ticket.status == "done" and ticket.last_note == "已换新灯管"


# 8. after 不满意 -------------------------------------------------------------------------------


async def test_after_unsatisfied_the_resident_is_asked_why_and_the_committee_told(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.send(town.auntie, None, "/complain 楼下垃圾桶满了没人清")
    await sb.next_message(town.auntie)
    card = await sb.next_message(town.committee)
    await sb.press(town.staff, card, "受理")
    card = await sb.wait_for_edit(card, "处理中")
    await sb.press(town.staff, card, "完成")
    rating = await sb.next_message(town.auntie, containing="已办结")
    assert "未解决" in rating.text and "满意、基本满意，还是不满意" in rating.text
    await sb.press(town.auntie, rating, "不满意")
    told = await sb.next_message(town.committee, containing="不满意")
    assert "#1" in told.text
    asked = await sb.wait_for_edit(rating, "哪里不满意")
    assert "办得太慢" in asked.button_texts
    await sb.send(town.auntie, None, "只清了一半，还有味道")
    assert "转告社区" in (await sb.next_message(town.auntie)).text
    why = await sb.next_message(town.committee, containing="原因")
    assert "只清了一半，还有味道" in why.text


# 9. wording -----------------------------------------------------------------------------------


async def test_residents_read_plain_words(linli: Linli, town: Community) -> None:
    sb = town.sb
    await sb.send(town.auntie, None, "/wish 想请人帮忙换个灯泡")
    ack = await sb.next_message(town.auntie)
    assert "由居委会办理，" in ack.text and "（微心愿）" not in ack.text
    await sb.send(town.auntie, None, "/complain 小区里有只流浪的鹅")  # no category fits
    ack = await sb.next_message(town.auntie, containing="#2")
    assert "（其他）" not in ack.text
    await sb.send(town.auntie, None, "/mytickets")
    mine = await sb.next_message(town.auntie)
    assert "微心愿 · 微心愿" not in mine.text
    await sb.send(town.auntie, None, "/reception list")
    reception = await sb.next_message(town.auntie)
    assert "只有社区工作人员" not in reception.text
    private_menu = sb.commands[('{"type": "all_private_chats"}', "")]
    assert "id" not in [c["command"] for c in private_menu]


# 10. addresses ---------------------------------------------------------------------------------


async def test_the_address_is_asked_once_and_shown_to_staff_only(
    linli: Linli, town: Community
) -> None:
    sb = town.sb
    await sb.send(town.auntie, None, "/complain 楼道里的灯坏了")
    ack = await sb.next_message(town.auntie)
    assert "住哪栋楼" in ack.text and "登记住址" in ack.button_texts
    card = await sb.next_message(town.committee)
    assert "住址" not in card.text
    await sb.press(town.auntie, ack, "登记住址")
    prompt = await sb.next_message(town.auntie, containing="楼号和门牌号")
    await sb.send(town.auntie, None, "3号楼502", reply_to=prompt.message_id)
    offer = await sb.next_message(town.auntie, containing="对吗")
    await sb.press(town.auntie, offer, "对，就是这里")
    await sb.wait_for_edit(offer, "已登记")
    # Next time she is not asked again, and the card tells staff where she lives.
    await sb.send(town.auntie, town.building, "#投诉 楼下的车挡住了消防通道")
    group_ack = await sb.next_message(town.building)
    assert "3号楼502" not in group_ack.text
    second = await sb.next_message(town.auntie, containing="#2")
    assert "住哪栋楼" not in second.text and "登记住址" not in second.button_texts
    card = await sb.next_message(town.committee, containing="#2")
    assert "住址：3号楼502室" in card.text and "tg://user?id=" in str(card.raw)
