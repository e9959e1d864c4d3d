"""The sandbox's state, shared by its three parts (HTTP layer, Bot API methods, driving API):
the world it models, the updates it holds for the bot, and what the bot has sent."""

from __future__ import annotations

import asyncio
import itertools
import random
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox.entities import detect_entities
from sandbox.rates import FloodLimits
from sandbox.spec import Spec, load_spec, validate_object
from sandbox.world import Chat, Member, StoredMessage, User, member_to_api, now

if TYPE_CHECKING:
    from sandbox.webhook import Webhook

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
DEFAULT_ALLOWED = {
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
}
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


@dataclass
class Fault:
    """One injected failure: an HTTP error answer, a dropped connection or a slow answer."""

    method: str | None
    status: int = 500
    description: str = "Internal Server Error"
    retry_after: int | None = None
    drop: bool = False
    delay: float = 0.0
    chat_id: int | None = None  # only calls to this chat, when given


@dataclass
class Faults:
    queued: list[tuple[Fault, int]] = field(default_factory=list)
    rate: float = 0.0
    rate_kinds: tuple[Fault, ...] = ()
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    injected: int = 0

    def fail_next(
        self,
        method: str | None = None,
        *,
        status: int = 500,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        drop: bool = False,
        delay: float = 0.0,
        chat_id: int | None = None,
    ) -> None:
        """Make the next `times` calls of `method` (any sending method when None) fail (only
        those to `chat_id`, when given)."""
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after or 1}",
                500: "Internal Server Error",
                502: "Bad Gateway",
                400: "Bad Request: injected failure",
                403: "Forbidden: injected failure",
            }.get(status, "Injected failure")
        if status == 429 and retry_after is None:
            retry_after = 1
        self.queued.append(
            (Fault(method, status, description, retry_after, drop, delay, chat_id), times)
        )

    def take(self, method: str, chat_id: object = None) -> Fault | None:
        for i, (fault, times) in enumerate(self.queued):
            wanted = fault.method
            if fault.chat_id is not None and str(fault.chat_id) != str(chat_id):
                continue
            if wanted == method or (wanted is None and _is_sending(method)):
                if times <= 1:
                    del self.queued[i]
                else:
                    self.queued[i] = (fault, times - 1)
                self.injected += 1
                return fault
        if self.rate and method != "getUpdates" and self.rng.random() < self.rate:
            self.injected += 1
            return self.rng.choice(self.rate_kinds)
        return None


def _is_sending(method: str) -> bool:
    return method.startswith(("send", "copy", "forward", "edit", "delete"))


@dataclass
class Sent:
    """What the bot put in a chat, as a person sees it."""

    chat_id: int
    message_id: int
    text: str
    buttons: list[list[tuple[str, str | None]]]
    reply_to_message_id: int | None
    method: str
    raw: dict[str, Any]
    markup: dict[str, Any] | None = None  # as the bot sent it (force_reply included)

    @property
    def button_texts(self) -> list[str]:
        return [text for row in self.buttons for text, _ in row]

    def button_data(self, text: str) -> str | None:
        for row in self.buttons:
            for label, data in row:
                if label == text:
                    return data
        raise KeyError(f"no button {text!r} in {self.button_texts}")


@dataclass
class Upload:
    """A file the bot uploaded (sendPhoto, sendDocument), kept so a test can open it."""

    file_id: str
    chat_id: int
    message_id: int
    method: str
    filename: str | None
    mime_type: str | None
    data: bytes


@dataclass
class TranscriptEntry:
    kind: str  # user, bot, edit, press, answer, system, delete
    chat: str
    who: str
    text: str
    buttons: list[str] = field(default_factory=list)


def _as_sent(msg: StoredMessage, method: str, api: dict[str, Any]) -> Sent:
    """A bot message as a person sees it: its text (or a photo's caption) and its buttons."""
    buttons = [
        [(b["text"], b.get("callback_data")) for b in row]
        for row in (msg.reply_markup or {}).get("inline_keyboard", [])
    ]
    if msg.text is not None:
        shown = msg.text
    elif "voice" in msg.extra:
        shown = f"[语音] {msg.caption or ''}".strip()
    elif "location" in msg.extra:
        shown = "[位置]"
    elif "document" in msg.extra:
        name = msg.extra["document"].get("file_name") or ""
        shown = f"[文件 {name}] {msg.caption or ''}".strip()
    else:
        shown = f"[图片] {msg.caption or ''}".strip()
    return Sent(
        msg.chat_id,
        msg.message_id,
        shown,
        buttons,
        msg.reply_to_message_id,
        method,
        api,
        msg.reply_markup,
    )


