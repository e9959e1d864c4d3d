"""Screening v2 around the screen (issue 15): no way around it (edits, channel posts, filler
letters, tags and commands), one card and one decision for a rumour posted in many groups, and
the moderators' controls (撤销确认, 解除禁言, pending cards again, 需核实 in one chat)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.clock import ManualClock
from sandbox import Sandbox, Sent
from tests.conftest import Community, StartLinli
from tests.test_moderation_flow import (
    AD,
    CLARIFICATION,
    RUMOUR,
    Town,
    answer,
    flushed,
    is_visible,
    moderators_chat,
    post,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
AD2 = "高薪招聘网络刷单员，每单佣金50元，加V 15912345678"
AD3 = "手机兼职，一单30元，加V 13912345678 详聊"


@pytest.fixture
async def town(sb: Sandbox, community: Community, start_linli: StartLinli) -> Town:
    """Three resident groups where the bot is an admin, a moderators' chat, a clock to move."""
    moderator = sb.add_user("陈管理")
    mods = moderators_chat(sb, community, moderator)
    annex = sb.add_group(
        "5号楼业主群", owner=community.admin, members=[community.auntie, community.neighbour]
    )
    clock = ManualClock(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI))
    linli = await start_linli(
        clock=clock, moderator_chat_id=mods.id, rules="[screening]\nmute_after_ads = 2\n"
    )
    for group in (community.building, annex, community.hobby):
        owner = community.neighbour if group is community.hobby else community.admin
        await sb.add_bot(group, owner, admin=True)
        await sb.next_message(group)
    sb.join(community.hobby, community.admin)
    await sb.send(community.admin, community.hobby, "/bind")
    await sb.next_message(community.hobby, containing="居民群")
    return Town(sb, community, mods, moderator, annex, linli)


async def confirmed_in_building(town: Town, text: str) -> None:
    """王阿姨 posts `text` in 3号楼's group, the moderator confirms it as a rumour, and the
    group hears the notice."""
    await post(town, town.c.auntie, town.c.building, text)
    card = await town.sb.next_message(town.mods, containing="待审核")
    await town.sb.press(town.moderator, card, "确认谣言")
    await town.sb.next_message(town.c.building, containing="内容不实")


async def confirmed_with_prompt(town: Town) -> tuple[Sent, Sent]:
    """王阿姨's rumour in 3号楼's group, confirmed by the moderator: the decided card (with
    撤销确认) and the clarification prompt."""
    await post(town, town.c.auntie, town.c.building, RUMOUR)
    card = await town.sb.next_message(town.mods, containing="待审核")
    await town.sb.press(town.moderator, card, "确认谣言")
    prompt = await town.sb.next_message(town.mods, containing="写一句澄清")
    return await town.sb.wait_for_edit(card, "确认为谣言"), prompt


async def sent_to_the_committee(town: Town) -> tuple[Sent, Sent]:
    """王阿姨's rumour, handed to the committee with 需核实: the moderators' card and the
    committee's copy."""
    await post(town, town.c.auntie, town.c.building, RUMOUR)
    card = await town.sb.next_message(town.mods)
    await town.sb.press(town.moderator, card, "需核实")
    return card, await town.sb.next_message(town.c.committee, containing="请帮忙核实")


def clock_of(town: Town) -> ManualClock:
    assert isinstance(town.linli.clock, ManualClock)
    return town.linli.clock


# 4. no way around the screen ------------------------------------------------------------------


async def test_a_post_edited_into_a_rumour_is_screened(town: Town) -> None:
    sb, c = town.sb, town.c
    message = await post(town, c.auntie, c.building, "明天下午小区门口有义诊")
    await flushed(town)
    assert sb.sent_to(town.mods) == []
    await sb.edit(c.auntie, c.building, message, RUMOUR)
    card = await sb.next_message(town.mods, containing="待审核")
    assert "停水三天" in card.text


async def test_a_confirmed_rumour_edited_in_is_removed_like_one_posted(town: Town) -> None:
    sb, c = town.sb, town.c
    await post(town, c.auntie, c.building, RUMOUR)
    card = await sb.next_message(town.mods)
    await sb.press(town.moderator, card, "确认谣言")
    await sb.next_message(c.building, containing="内容不实")
    later = await post(town, c.neighbour, town.annex, "大家晚上好")
    await sb.edit(c.neighbour, town.annex, later, RUMOUR)
    await sb.next_message(town.annex, containing="核实过")
    await flushed(town)
    assert not is_visible(sb, town.annex, later)


