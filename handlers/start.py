"""The resident's way in: /start and /help with the menu of buttons (presses: handlers/buttons)."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot import texts
from bot.services.messaging import deep_link, html, text_message
from bot.services.tickets import views
from handlers.context import LinliContext

MENU = views.MENU
TICKET_LINK = re.compile(r"t(\d{1,9})")


async def greet(update: Update, context: LinliContext) -> None:
    user, message = update.effective_user, update.effective_message
    assert user and message
    services = context.services
    payload = context.args[0] if context.args else ""
    link = TICKET_LINK.fullmatch(payload)
    if link and await services.tickets.open_from_link(
        update.update_id, user.id, int(link.group(1))
    ):
        return  # the reporter came from the link in the group: show their ticket
    text = texts.GREETING.format(name=html(user.first_name)) + "\n\n" + texts.HELP
    await services.replies.send(
        update.update_id, text_message(message.chat_id, text, buttons=MENU), "start"
    )


async def help_private(update: Update, context: LinliContext) -> None:
    message = update.effective_message
    assert message
    await context.services.replies.send(
        update.update_id, text_message(message.chat_id, texts.HELP, buttons=MENU), "help"
    )


async def help_group(update: Update, context: LinliContext) -> None:
    message = update.effective_message
    assert message
    services = context.services
    if not await services.groups.is_resident_group(message.chat_id):
        return  # not enabled here: stay quiet
    link = html(deep_link(services.bot_username))
    await services.replies.send(
        update.update_id,
        text_message(
            message.chat_id, texts.GROUP_HELP.format(link=link), reply_to=message.message_id
        ),
        "help",
    )


NEW = filters.UpdateType.MESSAGE
HANDLERS: list[BaseHandler[Update, LinliContext, None]] = [
    CommandHandler("start", greet, filters=filters.ChatType.PRIVATE & NEW),
    CommandHandler("help", help_private, filters=filters.ChatType.PRIVATE & NEW),
    CommandHandler(["help", "start"], help_group, filters=filters.ChatType.GROUPS & NEW),
]
