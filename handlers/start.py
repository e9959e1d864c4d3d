"""The resident's way in: /start and /help with the menu of buttons, and the menu presses."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import (
    Application,
    CommandHandler,
    ContextTypes,
    filters,
)

from bot import texts
from bot.services import Services
from bot.services.messaging import deep_link, html, text_message

Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]
MENU = (
    ((texts.MENU_WISH, "menu:wish"), (texts.MENU_COMPLAIN, "menu:complain")),
    ((texts.MENU_MINE, "menu:mine"), (texts.MENU_RECEPTION, "menu:reception")),
)


def register(application: Application, services: Services) -> None:
    async def greet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user, message = update.effective_user, update.effective_message
        assert user and message
        payload = context.args[0] if context.args else ""
        if re.fullmatch(r"t\d{1,9}", payload) and await services.tickets.open_from_link(
                update.update_id, user.id, int(payload[1:]), message.chat_id):
            return  # the reporter came from the link in the group: show their ticket
        text = texts.GREETING.format(name=html(user.first_name)) + "\n\n" + texts.HELP
        await services.replies.send(update.update_id, text_message(
            message.chat_id, text, buttons=MENU), "start")

    def answer_with_menu(text: str, what: str) -> Callback:
        async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            message = update.effective_message
            assert message
            await services.replies.send(update.update_id, text_message(
                message.chat_id, text, buttons=MENU), what)

        return answer

    async def help_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message
        if not await services.groups.is_resident_group(message.chat_id):
            return  # not enabled here: stay quiet
        link = html(deep_link(services.bot_username))
        await services.replies.send(update.update_id, text_message(
            message.chat_id, texts.GROUP_HELP.format(link=link),
            reply_to=message.message_id), "help")

    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    application.add_handler(CommandHandler("start", greet, filters=private))
    application.add_handler(CommandHandler("help", answer_with_menu(texts.HELP, "help"),
                                           filters=private))
    application.add_handler(CommandHandler(["help", "start"], help_group, filters=groups))

