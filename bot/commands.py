"""The command menus Telegram shows, per audience: residents never see staff commands."""

from __future__ import annotations

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)

from bot import texts
from bot.services.report import texts as report_texts

PRIVATE = [
    ("start", texts.CMD_START),
    ("wish", texts.CMD_WISH),
    ("complain", texts.CMD_COMPLAIN),
    ("mytickets", texts.CMD_MYTICKETS),
    ("reception", texts.CMD_RECEPTION),
    ("home", "登记我家住址"),
    ("cancel", texts.CMD_CANCEL),
    ("help", texts.CMD_HELP),
]
GROUPS = [
    ("wish", texts.CMD_WISH),
    ("complain", texts.CMD_COMPLAIN),
    ("reception", texts.CMD_RECEPTION),
    ("help", texts.CMD_HELP),
]
# /id still answers anyone; only those who set the bot up need it in their menu.
GROUP_ADMINS = [
    *GROUPS,
    ("bind", texts.CMD_BIND),
    ("unbind", texts.CMD_UNBIND),
    ("id", texts.CMD_ID),
]
STAFF_CHAT = [
    ("open", texts.CMD_OPEN),
    ("digest", texts.CMD_DIGEST),
    ("reception", texts.CMD_RECEPTION),
    ("ticket", texts.CMD_TICKET),
    ("modstats", texts.CMD_MODSTATS),
    ("report", report_texts.CMD_REPORT),
    ("export", report_texts.CMD_EXPORT),
    ("rating", report_texts.CMD_RATING),
    ("inspection", report_texts.CMD_INSPECTION),
    ("vote", "居民投票"),
    ("homes", "住户登记"),
    ("id", texts.CMD_ID),
]


async def publish(bot: Bot, *, staff_chat_ids: set[int]) -> None:
    def as_commands(pairs: list[tuple[str, str]]) -> list[BotCommand]:
        return [BotCommand(name, description) for name, description in pairs]

    await bot.set_my_commands(as_commands(PRIVATE), scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands(as_commands(GROUPS), scope=BotCommandScopeAllGroupChats())
    await bot.set_my_commands(
        as_commands(GROUP_ADMINS), scope=BotCommandScopeAllChatAdministrators()
    )
    for chat_id in staff_chat_ids:
        await bot.set_my_commands(as_commands(STAFF_CHAT), scope=BotCommandScopeChat(chat_id))
