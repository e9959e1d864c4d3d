"""Thin Telegram adapters: read the update, find who asks, call one service, nothing more.

Every handler is a module-level function taking a LinliContext (context.services); this list
is the one place they are registered, in PTB's handler groups: the first matching handler of
each group runs, groups in ascending order.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, BaseHandler

from handlers import (
    buttons,
    common,
    groups,
    households,
    reception,
    reports,
    screening,
    start,
    tickets,
    volunteers,
    votes,
)
from handlers.context import LinliContext

REGISTRATIONS: list[tuple[int, list[BaseHandler[Update, LinliContext, None]]]] = [
    (common.FIRST_GROUP, common.FIRST_HANDLERS),  # redelivered updates stop here
    (0, groups.HANDLERS),
    (0, votes.HANDLERS),  # before start: /start vote_N opens a ballot
    (0, volunteers.HANDLERS),  # before start: /start v12 is a volunteer's link
    (0, households.HANDLERS),  # before tickets: a reply to the address question
    (0, tickets.STAFF_HELP_HANDLERS),  # before start: /help in a staff chat
    (0, start.HANDLERS),
    (0, tickets.HANDLERS),
    (0, reception.HANDLERS),
    (0, reports.HANDLERS),
    (0, screening.HANDLERS),
    (0, buttons.HANDLERS),
    (screening.SCREEN_GROUP, screening.SCREEN_HANDLERS),  # every post, whatever handled it
]


def register(application: Application) -> None:
    for group, handlers in REGISTRATIONS:
        application.add_handlers(handlers, group=group)
    application.add_error_handler(common.on_error)
