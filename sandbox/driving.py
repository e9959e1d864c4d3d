"""The sandbox's driving API, for tests and the demo: make people and groups, post, edit and
press as they would, change the world (add the bot, upgrade or delete a group), and wait for
what the bot sent."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Iterable
from typing import Any

from sandbox.entities import detect_entities
from sandbox.state import SandboxState, Sent
from sandbox.world import Chat, Member, StoredMessage, User, now


class DrivingApi(SandboxState):
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
        voice_seconds: int | None = None,
        location: tuple[float, float] | None = None,
        sticker: str | None = None,
        media_group: str | None = None,
        fields: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """`user` posts in `chat` (their private chat with the bot when None); with
        forwarded_from_channel, the post is forwarded from the channel of that title; a voice
        note of voice_seconds, a location (latitude, longitude), a sticker (its emoji), or a
        photo that is part of the album media_group, as Telegram sends each. `fields`: other
        Message fields as the Bot API names them (a poll, a venue, entities such as a
        text_link, an external reply with its quote, a forwarded post's URL buttons)."""
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
        extra.update(_media(voice_seconds, location, sticker, media_group))
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
        extra.update(fields or {})
        msg = self._store_user_message(
            chat, user, text=text, caption=caption, reply_to=reply_to, extra=extra
        )
        if text is not None:
            shown = text
        elif "poll" in extra:
            shown = f"[投票] {extra['poll']['question']}"
        elif "venue" in extra:
            shown = f"[地点] {extra['venue']['title']}"
        elif voice_seconds is not None:
            shown = f"[语音 {voice_seconds}秒] {caption or ''}".strip()
        elif location is not None:
            shown = f"[位置 {location[0]:.4f},{location[1]:.4f}]"
        elif sticker is not None:
            shown = f"[贴纸 {sticker}]"
        else:
            shown = f"[图片] {caption or ''}".strip()
        self._note("user", chat, user, shown)
        await self._push_update("message", self._message_to_api(msg))
        return self._message_to_api(msg)

    async def send_album(
        self,
        user: User,
        chat: Chat | None = None,
        *,
        photos: int,
        caption: str | None = None,
        caption_on: int = 0,
    ) -> list[dict[str, Any]]:
        """An album of `photos` photos, as Telegram sends one: a message per photo with the
        same media_group_id, the caption on photo `caption_on` (the first, usually)."""
        group = str(secrets.randbits(60))
        return [
            await self.send(
                user,
                chat,
                photo=True,
                caption=caption if i == caption_on else None,
                media_group=group,
            )
            for i in range(photos)
        ]

    async def post_as_chat(
        self, chat: Chat, text: str, *, channel: str | None = None, linked: bool = False
    ) -> dict[str, Any]:
        """A post in a group made as a chat, as Telegram sends it: as the channel `channel`
        (any public channel a member posts as, from Channel_Bot; with linked, a post of the
        channel linked to the group, forwarded into it automatically), or, without it, as the
        group's own anonymous admin (from GroupAnonymousBot, sender_chat the group itself)."""
        if channel is not None:
            sender = self._system_user(136817688, "Channel", "Channel_Bot")
            sender_chat = {
                "id": -1009000000000 - len(channel),
                "type": "channel",
                "title": channel,
            }
            if sender_chat["id"] in chat.banned_senders:
                raise PermissionError(f"channel {channel} is banned in {chat.name}")
        else:
            sender = self._system_user(1087968824, "Group", "GroupAnonymousBot")
            sender_chat = {k: v for k, v in chat.to_api().items() if k in ("id", "type", "title")}
        extra: dict[str, Any] = {"sender_chat": sender_chat}
        if linked and channel is not None:
            extra["is_automatic_forward"] = True
            extra["forward_origin"] = {
                "type": "channel",
                "date": now(),
                "chat": sender_chat,
                "message_id": 1,
            }
        msg = self._store_user_message(chat, sender, text=text, extra=extra)
        self._note("user", chat, channel or chat.name, text)
        await self._push_update("message", self._message_to_api(msg))
        return self._message_to_api(msg)

    def _system_user(self, user_id: int, first_name: str, username: str) -> User:
        if user_id not in self.users:
            self.users[user_id] = User(
                id=user_id, first_name=first_name, username=username, is_bot=True
            )
        return self.users[user_id]

    async def edit(self, user: User, chat: Chat, message_id: int, text: str) -> None:
        msg = chat.messages[message_id]
        msg.text, msg.entities, msg.edit_date = text, detect_entities(text), now()
        self._note("user", chat, user, f"(修改) {text}")
        await self._push_update("edited_message", self._message_to_api(msg))

    def delete(self, user: User, chat: Chat, message_id: int) -> None:
        """`user` deletes their own message. Telegram tells bots nothing of it."""
        msg = chat.messages[message_id]
        if msg.from_id != user.id:
            raise ValueError("a member deletes only their own messages here")
        msg.deleted = True
        self._note("user", chat, user, "(删除了自己的一条消息)")

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
            if self.webhook is not None:
                self._pending.insert(0, update)  # posted to the webhook once more
            else:
                self._redeliver.append(update)
            self._changed.notify_all()

    @property
    def last_update_id(self) -> int:
        """The id of the newest update handed to the bot (e.g. to redeliver it)."""
        return max(self._history)

    def update(self, update_id: int) -> dict[str, Any]:
        """An update as the bot received it."""
        return dict(self._history[update_id])

    @property
    def update_ids(self) -> list[int]:
        return sorted(self._history)

    def sent_to(self, chat: Chat | User | int) -> list[Sent]:
        chat_id = chat if isinstance(chat, int) else chat.id
        return [s for s in self._sent if s.chat_id == chat_id]

    def visible(self, chat: Chat | User | int) -> list[StoredMessage]:
        chat_id = chat if isinstance(chat, int) else chat.id
        return [m for m in self.chats[chat_id].messages.values() if not m.deleted]

    def edited(self, chat: Chat | User | int, message_id: int) -> Sent:
        """The current state of a message the bot sent (after any edits)."""
        chat_id = chat if isinstance(chat, int) else chat.id
        for s in self._sent:
            if s.chat_id == chat_id and s.message_id == message_id:
                return s
        raise KeyError(message_id)

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

    async def until_confirmed(self, *, timeout: float = 300.0) -> None:
        """Wait until the bot confirmed every update handed out (for benchmarks)."""
        async with self._changed, asyncio.timeout(timeout):
            while self._pending or self._redeliver:
                await self._changed.wait()

    async def until_sent_to(self, chats: set[int], count: int, *, timeout: float = 300.0) -> None:
        """Wait until `count` messages in all went to these chats (for benchmarks)."""
        async with self._changed, asyncio.timeout(timeout):
            while sum(1 for s in self._sent if s.chat_id in chats) < count:
                await self._changed.wait()

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


def _media(
    voice_seconds: int | None,
    location: tuple[float, float] | None,
    sticker: str | None,
    media_group: str | None,
) -> dict[str, Any]:
    """A message's voice note, location, sticker and album id, as Telegram writes them."""
    extra: dict[str, Any] = {}
    if media_group:
        extra["media_group_id"] = media_group
    if voice_seconds is not None:
        extra["voice"] = {
            "file_id": f"voice-{secrets.token_hex(6)}",
            "file_unique_id": secrets.token_hex(4),
            "duration": voice_seconds,
            "mime_type": "audio/ogg",
            "file_size": 1_600 * voice_seconds,
        }
    if location is not None:
        extra["location"] = {"latitude": location[0], "longitude": location[1]}
    if sticker is not None:
        extra["sticker"] = {
            "file_id": f"sticker-{secrets.token_hex(6)}",
            "file_unique_id": secrets.token_hex(4),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": sticker,
        }
    return extra
