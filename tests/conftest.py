"""Fixtures: a sandbox Bot API server, a small community in it, and the real bot against it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import Linli
from bot.clock import Clock, ShiftedClock
from bot.config import Settings
from bot.pacing import FloodPacer
from sandbox import Sandbox, postgres
from sandbox.world import Chat, User
from tests.processes import BotProcess, until

ROOT = Path(__file__).resolve().parent.parent
SHANGHAI = ZoneInfo("Asia/Shanghai")


def quiet_morning() -> ShiftedClock:
    """A Tuesday 07:00 in Shanghai, time passing: before the 08:00 digest, whenever CI runs."""
    return ShiftedClock(datetime(2026, 11, 24, 7, 0, tzinfo=SHANGHAI))


@dataclass
class Community:
    sb: Sandbox
    admin: User  # in ADMIN_USER_IDS
    staff: User  # a member of the committee chat
    auntie: User  # residents
    neighbour: User
    committee: Chat
    building: Chat  # a group whose owner is the admin; the bot is not in it yet
    hobby: Chat  # a group run by a resident


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def community(sb: Sandbox) -> Community:
    admin = sb.add_user("李书记")
    staff = sb.add_user("张主任")
    auntie = sb.add_user("王阿姨")
    neighbour = sb.add_user("赵师傅")
    committee = sb.add_group("社区工作群", owner=admin, members=[staff])
    committee.members[sb.bot.id].status = "administrator"
    building = sb.add_group("3号楼业主群", owner=admin, members=[auntie, neighbour, staff])
    hobby = sb.add_group("广场舞交流群", owner=neighbour, members=[auntie])
    return Community(sb, admin, staff, auntie, neighbour, committee, building, hobby)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str | None]:
    with postgres.server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_server: str | None
) -> AsyncIterator[str]:
    """Each scene runs on both databases: SQLite in the test's directory, and a fresh database
    on the tests' PostgreSQL (skipped, saying how to enable it, when there is none)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'linli.db'}"
        return
    if postgres_server is None:
        pytest.skip(postgres.SKIP_REASON)
    async with postgres.fresh_database(postgres_server) as url:
        yield url


def make_settings(sb: Sandbox, database_url: str, community: Community, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": sb.token,
        "bot_api_base_url": sb.base_url,
        "database_url": database_url,
        "committee_chat_id": community.committee.id,
        "admin_user_ids": frozenset({community.admin.id}),
        "_env_file": None,
    }
    values.update(extra)
    return Settings(**values)


STOP_WITHIN_S = 60.0


async def stopped(bot: Linli) -> None:
    """Stop the bot; if that hangs, show where every task waits (pytest-timeout shows only
    threads, and a hang in an asyncio program is a task waiting on something)."""
    stopping = asyncio.ensure_future(bot.stop())
    done, _ = await asyncio.wait({stopping}, timeout=STOP_WITHIN_S)
    if not done:
        for task in asyncio.all_tasks():  # before cancelling, while they still wait there
            task.print_stack(file=sys.stderr)
        stopping.cancel()
        raise AssertionError(f"Linli.stop() did not finish within {STOP_WITHIN_S:.0f} s")
    stopping.result()


StartLinli = Callable[..., Awaitable[Linli]]
LOOSE_PACING = {"overall": 10_000, "per_group": 10_000, "per_private": 10_000}


@pytest.fixture
async def start_linli(
    sb: Sandbox, community: Community, tmp_path: Path, database_url: str
) -> AsyncIterator[StartLinli]:
    """The one way tests start the real bot: start(clock=..., rules="<community TOML>",
    loose=True (pacing out of the way), other Linli or Settings arguments). Every bot started
    is stopped at the end, with a stack dump if stopping hangs; stopping one earlier (to
    restart it) is fine."""
    running: list[Linli] = []

    async def start(
        *,
        clock: Clock | None = None,
        rules: str | None = None,
        loose: bool = False,
        pacer: FloodPacer | None = None,
        flush_timeout: float = 2.0,
        concurrency: int | None = None,
        **settings: Any,
    ) -> Linli:
        if rules is not None:
            config = tmp_path / "community.toml"
            config.write_text(rules, encoding="utf-8")
            settings["community_config"] = str(config)
        extra: dict[str, Any] = {} if concurrency is None else {"concurrency": concurrency}
        bot = Linli(
            make_settings(sb, database_url, community, **settings),
            clock=clock or quiet_morning(),
            poll_timeout=1.0,
            flush_timeout=flush_timeout,
            pacer=pacer or (FloodPacer(**LOOSE_PACING) if loose else None),
            **extra,
        )
        await bot.start()
        running.append(bot)
        return bot

    yield start
    for bot in running:
        if bot.db is not None:
            await stopped(bot)


@pytest.fixture
async def linli(start_linli: StartLinli) -> Linli:
    return await start_linli()


@pytest.fixture
async def loose_linli(start_linli: StartLinli, community: Community) -> Linli:
    """The bot with pacing out of the way (not under test), the building group bound."""
    bot = await start_linli(loose=True)
    await community.sb.add_bot(community.building, community.admin, admin=True)
    await community.sb.next_message(community.building)
    return bot


def subprocess_env(**values: str) -> dict[str, str]:
    """A clean environment for `python -m bot`: no inherited Linli settings."""
    names = {
        "BOT_TOKEN",
        "BOT_API_BASE_URL",
        "DATABASE_URL",
        "TIMEZONE",
        "COMMITTEE_CHAT_ID",
        "MODERATOR_CHAT_ID",
        "ADMIN_USER_IDS",
        "DIGEST_TIME",
        "COMMUNITY_CONFIG",
        "GROUP_MESSAGES_PER_MINUTE",
    }
    env = {k: v for k, v in os.environ.items() if k.upper() not in names}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(values)
    return env


PYTHON = sys.executable


@pytest.fixture
async def spawn(
    sb: Sandbox, community: Community, tmp_path: Path, database_url: str
) -> AsyncIterator[Callable[..., object]]:
    """Real `python -m bot` processes, on SQLite (a file in folders it must create) or on the
    test's PostgreSQL database."""
    if database_url.startswith("sqlite"):
        database_url = f"sqlite:///{tmp_path / 'nested' / 'dir' / 'linli.db'}"
    procs: list[BotProcess] = []

    async def start(*prefix: str, **env: str) -> BotProcess:
        """Start `python -m bot` (after `prefix`, e.g. faketime) and wait until it polls."""
        values = {
            "BOT_TOKEN": sb.token,
            "BOT_API_BASE_URL": sb.base_url,
            "DATABASE_URL": database_url,
            "COMMITTEE_CHAT_ID": str(community.committee.id),
            "ADMIN_USER_IDS": str(community.admin.id),
        }
        values.update(env)
        polls_before = sum(1 for m, _ in sb.calls if m == "getUpdates")
        proc = await asyncio.create_subprocess_exec(
            *prefix,
            PYTHON,
            "-m",
            "bot",
            env=subprocess_env(**values),
            cwd=tmp_path,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        bot = BotProcess(proc)
        procs.append(bot)
        if "BOT_TOKEN" not in env:
            await until(
                lambda: sum(1 for m, _ in sb.calls if m == "getUpdates") > polls_before, bot
            )
        return bot

    yield start  # type: ignore[misc]
    for bot in procs:
        if bot.proc.returncode is None:
            bot.proc.kill()
            await bot.proc.wait()
        with contextlib.suppress(Exception):
            await bot._reader
