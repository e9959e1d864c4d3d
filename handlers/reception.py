"""/reception (see, and for staff add/list/del) and /digest."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import texts
from bot.services import Services
from bot.services.messaging import text_message

STAFF_VERBS = {"add", "list", "del", "delete"}


def register(application: Application, services: Services) -> None:
    async def allowed_here(update: Update) -> bool:
        chat = update.effective_chat
        assert chat is not None
        return (chat.type == ChatType.PRIVATE or services.roles.is_staff_chat(chat.id)
                or await services.groups.is_resident_group(chat.id))

    async def refuse_in_resident_group(update: Update) -> bool:
        """Staff commands show internal things: staff who type one in a resident group are
        asked to use the staff chat (residents get the services' "staff only" answer)."""
        message, user = update.effective_message, update.effective_user
        assert message is not None and user is not None
        if message.chat.type == ChatType.PRIVATE or services.roles.is_staff_chat(message.chat_id):
            return False
        if not await services.roles.is_staff(user.id):
            return False
        await services.replies.send(update.update_id, text_message(
            message.chat_id, texts.STAFF_COMMAND_ELSEWHERE, reply_to=message.message_id),
            "staff_command_elsewhere")
        return True

    async def reception(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        assert message is not None and user is not None
        if not await allowed_here(update):
            return
        args = list(context.args or [])
        if args and args[0].lower() in STAFF_VERBS and await refuse_in_resident_group(update):
            return
        await services.reception.command(update.update_id, user.id, args, message.chat_id,
                                         message.message_id)

    async def reception_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer()
        await services.reception.command(update.update_id, query.from_user.id, [],
                                         query.message.chat.id, None)

    async def digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        assert message is not None and user is not None
        if not await allowed_here(update) or await refuse_in_resident_group(update):
            return
        await services.digest.on_demand(update.update_id, user.id, message.chat_id,
                                        message.message_id)

    application.add_handler(CommandHandler("reception", reception))
    application.add_handler(CommandHandler("digest", digest))
    application.add_handler(CallbackQueryHandler(reception_button, pattern=r"^menu:reception$"))
