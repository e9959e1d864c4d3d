"""What an operator sees: /healthz and Prometheus /metrics on METRICS_LISTEN, and
`python -m bot backup PATH` copying a live SQLite database (PostgreSQL: told to use pg_dump)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import aiohttp

from bot.app import Linli
from sandbox.postgres import free_port
from storage import Database
from tests.conftest import PYTHON, Community, StartLinli, subprocess_env


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.text()


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus' text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "") + r" (\S+)"
    found = re.search("^" + pattern + "$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


async def test_health_and_metrics_tell_an_operator_what_the_bot_does(
    start_linli: StartLinli, community: Community
) -> None:
    sb, c = community.sb, community
    port = free_port()
    await start_linli(loose=True, metrics_listen=f"127.0.0.1:{port}")
    base = f"http://127.0.0.1:{port}"
    assert await get(f"{base}/healthz") == (200, "ok")
    await sb.add_bot(c.building, c.admin, admin=True)
    await sb.next_message(c.building)
    await sb.send(c.auntie, c.building, "#投诉 3号楼电梯坏了一周")
    await sb.next_message(c.committee)
    await sb.send(c.neighbour, c.building, "紧急通知！内部消息，明天全小区停水三天，赶紧转发")
    await sb.settle()
    status, text = await get(f"{base}/metrics")
    assert status == 200
    assert metric(text, "linli_updates_total", kind="message") >= 2
    assert metric(text, "linli_updates_total", kind="my_chat_member") >= 1
    assert metric(text, "linli_handler_seconds_count") >= 3
    assert metric(text, "linli_sends_total", method="sendMessage", outcome="sent") >= 3
    assert metric(text, "linli_outbox_depth") == 0
    assert metric(text, "linli_flags", kind="rumour", status="open") == 1
    assert "linli_outbox_oldest_seconds 0.0" in text


async def test_a_backup_of_the_live_database_holds_what_was_filed(
    linli: Linli, community: Community, database_url: str, tmp_path: Path
) -> None:
    sb, c = community.sb, community
    await sb.send(c.auntie, None, "/start")
    await sb.next_message(c.auntie)
    await sb.send(c.auntie, None, "/wish 想请人帮忙换个灯泡")
    await sb.next_message(c.committee)
    copy = tmp_path / "backup" / "linli-copy.db"
    proc = await asyncio.create_subprocess_exec(
        PYTHON, "-m", "bot", "backup", str(copy),
        env=subprocess_env(DATABASE_URL=database_url),
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate()
    if database_url.startswith("postgresql"):
        assert proc.returncode == 2 and b"pg_dump" in err and not copy.exists()
        return
    assert proc.returncode == 0, err.decode()
    assert b"backed up" in out
    db = await Database.open(f"sqlite:///{copy}")
    try:
        async with db.read() as tx:
            assert [t.text for t in await tx.tickets.all()] == ["想请人帮忙换个灯泡"]
    finally:
        await db.close()
    again = await asyncio.create_subprocess_exec(
        PYTHON, "-m", "bot", "backup", str(copy),
        env=subprocess_env(DATABASE_URL=database_url),
        cwd=tmp_path,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await again.communicate()
    assert again.returncode == 2 and b"exists" in err  # never overwrites a file
