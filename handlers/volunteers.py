"""Volunteers from Telegram: /volunteers for the committee, and /start v12 (the link a volunteer
who never opened the bot is given) re-sending a claimed wish's details. Presses of 认领 and 完成
are in handlers/buttons.py."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.services.messaging import text_message
from handlers.context import LinliContext, person_of
from handlers.start import greet

VOLUNTEER_LINK = re.compile(r"v(\d{1,9})")


async def volunteers(update: Update, context: LinliContext) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    services = context.services
    local = services.clock.now().astimezone(services.settings.tz)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    figures = await services.volunteers.figures(user.id, message.chat_id, month_start)
    if figures is not None:
        await services.replies.send(
            update.update_id,
            text_message(message.chat_id, figures, reply_to=message.message_id),
            "volunteers",
        )


async def volunteer_link(update: Update, context: LinliContext) -> None:
    """/start v12: the volunteer on wish #12 opened the private chat from the link."""
    args = context.args or []
    link = VOLUNTEER_LINK.fullmatch(args[0]) if args else None
    if link is None:
        return
    if not await context.services.volunteers.resend_details(
        update.update_id, person_of(update), int(link.group(1))
    ):
        await greet(update, context)  # not theirs (or done): the ordinary greeting


NEW = filters.UpdateType.MESSAGE
HANDLERS: list[BaseHandler[Update, LinliContext, None]] = [
    CommandHandler("volunteers", volunteers, filters=NEW),
    # Before handlers/start.py's /start: a volunteer's link is not a greeting.
    CommandHandler(
        "start",
        volunteer_link,
        filters=filters.ChatType.PRIVATE & NEW & filters.Regex(r"^/start(?:@\w+)?\s+v\d"),
    ),
]