async def test_a_channel_post_is_screened_but_the_groups_own_admins_are_not(town: Town) -> None:
    sb, c = town.sb, town.c
    await sb.post_as_chat(c.building, RUMOUR, channel="本地生活速递")
    card = await sb.next_message(town.mods, containing="待审核")
    assert "本地生活速递" in card.text
    await sb.post_as_chat(town.annex, "紧急通知：内部消息，明天停水，请互相转告，赶紧转发")
    # Nor are the posts of the channel linked to the group, forwarded in by Telegram.
    await sb.post_as_chat(
        town.annex, "紧急通知：内部消息，明天停电，赶紧转发", channel="5号楼通知", linked=True
    )
    await flushed(town)
    assert len([s for s in sb.sent_to(town.mods) if "待审核" in s.text]) == 1


async def test_filler_letters_hide_neither_a_rumour_nor_its_repeat(town: Town) -> None:
    sb, c = town.sb, town.c
    padded = "\u3164".join(RUMOUR[:12]) + RUMOUR[12:]  # Hangul filler between the letters
    await confirmed_in_building(town, padded)
    again = "\u200b\ufeff".join(RUMOUR[:8]) + "\uffa0" + RUMOUR[8:]
    repeat = await post(town, c.neighbour, town.annex, again)
    await sb.next_message(town.annex, containing="核实过")
    await flushed(town)
    assert not is_visible(sb, town.annex, repeat)


async def test_dot_like_letters_hide_neither_a_rumour_nor_an_ad(town: Town) -> None:
    sb, c = town.sb, town.c
    await confirmed_in_building(town, "网传：小区东门有人贩子抢孩子，大家转告")
    # ꞏ (U+A78F) and ㆍ (U+318D) are letters that read as dots between the characters.
    dotted = "网ꞏ传：小ꞏ区ꞏ东ꞏ门ꞏ有ꞏ人ꞏ贩ꞏ子ꞏ抢ꞏ孩ꞏ子，大ꞏ家ꞏ转ꞏ告"
    repeat = await post(town, c.neighbour, town.annex, dotted)
    await sb.next_message(town.annex, containing="核实过")
    await post(
        town, c.neighbour, c.hobby, "ㆍ".join("兼职刷单日结工资") + "，加ㆍ微ㆍ信 138 1234 5678"
    )
    card = await sb.next_message(town.mods, containing="待审核")
    assert "ㆍ" in card.text and "广场舞交流群" in card.text
    await flushed(town)
    assert not is_visible(sb, town.annex, repeat)


async def test_rumours_in_a_poll_a_venue_a_hidden_link_a_quote_or_a_button_are_screened(
    town: Town,
) -> None:
    sb, c = town.sb, town.c
    channel = {"id": -1009000000123, "type": "channel", "title": "本地速递"}
    options = [
        {"persistent_id": str(i), "text": text, "voter_count": 0}
        for i, text in enumerate(("转发了", "还没"))
    ]
    words = "物业通知：本月燃气费补贴到账，点这里领取"
    await sb.send(
        c.auntie,
        c.building,
        fields={
            "poll": {
                "id": "p1",
                "question": "网传内部消息：明天全市停电三天，大家转发了吗？",
                "options": options,
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,
                "members_only": False,
            }
        },
    )
    await sb.send(
        c.neighbour,
        town.annex,
        fields={
            "location": {"latitude": 31.2, "longitude": 121.4},
            "venue": {
                "location": {"latitude": 31.2, "longitude": 121.4},
                "title": "内部消息：这里下周要建垃圾焚烧厂，赶紧转发",
                "address": "幸福路3号",
            },
        },
    )
    # Innocent words, and the scam link behind them.
    await sb.send(
        c.auntie,
        c.hobby,
        words,
        fields={
            "entities": [
                {
                    "type": "text_link",
                    "offset": len(words) - 2,
                    "length": 2,
                    "url": "http://ranqi-bt.top/claim",
                }
            ]
        },
    )
    # A question quoting another chat's post: the group reads the quote.
    await sb.send(
        c.neighbour,
        c.building,
        "真的吗？",
        fields={
            "external_reply": {
                "origin": {"type": "channel", "date": 1, "message_id": 5, "chat": channel},
                "chat": channel,
                "message_id": 5,
            },
            "quote": {"text": "内部消息：下周全区要拆迁，补偿每平米三万，赶紧转发", "position": 0},
        },
    )
    # A forwarded post whose button leads to the scam.
    await sb.send(
        c.auntie,
        town.annex,
        "本月水费补贴名单已出",
        forwarded_from_channel="水务服务",
        fields={
            "reply_markup": {
                "inline_keyboard": [[{"text": "点击领取", "url": "http://shuifei-bt.top/a"}]]
            }
        },
    )
    await flushed(town)
    cards = [s.text for s in sb.sent_to(town.mods) if "待审核" in s.text]
    for words_shown in ("停电三天", "垃圾焚烧厂", "ranqi-bt.top", "每平米三万", "shuifei-bt.top"):
        assert sum(words_shown in card for card in cards) == 1, (words_shown, cards)


