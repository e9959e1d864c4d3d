"""The monthly report over a year of a busy street office: 100k tickets in five communities
(with flags and inspection scores), the street office's report of the last month (every
community: queries, two chart images, the workbook) against the text digest over the same data.

Goal (issue #17): built in a few seconds, off the event loop: the loop's longest stall while a
report is built is measured too.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from bot.community import Community, CommunityRules, Households, Reminders
from bot.services.digest import DigestService
from bot.services.reception import ReceptionService
from bot.services.report import ReportService, Scope
from bot.services.report.figures import Month
from bot.services.roles import Roles
from storage import Database
from storage.models import to_db
from storage.reports import ReportRepository

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 09:00 on Tuesday 1 December in Shanghai
MONTH = Month(2026, 11)
TICKETS = 100_000
COMMUNITIES = (
    ("default", "西二居民区", 1200),
    ("dongyi", "东一居民区", 860),
    ("nanyuan", "南苑居民区", 1500),
    ("beili", "北里居民区", 700),
    ("xiyuan", "西苑居民区", 980),
)
CATEGORIES = (
    ("维修", "property", 3, 18),
    ("漏水", "property", 2, 9),
    ("电梯", "property", 2, 8),
    ("停车", "property", 3, 10),
    ("保洁", "property", 2, 7),
    ("垃圾", "property", 1, 6),
    ("门禁", "property", 2, 4),
    ("物业费", "owners", 5, 4),
    ("维修资金", "owners", 10, 2),
    ("噪音", "residents", 3, 6),
    ("宠物", "residents", 3, 4),
    ("邻里纠纷", "residents", 5, 3),
    ("违建", "street", 10, 2),
    ("占道", "street", 5, 2),
    ("其他", "residents", 3, 5),
)
COLUMNS = (
    "community",
    "kind",
    "text",
    "category",
    "party",
    "status",
    "reporter_id",
    "reporter_name",
    "source_chat_id",
    "source_update_id",
    "created_at",
    "accepted_at",
    "due_at",
    "done_at",
    "rating",
    "rated_at",
)


def ticket_rows(total: int = TICKETS, seed: int = 17, end: datetime = NOW) -> list[tuple[Any, ...]]:
    """A year of tickets up to `end`: most finished and rated, the last weeks' partly open."""
    rng = random.Random(seed)
    weights = [w for *_, w in CATEGORIES]
    rows = []
    for i in range(total):
        community = rng.choices(COMMUNITIES, weights=[n for *_, n in COMMUNITIES])[0][0]
        created = end - timedelta(days=365 * (1 - (i + rng.random()) / total))
        if rng.random() < 0.25:
            kind, category, party, sla = "wish", "微心愿", "residents", 7
        else:
            category, party, sla, _ = rng.choices(CATEGORIES, weights=weights)[0]
            kind = "complaint"
        due = created + timedelta(days=sla)
        accepted = created + timedelta(hours=rng.lognormvariate(1.5, 1.0))
        done: datetime | None = created + timedelta(days=rng.lognormvariate(0.4, 0.8) * sla / 2)
        status, rating, rated = "rated", None, None
        if done is not None and done > end:
            done, status = None, "in_progress"
        if accepted > end:
            accepted, status = None, "new"  # type: ignore[assignment]
        if done is not None:
            if rng.random() < 0.7:
                rated = done + timedelta(hours=rng.uniform(1, 48))
                rating = rng.choices(("satisfied", "fair", "unsatisfied"), (6, 3, 1))[0]
                if rated > end:
                    rated, rating = None, None
            status = "rated" if rating else "done"
        rows.append(
            (
                community,
                kind,
                "楼道灯不亮",
                category,
                party,
                status,
                1000 + i % 5000,
                "居民",
                -100123,
                i + 1,
                to_db(created),
                to_db(accepted) if accepted else None,
                to_db(due),
                to_db(done) if done else None,
                rating,
                to_db(rated) if rated else None,
            )
        )
    return rows


def flag_rows(seed: int = 5, end: datetime = NOW) -> list[tuple[Any, ...]]:
    rng = random.Random(seed)
    rows = []
    for i in range(3_000):
        created = end - timedelta(days=rng.uniform(0, 365))
        status = rng.choices(("confirmed", "dismissed", "open"), (5, 3, 1))[0]
        rows.append(
            (
                rng.choice(COMMUNITIES)[0],
                rng.choice(("rumour", "ad")),
                -100123,
                i + 1,
                1000,
                "居民",
                "内部消息",
                0.9,
                "[]",
                10_000_000 + i,
                status,
                to_db(created),
            )
        )
    return rows


