"""CPU per ordinary group post through the bot's handlers, beside bare python-telegram-bot.

The throughput benchmark measures wall-clock posts/s with the sandbox in another process; on a
2-core machine its ratio swings by a quarter between runs of the same code. This one feeds the
same parsed updates to Application.process_update in this process and counts CPU time
(time.process_time), so it shows what the bot's own handlers cost per post: first-of-every-
update work, matching ~25 handlers, screening. Baseline: the same updates through an
Application with one no-op handler, measured in the same run, rounds taking turns.
"""

from __future__ import annotations

import asyncio
import logging
import random
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.app import Linli
from bot.clock import ShiftedClock
from bot.config import Settings
from sandbox import Sandbox
from sandbox.world import Member

CHAT = Path(__file__).resolve().parents[1] / "moderation" / "data" / "resident_chat.tsv"


def group_posts(
    n: int, groups: list[dict[str, Any]], people: list[dict[str, Any]], seed: int = 3
) -> list[dict[str, Any]]:
    """n ordinary resident-group posts as Telegram sends them."""
    rng = random.Random(seed)
    lines = [line.split("\t", 1)[1] for line in CHAT.read_text(encoding="utf-8").splitlines()[1:]]
    return [
        {
            "update_id": 900_000 + i,
            "message": {
                "message_id": 10 + i,
                "date": 1_796_000_000,
                "chat": rng.choice(groups),
                "from": rng.choice(people),
                "text": rng.choice(lines),
            },
        }
        for i in range(n)
    ]


async def cpu_per_update(app: Application, updates: list[Update]) -> float:
    start = time.process_time()
    for update in updates:
        await app.process_update(update)
    return (time.process_time() - start) / len(updates) * 1e6


async def measure(n: int = 600, rounds: int = 5) -> tuple[float, float]:
    """(bare PTB µs, Linli µs) per post, medians of alternating rounds."""
    logging.getLogger("bot").setLevel(logging.ERROR)
    async with Sandbox() as sb:
        admin = sb.add_user("李书记")
        people = [sb.add_user(f"居民{i}") for i in range(50)]
        committee = sb.add_group("社区工作群", owner=admin)
        chats = [sb.add_group(f"{i}号楼业主群", owner=admin, members=people) for i in range(10)]
        committee.members[sb.bot.id] = Member("administrator", can_delete_messages=True)
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(
                bot_token=sb.token,
                bot_api_base_url=sb.base_url,
                database_url=f"sqlite:///{Path(tmp) / 'hot.db'}",
                committee_chat_id=committee.id,
                admin_user_ids=frozenset({admin.id}),
                _env_file=None,
            )
            clock = ShiftedClock(datetime(2026, 12, 14, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
            linli = Linli(settings, clock=clock, poll_timeout=1.0)
            await linli.start()
            bare = ApplicationBuilder().token(sb.token).base_url(sb.base_url).updater(None).build()

            async def nothing(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
                return None

            bare.add_handler(TypeHandler(Update, nothing))
            await bare.initialize()
            try:
                for chat in chats:  # an admin adds the bot: each becomes a resident group
                    await sb.add_bot(chat, admin, admin=True)
                    await sb.next_message(chat)
                await sb.settle()
                assert linli.poller and linli.application and linli.services
                assert all([await linli.services.groups.is_resident_group(c.id) for c in chats])
                await linli.poller.stop()  # from here on, updates are fed by hand
                raw = group_posts(
                    n * (rounds + 1), [c.to_api() for c in chats], [p.to_api() for p in people]
                )
                updates = [Update.de_json(u, linli.application.bot) for u in raw]
                await cpu_per_update(linli.application, updates[:n])  # warm caches
                ours, theirs = [], []
                for r in range(rounds):
                    batch = updates[n * (r + 1) : n * (r + 2)]
                    theirs.append(await cpu_per_update(bare, batch))
                    ours.append(await cpu_per_update(linli.application, batch))
            finally:
                await bare.shutdown()
                await linli.stop()
    return statistics.median(theirs), statistics.median(ours)


async def run() -> list[str]:
    bare, linli = await measure()
    return [
        "CPU per ordinary group post through the handlers (parsed updates fed to "
        "process_update in this process; median of 5 alternating rounds of 600)",
        "| run | µs CPU per post | ÷ baseline |",
        "| --- | ---: | ---: |",
        f"| bare python-telegram-bot, one no-op handler (baseline) | {bare:.1f} | 1.00 |",
        f"| Linli: claims, people, ~25 handlers matched, screening | {linli:.1f} | "
        f"{linli / bare:.2f} |",
    ]


if __name__ == "__main__":
    for line in asyncio.run(run()):
        print(line)
