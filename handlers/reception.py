"""/reception (see, and for staff add/list/del) and /digest."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.services import Services


def register(application: Application, services: Services) -> None:
    async def allowed_here(update: Update) -> bool:
        chat = update.effective_chat
        assert chat is not None
        return (chat.type == ChatType.PRIVATE or services.roles.is_staff_chat(chat.id)
                or await services.groups.is_resident_group(chat.id))

    async def reception(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        assert message is not None and user is not None
        if not await allowed_here(update):
            return
        await services.reception.command(update.update_id, user.id, list(context.args or []),
                                         message.chat_id, message.message_id)

    async def reception_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer()
        await services.reception.command(update.update_id, query.from_user.id, [],
                                         query.message.chat.id, None)

    async def digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        assert message is not None and user is not None
        if not await allowed_here(update):
            return
        await services.digest.on_demand(update.update_id, user.id, message.chat_id,
                                        message.message_id)

    application.add_handler(CommandHandler("reception", reception))
    application.add_handler(CommandHandler("digest", digest))
    application.add_handler(CallbackQueryHandler(reception_button, pattern=r"^menu:reception$"))
