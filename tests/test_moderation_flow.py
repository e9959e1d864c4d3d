"""Screening in resident groups as moderators, residents and the committee live it: a suspicious
post becomes a review card, nothing is deleted until a moderator decides, and decisions are
remembered (known rumours answered at once, false alarms not flagged again, ads cost a mute)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot import texts
from bot.app import Linli
from sandbox import Sandbox, Sent
from sandbox.world import Chat, User
from tests.conftest import ROOT, Community, StartLinli

RUMOUR = "紧急通知！内部消息，明天全小区停水三天，赶紧转发给家里人"
REWORDED = "内部消息：明天全小区停水3天！！赶紧转发给家里人"
AD = "兼职刷单，日结工资，加微信 138 1234 5678 详聊"
CLARIFICATION = "经向自来水公司核实，近期没有停水计划。"


@dataclass
class Town:
    sb: Sandbox
    c: Community
    mods: Chat  # the moderators' chat
    moderator: User  # a member of it (not staff)
    annex: Chat  # 5号楼: a resident group where the bot is not an admin
    linli: Linli


def moderators_chat(sb: Sandbox, c: Community, moderator: User) -> Chat:
    mods = sb.add_group("群管理员审核群", owner=c.admin, members=[moderator])
    mods.members[sb.bot.id].status = "member"
    return mods


@pytest.fixture
async def town(sb: Sandbox, community: Community, start_linli: StartLinli) -> Town:
    moderator = sb.add_user("陈管理")
    mods = moderators_chat(sb, community, moderator)
    annex = sb.add_group(
        "5号楼业主群", owner=community.admin, members=[community.auntie, community.neighbour]
    )
    linli = await start_linli(moderator_chat_id=mods.id, rules="[screening]\nmute_after_ads = 2\n")
    await sb.add_bot(community.building, community.admin, admin=True)
    await sb.next_message(community.building)
    await sb.add_bot(annex, community.admin)
    await sb.next_message(annex)
    return Town(sb, community, mods, moderator, annex, linli)


async def flushed(town: Town) -> None:
    await town.sb.settle()
    assert town.linli.services and await town.linli.services.outbox.flush(timeout=10)


async def post(town: Town, user: User, chat: Chat, text: str, **extra: object) -> int:
    sent = await town.sb.send(user, chat, text, **extra)  # type: ignore[arg-type]
    return int(sent["message_id"])


def is_visible(sb: Sandbox, chat: Chat, message_id: int) -> bool:
    return any(m.message_id == message_id for m in sb.visible(chat))


async def answer(sb: Sandbox, user: User, card: Sent, button: str) -> str:
    return str((await sb.callback_answer(await sb.press(user, card, button)))["text"])


# 3. screening ----------------------------------------------------------------------------------


async def test_ordinary_chat_is_never_touched(town: Town) -> None:
    sb, c = town.sb, town.c
    lines = (
        (ROOT / "moderation" / "data" / "resident_chat.tsv")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    chatter = [line.split("\t")[-1] for line in lines[1:41]]
    ids = [await post(town, c.auntie, c.building, text) for text in chatter]
    await flushed(town)
    assert sb.sent_to(town.mods) == []
    assert all(is_visible(sb, c.building, i) for i in ids)
    assert sb.sent_to(c.building)[1:] == []  # only the welcome


async def test_a_rumour_becomes_a_review_card_and_nothing_is_deleted(town: Town) -> None:
    sb, c = town.sb, town.c
    rumour = await post(town, c.auntie, c.building, RUMOUR)
    card = await sb.next_message(town.mods)
    assert "待审核#1" in card.text and "疑似谣言" in card.text
    assert "3号楼业主群" in card.text and "王阿姨" in card.text
    assert "催促转发" in card.text and "无来源的内部消息" in card.text
    assert "明天全小区停水三天" in card.text
    assert [label for row in card.buttons for label, _ in row] == [
        "确认谣言",
        "误报/放行",
        "需核实",
    ]
    await flushed(town)
    assert is_visible(sb, c.building, rumour)
    assert sb.sent_to(c.building)[1:] == []


async def test_staff_posts_are_not_screened_but_tagged_posts_and_commands_are(town: Town) -> None:
    sb, c = town.sb, town.c
    await post(town, c.staff, c.building, "紧急通知：内部消息，明天停水，请互相转告，赶紧转发")
    await flushed(town)
    assert sb.sent_to(town.mods) == []
    # A tag or a leading /word is no way around the screen: the post is filed and screened.
    await post(town, c.auntie, c.building, "#投诉 内部消息，明天全小区停水三天，赶紧转发给家里人")
    card = await sb.next_message(town.mods, containing="待审核")
    assert "停水三天" in card.text
    await post(town, c.neighbour, town.annex, "/help 内部消息：下周全区封控，赶紧囤菜，转发给家人")
    assert "封控" in (await sb.next_message(town.mods, containing="待审核")).text


async def test_a_redelivered_post_is_flagged_once(town: Town) -> None:
    sb, c = town.sb, town.c
    await post(town, c.auntie, c.building, RUMOUR)
    await sb.next_message(town.mods)
    await sb.redeliver(sb.last_update_id)
    await flushed(town)
    assert len(sb.sent_to(town.mods)) == 1


async def test_a_forwarded_channel_ad_is_flagged_as_an_ad(town: Town) -> None:
    sb, c = town.sb, town.c
    await post(
        town,
        c.neighbour,
        c.building,
        "优惠多多，扫码进群 https://shop.example.top/a",
        forwarded_from_channel="好物分享",
    )
    card = await sb.next_message(town.mods)
    assert "疑似广告" in card.text and "转发自频道" in card.text and "站外链接" in card.text
    assert card.buttons[0][0][0] == "确认广告"


# 4. decisions ----------------------------------------------------------------------------------


async def test_residents_cannot_decide_even_with_forged_buttons(town: Town) -> None:
    sb, c = town.sb, town.c
    rumour = await post(town, c.auntie, c.building, RUMOUR)
    card = await sb.next_message(town.mods)
    assert await answer(sb, c.neighbour, card, "确认谣言") == texts.ONLY_MODERATORS
    assert await answer(sb, c.staff, card, "误报/放行") == texts.ONLY_MODERATORS
    welcome = sb.sent_to(c.building)[0]
    forged = await sb.callback_answer(await sb.press_data(c.neighbour, welcome, "m:confirm:1"))
    assert forged["text"] == texts.UNKNOWN_BUTTON
    await flushed(town)
    assert is_visible(sb, c.building, rumour)
    assert sb.edited(town.mods, card.message_id).text == card.text
    assert town.linli.db
    async with town.linli.db.read() as tx:
        assert (await tx.flags.get(1)).status == "open"  # type: ignore[union-attr]


async def test_confirming_removes_the_post_and_a_repeat_elsewhere_is_answered_at_once(
    town: Town,
) -> None:
    sb, c = town.sb, town.c
    rumour = await post(town, c.auntie, c.building, RUMOUR)
    card = await sb.next_message(town.mods)
    assert await answer(sb, town.moderator, card, "确认谣言") == texts.ANSWER_DONE
    decided = await sb.wait_for_edit(card, "确认为谣言")
    assert "陈管理" in decided.text and "消息已删除" in decided.text
    assert decided.button_texts == ["撤销确认"]  # for a few minutes, if it was a mistake
    notice = await sb.next_message(c.building)
    assert "不实" in notice.text and "停水" not in notice.text
    prompt = await sb.next_message(town.mods, containing="谣言#")
    await flushed(town)
    assert not is_visible(sb, c.building, rumour)

    await sb.send(town.moderator, town.mods, CLARIFICATION, reply_to=prompt.message_id)
    assert "已保存" in (await sb.next_message(town.mods)).text
    assert CLARIFICATION in (await sb.next_message(c.building)).text

    # The same rumour, reworded, in another group where the bot cannot delete: answered.
    repeat = await post(town, c.neighbour, town.annex, REWORDED)
    reply = await sb.next_message(town.annex)
    assert CLARIFICATION in reply.text and reply.reply_to_message_id == repeat
    log = await sb.next_message(town.mods)
    assert "5号楼业主群" in log.text and "谣言#" in log.text and log.buttons == []
    # ...and in a group where it can: removed, with the clarification.
    again = await post(town, c.neighbour, c.building, RUMOUR + "！")
    assert CLARIFICATION in (await sb.next_message(c.building)).text
    await flushed(town)
    assert not is_visible(sb, c.building, again)
    assert is_visible(sb, town.annex, repeat)
    assert not any("待审核#2" in s.text for s in sb.sent_to(town.mods))


async def test_without_admin_rights_the_moderators_are_told_the_post_stays(town: Town) -> None:
    sb, c = town.sb, town.c
    rumour = await post(town, c.auntie, town.annex, RUMOUR)
    card = await sb.next_message(town.mods)
    await sb.press(town.moderator, card, "确认谣言")
    decided = await sb.wait_for_edit(card, "确认为谣言")
    assert "消息未删除" in decided.text
    notice = await sb.next_message(town.annex)
    assert notice.reply_to_message_id == rumour and "不要转发" in notice.text
    await flushed(town)
    assert is_visible(sb, town.annex, rumour)


async def test_a_false_alarm_is_left_alone_and_not_flagged_again(town: Town) -> None:
    sb, c = town.sb, town.c
    text = "听说明天物业要检修二次供水，紧急通知说可能停水，大家互相转告一下"
    flagged = await post(town, c.auntie, c.building, text)
    card = await sb.next_message(town.mods)
    assert await answer(sb, town.moderator, card, "误报/放行") == texts.ANSWER_DONE
    decided = await sb.wait_for_edit(card, "误报")
    assert "陈管理" in decided.text and decided.buttons == []
    await post(town, c.neighbour, town.annex, text.replace("，", " ") + "。")
    await flushed(town)
    assert is_visible(sb, c.building, flagged)
    assert sb.sent_to(c.building)[1:] == [] and sb.sent_to(town.annex)[1:] == []
    assert len(sb.sent_to(town.mods)) == 1


async def test_unsure_goes_to_the_committee_who_may_decide_there(town: Town) -> None:
    sb, c = town.sb, town.c
    await post(town, c.auntie, c.building, RUMOUR)
    card = await sb.next_message(town.mods)
    await sb.press(town.moderator, card, "需核实")
    ask = await sb.next_message(c.committee, containing="请帮忙核实")
    assert "明天全小区停水三天" in ask.text and "王阿姨" not in ask.text
    waiting = await sb.wait_for_edit(card, "转社区工作群核实")
    assert [label for row in waiting.buttons for label, _ in row] == ["确认谣言", "误报/放行"]
    assert await answer(sb, c.auntie, ask, "确认谣言") == texts.ONLY_MODERATORS
    assert await answer(sb, c.staff, ask, "确认谣言") == texts.ANSWER_DONE
    assert "张主任" in (await sb.wait_for_edit(ask, "确认为谣言")).text
    assert (await sb.wait_for_edit(card, "确认为谣言")).button_texts == ["撤销确认"]
    assert await answer(sb, town.moderator, waiting, "误报/放行") == texts.ANSWER_ALREADY_DECIDED


# 6. ads ----------------------------------------------------------------------------------------


async def test_confirmed_ads_are_removed_and_a_repeat_offender_is_muted(town: Town) -> None:
    sb, c = town.sb, town.c
    first = await post(town, c.neighbour, c.building, AD)
    card = await sb.next_message(town.mods)
    assert "疑似广告" in card.text and "留联系方式拉人" in card.text
    await sb.press(town.moderator, card, "确认广告")
    assert "广告" in (await sb.next_message(c.building)).text
    await flushed(town)
    assert not is_visible(sb, c.building, first)
    assert c.building.member(c.neighbour.id).status == "member"

    second = await post(town, c.neighbour, c.building, AD.replace("详聊", "私聊"))
    assert "禁言" in (await sb.next_message(town.mods, containing="禁言")).text
    await flushed(town)
    assert not is_visible(sb, c.building, second)
    member = c.building.member(c.neighbour.id)
    assert member.status == "restricted" and member.is_muted  # muted, never banned
    restrict = next(p for m, p in sb.calls if m == "restrictChatMember")
    assert (
        town.linli.clock.now().timestamp() + 23.9 * 3600
        < int(restrict["until_date"])
        <= town.linli.clock.now().timestamp() + 24 * 3600
    )
    with pytest.raises(PermissionError):
        await sb.send(c.neighbour, c.building, "我怎么不能说话了")
    assert c.neighbour.id in c.building.members


# 7. audit and figures --------------------------------------------------------------------------


async def test_modstats_for_moderators_only_and_every_decision_is_an_event(town: Town) -> None:
    sb, c = town.sb, town.c
    await post(town, c.auntie, c.building, RUMOUR)
    card = await sb.next_message(town.mods)
    await sb.press(town.moderator, card, "确认谣言")
    await sb.wait_for_edit(card, "确认为谣言")
    await post(town, c.auntie, c.building, "听说内部消息，下周要封城，赶紧囤菜，扩散")
    second = await sb.next_message(town.mods, containing="待审核#2")
    await sb.press(town.moderator, second, "误报/放行")
    await sb.wait_for_edit(second, "误报")
    await post(town, c.neighbour, town.annex, REWORDED)
    await sb.next_message(town.mods, containing="相同")

    await sb.send(town.moderator, town.mods, "/modstats")
    stats = await sb.next_message(town.mods, containing="审核统计")
    assert "近7天：标记 2 · 确认 1 · 误报 1 · 自动处理重复 1 · 准确率 50%" in stats.text
    await sb.send(c.staff, c.committee, "/digest")
    digest = await sb.next_message(c.committee, containing="日报")
    assert "【群消息审核】待审核 0 · 确认 1 · 误报 1 · 自动处理重复 1" in digest.text
    await sb.send(c.auntie, None, "/modstats")
    assert (await sb.next_message(c.auntie)).text == texts.MODSTATS_ONLY
    await sb.send(c.auntie, c.building, "/modstats")
    await flushed(town)
    assert not any("审核统计" in s.text for s in sb.sent_to(c.building))

    assert town.linli.db
    async with town.linli.db.read() as tx:
        rows = await tx.events.about("flag", "known")
    actions = [(e.action, e.actor_id) for e in rows]
    assert actions == [
        ("flagged", None),
        ("flag_confirmed", town.moderator.id),
        ("flagged", None),
        ("flag_dismissed", town.moderator.id),
        ("known_rumour_hit", None),
    ]


async def test_decisions_are_remembered_across_a_restart(
    sb: Sandbox, community: Community, start_linli: StartLinli
) -> None:
    moderator = sb.add_user("陈管理")
    mods = moderators_chat(sb, community, moderator)
    linli = await start_linli(moderator_chat_id=mods.id)
    try:
        await sb.add_bot(community.building, community.admin, admin=True)
        await sb.next_message(community.building)
        await sb.send(community.auntie, community.building, RUMOUR)
        card = await sb.next_message(mods)
        await sb.press(moderator, card, "确认谣言")
        await sb.wait_for_edit(card, "确认为谣言")
    finally:
        await linli.stop()
    linli = await start_linli(moderator_chat_id=mods.id)
    try:
        await sb.send(community.neighbour, community.building, REWORDED)
        assert (
            "之前已经核实过"
            in (await sb.next_message(community.building, containing="核实过")).text
        )
    finally:
        await linli.stop()
