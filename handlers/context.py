"""The typed context every handler gets: `context.services` instead of closures over them."""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackContext, ExtBot

from bot.buttons import Press
from bot.services import Services
from bot.services.people import Person

SERVICES_KEY = "services"


class LinliContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def services(self) -> Services:
        return self.application.bot_data[SERVICES_KEY]


LinliApplication = Application[
    ExtBot[None], LinliContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]


def replied_to_bot(message: Message, bot_id: int) -> int | None:
    """The id of the bot's message that `message` replies to, if it replies to one: prompts,
    cards and acknowledgements are found by that id, never by their words."""
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != bot_id:
        return None
    return replied.message_id


def person_of(update: Update) -> Person:
    user = update.effective_user
    assert user is not None
    return Person(user.id, user.full_name)


def press_of(update: Update) -> Press:
    """Who pressed, where and under which message: Telegram's word, not the button's."""
    query = update.callback_query
    assert query is not None
    message = query.message
    chat = message.chat if message is not None else None
    return Press(
        user_id=query.from_user.id,
        user_name=query.from_user.full_name,
        chat_id=chat.id if chat else 0,
        chat_is_private=chat is not None and chat.type == ChatType.PRIVATE,
        message_id=message.message_id if message is not None else None,
    )
