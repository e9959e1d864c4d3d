"""The Bot API methods the sandbox answers, each as strict as Telegram: unknown chats, text
over 4096 UTF-16 units, callback data outside 1-64 bytes, private messages to people who never
opened the bot (403), deleting without rights, flood limits (429 with retry_after)."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sandbox.spec import ApiError
from sandbox.state import (
    DEFAULT_ALLOWED,
    MAX_CALLBACK_ANSWER,
    MAX_CAPTION,
    MAX_TEXT,
    NOT_MODIFIED,
    Upload,
    _as_sent,
)
from sandbox.telegram_html import parse_html, utf16_len
from sandbox.webhook import WebhookDelivery
from sandbox.world import Chat, Member, StoredMessage, member_to_api, now


class BotApiMethods(WebhookDelivery):
    def method_table(self) -> dict[str, Callable[[dict[str, Any]], Awaitable[Any]]]:
        return {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "logOut": self._true,
            "close": self._true,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendVoice": self._send_voice,
            "sendLocation": self._send_location,
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
            "banChatSenderChat": self._ban_chat_sender_chat,
            "unbanChatSenderChat": self._unban_chat_sender_chat,
        }

    async def _true(self, params: dict[str, Any]) -> bool:
        return True

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.bot.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": True,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        self._refuse_polling()
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
                self._changed.notify_all()  # what was confirmed is gone
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

    def _captioned(self, params: dict[str, Any]) -> tuple[Chat, str, list[dict], int | None]:
        """What a photo or voice note checks first, as Telegram does: the chat, the caption
        (within its limit), the buttons, the message replied to, then the flood limits."""
        chat = self._chat_for_bot(params["chat_id"])
        caption, entities = self._render(
            params, "caption", MAX_CAPTION, "Bad Request: message caption is too long"
        )
        self._check_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        self._flood(chat)
        return chat, caption, entities, reply_to

    async def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        chat, caption, entities, reply_to = self._captioned(params)
        photo = params["photo"]
        upload = _uploaded(photo)
        width, height = 800, 600
        if upload is not None:
            if len(upload[0]) > MAX_PHOTO_BYTES:
                raise ApiError(400, "Bad Request: file is too big")
            width, height = _photo_size(upload[0])
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
                {
                    "file_id": file_id,
                    "file_unique_id": file_id[-8:],
                    "width": width,
                    "height": height,
                }
            ],
        )
        if upload is not None:
            self._keep(file_id, msg, "sendPhoto", upload)
        return await self._deliver(chat, msg, "sendPhoto")

    async def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_for_bot(params["chat_id"])
        caption, entities = self._render(
            params, "caption", MAX_CAPTION, "Bad Request: message caption is too long"
        )
        self._check_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        document = params["document"]
        upload = _uploaded(document)
        if upload is None and not (isinstance(document, str) and document in self.uploads):
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if upload is not None and len(upload[0]) > MAX_DOCUMENT_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        self._flood(chat)
        file_id = document if isinstance(document, str) else f"document-{secrets.token_hex(6)}"
        kept = self.uploads.get(file_id)
        data, filename, mime_type = upload or (
            (kept.data, kept.filename, kept.mime_type) if kept else (b"", None, None)
        )
        described: dict[str, Any] = {
            "file_id": file_id,
            "file_unique_id": file_id[-8:],
            "file_size": len(data),
        }
        if filename:
            described["file_name"] = filename
        if mime_type:
            described["mime_type"] = mime_type
        extra: dict[str, Any] = {"document": described}
        msg = StoredMessage(
            message_id=chat.new_message_id(),
            chat_id=chat.id,
            from_id=self.bot.id,
            date=now(),
            caption=caption or None,
            caption_entities=entities,
            reply_markup=params.get("reply_markup"),
            reply_to_message_id=reply_to,
            extra=extra,
        )
        if upload is not None:
            self._keep(file_id, msg, "sendDocument", upload)
        return await self._deliver(chat, msg, "sendDocument")

    def _keep(
        self,
        file_id: str,
        msg: StoredMessage,
        method: str,
        upload: tuple[bytes, str | None, str | None],
    ) -> None:
        data, filename, mime_type = upload
        self.uploads[file_id] = Upload(
            file_id, msg.chat_id, msg.message_id, method, filename, mime_type, data
        )

    async def _send_voice(self, params: dict[str, Any]) -> dict[str, Any]:
        chat, caption, entities, reply_to = self._captioned(params)
        voice = params["voice"]
        if isinstance(voice, str) and not voice.startswith("voice-"):
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        file_id = voice if isinstance(voice, str) else f"voice-{secrets.token_hex(6)}"
        msg = StoredMessage(
            message_id=chat.new_message_id(),
            chat_id=chat.id,
            from_id=self.bot.id,
            date=now(),
            caption=caption or None,
            caption_entities=entities,
            reply_markup=params.get("reply_markup"),
            reply_to_message_id=reply_to,
            extra={"voice": {"file_id": file_id, "file_unique_id": file_id[-8:], "duration": 1}},
        )
        return await self._deliver(chat, msg, "sendVoice")

    async def _send_location(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_for_bot(params["chat_id"])
        latitude, longitude = float(params["latitude"]), float(params["longitude"])
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ApiError(400, "Bad Request: wrong location specified")
        self._check_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        self._flood(chat)
        msg = StoredMessage(
            message_id=chat.new_message_id(),
            chat_id=chat.id,
            from_id=self.bot.id,
            date=now(),
            reply_markup=params.get("reply_markup"),
            reply_to_message_id=reply_to,
            extra={"location": {"latitude": latitude, "longitude": longitude}},
        )
        return await self._deliver(chat, msg, "sendLocation")

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
        if params["user_id"] not in self.users or params["user_id"] < 0:
            # A channel posting in the group is banned with banChatSenderChat instead.
            raise ApiError(400, "Bad Request: invalid user_id specified")
        target = chat.member(params["user_id"])
        if target.status in ("creator", "administrator"):
            raise ApiError(400, "Bad Request: user is an administrator of the chat")
        permissions = params.get("permissions")
        if not isinstance(permissions, dict):
            raise ApiError(400, "Bad Request: invalid permissions")
        user = self.users[params["user_id"]]
        if permissions and all(permissions.values()):
            # Everything allowed again: Telegram lifts the restriction (a member once more).
            chat.members[params["user_id"]] = Member("member")
            self._note("system", chat, self.bot, f"机器人解除了 {user.display_name} 的禁言")
            return True
        until = int(params.get("until_date", 0))
        if until and not time.time() + 30 <= until <= time.time() + 366 * 86400:
            until = 0  # Telegram: less than 30 s or more than 366 days away means forever
        chat.members[params["user_id"]] = Member(
            "restricted",
            until_date=until,
            can_send_messages=bool(permissions.get("can_send_messages", False)),
        )
        self._note("system", chat, self.bot, f"机器人禁言了 {user.display_name}")
        return True

    def _restricting_chat(self, params: dict[str, Any]) -> Any:
        chat = self._known_chat(params["chat_id"])
        if chat.type != "supergroup":
            raise ApiError(400, "Bad Request: method is available only for supergroups")
        me = chat.member(self.bot.id)
        if me.status != "administrator" or not me.can_restrict_members:
            raise ApiError(400, "Bad Request: not enough rights to restrict/unrestrict chat member")
        if params["sender_chat_id"] >= 0:
            raise ApiError(400, "Bad Request: invalid sender_chat_id specified")
        return chat

    async def _ban_chat_sender_chat(self, params: dict[str, Any]) -> bool:
        chat = self._restricting_chat(params)
        chat.banned_senders.add(params["sender_chat_id"])
        self._note("system", chat, self.bot, f"机器人禁止了频道 {params['sender_chat_id']} 发言")
        return True

    async def _unban_chat_sender_chat(self, params: dict[str, Any]) -> bool:
        chat = self._restricting_chat(params)
        chat.banned_senders.discard(params["sender_chat_id"])
        self._note("system", chat, self.bot, f"机器人恢复了频道 {params['sender_chat_id']} 发言")
        return True


MAX_PHOTO_BYTES = 10 * 1024 * 1024  # Telegram's limits for what a bot uploads
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MAX_PHOTO_SIDE = 2560  # the largest size Telegram keeps of a photo


def _uploaded(value: Any) -> tuple[bytes, str | None, str | None] | None:
    """The bytes, file name and type of an uploaded file (a multipart part: aiohttp's file
    field or its file object); None for a file_id or URL."""
    if isinstance(value, str):
        return None
    source = getattr(value, "file", value)
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read() if hasattr(source, "read") else bytes(value)
    return data, getattr(value, "filename", None), getattr(value, "content_type", None)


def _photo_size(data: bytes) -> tuple[int, int]:
    """A PNG's width and height as Telegram would keep them (other formats: 800 x 600)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        return 800, 600
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if width + height > 10_000 or max(width, height) > 20 * min(width, height):
        raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
    scale = min(1.0, MAX_PHOTO_SIDE / max(width, height))
    return round(width * scale), round(height * scale)
