"""Votes from Telegram: /vote in the committee chat, and /start vote_N (the group's 去投票 link)
opening the ballot in private. Ballot presses are in handlers/buttons.py."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from handlers.context import LinliContext, person_of

BALLOT_LINK = re.compile(r"^/start(?:@\w+)?\s+vote_([1-9][0-9]{0,8})\s*$")


async def vote(update: Update, context: LinliContext) -> None:
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    parts = (message.text or "").split(maxsplit=1)
    await context.services.votes.command(
        update.update_id,
        update.effective_user.id,
        message.chat_id,
        message.message_id,
        parts[1] if len(parts) > 1 else "",
    )


async def ballot_link(update: Update, context: LinliContext) -> None:
    message = update.effective_message
    assert message is not None
    found = BALLOT_LINK.match(message.text or "")
    assert found is not None, "the filter lets only ballot links through"
    await context.services.votes.open_ballot(
        update.update_id, person_of(update), int(found.group(1))
    )


NEW = filters.UpdateType.MESSAGE
HANDLERS: list[BaseHandler[Update, LinliContext, None]] = [
    CommandHandler("vote", vote, filters=NEW),
    # Before handlers/start.py's /start: a ballot link is not a greeting.
    CommandHandler(
        "start",
        ballot_link,
        filters=filters.ChatType.PRIVATE & NEW & filters.Regex(BALLOT_LINK),
    ),
]
