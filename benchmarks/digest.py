"""The daily digest's queries over 1k and 1M tickets.

Both databases hold the same last day (60 new tickets, some done and rated, a few overdue and a
few unclaimed wishes); the rest is closed history spread over three years. A digest reads only
the last day and the open tickets, so with the right indexes its cost should barely depend on
the history. Goal (issue #6): 1M ÷ 1k ≤ 3×.
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
from bot.community import Reminders
from bot.services.digest import DigestService
from bot.services.reception import ReceptionService
from bot.services.roles import Roles
from storage import Database
from storage.models import to_db

NOW = datetime(2026, 12, 15, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
PARTIES = ("property", "owners", "residents", "street")
RECENT = 60
COLUMNS = (
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
    "due_at",
    "done_at",
    "rating",
    "rated_at",
)


def _rows(total: int, seed: int = 11) -> list[tuple[Any, ...]]:
    rng = random.Random(seed)
    rows = []
    for i in range(total):
        recent = i >= total - RECENT
        created = NOW - (
            timedelta(hours=rng.uniform(0, 23))
            if recent
            else timedelta(days=rng.uniform(2, 3 * 365))
        )
        kind = "wish" if rng.random() < 0.3 else "complaint"
        due = created + timedelta(days=rng.choice((1, 2, 3, 5)))
        status = "rated"
        done: datetime | None = created + timedelta(days=1)
        rating: str | None = "satisfied"
        rated: datetime | None = None
        if recent:
            status = rng.choice(("new", "in_progress", "done", "rated"))
            if status in ("new", "in_progress"):
                done, rating = None, None
                due = NOW - timedelta(hours=rng.uniform(1, 30))  # some overdue
        if status == "rated":
            rated = (done or created) + timedelta(hours=2)
            rating = rng.choice(("satisfied", "fair", "unsatisfied"))
        elif status == "done":
            rating = None
        rows.append(
            (
                kind,
                "楼道灯不亮",
                "维修",
                rng.choice(PARTIES),
                status,
                1000 + i % 500,
                "居民",
                -100123,
                i + 1,
                to_db(created),
                to_db(due),
                to_db(done) if done else None,
                rating,
                to_db(rated) if rated else None,
            )
        )
    return rows


async def _fill(db: Database, total: int) -> None:
    sql = f"INSERT INTO tickets ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"
    async with db.transaction() as tx:
        await tx.executemany(sql, _rows(total))
    # A database that grew over three years has long been checkpointed; one filled in a single
    # transaction a moment ago has all of it in the write-ahead log, which every read consults.
    async with db.read() as tx:
        await tx.execute("PRAGMA wal_checkpoint(TRUNCATE)")


async def _service(db: Database) -> DigestService:
    zone = ZoneInfo("Asia/Shanghai")
    # No Bot: the digest asks Telegram nothing.
    roles = Roles(None, admin_ids=frozenset(), committee_chat_id=-1, moderator_chat_id=-1)  # type: ignore[arg-type]
    reception = ReceptionService(db, roles, zone=zone, reminders=Reminders())
    return DigestService(db, roles, reception, zone=zone, digest_time=dtime(8, 0))


async def _compose(db: Database, digest: DigestService) -> float:
    started = time.perf_counter()
    async with db.read() as tx:
        text = await digest.compose(tx, NOW - timedelta(days=1))
    assert "【新工单】60 件" in text, text
    return time.perf_counter() - started


async def measure(
    sizes: tuple[int, ...] = (1_000, 1_000_000), repeats: int = 30
) -> dict[int, float]:
    """Median digest time (ms) per history size; the sizes take turns, so noise is shared."""
    with tempfile.TemporaryDirectory(prefix="linli-digest-") as tmp:
        clock = ManualClock(NOW)
        dbs = []
        try:
            for size in sizes:
                db = await Database.open(f"sqlite:///{Path(tmp) / f'{size}.db'}", clock)
                dbs.append(db)
                await _fill(db, size)
            services = [await _service(db) for db in dbs]
            timings: dict[int, list[float]] = {size: [] for size in sizes}
            for round_ in range(repeats + 3):
                for size, db, service in zip(sizes, dbs, services, strict=True):
                    took = await _compose(db, service)
                    if round_ >= 3:  # the first rounds warm caches up
                        timings[size].append(took)
        finally:
            for db in dbs:
                await db.close()
    return {size: 1000 * statistics.median(t) for size, t in timings.items()}


async def run() -> list[str]:
    figures = await measure()
    small, large = figures[1_000], figures[1_000_000]
    return [
        "daily digest (same last day; history of 1k vs 1M tickets)",
        "| tickets | digest ms |",
        "| ---: | ---: |",
        f"| 1,000 | {small:.2f} |",
        f"| 1,000,000 | {large:.2f} |",
        f"1M ÷ 1k: {large / small:.2f}× (goal ≤ 3×)",
    ]


if __name__ == "__main__":
    for line in asyncio.run(run()):
        print(line)
