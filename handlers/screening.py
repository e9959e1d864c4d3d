"""Screening from Telegram: every resident's post in a resident group goes to the screen, and
/modstats. Review-card presses are in handlers/buttons.py, clarification replies are prompt
answers (handlers/tickets.py)."""

from __future__ import annotations

from telegram import MessageOriginChannel, Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.services.messaging import text_message
from bot.services.screening import Post
from handlers.context import LinliContext, person_of

# A handler group of its own: screening looks at every post, whatever else handled it.
SCREEN_GROUP = 1


async def screen(update: Update, context: LinliContext) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None
    if user is None:
        return  # Telegram names the sender of every group post; nothing to screen without
    await context.services.screening.screen_post(
        Post(
            update_id=update.update_id,
            chat_id=message.chat_id,
            chat_title=message.chat.title,
            message_id=message.message_id,
            author=person_of(update),
            text=message.text or message.caption or "",
            forwarded_from_channel=isinstance(message.forward_origin, MessageOriginChannel),
            author_is_bot=user.is_bot,
            as_chat=message.sender_chat is not None,
        )
    )


async def modstats(update: Update, context: LinliContext) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    services = context.services
    figures = await services.screening.stats(user.id, message.chat_id)
    if figures is not None:
        await services.replies.send(
            update.update_id,
            text_message(message.chat_id, figures, reply_to=message.message_id),
            "modstats",
        )


SCREENED = (
    filters.ChatType.GROUPS
    & filters.UpdateType.MESSAGE
    & ~filters.COMMAND
    & (filters.TEXT | filters.CAPTION)
)
HANDLERS: list[BaseHandler[Update, LinliContext, None]] = [
    CommandHandler("modstats", modstats, filters=filters.UpdateType.MESSAGE),
]
SCREEN_HANDLERS: list[BaseHandler[Update, LinliContext, None]] = [
    MessageHandler(SCREENED, screen),
]
