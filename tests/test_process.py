"""`python -m bot` as a real process against the sandbox: boot, logs, SIGTERM, kill -9."""

from __future__ import annotations

import contextlib
import re
import signal
import sqlite3
from pathlib import Path

import pytest

from sandbox import Sandbox
from tests.conftest import Community
from tests.processes import until


def outbox_rows(db: Path) -> list[tuple[int, str]]:
    if not db.exists():
        return []
    with contextlib.closing(sqlite3.connect(db)) as conn:
        try:
            return conn.execute("SELECT chat_id, status FROM outbox ORDER BY id").fetchall()
        except sqlite3.OperationalError:
            return []


def sqlite_only(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("reads the SQLite file the process wrote (the crash scenes run on both)")


async def test_boots_polls_logs_without_personal_text_and_stops_gracefully(
    spawn, sb: Sandbox, community: Community, tmp_path: Path, database_url: str
) -> None:
    sqlite_only(database_url)
    bot = await spawn()
    db = tmp_path / "nested" / "dir" / "linli.db"
    assert db.exists()  # the folder was created
    assert any(m == "setMyCommands" for m, _ in sb.calls)

    await sb.send(community.auntie, None, "/start")
    assert "您好" in (await sb.next_message(community.auntie, timeout=15)).text
    await sb.send(community.auntie, None, "我家住3号楼502室，电话13800001111")
    await sb.next_message(community.auntie, timeout=15)

    # SIGTERM while a reply is on its way: it is still delivered, then the process exits 0.
    auntie = community.auntie.id
    sb.faults.fail_next("sendMessage", status=200, delay=1.5, chat_id=auntie)
    await sb.send(community.auntie, None, "/help")
    await until(
        lambda: (
            sum(
                1
                for m, p in sb.calls
                if m == "sendMessage" and str(p.get("chat_id")) == str(auntie)
            )
            >= 3
        ),
        bot,
    )
    bot.proc.send_signal(signal.SIGTERM)
    assert await bot.wait() == 0
    assert "我能帮您做这些事" in sb.sent_to(community.auntie)[-1].text
    # (Started after DIGEST_TIME, the bot may also send today's digest to the committee.)
    assert [r for r in outbox_rows(db) if r[0] == community.auntie.id] == [
        (community.auntie.id, "sent")
    ] * 3

    handled = [line for line in bot.lines if re.search(r"update \d+ message .*handled in", line)]
    assert len(handled) == 3, bot.log
    assert any("/start" in line for line in handled)
    # What the lines say, without their timestamps (",502" milliseconds are no one's flat).
    said = "\n".join(line.split(" ", 2)[-1] for line in bot.lines)
    for private in ("502", "13800001111", "王阿姨", sb.token):
        assert private not in said
    assert "Traceback" not in bot.log


async def test_a_refused_token_is_one_clear_line_and_exit_1(spawn, sb: Sandbox) -> None:
    bot = await spawn(BOT_TOKEN="123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")
    assert await bot.wait() == 1
    assert "refused BOT_TOKEN" in bot.log and "Traceback" not in bot.log


async def test_kill_9_with_queued_messages_loses_none_and_sends_each_once(
    spawn, sb: Sandbox, community: Community, tmp_path: Path, database_url: str
) -> None:
    sqlite_only(database_url)
    db = tmp_path / "nested" / "dir" / "linli.db"
    residents = [sb.add_user(f"居民{i}") for i in range(5)]
    bot = await spawn()
    sb.faults.fail_next("sendMessage", status=500, times=100_000)  # Telegram is down
    for person in residents:
        await sb.send(person, None, "/start")
    await until(lambda: sum(1 for chat, _ in outbox_rows(db) if chat > 0) == 5, bot)
    bot.proc.kill()  # SIGKILL: no cleanup at all
    await bot.wait()
    sb.faults.queued.clear()  # Telegram is back

    await spawn()
    for person in residents:
        assert "您好" in (await sb.next_message(person, timeout=20)).text
    await sb.settle(quiet=2.5)  # longer than the 1/s pacing of a private chat
    assert [len(sb.sent_to(p)) for p in residents] == [1] * 5
