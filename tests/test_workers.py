"""Two webhook workers (real `python -m bot` processes) on one PostgreSQL behind a load balancer
that sends each post to the other worker in turn: a burst of requests from ten groups, one
worker killed with SIGKILL in the middle of it. Every request becomes exactly one ticket, each
group's in the order its residents wrote them, and the surviving worker takes over the
outbox."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sandbox import Sandbox
from sandbox.balancer import Alternating
from sandbox.postgres import free_port
from sandbox.world import Chat, User
from storage import Database
from tests.conftest import PYTHON, Community, subprocess_env
from tests.processes import BotProcess, until

SECRET = "workers_secret"
GROUPS = 10
POSTS_PER_GROUP = 10
KILL_AFTER = 30  # posts accepted before worker A is killed


async def start_worker(
    sb: Sandbox,
    community: Community,
    tmp_path: Path,
    database_url: str,
    *,
    name: str,
    port: int,
    public_url: str,
) -> BotProcess:
    rules = tmp_path / "community.toml"
    rules.write_text("[limits]\nrequests_per_hour = 100\n", encoding="utf-8")
    env = subprocess_env(
        BOT_TOKEN=sb.token,
        BOT_API_BASE_URL=sb.base_url,
        DATABASE_URL=database_url,
        COMMITTEE_CHAT_ID=str(community.committee.id),
        ADMIN_USER_IDS=str(community.admin.id),
        COMMUNITY_CONFIG=str(rules),
        GROUP_MESSAGES_PER_MINUTE="1000",
        WEBHOOK_URL=public_url,
        WEBHOOK_LISTEN=f"127.0.0.1:{port}",
        WEBHOOK_SECRET=SECRET,
    )
    workdir = tmp_path / name
    workdir.mkdir()
    proc = await asyncio.create_subprocess_exec(
        PYTHON,
        "-m",
        "bot",
        env=env,
        cwd=workdir,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    worker = BotProcess(proc)
    await until(lambda: "Linli is running" in worker.log, worker, timeout=60)
    return worker


@contextlib.asynccontextmanager
async def two_workers(
    sb: Sandbox, community: Community, tmp_path: Path, database_url: str
) -> AsyncIterator[tuple[BotProcess, BotProcess, Alternating]]:
    """Two webhook workers behind a balancer that alternates between them; stopped after the
    block, whose failed assertions carry both workers' logs."""
    ports = [free_port(), free_port(), free_port()]
    balancer = Alternating([f"http://127.0.0.1:{p}/telegram" for p in ports[1:]])
    async with balancer.serving(ports[0]) as public_url:
        a = await start_worker(
            sb, community, tmp_path, database_url, name="a", port=ports[1], public_url=public_url
        )
        b = await start_worker(
            sb, community, tmp_path, database_url, name="b", port=ports[2], public_url=public_url
        )
        try:
            yield a, b, balancer
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- worker a:\n{a.log}\n--- worker b:\n{b.log}") from None
        finally:
            for worker in (a, b):
                if worker.proc.returncode is None:
                    worker.proc.terminate()
                    await worker.wait(timeout=30)


