"""PTB update processor: updates of different chats are handled concurrently, each chat's in
the order Telegram gave them; one log line per handled update, without personal text."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger("bot.updates")
KINDS = (
    "message",
    "edited_message",
    "callback_query",
    "my_chat_member",
    "chat_member",
    "channel_post",
    "edited_channel_post",
    "inline_query",
)


def describe(update: object) -> str:
    """'update 100023 message chat=-1001 /bind': ids, kind and command word only."""
    if not isinstance(update, Update):
        return f"non-Telegram update {type(update).__name__}"
    kind = next((k for k in KINDS if getattr(update, k, None) is not None), "other")
    chat = update.effective_chat
    parts = [f"update {update.update_id}", kind]
    if chat is not None:
        parts.append(f"chat={chat.id}")
    message = update.effective_message
    if message and message.text and message.text.startswith("/"):
        parts.append(message.text.split()[0].split("@")[0][:33])
    if update.callback_query and update.callback_query.data:
        parts.append("button=" + update.callback_query.data.split(":")[0][:16])
    return " ".join(parts)


def chat_key(update: object) -> int | None:
    """What must stay in order: one chat's updates (a person's, for updates without a chat)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Up to `max_concurrent_updates` updates at a time, but never two of the same chat: PTB
    starts one task per update in arrival order, and each waits (FIFO) for its chat's lock,
    so a chat's updates are handled one after another in order."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int | None, asyncio.Lock] = {}
        self._waiting: dict[int | None, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                started = time.perf_counter()
                try:
                    await coroutine
                finally:
                    if log.isEnabledFor(logging.INFO):
                        log.info(
                            "%s handled in %.1f ms",
                            describe(update),
                            (time.perf_counter() - started) * 1000,
                        )
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # nobody else queued for this chat: forget its lock
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
