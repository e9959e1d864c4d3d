"""Screening from Telegram: every resident's post in a resident group goes to the screen, and
/modstats. Review-card presses are in handlers/buttons.py, clarification replies are prompt
answers (handlers/tickets.py)."""

from __future__ import annotations

from telegram import MessageOriginChannel, Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.services.messaging import text_message
from bot.services.screening import Post
from handlers.context import LinliContext, person_of
from handlers.tickets import TAG

# A handler group of its own: screening looks at every post, whatever else handled it.
SCREEN_GROUP = 1


async def screen(update: Update, context: LinliContext) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None
    services = context.services
    text = message.text or message.caption or ""
    if (
        user is None
        or user.is_bot
        or message.sender_chat is not None
        or not text.strip()
        or TAG.search(text)
    ):
        return  # anonymous admins and channels, bots, tickets (#投诉 goes to staff)
    if not await services.groups.is_resident_group(message.chat_id):
        return
    await services.screening.screen_post(
        Post(
            update_id=update.update_id,
            chat_id=message.chat_id,
            chat_title=message.chat.title,
            message_id=message.message_id,
            author=person_of(update),
            text=text,
            forwarded_from_channel=isinstance(message.forward_origin, MessageOriginChannel),
        )
    )


async def modstats(update: Update, context: LinliContext) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    services = context.services
    if message.chat.type != ChatType.PRIVATE and message.chat_id not in (
        services.roles.moderator_chat_id,
        services.roles.committee_chat_id,
    ):
        return  # figures about residents' posts stay out of other chats
    await services.replies.send(
        update.update_id,
        text_message(
            message.chat_id, await services.screening.stats(user.id), reply_to=message.message_id
        ),
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