# 5. one card per rumour, one decision for all its posts ---------------------------------------


async def test_a_rumour_in_three_groups_is_one_card_and_one_confirmation_removes_all(
    town: Town,
) -> None:
    sb, c = town.sb, town.c
    first = await post(town, c.auntie, c.building, RUMOUR)
    card = await sb.next_message(town.mods, containing="待审核")
    second = await post(town, c.neighbour, town.annex, RUMOUR.replace("赶紧", "快"))
    third = await post(town, c.auntie, c.hobby, RUMOUR + "！！")
    joined = await sb.wait_for_edit(card, "另见 2 条")
    assert "5号楼业主群" in joined.text and "广场舞交流群" in joined.text
    await flushed(town)
    assert len([s for s in sb.sent_to(town.mods) if "待审核" in s.text]) == 1
    assert await answer(sb, town.moderator, joined, "确认谣言") == texts.ANSWER_DONE
    await flushed(town)
    for chat, message in ((c.building, first), (town.annex, second), (c.hobby, third)):
        assert not is_visible(sb, chat, message)
        notices = [s for s in sb.sent_to(chat) if "内容不实" in s.text]
        assert len(notices) == 1  # each group answered once
    # The clarification, when written, reaches every group the rumour was in.
    prompt = await sb.next_message(town.mods, containing="回复这条消息")
    await sb.send(
        town.moderator, town.mods, "经核实，近期没有停水计划。", reply_to=prompt.message_id
    )
    for chat in (c.building, town.annex, c.hobby):
        assert "没有停水计划" in (await sb.next_message(chat, containing="澄清")).text


async def test_a_rumour_posted_in_three_groups_at_once_is_one_card(town: Town) -> None:
    sb, c = town.sb, town.c
    rumour = "内部消息：下周小区要拆迁，补偿每平米两万，赶紧告诉家里"
    # Sent without waiting: the three updates are handled side by side.
    for user, chat in ((c.auntie, c.building), (c.neighbour, town.annex), (c.auntie, c.hobby)):
        await sb.send(user, chat, rumour)
    await flushed(town)
    cards = [s for s in sb.sent_to(town.mods) if "待审核" in s.text]
    assert len(cards) == 1
    assert "另见 2 条" in sb.edited(town.mods, cards[0].message_id).text


async def test_a_false_alarm_clears_every_post_on_the_card(town: Town) -> None:
    sb, c = town.sb, town.c
    text = "内部消息：明天上午小区停水检修，赶紧转发告诉邻居，早点储水"
    first = await post(town, c.auntie, c.building, text)
    card = await sb.next_message(town.mods, containing="待审核")
    second = await post(town, c.neighbour, town.annex, text)
    card = await sb.wait_for_edit(card, "另见 1 条")
    await sb.press(town.moderator, card, "误报/放行")
    await flushed(town)
    assert is_visible(sb, c.building, first) and is_visible(sb, town.annex, second)
    assert not any("不实" in s.text for s in sb.sent_to(town.annex))
    await post(town, c.auntie, c.hobby, text)
    await flushed(town)
    assert len([s for s in sb.sent_to(town.mods) if "待审核" in s.text]) == 1


