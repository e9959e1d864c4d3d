"""What runs for every update: skipping redelivered ones, declining presses without data,
noting who we saw; the error handler that keeps tracebacks away from users; the last word on
buttons no family knows."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackContext,
    TypeHandler,
)

from bot import texts
from bot.services.groups import GroupRef
from handlers.context import SERVICES_KEY, LinliContext
from handlers.tickets import TAG
from storage import AlreadyHandled, StorageError

log = logging.getLogger(__name__)

# PTB runs the first matching handler of each group, groups in ascending order; what every
# update needs first runs as one handler in a group of its own (one call, not three).
FIRST_GROUP = -1


def group_ref(update: Update) -> GroupRef:
    chat = update.effective_chat
    assert chat is not None
    return GroupRef(
        id=chat.id, title=chat.title, is_group=chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)
    )


async def first(update: object, context: LinliContext) -> None:
    if not isinstance(update, Update):
        return
    services = context.services
    if await services.replies.already_handled(update.update_id):
        log.info("update %d was handled before; skipping it", update.update_id)
        raise ApplicationHandlerStop  # nothing runs twice
    query = update.callback_query
    if query and not (query.data or query.game_short_name):
        # PTB lets a press without data match every patterned CallbackQueryHandler; no button
        # of ours lacks data, so such a press is forged or stale: decline it here.
        await query.answer(texts.UNKNOWN_BUTTON)
        raise ApplicationHandlerStop
    user, chat = update.effective_user, update.effective_chat
    if user is None or user.is_bot:
        return
    in_private = (
        chat is not None
        and chat.type == ChatType.PRIVATE
        and (update.message is not None or query is not None)
    )
    in_group = chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)
    await services.people.seen(
        user.id,
        user.first_name,
        user.last_name,
        user.username,
        in_private=in_private,
        community=await services.groups.community_of_group(chat.id)
        if in_group and chat is not None and update.message is not None
        else None,
    )


async def on_error(update: object, context: CallbackContext) -> None:
    error = context.error
    if isinstance(error, AlreadyHandled):
        log.info("update %s was handled before; nothing done twice", error)
        return
    update_id = update.update_id if isinstance(update, Update) else None
    if not isinstance(update, Update):
        log.error("update %s failed", update_id, exc_info=error)
        return
    services = context.application.bot_data[SERVICES_KEY]
    if isinstance(error, StorageError):
        if update.callback_query is None:
            # Not confirmed to Telegram: it comes again once the database takes writes.
            services.retries.add(update.update_id)
        log.error(
            "update %d could not be stored (%s); %s",
            update.update_id,
            error,
            "the person was asked to press again"
            if update.callback_query
            else "it will be handled again",
        )
        if not services.retries.first_telling(update.update_id):
            return
        sorry = texts.TRY_LATER
    else:
        log.error("update %s failed", update_id, exc_info=error)
        sorry = texts.SORRY
    try:
        message, chat = update.effective_message, update.effective_chat
        if update.callback_query:
            await update.callback_query.answer(sorry)
        elif (
            message
            and chat
            and not update.edited_message
            and (
                chat.type == ChatType.PRIVATE
                or (message.text or "").startswith("/")
                or TAG.search(message.text or message.caption or "")
            )
        ):
            await message.reply_text(sorry)
    except TelegramError as exc:
        log.warning("could not tell the user about the failure: %s", exc)


FIRST_HANDLERS: list[BaseHandler[Update, LinliContext, None]] = [TypeHandler(Update, first)]