async def test_two_workers_one_killed_mid_burst_lose_nothing_and_keep_each_groups_order(
    sb: Sandbox, community: Community, tmp_path: Path, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several workers share one database: PostgreSQL only")
    async with two_workers(sb, community, tmp_path, database_url) as (a, b, balancer):
        groups, residents = await bind_groups(sb, community)
        for k in range(1, POSTS_PER_GROUP + 1):
            for group, resident in zip(groups, residents, strict=True):
                await sb.send(resident, group, f"#微心愿 {group.title}第{k}条：想请人帮忙")
        assert sb.webhook is not None
        hook = sb.webhook
        await until(lambda: len(hook.delivered) >= KILL_AFTER + GROUPS, timeout=60)
        leader, survivor = (a, b) if "now sends the outbox" in a.log else (b, a)
        leader.proc.kill()  # SIGKILL: no goodbye; its chats and the outbox lock vanish
        await leader.proc.wait()
        db = await Database.open(database_url)
        try:
            await wait_for_tickets(db, GROUPS * POSTS_PER_GROUP)
            async with db.read() as tx:
                tickets = await tx.tickets.all()
                waiting = await tx.inbox.count_waiting()
                filed = [e for e in await tx.events.about("ticket") if e.action == "filed"]
        finally:
            await db.close()
        await until(lambda: acknowledged(sb, groups) == GROUPS * POSTS_PER_GROUP, timeout=60)
    assert len(tickets) == GROUPS * POSTS_PER_GROUP and len(filed) == len(tickets)
    assert waiting == 0
    for group in groups:
        order = [
            int(m.group(1))
            for t in sorted(tickets, key=lambda t: t.id)
            if t.source_chat_id == group.id and (m := re.search(r"第(\d+)条", t.text))
        ]
        assert order == list(range(1, POSTS_PER_GROUP + 1)), (group.title, order)
    assert all(balancer.by_target.values()), balancer.by_target  # both workers took posts
    assert "now sends the outbox" in survivor.log  # it took over from the killed one
    # Only a message in flight at the kill may come twice (the outbox sends up to 32 at once).
    assert 0 <= repeated(sb, groups) <= 32


async def test_two_workers_share_the_moderators_decisions_and_one_card_per_rumour(
    sb: Sandbox, community: Community, tmp_path: Path, database_url: str
) -> None:
    """Each worker screens with its own memory; what the other decided or flagged reaches it
    from the database before it screens: a repeat of a rumour confirmed on one worker is
    answered by either, and a rumour posted in several groups at once is one card."""
    if not database_url.startswith("postgresql"):
        pytest.skip("several workers share one database: PostgreSQL only")
    confirmed = "内部消息：下周小区要拆迁，补偿每平米两万，赶紧告诉家里"
    burst = "网传：小区东门有人贩子抢孩子，大家赶紧转告"
    async with two_workers(sb, community, tmp_path, database_url) as (_, _, balancer):
        groups, residents = await bind_groups(sb, community)
        await sb.send(residents[0], groups[0], confirmed)
        # "待审核#": a card (the daily digest, sent on start after 08:00, says 待审核 too).
        card = await sb.next_message(community.committee, containing="待审核#", timeout=30)
        await sb.press(community.staff, card, "确认谣言")
        await sb.next_message(groups[0], containing="内容不实", timeout=30)
        for i in range(1, 6):
            await sb.send(residents[i], groups[i], confirmed)
        for i in range(1, 6):
            await sb.next_message(groups[i], containing="核实过", timeout=30)
        for i in range(6, GROUPS):
            await sb.send(residents[i], groups[i], burst)
        await until(
            lambda: any(
                "另见 3 条" in sb.edited(community.committee, s.message_id).text
                for s in sb.sent_to(community.committee)
                if "待审核#" in s.text
            ),
            timeout=30,
        )
        await sb.settle(quiet=1.0)
    cards = [s.text for s in sb.sent_to(community.committee) if "待审核#" in s.text]
    assert len(cards) == 2, cards  # the confirmed rumour's, and one for the burst
    assert all(balancer.by_target.values()), balancer.by_target  # both workers took posts


async def bind_groups(sb: Sandbox, community: Community) -> tuple[list[Chat], list[User]]:
    residents = [sb.add_user(f"居民{i}") for i in range(GROUPS)]
    groups = [
        sb.add_group(f"{i}号楼", owner=community.admin, members=[residents[i]])
        for i in range(GROUPS)
    ]
    for group in groups:
        await sb.add_bot(group, community.admin, admin=True)
    for group in groups:
        await sb.next_message(group, timeout=30)
    return groups, residents


async def wait_for_tickets(db: Database, count: int) -> None:
    async def filed() -> int:
        async with db.read() as tx:
            return len(await tx.tickets.all())

    for _ in range(600):
        if await filed() >= count:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"only {await filed()} of {count} tickets were filed")


def acknowledged(sb: Sandbox, groups: list[Chat]) -> int:
    """Requests acknowledged in their group (a message in flight at the kill may come twice:
    each counts once)."""
    numbers = {
        (g.id, m.group(1))
        for g in groups
        for sent in sb.sent_to(g)
        if (m := re.search(r"已登记为 #(\d+)", sent.text))
    }
    return len(numbers)


def repeated(sb: Sandbox, groups: list[Chat]) -> int:
    acks = [
        (g.id, m.group(1))
        for g in groups
        for sent in sb.sent_to(g)
        if (m := re.search(r"已登记为 #(\d+)", sent.text))
    ]
    return len(acks) - len(set(acks))
