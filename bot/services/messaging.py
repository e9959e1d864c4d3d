"""Building outgoing messages: HTML escaping, Telegram's length units, inline keyboards, deep
links, and the one way dates are written for people."""

from __future__ import annotations

import asyncio
import html as _html
import re
import unicodedata
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from bot.buttons import Keyboard
from storage.outbox import OutgoingMessage

T = TypeVar("T")
# A press on a message whose id is not recorded yet waits this long at most (20 x 0.1 s).
RECORDING_TRIES, RECORDING_WAIT_S = 20, 0.1

MAX_MESSAGE_UNITS = 4096  # Telegram's limit for a message's text, in UTF-16 code units
ELLIPSIS = "…"
_TAG = re.compile(r"<[^>]*>")


def html(value: object) -> str:
    """Escape a user-supplied value for Telegram's HTML parse mode."""
    return _html.escape(str(value), quote=True)


def utf16_len(text: str) -> int:
    """Length as Telegram measures it: UTF-16 code units (an emoji outside the BMP is two)."""
    return len(text.encode("utf-16-le")) // 2


def plain(text: str) -> str:
    """An HTML text as a toast (answerCallbackQuery) shows it: without tags or escapes."""
    return _html.unescape(re.sub(r"<[^>]+>", "", text))


def shorten(text: str, limit: int) -> str:
    """Whitespace folded and, if still longer than `limit` UTF-16 units, cut with an ellipsis
    (never inside a surrogate pair)."""
    return truncate(" ".join(text.split()), limit)


def truncate(text: str, limit: int) -> str:
    """`text` as it is, or cut to `limit` UTF-16 units with an ellipsis."""
    if utf16_len(text) <= limit:
        return text
    out, used = [], 0
    for char in text:
        size = 2 if ord(char) > 0xFFFF else 1
        if used + size > limit - 1:
            break
        out.append(char)
        used += size
    return "".join(out) + ELLIPSIS


def visible_len(markup: str) -> int:
    """UTF-16 length of an HTML message as Telegram counts it: after tags and entities."""
    return utf16_len(_html.unescape(_TAG.sub("", markup)))


def fit(render: Callable[[str], str], quoted: str, limit: int = MAX_MESSAGE_UNITS) -> str:
    """render(html(quoted)), with `quoted` (a resident's text) shortened just enough for the
    whole message to stay within `limit` UTF-16 units."""
    message = render(html(quoted))
    excess = visible_len(message) - limit
    if excess <= 0:
        return message
    keep = max(1, utf16_len(quoted) - excess - 1)
    return render(html(shorten(quoted, keep)))


_NUMBER = re.compile(r"#?([0-9]{1,9})")


def number_of(word: str) -> int | None:
    """A number as people type it ("42", "#42", full-width "＃４２"); None for anything else."""
    match = _NUMBER.fullmatch(unicodedata.normalize("NFKC", word.strip()))
    return int(match.group(1)) if match else None


WEEKDAY_NAMES = tuple(f"星期{c}" for c in "一二三四五六日")


def month_day(day: date) -> str:
    """ "12月1日": how every date is shown to people."""
    return f"{day.month}月{day.day}日"


def weekday(day: date) -> str:
    return WEEKDAY_NAMES[day.weekday()]


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    """ "12月1日 08:00": how every time is shown to people."""
    local = moment.astimezone(zone)
    return f"{month_day(local)} {local:%H:%M}"


def keyboard(buttons: Keyboard) -> dict[str, Any]:
    """An inline keyboard from (label, button data) rows; the data packs itself (≤ 64 bytes)."""
    return {
        "inline_keyboard": [
            [{"text": label, "callback_data": data.pack()} for label, data in row]
            for row in buttons
        ]
    }


