"""A local Bot API server that is as strict as Telegram, plus a driving API for tests and the demo.

The bot talks to it over real HTTP (``BOT_API_BASE_URL=http://127.0.0.1:PORT/bot``). Tests and the
demo drive it in-process: make people and groups, post messages, press buttons, add the bot to a
group, and wait for what the bot sent.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import random
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from sandbox.entities import detect_entities
from sandbox.rates import FloodLimits
from sandbox.spec import ApiError, Spec, load_spec, validate_call, validate_object
from sandbox.telegram_html import parse_html, utf16_len
from sandbox.world import Chat, Member, StoredMessage, User, member_to_api, now

log = logging.getLogger(__name__)

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
class TranscriptEntry:
    kind: str  # user, bot, edit, press, answer, system, delete
    chat: str
    who: str
    text: str
    buttons: list[str] = field(default_factory=list)


class Sandbox:
    """The local Bot API server and its driving API."""

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
        self._methods: dict[str, Callable[[dict[str, Any]], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._true,
            "getWebhookInfo": self._get_webhook_info,
            "logOut": self._true,
            "close": self._true,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "leaveChat": self._leave_chat,
            "restrictChatMember": self._restrict_chat_member,
        }

    # ------------------------------------------------------------------ server life

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://{host}:{bound}/bot"
        return self.base_url

    async def stop(self) -> None:
        # End pending long polls now: aiohttp keeps a handler running after its client is gone
        # (say, a bot killed with SIGKILL), and cleanup would wait for it.
        self._closing = True
        async with self._changed:
            self._changed.notify_all()
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ HTTP

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self._last_call = time.monotonic()
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        method = self.spec.method_name(request.match_info["method"])
        if method is None:
            return _error(ApiError(404, "Not Found"))
        try:
            params = await _read_params(request)
        except ValueError:
            return _error(ApiError(400, "Bad Request: can't parse request body"))
        self.calls.append((method, params))
        fault = self.faults.take(method, params.get("chat_id"))
        if fault:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.drop:
                if request.transport:
                    request.transport.close()
                raise ConnectionResetError("sandbox dropped the connection")
            if fault.status != 200:
                extra = {"retry_after": fault.retry_after} if fault.retry_after else {}
                return _error(ApiError(fault.status, fault.description, **extra))
        try:
            decoded = validate_call(self.spec, method, params)
            handler = self._methods.get(method)
            if handler is None:
                raise ApiError(400, f"Bad Request: method {method} is not supported by the sandbox")
            result = await handler(decoded)
        except ApiError as exc:
            return _error(exc)
        finally:
            self._last_call = time.monotonic()
        return web.json_response({"ok": True, "result": result}, dumps=_dumps)

    # ------------------------------------------------------------------ driving API: world

    def add_user(
        self, first_name: str, last_name: str | None = None, username: str | None = None
    ) -> User:
        user = User(
            id=next(self._user_ids), first_name=first_name, last_name=last_name, username=username
        )
        self.users[user.id] = user
        chat = Chat(id=user.id, type="private", user=user)
        chat.members = {user.id: Member("member"), self.bot.id: Member("member")}
        self.chats[user.id] = chat
        return user

    def add_group(
        self,
        title: str,
        *,
        members: Iterable[User] = (),
        admins: Iterable[User] = (),
        owner: User | None = None,
        basic: bool = False,
    ) -> Chat:
        """A supergroup (or, with basic, a small basic group, which can be upgraded)."""
        number = next(self._group_ids)
        chat_id = -number if basic else -1_000_000_000_000 - number
        chat = Chat(id=chat_id, type="group" if basic else "supergroup", title=title)
        for user in members:
            chat.members[user.id] = Member("member")
        for user in admins:
            chat.members[user.id] = Member(
                "administrator", can_delete_messages=True, can_restrict_members=True
            )
        if owner:
            chat.members[owner.id] = Member(
                "creator", can_delete_messages=True, can_restrict_members=True
            )
        chat.members.setdefault(self.bot.id, Member("left"))
        self.chats[chat_id] = chat
        return chat

    async def upgrade(self, chat: Chat, by: User) -> Chat:
        """`by` upgrades a basic group to a supergroup: a new chat id, the same members. The
        old id then answers 400 with migrate_to_chat_id, as Telegram does."""
        if chat.type != "group":
            raise ValueError("only a basic group can be upgraded")
        new = Chat(
            id=-1_000_000_000_000 - next(self._group_ids),
            type="supergroup",
            title=chat.title,
            members=dict(chat.members),
        )
        self.chats[new.id] = new
        chat.migrated_to = new.id
        self._note("system", chat, by, f"{by.display_name} 把群升级成了超级群")
        old_msg = self._store_user_message(chat, by, extra={"migrate_to_chat_id": new.id})
        await self._push_update("message", self._message_to_api(old_msg))
        new_msg = self._store_user_message(new, by, extra={"migrate_from_chat_id": chat.id})
        await self._push_update("message", self._message_to_api(new_msg))
        return new

    def delete_group(self, chat: Chat, by: User) -> None:
        """The owner deletes the group: Telegram tells the bot nothing until it writes there."""
        chat.deleted = True
        self._note("system", chat, by, f"{by.display_name} 解散了这个群")

    async def rename(self, chat: Chat, by: User, title: str) -> None:
        chat.title = title
        self._note("system", chat, by, f"{by.display_name} 把群名改成了「{title}」")
        msg = self._store_user_message(chat, by, extra={"new_chat_title": title})
        await self._push_update("message", self._message_to_api(msg))

    def join(self, chat: Chat, user: User, status: str = "member") -> None:
        chat.members[user.id] = Member(status)

    def block_bot(self, user: User) -> None:
        user.blocked_bot = True

    async def add_bot(self, chat: Chat, by: User, *, admin: bool = False) -> None:
        """`by` adds the bot to the group: Telegram sends my_chat_member and a service message."""
        old = chat.member(self.bot.id)
        new = (
            Member("administrator", can_delete_messages=True, can_restrict_members=True)
            if admin
            else Member("member")
        )
        chat.members[self.bot.id] = new
        self._note("system", chat, by, f"{by.display_name} 把机器人加进了群")
        await self._push_my_chat_member(chat, by, old, new)
        msg = self._store_user_message(chat, by, extra={"new_chat_members": [self.bot.to_api()]})
        await self._push_update("message", self._message_to_api(msg))

    async def remove_bot(self, chat: Chat, by: User) -> None:
        old = chat.member(self.bot.id)
        new = Member("kicked")
        chat.members[self.bot.id] = new
        self._note("system", chat, by, f"{by.display_name} 把机器人移出了群")
        await self._push_my_chat_member(chat, by, old, new)

    async def set_bot_admin(
        self, chat: Chat, by: User, *, admin: bool = True, can_delete_messages: bool = True
    ) -> None:
        old = chat.member(self.bot.id)
        new = (
            Member(
                "administrator", can_delete_messages=can_delete_messages, can_restrict_members=True
            )
            if admin
            else Member("member")
        )
        chat.members[self.bot.id] = new
        what = "设为管理员" if admin else "取消了管理员"
        self._note("system", chat, by, f"{by.display_name} 把机器人{what}")
        await self._push_my_chat_member(chat, by, old, new)

    async def send(
        self,
        user: User,
        chat: Chat | None = None,
        text: str | None = None,
        *,
        photo: bool = False,
        caption: str | None = None,
        reply_to: int | None = None,
        forwarded_from_channel: str | None = None,
    ) -> dict[str, Any]:
        """`user` posts in `chat` (their private chat with the bot when None); with
        forwarded_from_channel, the post is forwarded from the channel of that title."""
        chat = chat or self.chats[user.id]
        if chat.is_group and not chat.member(user.id).is_present:
            raise ValueError(f"{user.display_name} is not in {chat.name}")
        if chat.is_group and chat.member(user.id).is_muted:
            raise PermissionError(f"{user.display_name} is muted in {chat.name}")
        if chat.type == "private":
            user.opened_bot = True
            user.blocked_bot = False
        extra: dict[str, Any] = {}
        if photo:
            extra["photo"] = [
                {
                    "file_id": f"photo-{secrets.token_hex(6)}",
                    "file_unique_id": secrets.token_hex(4),
                    "width": 800,
                    "height": 600,
                    "file_size": 48_000,
                }
            ]
        if forwarded_from_channel:
            extra["forward_origin"] = {
                "type": "channel",
                "date": now() - 60,
                "message_id": 7,
                "chat": {
                    "id": -1009000000000 - len(forwarded_from_channel),
                    "type": "channel",
                    "title": forwarded_from_channel,
                },
            }
        msg = self._store_user_message(
            chat, user, text=text, caption=caption, reply_to=reply_to, extra=extra
        )
        shown = text if text is not None else f"[图片] {caption or ''}".strip()
        self._note("user", chat, user, shown)
        await self._push_update("message", self._message_to_api(msg))
        return self._message_to_api(msg)

    async def edit(self, user: User, chat: Chat, message_id: int, text: str) -> None:
        msg = chat.messages[message_id]
        msg.text, msg.entities, msg.edit_date = text, detect_entities(text), now()
        self._note("user", chat, user, f"(修改) {text}")
        await self._push_update("edited_message", self._message_to_api(msg))

    async def press(self, user: User, sent: Sent, button: str) -> str:
        """`user` presses the button labelled `button` under a message the bot sent."""
        data = sent.button_data(button)
        chat = self.chats[sent.chat_id]
        self._note("press", chat, user, button)
        return await self.press_data(user, sent, data or "")

    async def press_data(self, user: User, sent: Sent, data: str) -> str:
        """Send a callback query with arbitrary data (a replayed or forged button)."""
        chat = self.chats[sent.chat_id]
        msg = chat.messages[sent.message_id]
        query_id = str(secrets.randbits(63))
        query = {
            "id": query_id,
            "from": user.to_api(),
            "message": self._message_to_api(msg),
            "chat_instance": str(abs(chat.id)),
            "data": data,
        }
        self._callback_queries[query_id] = query
        self.callback_answers[query_id] = None
        await self._push_update("callback_query", query)
        return query_id

    async def redeliver(self, update_id: int) -> None:
        """Hand out an update again, as Telegram does when the bot died before confirming it."""
        update = self._history[update_id]
        async with self._changed:
            self._redeliver.append(update)
            self._changed.notify_all()

    # ------------------------------------------------------------------ driving API: observing

    def sent_to(self, chat: Chat | User | int) -> list[Sent]:
        chat_id = chat if isinstance(chat, int) else chat.id
        return [s for s in self._sent if s.chat_id == chat_id]

    def visible(self, chat: Chat | User | int) -> list[StoredMessage]:
        chat_id = chat if isinstance(chat, int) else chat.id
        return [m for m in self.chats[chat_id].messages.values() if not m.deleted]

    async def next_message(
        self, chat: Chat | User | int, *, containing: str | None = None, timeout: float = 5.0
    ) -> Sent:
        """The next message the bot sends to `chat` that this caller has not read yet
        (with `containing`, the next one whose text contains it; others are passed over)."""
        chat_id = chat if isinstance(chat, int) else chat.id

        def unread() -> Sent | None:
            seen = self._cursors.get(chat_id, 0)
            for i, s in enumerate(self._sent):
                if i >= seen and s.chat_id == chat_id:
                    self._cursors[chat_id] = i + 1
                    if containing is None or containing in s.text:
                        return s
            return None

        async with self._changed:
            try:
                async with asyncio.timeout(timeout):
                    while (found := unread()) is None:
                        await self._changed.wait()
            except TimeoutError:
                name = self.chats[chat_id].name if chat_id in self.chats else chat_id
                raise AssertionError(f"the bot sent nothing to {name} within {timeout}s") from None
        return found

    async def callback_answer(self, query_id: str, *, timeout: float = 5.0) -> dict[str, Any]:
        async with self._changed:
            try:
                async with asyncio.timeout(timeout):
                    while self.callback_answers.get(query_id) is None:
                        await self._changed.wait()
            except TimeoutError:
                raise AssertionError("the bot did not answer the button press") from None
        answer = self.callback_answers[query_id]
        assert answer is not None
        return answer

    async def settle(self, *, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until the bot has fetched every update and made no call for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            fetched = not self._redeliver and all(
                u["update_id"] <= self._fetched_up_to for u in self._pending
            )
            if fetched and time.monotonic() - self._last_call >= quiet:
                return
            await asyncio.sleep(0.05)
        raise AssertionError("the bot did not settle")

    async def wait_for_edit(self, sent: Sent, contains: str, *, timeout: float = 5.0) -> Sent:
        """Wait until the bot has edited `sent` so that its text contains `contains`."""
        async with self._changed:
            try:
                async with asyncio.timeout(timeout):
                    while (
                        contains not in (current := self.edited(sent.chat_id, sent.message_id)).text
                    ):
                        await self._changed.wait()
            except TimeoutError:
                raise AssertionError(f"the message never came to say {contains!r}") from None
        return current

    async def wait_total_sent(self, count: int, *, timeout: float = 60.0) -> None:
        """Wait until the bot has sent `count` messages in all (for benchmarks)."""
        async with self._changed:
            try:
                async with asyncio.timeout(timeout):
                    while len(self._sent) < count:
                        await self._changed.wait()
            except TimeoutError:
                raise AssertionError(
                    f"only {len(self._sent)} of {count} messages arrived"
                ) from None

    def format_transcript(self) -> str:
        icons = {
            "user": "👤",
            "bot": "🤖",
            "edit": "✏️",
            "press": "👆",
            "answer": "💬",
            "system": "⚙️",
            "delete": "🗑️",
        }
        lines = []
        for e in self.transcript:
            where = f"［{e.chat}］"
            if e.kind == "user":
                lines.append(f"{icons['user']} {where}{e.who}：{e.text}")
            elif e.kind in ("bot", "edit"):
                verb = "（修改了消息）" if e.kind == "edit" else ""
                lines.append(f"{icons[e.kind]} {where}{e.who}{verb}：")
                lines.extend(f"      {line}" for line in e.text.splitlines())
                if e.buttons:
                    lines.append("      " + " ".join(f"[{b}]" for b in e.buttons))
            elif e.kind == "press":
                lines.append(f"{icons['press']} {where}{e.who} 点了按钮「{e.text}」")
            elif e.kind == "answer":
                lines.append(f"{icons['answer']} {where}（只给 {e.who} 看的提示）{e.text}")
            else:
                lines.append(f"{icons.get(e.kind, '•')} {where}{e.text}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ internals: updates

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

    # ------------------------------------------------------------------ internals: methods

    async def _true(self, params: dict[str, Any]) -> bool:
        return True

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.bot.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": True,
            "supports_inline_queries": False,
        }

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        limit = max(1, min(100, params.get("limit", 100)))
        timeout = max(0, params.get("timeout", 0))
        if "allowed_updates" in params:
            self._allowed = set(params["allowed_updates"]) or set(DEFAULT_ALLOWED)
        self._poll_generation += 1
        generation = self._poll_generation
        async with self._changed:
            if offset is not None:
                if offset < 0:
                    self._pending = self._pending[offset:]
                else:
                    self._pending = [u for u in self._pending if u["update_id"] >= offset]
            deadline = time.monotonic() + timeout

            def ready() -> list[dict[str, Any]]:
                out = self._redeliver + [u for u in self._pending if self._wanted(u)]
                return out[:limit]

            while not (batch := ready()):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closing:
                    return []
                try:
                    async with asyncio.timeout(remaining):
                        await self._changed.wait()
                except TimeoutError:
                    return []
                if generation != self._poll_generation:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; make "
                        "sure that only one bot instance is running",
                    )
            self._redeliver.clear()
            # Updates the bot does not want are confirmed silently, as Telegram does.
            self._pending = [u for u in self._pending if self._wanted(u)]
            self._fetched_up_to = max(self._fetched_up_to, *(u["update_id"] for u in batch))
            return batch

    def _wanted(self, update: dict[str, Any]) -> bool:
        return any(k in self._allowed for k in update if k != "update_id")

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        for cmd in params["commands"]:
            name, desc = cmd.get("command", ""), cmd.get("description", "")
            if (
                not (1 <= len(name) <= 32)
                or not all(c.isascii() and (c.isalnum() or c == "_") for c in name)
                or name != name.lower()
            ):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not (1 <= len(desc) <= 256):
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        if len(params["commands"]) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        self.commands[self._scope_key(params)] = params["commands"]
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> list[dict]:
        return self.commands.get(self._scope_key(params), [])

    async def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(self._scope_key(params), None)
        return True

    @staticmethod
    def _scope_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.get("language_code", "")

    def _chat_for_bot(self, chat_id: Any) -> Chat:
        """The chat the bot addresses, refusing what Telegram would refuse."""
        if not isinstance(chat_id, int) or chat_id not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        chat = self.chats[chat_id]
        self._gone(chat)
        if chat.type == "private":
            user = chat.user
            assert user is not None
            if user.blocked_bot:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not user.opened_bot:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        else:
            status = chat.member(self.bot.id).status
            if status == "kicked":
                raise ApiError(403, f"Forbidden: bot was kicked from the {chat.type} chat")
            if status == "left":
                raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        return chat

    def _render(
        self, params: dict[str, Any], key: str, limit: int, too_long: str
    ) -> tuple[str, list[dict]]:
        source = params.get(key, "")
        mode = params.get("parse_mode")
        if mode is None:
            entity_key = "caption_entities" if key == "caption" else "entities"
            text, entities = source, params.get(entity_key, [])
        elif mode.upper() == "HTML":
            text, entities = parse_html(source)
        else:
            raise ApiError(400, f"Bad Request: parse mode {mode} is not supported by the sandbox")
        text = text.strip()
        if key == "text" and not text:
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > limit:
            raise ApiError(400, too_long)
        return text, entities

    def _check_markup(self, markup: dict[str, Any] | None) -> None:
        if not markup or "inline_keyboard" not in markup:
            return
        actions = (
            "callback_data",
            "url",
            "login_url",
            "switch_inline_query",
            "switch_inline_query_current_chat",
            "switch_inline_query_chosen_chat",
            "callback_game",
            "pay",
            "web_app",
            "copy_text",
        )
        for row in markup["inline_keyboard"]:
            for button in row:
                if not button.get("text"):
                    raise ApiError(
                        400, "Bad Request: text buttons are unallowed in the inline keyboard"
                    )
                present = [a for a in actions if a in button]
                if len(present) != 1:
                    raise ApiError(
                        400,
                        "Bad Request: can't parse inline keyboard button: "
                        "exactly one of the optional fields must be used",
                    )
                if "callback_data" in button:
                    size = len(str(button["callback_data"]).encode())
                    if not 1 <= size <= 64:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if "url" in button and not str(button["url"]).startswith(
                    ("http://", "https://", "tg://")
                ):
                    raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")

    def _reply_target(self, chat: Chat, params: dict[str, Any]) -> int | None:
        reply = params.get("reply_parameters")
        if not reply:
            return None
        target = reply.get("message_id")
        msg = chat.messages.get(target)
        if msg is None or msg.deleted:
            if reply.get("allow_sending_without_reply"):
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        return target

    def _flood(self, chat: Chat) -> None:
        retry_after = self.flood.check(chat.id)
        if retry_after:
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
            )

    async def _deliver(self, chat: Chat, msg: StoredMessage, method: str) -> dict[str, Any]:
        chat.messages[msg.message_id] = msg
        api = self._message_to_api(msg)
        self._check("Message", api)
        sent = _as_sent(msg, method, api)
        self._note("bot", chat, self.bot, sent.text, sent.button_texts)
        async with self._changed:
            self._sent.append(sent)
            self._changed.notify_all()
        return api

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_for_bot(params["chat_id"])
        text, entities = self._render(params, "text", MAX_TEXT, "Bad Request: message is too long")
        self._check_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        self._flood(chat)
        msg = StoredMessage(
            message_id=chat.new_message_id(),
            chat_id=chat.id,
            from_id=self.bot.id,
            date=now(),
            text=text,
            entities=entities,
            reply_markup=params.get("reply_markup"),
            reply_to_message_id=reply_to,
        )
        return await self._deliver(chat, msg, "sendMessage")

    async def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_for_bot(params["chat_id"])
        caption, entities = self._render(
            params, "caption", MAX_CAPTION, "Bad Request: message caption is too long"
        )
        self._check_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        self._flood(chat)
        photo = params["photo"]
        file_id = photo if isinstance(photo, str) else f"photo-{secrets.token_hex(6)}"
        msg = StoredMessage(
            message_id=chat.new_message_id(),
            chat_id=chat.id,
            from_id=self.bot.id,
            date=now(),
            caption=caption or None,
            caption_entities=entities,
            reply_markup=params.get("reply_markup"),
            reply_to_message_id=reply_to,
            photo=[
                {"file_id": file_id, "file_unique_id": file_id[-8:], "width": 800, "height": 600}
            ],
        )
        return await self._deliver(chat, msg, "sendPhoto")

    async def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._chat_for_bot(params["chat_id"])
        return True

    def _bots_message(self, params: dict[str, Any]) -> tuple[Chat, StoredMessage]:
        if "inline_message_id" in params:
            raise ApiError(400, "Bad Request: inline messages are not supported by the sandbox")
        if "chat_id" not in params or "message_id" not in params:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        chat = self._chat_for_bot(params["chat_id"])
        msg = chat.messages.get(params["message_id"])
        if msg is None or msg.deleted:
            raise ApiError(400, "Bad Request: message to edit not found")
        if msg.from_id != self.bot.id:
            raise ApiError(400, "Bad Request: message can't be edited")
        return chat, msg

    async def _edited(self, chat: Chat, msg: StoredMessage) -> dict[str, Any]:
        msg.edit_date = now()
        api = self._message_to_api(msg)
        self._check("Message", api)
        for i, s in enumerate(self._sent):
            if s.chat_id == chat.id and s.message_id == msg.message_id:
                self._sent[i] = _as_sent(msg, s.method, api)
                self._note("edit", chat, self.bot, self._sent[i].text, self._sent[i].button_texts)
        async with self._changed:
            self._changed.notify_all()
        return api

    def edited(self, chat: Chat | User | int, message_id: int) -> Sent:
        """The current state of a message the bot sent (after any edits)."""
        chat_id = chat if isinstance(chat, int) else chat.id
        for s in self._sent:
            if s.chat_id == chat_id and s.message_id == message_id:
                return s
        raise KeyError(message_id)

    async def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        chat, msg = self._bots_message(params)
        text, entities = self._render(params, "text", MAX_TEXT, "Bad Request: message is too long")
        markup = params.get("reply_markup")
        self._check_markup(markup)
        if text == msg.text and entities == msg.entities and markup == msg.reply_markup:
            raise ApiError(400, NOT_MODIFIED)
        msg.text, msg.entities, msg.reply_markup = text, entities, markup
        return await self._edited(chat, msg)

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        chat, msg = self._bots_message(params)
        markup = params.get("reply_markup")
        self._check_markup(markup)
        if markup == msg.reply_markup:
            raise ApiError(400, NOT_MODIFIED)
        msg.reply_markup = markup
        return await self._edited(chat, msg)

    async def _delete_message(self, params: dict[str, Any]) -> bool:
        chat = self._chat_for_bot(params["chat_id"])
        msg = chat.messages.get(params["message_id"])
        if msg is None or msg.deleted:
            raise ApiError(400, "Bad Request: message to delete not found")
        if chat.is_group and msg.from_id != self.bot.id:
            me = chat.member(self.bot.id)
            if me.status != "administrator" or not me.can_delete_messages:
                raise ApiError(400, "Bad Request: message can't be deleted")
        msg.deleted = True
        author = self.bot if msg.from_id == self.bot.id else self.users[msg.from_id]
        self._note("delete", chat, self.bot, f"机器人删除了 {author.display_name} 的一条消息")
        return True

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = params["callback_query_id"]
        if query_id not in self._callback_queries or self.callback_answers.get(query_id):
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        text = params.get("text", "")
        if len(text) > MAX_CALLBACK_ANSWER:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        query = self._callback_queries[query_id]
        answer = {"text": text, "show_alert": params.get("show_alert", False)}
        if text:
            chat = self.chats[query["message"]["chat"]["id"]]
            self._note("answer", chat, self.users[query["from"]["id"]].display_name, text)
        async with self._changed:
            self.callback_answers[query_id] = answer
            self._changed.notify_all()
        return True

    @staticmethod
    def _gone(chat: Chat) -> None:
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=chat.migrated_to,
            )
        if chat.deleted:
            raise ApiError(403, "Forbidden: the group chat was deleted")

    def _known_chat(self, chat_id: Any) -> Chat:
        if not isinstance(chat_id, int) or chat_id not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        chat = self.chats[chat_id]
        if chat.deleted:
            raise ApiError(400, "Bad Request: chat not found")
        self._gone(chat)
        if chat.is_group and not chat.member(self.bot.id).is_present:
            raise ApiError(400, "Bad Request: chat not found")
        if chat.type == "private" and chat.user and not chat.user.opened_bot:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    async def _get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._known_chat(params["chat_id"])
        data = {
            **chat.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }
        self._check("ChatFullInfo", data)
        return data

    async def _get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._known_chat(params["chat_id"])
        user_id = params["user_id"]
        user = self.bot if user_id == self.bot.id else self.users.get(user_id)
        if user is None:
            raise ApiError(400, "Bad Request: user not found")
        data = member_to_api(self.spec, user, chat.member(user_id))
        self._check("ChatMember", data)
        return data

    async def _get_chat_administrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        chat = self._known_chat(params["chat_id"])
        out = []
        for user_id, member in chat.members.items():
            if member.status in ("creator", "administrator"):
                user = self.bot if user_id == self.bot.id else self.users[user_id]
                out.append(member_to_api(self.spec, user, member))
        return out

    async def _leave_chat(self, params: dict[str, Any]) -> bool:
        chat = self._known_chat(params["chat_id"])
        old = chat.member(self.bot.id)
        chat.members[self.bot.id] = Member("left")
        self._note("system", chat, self.bot, "机器人退出了群")
        await self._push_my_chat_member(chat, self.bot, old, Member("left"))
        return True

    async def _restrict_chat_member(self, params: dict[str, Any]) -> bool:
        chat = self._known_chat(params["chat_id"])
        if not chat.is_group:
            raise ApiError(400, "Bad Request: method is available only for supergroups")
        me = chat.member(self.bot.id)
        if me.status != "administrator" or not me.can_restrict_members:
            raise ApiError(400, "Bad Request: not enough rights to restrict/unrestrict chat member")
        target = chat.member(params["user_id"])
        if target.status in ("creator", "administrator"):
            raise ApiError(400, "Bad Request: user is an administrator of the chat")
        permissions = params.get("permissions")
        if not isinstance(permissions, dict):
            raise ApiError(400, "Bad Request: invalid permissions")
        until = int(params.get("until_date", 0))
        if until and not time.time() + 30 <= until <= time.time() + 366 * 86400:
            until = 0  # Telegram: less than 30 s or more than 366 days away means forever
        chat.members[params["user_id"]] = Member(
            "restricted",
            until_date=until,
            can_send_messages=bool(permissions.get("can_send_messages", False)),
        )
        user = self.users[params["user_id"]]
        self._note("system", chat, self.bot, f"机器人禁言了 {user.display_name}")
        return True


async def _read_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return params
    ctype = request.content_type
    if ctype == "application/json":
        body = await request.json()
        if not isinstance(body, dict):
            raise ValueError("JSON body must be an object")
        params.update(body)
    else:
        form = await request.post()
        for key, value in form.items():
            params[key] = value if isinstance(value, str) else getattr(value, "file", value)
    return params


def _as_sent(msg: StoredMessage, method: str, api: dict[str, Any]) -> Sent:
    """A bot message as a person sees it: its text (or a photo's caption) and its buttons."""
    buttons = [
        [(b["text"], b.get("callback_data")) for b in row]
        for row in (msg.reply_markup or {}).get("inline_keyboard", [])
    ]
    shown = msg.text if msg.text is not None else f"[图片] {msg.caption or ''}".strip()
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


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _error(exc: ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return web.json_response(body, status=exc.code, dumps=_dumps)
