"""PTB update processor that logs one line per handled update, without personal text."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger("bot.updates")
KINDS = ("message", "edited_message", "callback_query", "my_chat_member", "chat_member",
         "channel_post", "edited_channel_post", "inline_query")


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


class LoggedUpdateProcessor(BaseUpdateProcessor):
    async def do_process_update(self, update: object,
                                coroutine: Awaitable[Any]) -> None:
        started = time.perf_counter()
        try:
            await coroutine
        finally:
            log.info("%s handled in %.1f ms", describe(update),
                     (time.perf_counter() - started) * 1000)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
