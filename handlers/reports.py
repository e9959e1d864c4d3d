"""/report, /export, /rating and /inspection: staff commands for the monthly report (民情月报)
and 三维四色. Who may, where, and what each shows is the report service's rule; here only: staff
typing one in a residents' group are pointed to their own chat."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from handlers.context import LinliContext
from handlers.reception import allowed_here, staff_in_resident_group


async def _report_command(update: Update, context: LinliContext, command: str) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    services = context.services
    if not await allowed_here(services, update) or await staff_in_resident_group(services, update):
        return
    await services.reports.command(
        update.update_id,
        user.id,
        message.chat_id,
        message.message_id,
        command,
        list(context.args or []),
    )


async def report(update: Update, context: LinliContext) -> None:
    await _report_command(update, context, "report")


async def export(update: Update, context: LinliContext) -> None:
    await _report_command(update, context, "export")


async def rating(update: Update, context: LinliContext) -> None:
    await _report_command(update, context, "rating")


async def inspection(update: Update, context: LinliContext) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    services = context.services
    if not await allowed_here(services, update) or await staff_in_resident_group(services, update):
        return
    await services.reports.inspection(
        update.update_id, user.id, message.chat_id, message.message_id, list(context.args or [])
    )


NEW = filters.UpdateType.MESSAGE
HANDLERS: list[BaseHandler[Update, LinliContext, None]] = [
    CommandHandler("report", report, filters=NEW),
    CommandHandler("export", export, filters=NEW),
    CommandHandler("rating", rating, filters=NEW),
    CommandHandler("inspection", inspection, filters=NEW),
]
