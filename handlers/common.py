"""What runs for every update: skipping redelivered ones, noting who we saw, and the error
handler that keeps tracebacks away from users."""

from __future__ import annotations

import logging
import re

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    TypeHandler,
)

from bot import texts
from bot.services import Services
from bot.services.groups import GroupRef
from storage import AlreadyHandled

log = logging.getLogger(__name__)

# PTB runs the first matching handler of each group, groups in ascending order; what every
# update needs first runs as one handler in a group of its own (one call, not three).
FIRST_GROUP = -1


def group_ref(update: Update) -> GroupRef:
    chat = update.effective_chat
    assert chat is not None
    return GroupRef(id=chat.id, title=chat.title,
                    is_group=chat.type in (ChatType.GROUP, ChatType.SUPERGROUP))


def answered_prompt(update: Update, bot_id: int, prompt: re.Pattern[str]) -> re.Match[str] | None:
    """For a reply to one of the bot's force-reply prompts (e.g. "不予受理 #12 的原因"): the
    prompt's match, which names what the answer is about; None for any other message."""
    message = update.effective_message
    replied = message.reply_to_message if message else None
    if replied is None or replied.from_user is None or replied.from_user.id != bot_id:
        return None
    return prompt.search(replied.text or "")


def register(application: Application, services: Services) -> None:
    async def skip_handled(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update) and await services.replies.already_handled(
                update.update_id):
            log.info("update %d was handled before; skipping it", update.update_id)
            raise ApplicationHandlerStop

    async def note_people(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not isinstance(update, Update):
            return
        user, chat = update.effective_user, update.effective_chat
        if user is None or user.is_bot:
            return
        in_private = chat is not None and chat.type == ChatType.PRIVATE and (
            update.message is not None or update.callback_query is not None)
        await services.people.seen(user.id, user.first_name, user.last_name, user.username,
                                   in_private=in_private)

    async def dataless_button(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # PTB lets a press without data match every patterned CallbackQueryHandler; no button
        # of ours lacks data, so such a press is forged or stale: decline it here.
        if isinstance(update, Update) and update.callback_query and not (
                update.callback_query.data or update.callback_query.game_short_name):
            await update.callback_query.answer(texts.UNKNOWN_BUTTON)
            raise ApplicationHandlerStop

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        if isinstance(error, AlreadyHandled):
            log.info("update %s was handled before; nothing done twice", error)
            return
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("update %s failed", update_id, exc_info=error)
        if not isinstance(update, Update):
            return
        try:
            if update.callback_query:
                await update.callback_query.answer(texts.SORRY)
            elif update.effective_message and update.effective_chat and (
                    update.effective_chat.type == ChatType.PRIVATE
                    or (update.effective_message.text or "").startswith("/")):
                await update.effective_message.reply_text(texts.SORRY)
        except TelegramError as exc:
            log.warning("could not tell the user about the failure: %s", exc)

    async def first(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        await skip_handled(update, context)     # may stop here: nothing runs twice
        await dataless_button(update, context)  # may stop here: a forged press
        await note_people(update, context)

    application.add_handler(TypeHandler(Update, first), group=FIRST_GROUP)
    application.add_error_handler(on_error)


def register_fallbacks(application: Application) -> None:
    """Registered last in group 0: a button no handler knows (stale or forged data) gets a
    polite answer instead of a spinning button."""

    async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query
        await update.callback_query.answer(texts.UNKNOWN_BUTTON)

    application.add_handler(CallbackQueryHandler(unknown_button))
