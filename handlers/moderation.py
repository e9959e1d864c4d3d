"""Screening from Telegram: every resident's post in a resident group goes to the screen;
review-card buttons; the moderator's clarification reply; /modstats."""

from __future__ import annotations

import re

from telegram import MessageOriginChannel, Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import texts
from bot.services import Services
from bot.services.messaging import text_message
from bot.services.moderation import Post
from handlers.common import answered_prompt
from handlers.tickets import TAG, person_of

# Handler groups of their own: screening looks at every post, whatever else handled it, and
# the clarification reply shares its filter with the tickets' reason reply.
SCREEN_GROUP = 1
REPLY_GROUP = 2
REVIEW_BUTTON = re.compile(r"^m:(confirm|dismiss|check):(\d{1,9})$")
CLARIFICATION_PROMPT = re.compile(texts.CLARIFICATION_PROMPT)


def register(application: Application, services: Services) -> None:
    moderation = services.moderation

    async def screen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        user = update.effective_user
        assert message is not None
        text = message.text or message.caption or ""
        if (user is None or user.is_bot or message.sender_chat is not None or not text.strip()
                or TAG.search(text)):
            return  # anonymous admins and channels, bots, tickets (#投诉 goes to staff)
        if not await services.groups.is_resident_group(message.chat_id):
            return
        await moderation.screen_post(Post(
            update_id=update.update_id, chat_id=message.chat_id, chat_title=message.chat.title,
            message_id=message.message_id, author=person_of(update), text=text,
            forwarded_from_channel=isinstance(message.forward_origin, MessageOriginChannel)))

    async def review_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        match = REVIEW_BUTTON.match(query.data or "")
        assert match is not None
        answer = await moderation.decide(update.update_id, person_of(update), match.group(1),
                                         int(match.group(2)), query.message.chat.id)
        await query.answer(answer, show_alert=answer == texts.ONLY_MODERATORS)

    async def clarification(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        match = answered_prompt(update, context.bot.id, CLARIFICATION_PROMPT)
        if match is not None:
            assert update.effective_message
            await moderation.clarify(update.update_id, person_of(update), int(match.group(1)),
                                     update.effective_message.text or "")

    async def modstats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        assert message is not None and user is not None
        if message.chat.type != ChatType.PRIVATE and not services.roles.is_staff_chat(
                message.chat_id):
            return  # figures about residents' posts stay out of resident groups
        await services.replies.send(update.update_id, text_message(
            message.chat_id, await moderation.stats(user.id), reply_to=message.message_id),
            "modstats")

    groups = filters.ChatType.GROUPS
    application.add_handler(MessageHandler(
        groups & filters.UpdateType.MESSAGE & ~filters.COMMAND & (filters.TEXT | filters.CAPTION),
        screen), group=SCREEN_GROUP)
    application.add_handler(MessageHandler(
        groups & filters.REPLY & filters.TEXT & ~filters.COMMAND, clarification),
        group=REPLY_GROUP)
    application.add_handler(CommandHandler("modstats", modstats))
    application.add_handler(CallbackQueryHandler(review_button, pattern=REVIEW_BUTTON))