class SandboxState:
    """What Telegram would know, and the queues between it and the bot."""

    def __init__(
        self,
        *,
        bot_username: str = "linli_sandbox_bot",
        bot_name: str = "邻里小助手",
        self_check: bool = True,
    ) -> None:
        self.spec: Spec = load_spec()
        self.self_check = self_check
        self.bot = User(id=7_000_000_001, first_name=bot_name, username=bot_username, is_bot=True)
        self.token = f"{self.bot.id}:sandbox-{secrets.token_urlsafe(16)}"
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.flood = FloodLimits()
        self.faults = Faults()
        self.transcript: list[TranscriptEntry] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.commands: dict[tuple[str, str], list[dict]] = {}
        self.callback_answers: dict[str, dict[str, Any] | None] = {}
        self._callback_queries: dict[str, dict[str, Any]] = {}
        self._user_ids = itertools.count(1001)
        self._group_ids = itertools.count(1)
        self._pending: list[dict[str, Any]] = []
        self._history: dict[int, dict[str, Any]] = {}
        self._redeliver: list[dict[str, Any]] = []
        self._next_update_id = 100_001
        self._allowed = set(DEFAULT_ALLOWED)
        self._changed = asyncio.Condition()
        self._poll_generation = 0
        self._closing = False
        self._fetched_up_to = 0
        self._last_call = time.monotonic()
        self._cursors: dict[int, int] = {}
        self._sent: list[Sent] = []
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self._methods: dict[str, Callable[[dict[str, Any]], Awaitable[Any]]] = {}
        self.webhook: Webhook | None = None  # set by setWebhook (sandbox/webhook.py)
        self.uploads: dict[str, Upload] = {}  # file_id -> what the bot uploaded

    def _wanted(self, update: dict[str, Any]) -> bool:
        return any(k in self._allowed for k in update if k != "update_id")

    async def _push_update(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = self._next_update_id
        update: dict[str, Any] = {"update_id": update_id, kind: payload}
        self._next_update_id += 1
        self._check("Update", update)
        self._history[update_id] = update
        async with self._changed:
            self._pending.append(update)
            self._changed.notify_all()
        return update_id

    async def _push_my_chat_member(self, chat: Chat, by: User, old: Member, new: Member) -> None:
        await self._push_update(
            "my_chat_member",
            {
                "chat": chat.to_api(),
                "from": by.to_api(),
                "date": now(),
                "old_chat_member": member_to_api(self.spec, self.bot, old),
                "new_chat_member": member_to_api(self.spec, self.bot, new),
            },
        )

    def _store_user_message(
        self,
        chat: Chat,
        user: User,
        *,
        text: str | None = None,
        caption: str | None = None,
        reply_to: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> StoredMessage:
        extra = dict(extra or {})
        photo = extra.pop("photo", None)
        msg = StoredMessage(
            message_id=chat.new_message_id(),
            chat_id=chat.id,
            from_id=user.id,
            date=now(),
            text=text,
            entities=detect_entities(text) if text else [],
            caption=caption,
            caption_entities=detect_entities(caption) if caption else [],
            photo=photo,
            reply_to_message_id=reply_to,
            extra=extra,
        )
        chat.messages[msg.message_id] = msg
        return msg

    def _message_to_api(self, msg: StoredMessage) -> dict[str, Any]:
        chat = self.chats[msg.chat_id]
        sender = self.bot if msg.from_id == self.bot.id else self.users[msg.from_id]
        data: dict[str, Any] = {
            "message_id": msg.message_id,
            "from": sender.to_api(),
            "chat": chat.to_api(),
            "date": msg.date,
        }
        if msg.text is not None:
            data["text"] = msg.text
            if msg.entities:
                data["entities"] = msg.entities
        if msg.photo is not None or "voice" in msg.extra or "document" in msg.extra:
            if msg.photo is not None:
                data["photo"] = msg.photo
            if msg.caption:
                data["caption"] = msg.caption
                if msg.caption_entities:
                    data["caption_entities"] = msg.caption_entities
        if msg.reply_markup and "inline_keyboard" in msg.reply_markup:
            data["reply_markup"] = msg.reply_markup  # Message carries inline keyboards only
        if msg.edit_date:
            data["edit_date"] = msg.edit_date
        if msg.reply_to_message_id and msg.reply_to_message_id in chat.messages:
            replied = dict(self._message_to_api(chat.messages[msg.reply_to_message_id]))
            replied.pop("reply_to_message", None)
            data["reply_to_message"] = replied
        data.update(msg.extra)
        return data

    def _note(
        self, kind: str, chat: Chat, who: User | str, text: str, buttons: list[str] | None = None
    ) -> None:
        name = who if isinstance(who, str) else who.display_name
        where = "私聊" if chat.type == "private" else chat.name
        if chat.type == "private" and kind in ("bot", "edit", "answer"):
            where = f"私聊 {chat.name}"
        self.transcript.append(TranscriptEntry(kind, where, name, text, buttons or []))

    def _check(self, type_name: str, value: dict[str, Any]) -> None:
        if self.self_check:
            validate_object(self.spec, type_name, value)