def text_message(
    chat_id: int,
    text: str,
    *,
    buttons: Keyboard | None = None,
    reply_to: int | None = None,
    dedupe_key: str | None = None,
    fallback: str | None = None,
    fallback_args: dict[str, Any] | None = None,
    force_reply: str | None = None,
) -> OutgoingMessage:
    """A sendMessage in HTML parse mode; `text` must already be escaped where needed.

    force_reply: ask for an answer (Telegram opens a reply to this message, with this
    placeholder in the input field)."""
    params: dict[str, Any] = {
        "text": text,
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
    }
    if buttons:
        params["reply_markup"] = keyboard(buttons)
    elif force_reply:
        params["reply_markup"] = {"force_reply": True, "input_field_placeholder": force_reply}
    if reply_to is not None:
        params["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
    return OutgoingMessage(
        chat_id=chat_id,
        params=params,
        dedupe_key=dedupe_key,
        fallback=fallback,
        fallback_args=fallback_args,
    )


def edit_text(
    chat_id: int,
    text: str,
    *,
    buttons: Keyboard | None = None,
    message_id: int | None = None,
    target_row: int | None = None,
) -> OutgoingMessage:
    """Replace a message's text (and buttons: none when `buttons` is empty or None).

    Name the message by its Telegram id, or by the outbox row that sent it (same chat)."""
    from bot.outbox import TARGET_ROW

    params: dict[str, Any] = {
        "text": text,
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
    }
    if buttons:
        params["reply_markup"] = keyboard(buttons)
    if message_id is not None:
        params["message_id"] = message_id
    elif target_row is not None:
        params[TARGET_ROW] = target_row
    else:
        raise ValueError("edit_text needs a message_id or a target_row")
    return OutgoingMessage(chat_id=chat_id, method="editMessageText", params=params)


def urgent(message: OutgoingMessage) -> OutgoingMessage:
    """The same message, sent ahead of everything else queued for its chat."""
    return message.model_copy(update={"priority": 1})


def delete_own(chat_id: int, target_row: int) -> OutgoingMessage:
    """Take back a message the bot sent (named by its outbox row: its Telegram id may not be
    known yet when this is queued)."""
    from bot.outbox import TARGET_ROW

    return OutgoingMessage(chat_id=chat_id, method="deleteMessage", params={TARGET_ROW: target_row})


def photo_message(chat_id: int, file_id: str, caption: str) -> OutgoingMessage:
    return OutgoingMessage(
        chat_id=chat_id,
        method="sendPhoto",
        params={"photo": file_id, "caption": caption, "parse_mode": "HTML"},
    )


def voice_message(chat_id: int, file_id: str, caption: str) -> OutgoingMessage:
    return OutgoingMessage(
        chat_id=chat_id,
        method="sendVoice",
        params={"voice": file_id, "caption": caption, "parse_mode": "HTML"},
    )


def location_message(chat_id: int, latitude: float, longitude: float) -> OutgoingMessage:
    return OutgoingMessage(
        chat_id=chat_id,
        method="sendLocation",
        params={"latitude": latitude, "longitude": longitude},
    )


def deep_link(bot_username: str, payload: str | None = None) -> str:
    """A t.me link that opens the private chat with the bot (and sends /start payload)."""
    link = f"https://t.me/{bot_username}"
    return f"{link}?start={payload}" if payload else link


def mention(user_id: int, name: str) -> str:
    return f'<a href="tg://user?id={user_id}">{html(name)}</a>'


async def once_recorded(
    look: Callable[[], Awaitable[tuple[T, bool | None]]],
) -> tuple[T, bool | None]:
    """Whether a press (or a reply) came under the bot's own message, as `look()` finds it:
    what it found and True/False, or None while the message is out but the worker that sent
    it has not yet written down its id (someone quick off the mark, or another worker). Then
    look again a little later, for two seconds at most; never guess (still None then: the
    message is slow, not stale, and the presser may try again)."""
    for _ in range(RECORDING_TRIES - 1):
        found, verdict = await look()
        if verdict is not None:
            return found, verdict
        await asyncio.sleep(RECORDING_WAIT_S)
    return await look()
