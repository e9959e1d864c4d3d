"""Group posts handled per second: Linli (every post screened; suspicious ones carded) beside a
bare python-telegram-bot Application (default polling, one handler that does nothing) on the
same sandbox, in the same run. The sandbox runs in a process of its own (benchmarks/remote.py),
as Telegram's servers would: its work is not the bot's. A post counts as handled when the last
handler group has seen it. Goal (issue #6): Linli ÷ bare ≥ 0.5.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, TypeHandler, filters

from benchmarks.remote import stop_remote
from bot.app import Linli
from bot.clock import ShiftedClock
from bot.config import Settings
from bot.pacing import FloodPacer
from sandbox import Sandbox
from sandbox.world import Chat, Member, User

ROOT = Path(__file__).resolve().parents[1]
CHAT = ROOT / "moderation" / "data" / "resident_chat.tsv"
CED = ROOT.parent / "shared" / "rumours" / "ced.tsv"
RUMOURS = ["紧急通知！内部消息，明天全小区停水三天，赶紧转发", "兼职刷单日结，加微信 13812345678"]
COUNTED_GROUP = 99  # after every handler group of the bot


def posts(n: int, suspicious: float, seed: int = 5) -> list[str]:
    """Ordinary resident chat, and this share of rumours and ads."""
    rng = random.Random(seed)
    chat = [line.split("\t", 1)[-1] for line in CHAT.read_text(encoding="utf-8").splitlines()[1:]]
    rumours = list(RUMOURS)
    if CED.exists():
        rumours += [
            line.split("\t", 1)[-1]
            for line in CED.read_text(encoding="utf-8").splitlines()[1:]
            if line.startswith("rumour")
        ]
    return [
        rng.choice(rumours) if rng.random() < suspicious else rng.choice(chat) for _ in range(n)
    ]


def world(
    sb: Sandbox, groups: int = 10, residents: int = 50
) -> tuple[Chat, list[Chat], list[User]]:
    admin = sb.add_user("李书记")
    people = [sb.add_user(f"居民{i}") for i in range(residents)]
    committee = sb.add_group("社区工作群", owner=admin)
    chats = [sb.add_group(f"{i}号楼业主群", owner=admin, members=people) for i in range(groups)]
    for chat in [committee, *chats]:
        chat.members[sb.bot.id] = Member("administrator", can_delete_messages=True)
    return committee, chats, people


class Counter:
    def __init__(self, target: int) -> None:
        self.seen = 0
        self.target = target
        self.done = asyncio.Event()

    async def __call__(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.seen += 1
        if self.seen >= self.target:
            self.done.set()


@contextlib.asynccontextmanager
async def remote_sandbox(
    n: int, suspicious: float, latency: float = 0.0
) -> AsyncIterator[tuple[dict[str, Any], asyncio.subprocess.Process]]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.remote",
        str(n),
        str(suspicious),
        str(latency),
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout and proc.stdin
    try:
        info = json.loads(await asyncio.wait_for(proc.stdout.readline(), 60))
        yield info, proc
    finally:
        await stop_remote(proc)


async def _timed(proc: asyncio.subprocess.Process, counter: Counter, n: int) -> float:
    assert proc.stdin
    started = time.perf_counter()
    proc.stdin.write(b"go\n")
    await proc.stdin.drain()
    await asyncio.wait_for(counter.done.wait(), timeout=300)
    return n / (time.perf_counter() - started)


async def linli_posts(
    n: int, *, suspicious: float = 0.02, concurrency: int | None = None, latency: float = 0.0
) -> float:
    """Posts per second through Linli."""
    async with remote_sandbox(n, suspicious, latency) as (info, proc):
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(
                bot_token=info["token"],
                bot_api_base_url=info["base_url"],
                database_url=f"sqlite:///{Path(tmp) / 'bench.db'}",
                committee_chat_id=info["committee"],
                _env_file=None,
            )
            clock = ShiftedClock(datetime(2026, 12, 14, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
            extra = {} if concurrency is None else {"concurrency": concurrency}
            linli = Linli(
                settings,
                clock=clock,
                poll_timeout=1.0,
                clock_tick=None,
                pacer=FloodPacer(overall=10**6, per_group=10**6, per_private=10**6),
                **extra,
            )
            await linli.start()
            try:
                assert linli.db and linli.application
                async with linli.db.transaction() as tx:
                    for chat_id, title in info["groups"]:
                        await tx.chats.bind_resident(chat_id, title, 1, True)
                counter = Counter(n)
                linli.application.add_handler(TypeHandler(Update, counter), group=COUNTED_GROUP)
                return await _timed(proc, counter, n)
            finally:
                await linli.stop()


async def bare_posts(n: int, *, suspicious: float = 0.02) -> float:
    """Posts per second through a bare PTB Application with one no-op handler."""
    async with remote_sandbox(n, suspicious) as (info, proc):
        application = Application.builder().token(info["token"]).base_url(info["base_url"]).build()
        counter = Counter(n)

        async def noop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            return None

        application.add_handler(MessageHandler(filters.TEXT, noop))
        application.add_handler(TypeHandler(Update, counter), group=COUNTED_GROUP)
        async with application:
            await application.start()
            assert application.updater
            await application.updater.start_polling(poll_interval=0.0, timeout=1)
            try:
                return await _timed(proc, counter, n)
            finally:
                await application.updater.stop()
                await application.stop()


async def run(n: int = 2000, rounds: int = 5) -> list[str]:
    """Each figure is the median of `rounds` runs; the runs take turns, so noise is shared."""
    runs: dict[str, list[float]] = {
        k: [] for k in ("bare", "linli", "serial", "stress", "far", "far_serial")
    }
    for _ in range(rounds):
        runs["bare"].append(await bare_posts(n))
        runs["linli"].append(await linli_posts(n))
        runs["serial"].append(await linli_posts(n, concurrency=1))
        runs["stress"].append(await linli_posts(n, suspicious=0.1))
        runs["far"].append(await linli_posts(n, suspicious=0.1, latency=0.05))
        runs["far_serial"].append(await linli_posts(n, suspicious=0.1, latency=0.05, concurrency=1))
    f = {k: statistics.median(v) for k, v in runs.items()}
    bare = f["bare"]
    return [
        f"group posts handled per second ({n} posts from 50 residents in 10 resident groups;"
        f" sandbox in its own process; median of {rounds} runs)",
        "| run | posts/s | ÷ baseline |",
        "| --- | ---: | ---: |",
        f"| bare python-telegram-bot, one no-op handler (baseline) | {bare:.0f} | 1.00 |",
        f"| Linli, every post screened, 1 in 50 suspicious (carded) | {f['linli']:.0f} | "
        f"{f['linli'] / bare:.2f} (goal ≥ 0.5) |",
        f"| the same, one update at a time | {f['serial']:.0f} | {f['serial'] / bare:.2f} |",
        f"| Linli, 1 in 10 suspicious | {f['stress']:.0f} | {f['stress'] / bare:.2f} |",
        f"| the same, Telegram answering role checks in 50 ms, 16 chats at a time | "
        f"{f['far']:.0f} | {f['far'] / bare:.2f} |",
        f"| the same, one update at a time | {f['far_serial']:.0f} | "
        f"{f['far_serial'] / bare:.2f} |",
    ]


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.ERROR)
    for line in asyncio.run(run()):
        print(line)
