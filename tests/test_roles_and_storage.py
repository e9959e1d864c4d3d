"""Roles come from chat membership (cached briefly); storage migrates once and keeps order."""

from __future__ import annotations

import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from telegram import Bot

from bot.clock import SystemClock
from bot.services.roles import Roles
from sandbox import Sandbox
from storage import Database
from storage.db import migration_files
from tests.conftest import PYTHON, ROOT, Community, subprocess_env


@pytest.fixture
async def bot(sb: Sandbox):
    async with Bot(sb.token, base_url=sb.base_url) as b:
        yield b


async def test_staff_are_committee_members_and_lose_it_when_they_leave(
    bot: Bot, community: Community
) -> None:
    sb = community.sb
    moderators = sb.add_group("审核群", owner=community.admin, members=[community.neighbour])
    moderators.members[sb.bot.id].status = "member"
    ticks = [0.0]
    roles = Roles(
        bot,
        admin_ids=frozenset({community.admin.id}),
        committee_chat_id=community.committee.id,
        moderator_chat_id=moderators.id,
        ttl_s=60,
        monotonic=lambda: ticks[0],
    )
    assert await roles.is_committee(community.staff.id)
    assert not await roles.is_committee(community.auntie.id)
    assert await roles.is_moderator(community.neighbour.id)
    assert not await roles.is_moderator(community.staff.id)
    assert await roles.is_committee(community.admin.id) and await roles.is_moderator(
        community.admin.id
    )

    community.committee.members[community.staff.id].status = "left"
    calls = len(sb.calls)
    assert await roles.is_committee(community.staff.id)  # cached for a short while
    assert len(sb.calls) == calls
    ticks[0] += 61
    assert not await roles.is_committee(community.staff.id)


async def test_the_role_cache_forgets_expired_answers(bot: Bot, community: Community) -> None:
    sb = community.sb
    ticks = [0.0]
    roles = Roles(
        bot,
        admin_ids=frozenset(),
        committee_chat_id=community.committee.id,
        moderator_chat_id=community.committee.id,
        ttl_s=60,
        monotonic=lambda: ticks[0],
    )
    strangers = [sb.add_user(f"路人{i}") for i in range(50)]
    for person in strangers:
        assert not await roles.is_committee(person.id)
    assert roles.cached_answers == 50
    ticks[0] += 121  # two periods later, one more check sweeps what expired
    assert await roles.is_committee(community.staff.id)
    assert roles.cached_answers == 1


async def test_a_stranger_is_not_staff_even_if_telegram_does_not_know_them(
    bot: Bot, community: Community
) -> None:
    roles = Roles(
        bot,
        admin_ids=frozenset(),
        committee_chat_id=community.committee.id,
        moderator_chat_id=community.committee.id,
    )
    assert not await roles.is_committee(987654321)


async def test_migrations_apply_once_and_are_recorded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    db = await Database.open(url, SystemClock())
    assert await db.migrate() == []  # already applied on open
    await db.close()
    db = await Database.open(url, SystemClock())
    await db.close()
    with closing(sqlite3.connect(tmp_path / "x.db")) as conn:
        versions = conn.execute("SELECT version, name FROM schema_migrations").fetchall()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    shipped = sorted(
        p.name for p in (ROOT / "storage" / "migrations").glob("*.sql") if p.name.count(".") == 1
    )
    assert [f"{v:04d}_{n}.sql" for v, n in versions] == shipped
    assert {"chats", "people", "events", "outbox", "handled_updates", "tickets"} <= tables
    assert mode == "wal"


async def test_an_older_database_keeps_its_tickets_with_parties_and_ratings_as_codes(
    tmp_path: Path,
) -> None:
    """A database written before 0007 stored 物业 and 满意 as words; upgrading keeps every
    ticket, their followers' references, and reads them back as codes."""
    path = tmp_path / "old.db"
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL)"
        )
        for version, name, sql in migration_files():
            if version < 7:
                conn.executescript(sql)
                conn.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01')", (version, name)
                )
        old = "'2026-01-01 00:00:00.000000'"
        conn.execute(
            "INSERT INTO tickets (kind, text, category, party, status, reporter_id, reporter_name,"
            " source_chat_id, source_update_id, created_at, due_at, rating, rated_at) VALUES"
            f" ('complaint', '电梯坏了', '电梯', '物业', 'rated', 7, '王阿姨', -1, 1, {old},"
            f" {old}, '基本满意', {old})"
        )
        conn.execute(f"INSERT INTO ticket_followers VALUES (1, 8, {old})")
    db = await Database.open(f"sqlite:///{path}", SystemClock())
    try:
        async with db.read() as tx:
            ticket = await tx.tickets.get(1)
            followers = await tx.tickets.followers(1)
    finally:
        await db.close()
    assert ticket is not None
    assert (ticket.text, ticket.party, ticket.rating) == ("电梯坏了", "property", "fair")
    assert followers == [8]


def test_the_demo_plays_its_scene_and_exits_0(tmp_path: Path) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "bot", "demo"],
        env=subprocess_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for seen in [
        "王阿姨：/start",
        "王阿姨，您好！",
        "[提交微心愿] [投诉/报修] [我的工单] [接待日]",
        "点了按钮「提交微心愿」",
        "3号楼业主群",
        "大家好",
        "还没有开通",
        "只有社区工作人员",
        # 微心愿: filed, 认领, 完成, rated
        "#1 微心愿 · 居委会",
        "点了按钮「认领」",
        "已认领（张主任）",
        "您的微心愿 #1 已完成",
        "谢谢您的评价：满意",
        # 投诉 in a group: routed to 物业, 受理, 完成
        "#投诉 3号楼电梯坏了",
        "#2 投诉/报修 · 电梯 · 物业",
        "点了按钮「受理」",
        "您的工单 #2 已受理",
        "已办结（张主任）",
        "谢谢您的评价：基本满意",
        # 接待日 and 日报
        "/reception add 每月15日 09:00-11:00 居委会一楼 联合接待日",
        "12月15日 星期二 09:00-11:00 联合接待日 · 居委会一楼",
        "［3号楼业主群］邻里小助手：",
        "［5号楼业主群］邻里小助手：",
        "📅 提醒：明天（12月15日 星期二）09:00-11:00",
        "社区日报 · 12月15日 星期二",
        # a voice complaint and an emergency
        "[语音 15秒]",
        "已收到您的语音",
        "#3 的语音",
        "先打电话",
        "96333",
        "🚨 紧急",
        "【新工单】4 件",
    ]:
        assert seen in out
    assert "Traceback" not in out + result.stderr


def test_readme_quick_start_is_two_commands_and_ci_runs_the_second() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = section.split("```", 2)[1]
    commands = [line for line in block.splitlines()[1:] if line.strip()]
    assert len(commands) == 2
    assert "demo" in commands[0] and "pytest" in commands[1]
    assert "Quick start" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
