"""The sandbox refuses what Telegram refuses, so that a green test means Telegram would accept."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from telegram import Bot, ChatPermissions, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter

from sandbox import Sandbox
from sandbox.gen_spec import OUT, build
from tests.conftest import ROOT

API_JSON = ROOT.parent / "shared" / "telegram-bot-api" / "api.json"


@pytest.fixture
async def bot(sb: Sandbox):
    async with Bot(sb.token, base_url=sb.base_url) as b:
        yield b


async def raw(sb: Sandbox, method: str, **params: object) -> tuple[int, dict]:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{sb.base_url}{sb.token}/{method}", json=params)
    return response.status_code, response.json()


@pytest.mark.skipif(not API_JSON.exists(), reason="the shared Bot API spec is not beside the repo")
def test_the_method_table_is_exactly_what_the_public_spec_says() -> None:
    derived = build(json.loads(API_JSON.read_text(encoding="utf-8")))
    shipped = json.loads(Path(OUT).read_text(encoding="utf-8"))
    assert shipped == derived


async def test_unknown_methods_and_parameters_are_refused(sb: Sandbox) -> None:
    assert (await raw(sb, "sendMessages", chat_id=1, text="x"))[0] == 404
    code, body = await raw(sb, "sendMessage", chat_id=1, text="x", colour="red")
    assert code == 400 and "colour" in body["description"]
    code, body = await raw(sb, "sendMessage", text="x")
    assert code == 400 and body["description"] == "Bad Request: chat_id is empty"
    code, body = await raw(sb, "getChatMember", chat_id=1, user_id="abc")
    assert code == 400


async def test_a_wrong_token_is_unauthorized(sb: Sandbox) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{sb.base_url}123:wrong/getMe")
    assert response.status_code == 401


async def test_unknown_chats_and_unopened_private_chats(sb: Sandbox, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(-100999, "hi")
    person = sb.add_user("王阿姨")
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(person.id, "hi")
    await sb.send(person, None, "/start")
    await bot.send_message(person.id, "您好")
    sb.block_bot(person)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(person.id, "hi")


async def test_length_limits_count_utf16_after_html_parsing(sb: Sandbox, bot: Bot) -> None:
    person = sb.add_user("王阿姨")
    await sb.send(person, None, "/start")
    await bot.send_message(person.id, "<b>" + "好" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(person.id, "好" * 4097)
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(person.id, "😀" * 2049)  # 4098 UTF-16 code units
    with pytest.raises(BadRequest, match="caption is too long"):
        await bot.send_photo(person.id, "photo-id", caption="x" * 1025)
    with pytest.raises(BadRequest, match="text is empty"):
        await bot.send_message(person.id, "  ")


async def test_malformed_html_is_refused(sb: Sandbox, bot: Bot) -> None:
    person = sb.add_user("王阿姨")
    await sb.send(person, None, "/start")
    for bad in ["<b>unclosed", "a < b", "<br>", "Tom & Jerry", "<b><i>x</b></i>"]:
        with pytest.raises(BadRequest, match="parse entities"):
            await bot.send_message(person.id, bad, parse_mode="HTML")
    sent = await bot.send_message(person.id, "Tom &amp; <b>Jerry</b>", parse_mode="HTML")
    assert sent.text == "Tom & Jerry"


async def test_callback_data_must_be_1_to_64_bytes(sb: Sandbox, bot: Bot) -> None:
    person = sb.add_user("王阿姨")
    await sb.send(person, None, "/start")

    def markup(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("按钮", callback_data=data)]])

    await bot.send_message(person.id, "ok", reply_markup=markup("x" * 64))
    for data in ["x" * 65, "认领" * 11]:  # 65 and 66 bytes
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await bot.send_message(person.id, "no", reply_markup=markup(data))
    code, body = await raw(
        sb,
        "sendMessage",
        chat_id=person.id,
        text="no",
        reply_markup={"inline_keyboard": [[{"text": "按钮", "callback_data": ""}]]},
    )
    assert code == 400 and body["description"] == "Bad Request: BUTTON_DATA_INVALID"


async def test_deleting_others_messages_needs_admin_rights(sb: Sandbox, bot: Bot) -> None:
    owner = sb.add_user("李书记")
    resident = sb.add_user("王阿姨")
    group = sb.add_group("3号楼", owner=owner, members=[resident])
    await sb.add_bot(group, owner)
    post = await sb.send(resident, group, "内部消息，明天停水")
    with pytest.raises(BadRequest, match="can't be deleted"):
        await bot.delete_message(group.id, post["message_id"])
    await sb.set_bot_admin(group, owner)
    assert await bot.delete_message(group.id, post["message_id"])
    assert all(m.message_id != post["message_id"] for m in sb.visible(group))
    with pytest.raises(BadRequest, match="not found"):
        await bot.delete_message(group.id, post["message_id"])


async def test_flood_limits_answer_429_with_retry_after(sb: Sandbox, bot: Bot) -> None:
    owner = sb.add_user("李书记")
    group = sb.add_group("3号楼", owner=owner)
    await sb.add_bot(group, owner)
    sb.flood.enabled = True
    for i in range(20):
        await bot.send_message(group.id, f"第{i}条")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(group.id, "第21条")
    assert info.value.retry_after
    assert sb.flood.refused == 1


async def test_get_updates_long_polls_and_forgets_confirmed_updates(sb: Sandbox, bot: Bot) -> None:
    person = sb.add_user("王阿姨")
    await sb.send(person, None, "/start")
    await sb.send(person, None, "😀 #微心愿 换灯泡 /help")
    first = await bot.get_updates(timeout=1)
    assert [u.message.text for u in first] == ["/start", "😀 #微心愿 换灯泡 /help"]
    again = await bot.get_updates(timeout=0)
    assert len(again) == 2  # not confirmed yet: Telegram hands them out again
    message = again[1].message
    assert message.parse_entities() == {
        message.entities[0]: "#微心愿",
        message.entities[1]: "/help",
    }
    confirmed = await bot.get_updates(offset=again[-1].update_id + 1, timeout=0)
    assert confirmed == ()


async def test_a_document_keeps_its_file_name_and_caption(sb: Sandbox, bot: Bot) -> None:
    owner = sb.add_user("李书记")
    group = sb.add_group("社区工作群", owner=owner)
    await sb.add_bot(group, owner)
    sent = await bot.send_document(
        group.id,
        document=b"PK\x03\x04 a workbook",
        filename="民情月报-2026-12.xlsx",
        caption="<b>本社区</b> 工单明细",
        parse_mode="HTML",
    )
    assert sent.document is not None and sent.document.file_name == "民情月报-2026-12.xlsx"
    assert sent.caption == "本社区 工单明细"
    (shown,) = [s for s in sb.sent_to(group) if s.method == "sendDocument"]
    assert shown.text == "[文件 民情月报-2026-12.xlsx] 本社区 工单明细"


async def test_a_channel_posting_in_a_group_is_banned_as_a_sender_chat(
    sb: Sandbox, bot: Bot
) -> None:
    owner = sb.add_user("李书记")
    group = sb.add_group("3号楼", owner=owner)
    await sb.add_bot(group, owner)
    post = await sb.post_as_chat(group, "新店开业", channel="本地生活速递")
    channel_id = post["sender_chat"]["id"]
    with pytest.raises(BadRequest, match=r"(?i)not enough rights"):
        await bot.ban_chat_sender_chat(group.id, channel_id)
    await sb.set_bot_admin(group, owner)
    with pytest.raises(BadRequest, match=r"(?i)invalid user_id"):
        await bot.restrict_chat_member(
            group.id, channel_id, permissions=ChatPermissions.no_permissions()
        )
    assert await bot.ban_chat_sender_chat(group.id, channel_id)
    with pytest.raises(PermissionError):
        await sb.post_as_chat(group, "新店开业", channel="本地生活速递")
    assert await bot.unban_chat_sender_chat(group.id, channel_id)
    await sb.post_as_chat(group, "新店开业", channel="本地生活速递")
