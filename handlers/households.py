"""Households from Telegram: /home [address | 删除], a reply to the address question, and
/homes 3号楼 for staff. Presses are in handlers/buttons.py."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from handlers.context import LinliContext, person_of, replied_to_bot
from handlers.tickets import private_message


def _argument(update: Update) -> str:
    message = update.effective_message
    assert message is not None
    text = message.text or ""
    return text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""


async def home(update: Update, context: LinliContext) -> None:
    message = update.effective_message
    assert message is not None
    await context.services.households.home(
        update.update_id, person_of(update), message.chat_id, message.message_id, _argument(update)
    )


async def homes(update: Update, context: LinliContext) -> None:
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    await context.services.households.register_of(
        update.update_id,
        update.effective_user.id,
        message.chat_id,
        message.message_id,
        _argument(update),
    )


async def private_reply(update: Update, context: LinliContext) -> None:
    """A reply in private: the answer to the address question, found by the replied message's
    id (never its words); any other reply is an ordinary private message."""
    message = update.effective_message
    assert message is not None
    replied = replied_to_bot(message, context.bot.id)
    if replied is not None and await context.services.households.answer_prompt(
        update.update_id, person_of(update), message.chat_id, replied, message.text or ""
    ):
        return
    await private_message(update, context)


NEW = filters.UpdateType.MESSAGE
HANDLERS: list[BaseHandler[Update, LinliContext, None]] = [
    CommandHandler("home", home, filters=NEW),
    CommandHandler("homes", homes, filters=NEW),
    MessageHandler(
        filters.ChatType.PRIVATE & NEW & filters.REPLY & filters.TEXT & ~filters.COMMAND,
        private_reply,
    ),
]
