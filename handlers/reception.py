"""/reception (see; committee staff also add/list/edit/skip/del) and /digest. Who may, and
where, is the services' rule; here only: staff typing a staff command in a residents' group
are pointed to their own chat instead of being answered there."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CommandHandler, filters

from bot import texts
from bot.schedule import split_words
from bot.services import Services
from bot.services.messaging import text_message
from bot.services.reception import STAFF_VERBS
from handlers.context import LinliContext


async def allowed_here(services: Services, update: Update) -> bool:
    chat = update.effective_chat
    assert chat is not None
    return (
        chat.type == ChatType.PRIVATE
        or services.roles.is_staff_chat(chat.id)
        or await services.groups.is_resident_group(chat.id)
    )


async def staff_in_resident_group(services: Services, update: Update) -> bool:
    """Staff commands show internal things: staff who type one in a resident group are asked
    to use the staff chat (residents get the services' "staff only" answer)."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    if message.chat.type == ChatType.PRIVATE or services.roles.is_staff_chat(message.chat_id):
        return False
    if not await services.roles.committees_of(user.id):  # staff of no community
        return False
    await services.replies.send(
        update.update_id,
        text_message(message.chat_id, texts.STAFF_COMMAND_ELSEWHERE, reply_to=message.message_id),
        "staff_command_elsewhere",
    )
    return True


async def reception(update: Update, context: LinliContext) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    services = context.services
    if not await allowed_here(services, update):
        return
    # Not context.args: a quoted place ("居委会 一楼 大厅") is one word.
    _, *rest = (message.text or "").split(None, 1)
    args = split_words(rest[0]) if rest else []
    if args and args[0].lower() in STAFF_VERBS and await staff_in_resident_group(services, update):
        return
    await services.reception.command(
        update.update_id, user.id, args, message.chat_id, message.message_id
    )


async def digest(update: Update, context: LinliContext) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    services = context.services
    if not await allowed_here(services, update) or await staff_in_resident_group(services, update):
        return
    await services.digest.on_demand(update.update_id, user.id, message.chat_id, message.message_id)


NEW = filters.UpdateType.MESSAGE
HANDLERS: list[BaseHandler[Update, LinliContext, None]] = [
    CommandHandler("reception", reception, filters=NEW),
    CommandHandler("digest", digest, filters=NEW),
]
