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
                 fallback: str | None = None,
                 fallback_args: dict[str, Any] | None = None) -> OutgoingMessage:
    """A sendMessage in HTML parse mode; `text` must already be escaped where needed."""
    params: dict[str, Any] = {"text": text, "parse_mode": "HTML",
                              "link_preview_options": {"is_disabled": True}}
    if buttons:
        params["reply_markup"] = keyboard(buttons)
    if reply_to is not None:
        params["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
    return OutgoingMessage(chat_id=chat_id, params=params, dedupe_key=dedupe_key,
                           fallback=fallback, fallback_args=fallback_args)


def deep_link(bot_username: str, payload: str | None = None) -> str:
    """A t.me link that opens the private chat with the bot (and sends /start payload)."""
    link = f"https://t.me/{bot_username}"
    return f"{link}?start={payload}" if payload else link


def mention(user_id: int, name: str) -> str:
    return f'<a href="tg://user?id={user_id}">{html(name)}</a>'
