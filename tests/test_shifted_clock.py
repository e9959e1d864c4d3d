"""The real bot process under a shifted wall clock (libfaketime): a reminder fires at its time,
survives restarts, and is never repeated; the digest goes out once that morning."""

from __future__ import annotations

import glob
import signal

import pytest

from sandbox import Sandbox
from tests.conftest import Community
from tests.processes import BotProcess

# Preloaded into the bot itself: the `faketime` wrapper forks, so signals would miss the bot.
LIBFAKETIME = next(iter(sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))), None)
pytestmark = pytest.mark.skipif(
    LIBFAKETIME is None, reason="libfaketime is not installed (.ci/run installs it)"
)


def at(moment: str) -> dict[str, str]:
    """Run the process as if it were `moment` in Shanghai, with time passing from there."""
    assert LIBFAKETIME is not None
    return {
        "LD_PRELOAD": LIBFAKETIME,
        "FAKETIME": f"@{moment}",
        "TZ": "Asia/Shanghai",
        "DIGEST_TIME": "08:00",
    }


async def stop(bot: BotProcess) -> None:
    bot.proc.send_signal(signal.SIGTERM)
    assert await bot.wait() == 0, bot.log


async def test_a_reminder_fires_on_the_shifted_clock_and_never_repeats(
    spawn, sb: Sandbox, community: Community
) -> None:
    # Monday 14 December, 18:00: the committee sets the rule; the building is a resident group.
    bot = await spawn(**at("2026-12-14 18:00:00"))
    await sb.add_bot(community.building, community.admin)
    await sb.next_message(community.building)
    await sb.send(
        community.staff,
        community.committee,
        "/reception add 每月15日 09:00-11:00 居委会一楼 联合接待日",
    )
    assert (
        "12月15日 星期二" in (await sb.next_message(community.committee, containing="已添加")).text
    )
    await stop(bot)

    # 19:00:05: the evening-before reminder goes out by itself.
    bot = await spawn(**at("2026-12-14 19:00:05"))
    evening = await sb.next_message(community.building, timeout=20)
    assert "明天（12月15日 星期二）09:00-11:00" in evening.text
    await sb.settle(quiet=1.0)  # delivered and recorded (not the accepted-not-recorded window)
    bot.proc.kill()  # then a crash: kill -9
    await bot.wait()

    # 19:30: back after a crash; nothing is sent again.
    bot = await spawn(**at("2026-12-14 19:30:00"))
    await sb.settle(quiet=2.0)
    await stop(bot)

    # Tuesday 08:00:10: the hour-before reminder, and the day's digest, once each.
    bot = await spawn(**at("2026-12-15 08:00:10"))
    before = await sb.next_message(community.building, timeout=20)
    assert "一小时后开始：今天 09:00-11:00" in before.text
    digest = await sb.next_message(community.committee, containing="12月15日 星期二", timeout=20)
    assert "12月15日 星期二" in digest.text
    await stop(bot)
    bot = await spawn(**at("2026-12-15 08:20:00"))
    await sb.settle(quiet=2.0)
    await stop(bot)

    texts = [s.text for s in sb.sent_to(community.building)]
    assert sum("明天（12月15日" in t for t in texts) == 1
    assert sum("一小时后" in t for t in texts) == 1
    digests = [s.text for s in sb.sent_to(community.committee) if "社区日报" in s.text]
    # one for Monday (the first run started after 08:00) and one for Tuesday
    assert [d.split("\n")[0] for d in digests] == [
        "📋 社区日报 · 12月14日 星期一",
        "📋 社区日报 · 12月15日 星期二",
    ]