async def test_a_post_edited_to_innocent_words_and_dismissed_is_screened_when_edited_back(
    town: Town,
) -> None:
    sb, c = town.sb, town.c
    rumour = "听说下周小区要停水三天，大家赶紧转发告诉家里人"
    first = await post(town, c.auntie, c.building, rumour)
    card = await sb.next_message(town.mods, containing="待审核")
    await sb.edit(c.auntie, c.building, first, "大家晚上好")
    card = await sb.wait_for_edit(card, "大家晚上好")
    await sb.press(town.moderator, card, "误报/放行")
    await flushed(town)
    # The moderator let "大家晚上好" pass, not the rumour: edited back, it is a new card.
    await sb.edit(c.auntie, c.building, first, rumour)
    await flushed(town)
    cards = [s for s in sb.sent_to(town.mods) if "待审核" in s.text]
    assert len(cards) == 2 and "停水三天" in cards[1].text


async def test_a_post_its_author_deleted_leaves_the_group_protected(town: Town) -> None:
    sb, c = town.sb, town.c
    first = await post(town, c.auntie, c.building, AD)
    card = await sb.next_message(town.mods, containing="待审核")
    sb.delete(c.auntie, c.building, first)
    assert await answer(sb, town.moderator, card, "确认广告") == texts.ANSWER_DONE
    await flushed(town)
    assert not any("未能删除" in s.text for s in sb.sent_to(town.mods))
    # The bot still removes a repeat there: it did not take the gone post for lost rights.
    again = await post(town, c.neighbour, c.building, AD)
    await sb.next_message(town.mods, containing="广告#")
    await flushed(town)
    assert not is_visible(sb, c.building, again)


# 6. moderators' controls ----------------------------------------------------------------------


async def test_a_mistaken_confirmation_can_be_undone_for_ten_minutes(town: Town) -> None:
    sb, c = town.sb, town.c
    text = "内部消息：本周六居委会免费发大米，赶紧转发给家里老人"
    await post(town, c.auntie, c.building, text)
    card = await sb.next_message(town.mods, containing="待审核")
    await sb.press(town.moderator, card, "确认谣言")
    notice = await sb.next_message(c.building, containing="内容不实")
    card = await sb.wait_for_edit(card, "确认为谣言")
    assert card.button_texts == ["撤销确认"]
    assert await answer(sb, town.moderator, card, "撤销确认") == texts.ANSWER_UNDONE
    reopened = await sb.wait_for_edit(card, "撤销了确认")
    assert "确认谣言" in reopened.button_texts
    await flushed(town)
    assert not is_visible(sb, c.building, notice.message_id)  # the notice is taken back
    # Forgotten: the same text elsewhere is not answered as a known rumour.
    await post(town, c.neighbour, town.annex, text)
    await flushed(town)
    assert not any("核实过" in s.text for s in sb.sent_to(town.annex))
    # Confirmed again and left for eleven minutes: too late to undo.
    await sb.press(town.moderator, reopened, "确认谣言")
    card = await sb.wait_for_edit(reopened, "确认为谣言")
    clock_of(town).advance(timedelta(minutes=11))
    assert await answer(sb, c.auntie, card, "撤销确认") == texts.ONLY_MODERATORS
    assert "不能撤销" in await answer(sb, town.moderator, card, "撤销确认")


async def test_a_muted_advertiser_is_told_why_and_a_moderator_can_lift_it(town: Town) -> None:
    sb, c = town.sb, town.c
    await sb.send(c.neighbour, None, "/start")
    await sb.next_message(c.neighbour)
    await post(town, c.neighbour, c.building, AD)
    await sb.press(town.moderator, await sb.next_message(town.mods), "确认广告")
    await flushed(town)
    await post(town, c.neighbour, c.building, AD.replace("详聊", "私聊"))
    note = await sb.next_message(town.mods, containing="禁言")
    assert note.button_texts == ["解除禁言"]
    told = await sb.next_message(c.neighbour, containing="不能在群里发言")
    assert "24 小时" in told.text
    assert c.building.member(c.neighbour.id).is_muted
    assert await answer(sb, c.staff, note, "解除禁言") == texts.ONLY_MODERATORS
    assert await answer(sb, town.moderator, note, "解除禁言") == texts.ANSWER_UNMUTED
    await flushed(town)
    assert c.building.member(c.neighbour.id).status == "member"
    assert "恢复" in (await sb.next_message(c.neighbour, containing="恢复")).text
    assert "已解除禁言" in (await sb.wait_for_edit(note, "已解除禁言")).text


