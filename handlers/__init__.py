"""Thin Telegram adapters: read the update, find who asks, call one service, nothing more."""

from __future__ import annotations

from telegram.ext import Application

from bot.services import Services
from handlers import common, groups, moderation, reception, start, tickets


def register(application: Application, services: Services) -> None:
    common.register(application, services)
    groups.register(application, services)
    start.register(application, services)
    tickets.register(application, services)
    reception.register(application, services)
    moderation.register(application, services)
    common.register_fallbacks(application)  # must stay last
