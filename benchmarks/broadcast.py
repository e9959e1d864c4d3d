"""One reception reminder to many resident groups (a rule, the reminder tick, the outbox),
against the sandbox enforcing Telegram's flood limits, beside python-telegram-bot's own
AIORateLimiter sending the same messages to the same sandbox in the same run.

The goal (issue #5): total time <= 1.1 x the limit (N / 30 s), nothing lost, nothing refused twice.
Overhead: the outbox (a database row and an update per message) against bare concurrent
send_message calls, with limits off.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram.ext import AIORateLimiter, ExtBot

from bot.app import Linli
from bot.clock import ShiftedClock
from bot.config import Settings
from bot.pacing import FloodPacer
from sandbox import Sandbox
from sandbox.world import Chat, Member

REMINDER = "【提醒】明天上午 9:00-11:00 在居委会一楼举行联合接待日，欢迎大家来反映问题。"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class Run:
    name: str
    messages: int
    seconds: float
    refused: int
    delivered: int

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds


def _world(sb: Sandbox, groups: int) -> tuple[Chat, list[Chat]]:
    admin = sb.add_user("李书记")
    committee = sb.add_group("社区工作群", owner=admin)
    chats = [sb.add_group(f"{i}号楼业主群", owner=admin) for i in range(groups)]
    for chat in [committee, *chats]:
        chat.members[sb.bot.id] = Member("administrator", can_delete_messages=True)
    return committee, chats


async def linli_outbox(
    groups: int, *, enforce: bool, pacer: FloodPacer | None = None, label: str = "Linli reminder"
) -> Run:
    """Bind the groups, add 每月15日 09:00-11:00, and time the 19:00 tick to the last delivery."""
    async with Sandbox(self_check=False) as sb:
        committee, chats = _world(sb, groups)
        # Time passes (retries come due), starting on the day before a reception day.
        clock = ShiftedClock(datetime(2026, 12, 14, 18, 0, tzinfo=SHANGHAI))
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(
                bot_token=sb.token,
                bot_api_base_url=sb.base_url,
                database_url=f"sqlite:///{Path(tmp) / 'bench.db'}",
                committee_chat_id=committee.id,
                _env_file=None,
            )
            linli = Linli(settings, clock=clock, poll_timeout=1.0, pacer=pacer, clock_tick=None)
            await linli.start()
            try:
                assert linli.db and linli.services
                async with linli.db.transaction() as tx:
                    for chat in chats:
                        await tx.chats.bind_resident(chat.id, chat.title, 1, True)
                    await tx.reception.add(
                        schedule="每月15日",
                        starts="09:00",
                        ends="11:00",
                        place="居委会一楼",
                        title="联合接待日",
                        audience="residents",
                        holiday_policy="shift",
                        created_by=1,
                    )
                sb.flood.enabled = enforce
                before = len(sb._sent)
                clock.set(datetime(2026, 12, 14, 19, 0, tzinfo=SHANGHAI))
                started = time.perf_counter()
                assert await linli.services.reception.tick() == 1
                await sb.wait_total_sent(before + groups, timeout=120)
                seconds = time.perf_counter() - started
            finally:
                await linli.stop()
        return Run(label, groups, seconds, sb.flood.refused, len(sb._sent) - before)


async def ptb_rate_limiter(groups: int, *, enforce: bool) -> Run:
    """The baseline: PTB's AIORateLimiter (defaults, retrying on 429), sending concurrently."""
    async with Sandbox(self_check=False) as sb:
        _, chats = _world(sb, groups)
        limiter = AIORateLimiter(max_retries=10) if enforce else None
        bot = ExtBot(sb.token, base_url=sb.base_url, rate_limiter=limiter)
        sb.flood.enabled = enforce
        async with bot:
            started = time.perf_counter()
            semaphore = asyncio.Semaphore(32)

            async def send(chat: Chat) -> None:
                async with semaphore:
                    await bot.send_message(chat.id, REMINDER)

            await asyncio.gather(*(send(c) for c in chats))
            seconds = time.perf_counter() - started
        label = "PTB AIORateLimiter" if enforce else "PTB bare send_message"
        return Run(label, groups, seconds, sb.flood.refused, len(sb._sent))


async def run(groups: int = 300) -> list[str]:
    limit_s = groups / 30
    paced = await linli_outbox(groups, enforce=True)
    baseline = await ptb_rate_limiter(groups, enforce=True)
    unlimited = FloodPacer(overall=10**6, per_group=10**6, per_private=10**6)
    outbox_free = await linli_outbox(
        groups, enforce=False, pacer=unlimited, label="Linli reminder, limits off"
    )
    bare = await ptb_rate_limiter(groups, enforce=False)
    rows = [
        f"one reception reminder to {groups} resident groups, sandbox enforcing 30/s and "
        "20/min/group "
        f"(Telegram's limit: {limit_s:.1f} s)",
        "| run | seconds | ÷ limit | refused (429) | delivered |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in (paced, baseline):
        rows.append(
            f"| {r.name} | {r.seconds:.2f} | {r.seconds / limit_s:.3f} | {r.refused} | "
            f"{r.delivered}/{r.messages} |"
        )
    rows += [
        "",
        "outbox overhead with limits off (same sandbox, same run)",
        "| run | messages/s | ratio |",
        "| --- | ---: | ---: |",
        f"| {bare.name} (baseline) | {bare.per_second:.0f} | 1.00 |",
        f"| {outbox_free.name} | {outbox_free.per_second:.0f} | "
        f"{outbox_free.per_second / bare.per_second:.2f} |",
    ]
    return rows