async def test_undoing_a_mistaken_ad_confirmation_lifts_the_mute_it_caused(town: Town) -> None:
    """确认广告 was a mistake: the repeat it made the bot remove muted the neighbour; 撤销确认
    lets them post again, marks the mute note and tells them in private."""
    sb, c = town.sb, town.c
    await sb.send(c.neighbour, None, "/start")
    await sb.next_message(c.neighbour)
    await post(town, c.neighbour, c.building, AD)
    card = await sb.next_message(town.mods, containing="待审核")
    await sb.press(town.moderator, card, "确认广告")
    card = await sb.wait_for_edit(card, "陈管理")
    assert card.button_texts == ["撤销确认"]
    await flushed(town)
    await post(town, c.neighbour, c.building, AD.replace("详聊", "私聊"))
    note = await sb.next_message(town.mods, containing="禁言")
    await sb.next_message(c.neighbour, containing="不能在群里发言")
    await flushed(town)
    assert c.building.member(c.neighbour.id).is_muted
    assert await answer(sb, town.moderator, card, "撤销确认") == texts.ANSWER_UNDONE
    await flushed(town)
    assert c.building.member(c.neighbour.id).status == "member"
    lifted = await sb.wait_for_edit(note, "撤销了广告确认")
    assert "禁言已解除" in lifted.text and lifted.buttons == []
    assert "误判" in (await sb.next_message(c.neighbour, containing="解除")).text
    # The mute is lifted once: 解除禁言 under the old note has nothing left to do.
    assert await answer(sb, town.moderator, note, "解除禁言") != texts.ANSWER_UNMUTED


async def test_after_an_undo_the_clarification_prompt_is_withdrawn(town: Town) -> None:
    sb, c = town.sb, town.c
    card, prompt = await confirmed_with_prompt(town)
    assert await answer(sb, town.moderator, card, "撤销确认") == texts.ANSWER_UNDONE
    withdrawn = await sb.wait_for_edit(prompt, "不用再写澄清")
    assert "陈管理" in withdrawn.text
    await flushed(town)
    before = len(sb.sent_to(c.building))
    await sb.send(town.moderator, town.mods, "经核实没有停水计划", reply_to=prompt.message_id)
    await flushed(town)
    assert not any("已保存" in s.text for s in sb.sent_to(town.mods))
    assert len(sb.sent_to(c.building)) == before  # nothing posted in the group


async def test_an_undo_leaves_a_mute_that_another_confirmation_still_holds(town: Town) -> None:
    """Three ads by one neighbour, each confirmed (the limit is 2): the second and third each
    muted them. Undoing the third leaves them muted by the second, which stands."""
    sb, c = town.sb, town.c
    cards = []
    for text in (AD, AD2, AD3):
        await post(town, c.neighbour, c.building, text)
        cards.append(await sb.next_message(town.mods, containing="待审核"))
    for card in cards:
        assert await answer(sb, town.moderator, card, "确认广告") == texts.ANSWER_DONE
        await flushed(town)
    assert c.building.member(c.neighbour.id).is_muted
    last = await sb.wait_for_edit(cards[2], "陈管理")
    assert await answer(sb, town.moderator, last, "撤销确认") == texts.ANSWER_UNDONE
    await flushed(town)
    assert c.building.member(c.neighbour.id).is_muted


async def test_a_reconfirmation_after_an_undo_answers_the_group_again(town: Town) -> None:
    sb, c = town.sb, town.c
    await post(town, c.neighbour, c.building, AD)
    card = await sb.next_message(town.mods, containing="待审核")
    await sb.press(town.moderator, card, "确认广告")
    await sb.next_message(c.building, containing="广告已被管理员移除")
    card = await sb.wait_for_edit(card, "陈管理")
    assert await answer(sb, town.moderator, card, "撤销确认") == texts.ANSWER_UNDONE
    reopened = await sb.wait_for_edit(card, "撤销了确认")
    await flushed(town)
    assert await answer(sb, town.moderator, reopened, "确认广告") == texts.ANSWER_DONE
    notice = await sb.next_message(c.building, containing="广告已被管理员移除")
    await flushed(town)
    assert is_visible(sb, c.building, notice.message_id)


