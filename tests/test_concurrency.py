"""Updates of different chats are handled at the same time; one chat's never overlap and keep
Telegram's order (bot/polling.py), whatever each one costs."""

from __future__ import annotations

import asyncio
import random

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.polling import ConfirmingPoller
from sandbox import Sandbox


async def test_each_chat_keeps_its_order_while_chats_run_side_by_side(sb: Sandbox) -> None:
    people = [sb.add_user(f"居民{i}") for i in range(6)]
    groups = [sb.add_group(f"{i}号楼业主群", members=people) for i in range(4)]
    for group in groups:
        group.members[sb.bot.id].status = "member"
    rng = random.Random(3)
    running: dict[int, int] = {}
    seen: dict[int, list[int]] = {}
    overlap = {"chats": 0, "same_chat": 0}
    done = asyncio.Event()
    total = 160

    async def slow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message and update.effective_chat
        chat = update.effective_chat.id
        if running.get(chat):
            overlap["same_chat"] += 1
        if any(n for c, n in running.items() if c != chat):
            overlap["chats"] += 1
        running[chat] = running.get(chat, 0) + 1
        await asyncio.sleep(rng.uniform(0, 0.02))  # handlers of uneven cost
        running[chat] -= 1
        seen.setdefault(chat, []).append(int(update.effective_message.text or 0))
        if sum(len(v) for v in seen.values()) == total:
            done.set()

    application = Application.builder().token(sb.token).base_url(sb.base_url).updater(None).build()
    application.add_handler(MessageHandler(filters.TEXT, slow))
    sent: dict[int, list[int]] = {}
    async with application:
        await application.start()
        poller = ConfirmingPoller(
            application, timeout=1, allowed_updates=["message"], concurrency=8
        )
        poller.start()
        try:
            for i in range(total):
                group = rng.choice(groups)
                await sb.send(rng.choice(people), group, str(i))
                sent.setdefault(group.id, []).append(i)
            await asyncio.wait_for(done.wait(), timeout=30)
        finally:
            await poller.stop()
            await application.stop()
    assert seen == sent  # every chat's posts, in the order they were posted
    assert overlap["same_chat"] == 0  # never two of one chat at once
    assert overlap["chats"] > 0  # but chats did run side by side