async def fill(db: Database, total: int = TICKETS, end: datetime = NOW) -> None:
    sql = f"INSERT INTO tickets ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"
    async with db.transaction() as tx:
        await tx.executemany(sql, ticket_rows(total, end=end))
        await tx.executemany(
            "INSERT INTO flags (community, kind, chat_id, message_id, author_id, author_name,"
            " text, score, reasons, source_update_id, status, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            flag_rows(end=end),
        )
        repo = ReportRepository(tx)
        for code, *_ in COMMUNITIES:
            await repo.set_inspection(code, MONTH.key, 88.0, 1)
            await repo.set_inspection(code, MONTH.previous().key, 85.0, 1)
    if db.dialect == "sqlite":
        async with db.read() as tx:
            await tx.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def communities() -> list[Community]:
    found = []
    for i, (code, name, households) in enumerate(COMMUNITIES):
        rules = CommunityRules.defaults()
        rules.households = Households(count=households)
        found.append(Community(code, name, -100 - i, -100 - i, rules))
    return found


def services(db: Database) -> tuple[ReportService, DigestService, Roles]:
    street = communities()
    # No Bot: building a report asks Telegram nothing.
    roles = Roles(None, admin_ids=frozenset(), communities=street, street_chat_id=-99)  # type: ignore[arg-type]
    rules = {c.code: c.rules for c in street}
    reports = ReportService(
        db,
        roles,
        None,  # type: ignore[arg-type]
        zone=ZONE,
        digest_time=dtime(8, 0),
        rules=rules,
    )
    reception = ReceptionService(db, roles, zone=ZONE, reminders={c: Reminders() for c in rules})
    digest = DigestService(db, roles, reception, zone=ZONE, digest_time=dtime(8, 0), rules=rules)
    return reports, digest, roles


async def _stall_while(work: asyncio.Future[Any]) -> float:
    """The event loop's longest pause (ms) while `work` runs: a ticker every millisecond."""
    longest = 0.0
    loop = asyncio.get_running_loop()
    last = loop.time()
    while not work.done():
        await asyncio.sleep(0.001)
        now = loop.time()
        longest = max(longest, now - last)
        last = now
    await work
    return 1000 * longest


async def measure(repeats: int = 5) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="linli-report-") as tmp:
        db = await Database.open(f"sqlite:///{Path(tmp) / 'street.db'}", ManualClock(NOW))
        try:
            await fill(db)
            reports, digest, roles = services(db)
            scope = Scope(roles.communities, "全街道")
            digest_s, report_s, gather_s, stalls = [], [], [], []
            sizes = (0, 0)
            for round_ in range(repeats + 1):
                started = time.perf_counter()
                async with db.read() as tx:
                    await digest.compose_street(tx, NOW - timedelta(days=1), roles.communities)
                digest_took = time.perf_counter() - started
                started = time.perf_counter()
                facts = await reports.gather(scope, MONTH)
                gathered = time.perf_counter() - started
                building = asyncio.ensure_future(reports.build(facts))
                stall = await _stall_while(building)
                report = building.result()
                took = time.perf_counter() - started
                if round_ == 0:  # the first round loads matplotlib and finds the font
                    continue
                digest_s.append(digest_took)
                report_s.append(took)
                gather_s.append(gathered)
                stalls.append(stall)
                sizes = (sum(len(i) for i in report.images), len(report.workbook or b""))
            month_tickets = len(facts.tickets)
        finally:
            await db.close()
    return {
        "digest_ms": 1000 * statistics.median(digest_s),
        "report_ms": 1000 * statistics.median(report_s),
        "gather_ms": 1000 * statistics.median(gather_s),
        "stall_ms": max(stalls),
        "images_kb": sizes[0] / 1024,
        "workbook_kb": sizes[1] / 1024,
        "month_tickets": month_tickets,
    }


async def run() -> list[str]:
    f = await measure()
    return [
        f"monthly report, street office of 5 communities, {TICKETS:,} tickets over a year "
        f"({f['month_tickets']:,.0f} in the month reported)",
        "| what | ms |",
        "| --- | ---: |",
        f"| the street digest (text) | {f['digest_ms']:.1f} |",
        f"| the report: read | {f['gather_ms']:.0f} |",
        f"| the report: read, 2 charts, workbook | {f['report_ms']:.0f} |",
        f"| the event loop's longest stall meanwhile | {f['stall_ms']:.0f} |",
        f"report ÷ digest: {f['report_ms'] / f['digest_ms']:.0f}× "
        f"(images {f['images_kb']:.0f} KB, workbook {f['workbook_kb']:.0f} KB; "
        "goal: a few seconds, the loop never blocked)",
    ]


if __name__ == "__main__":
    for line in asyncio.run(run()):
        print(line)