async def test_an_undo_takes_back_the_clarification_already_posted(town: Town) -> None:
    sb, c = town.sb, town.c
    card, prompt = await confirmed_with_prompt(town)
    await sb.send(town.moderator, town.mods, CLARIFICATION, reply_to=prompt.message_id)
    said = await sb.next_message(c.building, containing=CLARIFICATION)
    assert await answer(sb, town.moderator, card, "撤销确认") == texts.ANSWER_UNDONE
    await flushed(town)
    assert not is_visible(sb, c.building, said.message_id)


async def test_an_undone_ad_no_longer_counts_towards_a_mute(town: Town) -> None:
    """确认广告 by mistake, a repeat removed on its strength, then 撤销确认 and 误报/放行: that
    repeat is not held against the neighbour, whose next confirmed ad is their first."""
    sb, c = town.sb, town.c
    await post(town, c.neighbour, c.building, AD)
    card = await sb.next_message(town.mods, containing="待审核")
    await sb.press(town.moderator, card, "确认广告")
    card = await sb.wait_for_edit(card, "陈管理")
    await flushed(town)
    await post(town, c.neighbour, c.building, AD.replace("详聊", "私聊"))
    await sb.next_message(town.mods, containing="禁言")
    await flushed(town)
    assert await answer(sb, town.moderator, card, "撤销确认") == texts.ANSWER_UNDONE
    reopened = await sb.wait_for_edit(card, "撤销了确认")
    assert await answer(sb, town.moderator, reopened, "误报/放行") == texts.ANSWER_DONE
    await flushed(town)
    await post(town, c.neighbour, c.building, AD2)
    other = await sb.next_message(town.mods, containing="待审核")
    assert await answer(sb, town.moderator, other, "确认广告") == texts.ANSWER_DONE
    await flushed(town)
    assert not c.building.member(c.neighbour.id).is_muted


async def test_a_channel_repeating_an_ad_is_banned_from_the_group_until_lifted(
    town: Town,
) -> None:
    """A channel has no member to mute and no private chat: the bot bans it as a sender chat
    (banChatSenderChat) and 解除禁言 unbans it; nothing is sent to the channel itself."""
    sb, c = town.sb, town.c
    await sb.post_as_chat(c.building, AD, channel="本地生活速递")
    await sb.press(town.moderator, await sb.next_message(town.mods), "确认广告")
    await flushed(town)
    await sb.post_as_chat(c.building, AD.replace("详聊", "私聊"), channel="本地生活速递")
    note = await sb.next_message(town.mods, containing="🔇")
    assert "频道「本地生活速递」" in note.text and "管理员解除前" in note.text
    assert note.button_texts == ["解除禁言"]
    await flushed(town)
    (banned,) = c.building.banned_senders
    with pytest.raises(PermissionError):
        await sb.post_as_chat(c.building, "新店开业", channel="本地生活速递")
    assert await answer(sb, town.moderator, note, "解除禁言") == texts.ANSWER_UNMUTED
    await flushed(town)
    assert c.building.banned_senders == set()
    await sb.post_as_chat(c.building, "今天新店开业，欢迎光临", channel="本地生活速递")
    methods = [m for m, p in sb.calls if str(banned) in (p.get("chat_id"), p.get("user_id"))]
    assert "restrictChatMember" not in methods and "sendMessage" not in methods
    assert [m for m, p in sb.calls if p.get("sender_chat_id") == str(banned)] == [
        "banChatSenderChat",
        "unbanChatSenderChat",
    ]


async def test_cards_pending_for_a_day_are_posted_again_once(town: Town) -> None:
    sb, c = town.sb, town.c
    await post(town, c.auntie, c.building, RUMOUR)
    old = await sb.next_message(town.mods, containing="待审核")
    assert town.linli.services
    clock_of(town).advance(timedelta(days=1, hours=1))
    assert await town.linli.services.screening.tick() == 1
    assert await town.linli.services.screening.tick() == 0  # once a day
    await sb.next_message(town.mods, containing="超过一天")
    again = await sb.next_message(town.mods, containing="待审核")
    assert again.message_id != old.message_id and "停水三天" in again.text
    assert await answer(sb, town.moderator, again, "误报/放行") == texts.ANSWER_DONE


