"""What every handled update shares: the key that keeps a chat's updates in order, the log
context naming the update, and one log line (and the metrics) per handled update, without
personal text."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from telegram import Update

log = logging.getLogger("bot.updates")

# The update being handled, for every log line written meanwhile (formatted only when a line
# is written: most updates write none).
current_update: ContextVar[object] = ContextVar("linli_update", default=None)


class UpdateContext(logging.Filter):
    """Adds %(update)s to each record: which update (and chat) a line was written for, as
    " update=100023 chat=-1001"."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.update = tag(current_update.get())
        return True


def tag(update: object) -> str:
    if not isinstance(update, Update):
        return ""
    key = chat_key(update)
    return f" update={update.update_id}" + (f" chat={key}" if key is not None else "")


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


def kind_of(update: Update) -> str:
    """'message', 'callback_query', ...: what the update carries."""
    return next((k for k in KINDS if getattr(update, k, None) is not None), "other")


def describe(update: object) -> str:
    """'update 100023 message chat=-1001 /bind': ids, kind and command word only."""
    if not isinstance(update, Update):
        return f"non-Telegram update {type(update).__name__}"
    kind = kind_of(update)
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


def handled(
    update: object, seconds: float, on_handled: Callable[[object, float], None] | None
) -> None:
    """The one log line (and the metrics) of a handled update."""
    if on_handled is not None:
        on_handled(update, seconds)
    if log.isEnabledFor(logging.INFO):
        log.info("%s handled in %.1f ms", describe(update), seconds * 1000)


def raw_chat_key(data: dict[str, Any]) -> int | None:
    """chat_key() of an update still in Telegram's JSON, without building the Update (a tenth
    of the cost): the chat of whatever the update carries, else its sender."""
    for kind, payload in data.items():
        if kind == "update_id" or not isinstance(payload, dict):
            continue
        holder = payload.get("message") if kind == "callback_query" else payload
        chat = holder.get("chat") if isinstance(holder, dict) else None
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return int(chat["id"])
        sender = payload.get("from")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            return int(sender["id"])
        return None
    return None
