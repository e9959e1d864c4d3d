"""Reads for the monthly report (民情月报) and 三维四色: a month's tickets and flags, the
inspection scores staff enter, and which monthly reports went out (tables of migration 0011).

A month's rows are many (a busy street office files ~10k tickets a month), so they come back as
plain slotted dataclasses, not pydantic records, and times are parsed with fromisoformat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from storage.models import from_db, to_db

if TYPE_CHECKING:
    from storage.db import Tx


def _time(value: Any) -> datetime | None:
    # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff' UTC (storage.models.to_db), which fromisoformat
    # reads ten times faster than strptime.
    return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None


@dataclass(frozen=True, slots=True)
class ReportTicket:
    """One ticket as the report and the workbook show it."""

    id: int
    community: str
    kind: str
    category: str
    party: str
    status: str
    reporter_name: str
    created_at: datetime
    accepted_at: datetime | None
    done_at: datetime | None
    due_at: datetime
    rating: str | None
    by_volunteer: bool = False  # a 微心愿 claimed by a volunteer (the assignee), not staff
    building: str | None = None  # the reporter's registered home's building ("3"), if any


@dataclass(frozen=True, slots=True)
class FlagCount:
    kind: str  # rumour, ad
    status: str  # open, checking, confirmed, dismissed
    n: int


@dataclass(frozen=True, slots=True)
class Inspection:
    community: str
    month: str  # YYYY-MM
    score: float
    entered_by: int
    entered_at: datetime


_TICKET_COLUMNS = (
    "t.id, t.community, t.kind, t.category, t.party, t.status, t.reporter_name, t.created_at,"
    " t.accepted_at, t.done_at, t.due_at, t.rating, t.by_volunteer, h.building"
)
# The reporter's registered home (one a person, household_members.user_id is unique) in the
# ticket's own community; a registration staff rejected is no home.
_TICKET_FROM = (
    "tickets AS t LEFT JOIN household_members AS m ON m.user_id = t.reporter_id"
    " AND m.status <> 'rejected'"
    " LEFT JOIN households AS h ON h.id = m.household_id AND h.community = t.community"
)
CLAIM_EXPIRES = timedelta(minutes=15)  # a monthly report claimed but never marked sent


class ReportRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def tickets(
        self, community: str, start: datetime, end: datetime, party: str | None = None
    ) -> list[ReportTicket]:
        """A community's tickets filed in [start, end) (of one party, when given), by number."""
        sql = (
            f"SELECT {_TICKET_COLUMNS} FROM {_TICKET_FROM} WHERE t.community = ?"
            " AND t.created_at >= ? AND t.created_at < ?"
        )
        params: list[Any] = [community, to_db(start), to_db(end)]
        if party is not None:
            sql += " AND t.party = ?"
            params.append(party)
        rows = await self.tx.fetchall(sql + " ORDER BY t.id", params)
        found = []
        for r in rows:
            created, due = _time(r["created_at"]), _time(r["due_at"])
            assert created is not None and due is not None
            found.append(
                ReportTicket(
                    id=int(r["id"]),
                    community=r["community"],
                    kind=r["kind"],
                    category=r["category"],
                    party=r["party"],
                    status=r["status"],
                    reporter_name=r["reporter_name"],
                    created_at=created,
                    accepted_at=_time(r["accepted_at"]),
                    done_at=_time(r["done_at"]),
                    due_at=due,
                    rating=r["rating"],
                    by_volunteer=bool(r["by_volunteer"]),
                    building=r["building"],
                )
            )
        return found

    async def flag_counts(self, community: str, start: datetime, end: datetime) -> list[FlagCount]:
        """A community's flagged posts raised in [start, end), by kind and where they stand."""
        rows = await self.tx.fetchall(
            "SELECT kind, status, COUNT(*) AS n FROM flags WHERE community = ?"
            " AND created_at >= ? AND created_at < ? GROUP BY kind, status ORDER BY kind, status",
            (community, to_db(start), to_db(end)),
        )
        return [FlagCount(r["kind"], r["status"], int(r["n"])) for r in rows]

    # ---------------------------------------------------------------- inspection scores

    async def set_inspection(
        self, community: str, month: str, score: float, entered_by: int
    ) -> float | None:
        """Record (or replace) a month's inspection score; the score it replaced, if any."""
        before = await self.inspection(community, month)
        await self.tx.execute(
            "INSERT INTO inspections (community, month, score, entered_by, entered_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (community, month) DO UPDATE SET"
            " score = excluded.score, entered_by = excluded.entered_by,"
            " entered_at = excluded.entered_at",
            (community, month, score, entered_by, self.tx.now_db),
        )
        return before.score if before else None

    async def inspection(self, community: str, month: str) -> Inspection | None:
        row = await self.tx.fetchone(
            "SELECT community, month, score, entered_by, entered_at FROM inspections"
            " WHERE community = ? AND month = ?",
            (community, month),
        )
        if row is None:
            return None
        return Inspection(
            row["community"],
            row["month"],
            float(row["score"]),
            int(row["entered_by"]),
            from_db(row["entered_at"]),
        )

    # ---------------------------------------------------------------- monthly reports sent

    async def claim_monthly(self, community: str, month: str) -> bool:
        """Take the right to send this month's report: True for one caller only, until it is
        marked sent; a claim older than CLAIM_EXPIRES without sent_at may be taken again."""
        now = self.tx.now_db
        taken = await self.tx.execute(
            "INSERT INTO monthly_reports (community, month, claimed_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (community, month, now),
        )
        if taken == 1:
            return True
        retaken = await self.tx.execute(
            "UPDATE monthly_reports SET claimed_at = ? WHERE community = ? AND month = ?"
            " AND sent_at IS NULL AND claimed_at < ?",
            (now, community, month, to_db(self.tx.now - CLAIM_EXPIRES)),
        )
        return retaken == 1

    async def monthly_done(self, community: str, month: str) -> bool:
        """Sent, or claimed by someone a moment ago (then it is theirs to send)."""
        row = await self.tx.fetchone(
            "SELECT sent_at, claimed_at FROM monthly_reports WHERE community = ? AND month = ?",
            (community, month),
        )
        if row is None:
            return False
        return row["sent_at"] is not None or from_db(row["claimed_at"]) >= (
            self.tx.now - CLAIM_EXPIRES
        )

    async def mark_monthly_sent(self, community: str, month: str) -> None:
        await self.tx.execute(
            "UPDATE monthly_reports SET sent_at = ? WHERE community = ? AND month = ?",
            (self.tx.now_db, community, month),
        )