async def test_when_moderators_and_committee_are_one_chat_check_says_so(
    sb: Sandbox, community: Community, start_linli: StartLinli
) -> None:
    c = community
    await start_linli()  # MODERATOR_CHAT_ID defaults to the committee chat
    await sb.add_bot(c.building, c.admin, admin=True)
    await sb.next_message(c.building)
    await sb.send(c.auntie, c.building, RUMOUR)
    card = await sb.next_message(c.committee, containing="待审核")
    await sb.press(c.admin, card, "需核实")
    waiting = await sb.wait_for_edit(card, "需核实")
    assert "本群就是社区工作群" in waiting.text and "转社区工作群" not in waiting.text


async def test_the_committee_member_who_checked_writes_the_clarification(town: Town) -> None:
    sb, c = town.sb, town.c
    _, ask = await sent_to_the_committee(town)
    await sb.press(c.staff, ask, "确认谣言")
    prompt = await sb.next_message(c.committee, containing="回复这条消息")
    await sb.send(
        c.staff, c.committee, "经向自来水公司核实，近期没有停水计划。", reply_to=prompt.message_id
    )
    assert "已保存" in (await sb.next_message(c.committee, containing="已保存")).text
    assert "没有停水计划" in (await sb.next_message(c.building, containing="澄清")).text


async def test_the_committee_member_who_confirmed_may_undo_it_there(town: Town) -> None:
    sb, c = town.sb, town.c
    card, ask = await sent_to_the_committee(town)
    await sb.press(c.staff, ask, "确认谣言")
    ask = await sb.wait_for_edit(ask, "确认为谣言")
    assert ask.button_texts == ["撤销确认"]
    assert await answer(sb, c.staff, ask, "撤销确认") == texts.ANSWER_UNDONE
    assert "确认谣言" in (await sb.wait_for_edit(card, "撤销了确认")).button_texts


async def test_a_post_debunking_a_known_rumour_goes_to_review_not_removal(town: Town) -> None:
    sb, c = town.sb, town.c
    await post(town, c.auntie, c.building, RUMOUR)
    await sb.press(town.moderator, await sb.next_message(town.mods), "确认谣言")
    await sb.next_message(c.building, containing="内容不实")
    debunk = await post(town, c.neighbour, town.annex, "辟谣！这条是假的，别信：" + RUMOUR)
    card = await sb.next_message(town.mods, containing="待审核")
    assert "辟谣" in card.text
    await flushed(town)
    assert is_visible(sb, town.annex, debunk)


async def test_a_rumour_cut_in_pieces_is_read_whole_and_removed_whole(town: Town) -> None:
    """Each piece is too short to judge alone; one resident's pieces, a few seconds apart,
    are read as one message (a neighbour's line in between is not theirs), and one 确认
    removes every piece. Ordinary chat in pieces makes no card."""
    sb, c = town.sb, town.c
    first = await post(town, c.auntie, c.building, "今晚有大地震，")
    await flushed(town)
    between = await post(town, c.neighbour, c.building, "今天天气真不错")
    await flushed(town)
    assert not [s for s in sb.sent_to(town.mods) if "待审核" in s.text]
    second = await post(town, c.auntie, c.building, "别睡太死")
    card = await sb.next_message(town.mods, containing="待审核")
    assert "分2条发" in card.text and "确认会把这 2 条都删除" in card.text
    assert "今晚有大地震， ／ 别睡太死" in card.text and "另见" not in card.text
    assert "今天天气" not in card.text
    assert await answer(sb, town.moderator, card, "确认谣言") == texts.ANSWER_DONE
    await flushed(town)
    assert not is_visible(sb, c.building, first) and not is_visible(sb, c.building, second)
    assert is_visible(sb, c.building, between)
    assert len([s for s in sb.sent_to(c.building) if "内容不实" in s.text]) == 1
    # A resident who writes in short lines is left alone.
    ids = [
        await post(town, c.neighbour, town.annex, line)
        for line in ("下午三点开会", "记得带身份证", "在居委会二楼")
    ]
    await flushed(town)
    assert len([s for s in sb.sent_to(town.mods) if "待审核" in s.text]) == 1
    assert all(is_visible(sb, town.annex, i) for i in ids)


