"""Building outgoing messages: HTML escaping, inline keyboards, deep links."""

from __future__ import annotations

import html as _html
from collections.abc import Sequence
from typing import Any

from storage.repositories import OutgoingMessage

MAX_CALLBACK_DATA_BYTES = 64
Buttons = Sequence[Sequence[tuple[str, str]]]  # rows of (label, callback data)


def html(value: object) -> str:
    """Escape a user-supplied value for Telegram's HTML parse mode."""
    return _html.escape(str(value), quote=True)


def keyboard(buttons: Buttons) -> dict[str, Any]:
    rows = []
    for row in buttons:
        out = []
        for label, data in row:
            if not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise ValueError(f"callback data must be 1-64 bytes: {data!r}")
            out.append({"text": label, "callback_data": data})
        rows.append(out)
    return {"inline_keyboard": rows}


def text_message(chat_id: int, text: str, *, buttons: Buttons | None = None,
                 reply_to: int | None = None, dedupe_key: str | None = None,
                 fallback: str | None = None, fallback_args: dict[str, Any] | None = None,
                 force_reply: str | None = None) -> OutgoingMessage:
    """A sendMessage in HTML parse mode; `text` must already be escaped where needed.

    force_reply: ask for an answer (Telegram opens a reply to this message, with this
    placeholder in the input field)."""
    params: dict[str, Any] = {"text": text, "parse_mode": "HTML",
                              "link_preview_options": {"is_disabled": True}}
    if buttons:
        params["reply_markup"] = keyboard(buttons)
    elif force_reply:
        params["reply_markup"] = {"force_reply": True, "input_field_placeholder": force_reply}
    if reply_to is not None:
        params["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
    return OutgoingMessage(chat_id=chat_id, params=params, dedupe_key=dedupe_key,
                           fallback=fallback, fallback_args=fallback_args)


def edit_text(chat_id: int, text: str, *, buttons: Buttons | None = None,
              message_id: int | None = None, target_row: int | None = None) -> OutgoingMessage:
    """Replace a message's text (and buttons: none when `buttons` is empty or None).

    Name the message by its Telegram id, or by the outbox row that sent it (same chat)."""
    from bot.outbox import TARGET_ROW

    params: dict[str, Any] = {"text": text, "parse_mode": "HTML",
                              "link_preview_options": {"is_disabled": True}}
    if buttons:
        params["reply_markup"] = keyboard(buttons)
    if message_id is not None:
        params["message_id"] = message_id
    elif target_row is not None:
        params[TARGET_ROW] = target_row
    else:
        raise ValueError("edit_text needs a message_id or a target_row")
    return OutgoingMessage(chat_id=chat_id, method="editMessageText", params=params)


def photo_message(chat_id: int, file_id: str, caption: str) -> OutgoingMessage:
    return OutgoingMessage(chat_id=chat_id, method="sendPhoto",
                           params={"photo": file_id, "caption": caption, "parse_mode": "HTML"})


def deep_link(bot_username: str, payload: str | None = None) -> str:
    """A t.me link that opens the private chat with the bot (and sends /start payload)."""
    link = f"https://t.me/{bot_username}"
    return f"{link}?start={payload}" if payload else link


def mention(user_id: int, name: str) -> str:
    return f'<a href="tg://user?id={user_id}">{html(name)}</a>'