async def pieces_on_a_card(town: Town) -> tuple[int, int, Sent]:
    """王阿姨's rumour in two pieces, each too short to judge alone, on one card."""
    first = await post(town, town.c.auntie, town.c.building, "明天起全城封路，")
    await flushed(town)
    second = await post(town, town.c.auntie, town.c.building, "家里老人孩子都注意一下")
    return first, second, await town.sb.next_message(town.mods, containing="分2条发")


async def test_a_rumour_confirmed_in_pieces_never_removes_a_single_piece_posted_later(
    town: Town,
) -> None:
    """The joined words are most of what the second piece says: a neighbour who later posts
    that line alone must not lose it to the memory of confirmed rumours."""
    sb, c = town.sb, town.c
    *_, card = await pieces_on_a_card(town)
    assert await answer(sb, town.moderator, card, "确认谣言") == texts.ANSWER_DONE
    await flushed(town)
    line = await post(town, c.neighbour, town.annex, "家里老人孩子都注意一下")
    await flushed(town)
    assert is_visible(sb, town.annex, line)
    assert not [s for s in sb.sent_to(town.annex) if "不实" in s.text]
    assert not [s for s in sb.sent_to(town.mods) if "与已确认谣言" in s.text]


async def test_a_piece_edited_by_a_letter_stays_on_the_card_and_is_removed(town: Town) -> None:
    sb, c = town.sb, town.c
    first, second, card = await pieces_on_a_card(town)
    await sb.edit(c.auntie, c.building, first, "明天起全城封路！")
    await sb.edit(c.auntie, c.building, second, "家里老人孩子都注意一下!")
    await flushed(town)
    card = sb.edited(town.mods, card.message_id)
    assert "确认会把这 2 条都删除" in card.text and "改成" not in card.text
    assert await answer(sb, town.moderator, card, "确认谣言") == texts.ANSWER_DONE
    await flushed(town)
    assert not is_visible(sb, c.building, first) and not is_visible(sb, c.building, second)


async def test_a_piece_edited_into_an_apology_leaves_the_card(town: Town) -> None:
    sb, c = town.sb, town.c
    first, second, card = await pieces_on_a_card(town)
    await sb.edit(c.auntie, c.building, first, "刚才发错群了，不好意思")
    card = await sb.wait_for_edit(card, "确认只删除上面这一条")
    assert "明天起全城封路" not in card.text
    assert await answer(sb, town.moderator, card, "确认谣言") == texts.ANSWER_DONE
    await flushed(town)
    assert is_visible(sb, c.building, first) and not is_visible(sb, c.building, second)


async def test_pieces_are_read_with_their_words_as_edited(town: Town) -> None:
    """Edited before the next piece came: the join reads the new words; edited into a piece
    after posting: the join reads that too."""
    sb, c = town.sb, town.c
    first = await post(town, c.auntie, c.building, "今晚有大地震，")
    await flushed(town)
    await sb.edit(c.auntie, c.building, first, "刚才发错群了，不好意思")
    await flushed(town)
    await post(town, c.auntie, c.building, "别睡太死")
    await flushed(town)
    assert not [s for s in sb.sent_to(town.mods) if "待审核" in s.text]
    harmless = await post(town, c.neighbour, town.annex, "收到")
    await flushed(town)
    await post(town, c.neighbour, town.annex, "别睡太死")
    await flushed(town)
    await sb.edit(c.neighbour, town.annex, harmless, "今晚有大地震，")
    card = await sb.next_message(town.mods, containing="分2条发")
    assert "今晚有大地震， ／ 别睡太死" in card.text


async def test_a_line_let_through_is_not_made_a_piece_of_a_rumour(town: Town) -> None:
    """误报 on a text holds when its author adds a friendly line after it."""
    sb, c = town.sb, town.c
    text = "明天起全城封路，家里老人孩子都注意一下"
    await post(town, c.auntie, c.building, text)
    card = await sb.next_message(town.mods, containing="待审核")
    await sb.press(town.moderator, card, "误报/放行")
    await flushed(town)
    await post(town, c.auntie, c.building, text)
    await flushed(town)
    await post(town, c.auntie, c.building, "大家早点准备，路上注意安全哦")
    await flushed(town)
    assert len([s for s in sb.sent_to(town.mods) if "待审核" in s.text]) == 1
