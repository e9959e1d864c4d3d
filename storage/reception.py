"""Repositories for reception rules (and the dates cancelled), the reminder slots sent, the
holiday notices, and the daily digests."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from storage.models import Backlog, PartyFigures, ReceptionRule, TicketFigures, from_db, to_db

if TYPE_CHECKING:
    from storage.db import Tx


def _of_party(party: str | None) -> tuple[str, tuple[str, ...]]:
    """The SQL and parameter narrowing a digest query to one party (or not at all)."""
    return (" AND party = ?", (party,)) if party is not None else ("", ())


class ReceptionRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def add(
        self,
        *,
        schedule: str,
        starts: str,
        ends: str,
        place: str,
        title: str,
        audience: str,
        holiday_policy: str,
        created_by: int,
        community: str = "default",
    ) -> ReceptionRule:
        new_id = await self.tx.insert(
            "INSERT INTO reception_rules (schedule, starts, ends, place, title, audience,"
            " holiday_policy, created_by, created_at, community)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                schedule,
                starts,
                ends,
                place,
                title,
                audience,
                holiday_policy,
                created_by,
                self.tx.now_db,
                community,
            ),
        )
        assert new_id is not None
        rule = await self.get(new_id)
        assert rule is not None
        return rule

    async def get(self, rule_id: int) -> ReceptionRule | None:
        row = await self.tx.fetchone(
            "SELECT * FROM reception_rules WHERE id = ? AND deleted_at IS NULL", (rule_id,)
        )
        return ReceptionRule.model_validate(dict(row)) if row else None

    async def active(self, community: str | None = None) -> list[ReceptionRule]:
        """The rules in force (of one community, or all)."""
        rows = await self.tx.fetchall(
            "SELECT * FROM reception_rules WHERE deleted_at IS NULL"
            + (" AND community = ?" if community is not None else "")
            + " ORDER BY id",
            (community,) if community is not None else (),
        )
        return [ReceptionRule.model_validate(dict(r)) for r in rows]

    async def update(
        self,
        rule_id: int,
        *,
        schedule: str,
        starts: str,
        ends: str,
        place: str,
        title: str,
        audience: str,
        holiday_policy: str,
    ) -> bool:
        changed = await self.tx.execute(
            "UPDATE reception_rules SET schedule = ?, starts = ?, ends = ?, place = ?, title = ?,"
            " audience = ?, holiday_policy = ? WHERE id = ? AND deleted_at IS NULL",
            (schedule, starts, ends, place, title, audience, holiday_policy, rule_id),
        )
        return changed == 1

    async def skip(self, rule_id: int, occurs_on: str, by: int) -> bool:
        """Cancel one date of a rule; False if it was cancelled before."""
        changed = await self.tx.execute(
            "INSERT INTO reception_skips (rule_id, occurs_on, skipped_by, skipped_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (rule_id, occurs_on, by, self.tx.now_db),
        )
        return changed == 1

    async def skipped(self, since: str) -> set[tuple[int, str]]:
        """(rule id, date) of every date cancelled from `since` (YYYY-MM-DD) on."""
        rows = await self.tx.fetchall(
            "SELECT rule_id, occurs_on FROM reception_skips WHERE occurs_on >= ?", (since,)
        )
        return {(int(r["rule_id"]), str(r["occurs_on"])) for r in rows}

    async def holiday_notice(self, community: str, year: int) -> bool:
        """Record that a committee was told the bot has no holidays for `year`; False if it
        was before (tell it once)."""
        changed = await self.tx.execute(
            "INSERT INTO holiday_notices (community, year, sent_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (community, year, self.tx.now_db),
        )
        return changed == 1

    async def delete(self, rule_id: int) -> bool:
        changed = await self.tx.execute(
            "UPDATE reception_rules SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
            (self.tx.now_db, rule_id),
        )
        return changed == 1

    async def mark_sent(self, rule_id: int, occurs_on: str, slot: str, groups: int) -> bool:
        """Record a reminder slot as broadcast; False if it was before (send nothing twice)."""
        changed = await self.tx.execute(
            "INSERT INTO reminders_sent (rule_id, occurs_on, slot, sent_at, groups)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (rule_id, occurs_on, slot, self.tx.now_db, groups),
        )
        return changed == 1

    async def slots_sent(self, rule_id: int, occurs_on: str) -> int:
        """How many reminder slots of a rule's date went out (0: nobody was reminded yet)."""
        row = await self.tx.fetchone(
            "SELECT COUNT(*) AS n FROM reminders_sent WHERE rule_id = ? AND occurs_on = ?",
            (rule_id, occurs_on),
        )
        return int(row["n"]) if row else 0

    async def was_sent(self, rule_id: int, occurs_on: str, slot: str) -> bool:
        row = await self.tx.fetchone(
            "SELECT 1 FROM reminders_sent WHERE rule_id = ? AND occurs_on = ? AND slot = ?",
            (rule_id, occurs_on, slot),
        )
        return row is not None


class DigestRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def last_period_end(self, community: str = "default") -> datetime | None:
        row = await self.tx.fetchone(
            "SELECT MAX(period_end) AS t FROM digests WHERE community = ?", (community,)
        )
        return from_db(row["t"]) if row and row["t"] else None

    async def record(
        self, day: str, start: datetime, end: datetime, community: str = "default"
    ) -> bool:
        changed = await self.tx.execute(
            "INSERT INTO digests (community, day, period_start, period_end, sent_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (community, day, to_db(start), to_db(end), self.tx.now_db),
        )
        return changed == 1

    async def sent_on(self, day: str, community: str = "default") -> bool:
        return (
            await self.tx.fetchone(
                "SELECT 1 FROM digests WHERE community = ? AND day = ?", (community, day)
            )
            is not None
        )

    async def ticket_figures(
        self,
        start: datetime,
        end: datetime,
        community: str = "default",
        party: str | None = None,
    ) -> TicketFigures:
        """What happened to a community's tickets (one party's, if given) in [start, end):
        the digest's numbers."""
        s, e, c = to_db(start), to_db(end), community
        only, p = _of_party(party)
        new = await self.tx.fetchall(
            "SELECT kind, party, COUNT(*) AS n FROM tickets WHERE community = ?"
            " AND created_at >= ? AND created_at < ?" + only + " GROUP BY kind, party"
            " ORDER BY kind, party",
            (c, s, e, *p),
        )
        resolved = await self.tx.fetchone(
            "SELECT COUNT(*) AS n FROM tickets WHERE community = ? AND done_at >= ?"
            " AND done_at < ?" + only,
            (c, s, e, *p),
        )
        ratings = await self.tx.fetchall(
            "SELECT rating, COUNT(*) AS n FROM tickets WHERE community = ? AND rated_at >= ?"
            " AND rated_at < ?" + only + " GROUP BY rating",
            (c, s, e, *p),
        )
        return TicketFigures(
            new=[(r["kind"], r["party"], r["n"]) for r in new],
            resolved=resolved["n"] if resolved else 0,
            ratings={r["rating"]: r["n"] for r in ratings},
        )

    async def party_figures(
        self, start: datetime, end: datetime, community: str, party: str
    ) -> PartyFigures:
        """A party's work in a community over [start, end): 三维四色's inputs."""
        s, e = to_db(start), to_db(end)
        filed = await self.tx.fetchall(
            "SELECT kind, created_at, accepted_at FROM tickets WHERE community = ?"
            " AND created_at >= ? AND created_at < ? AND party = ?",
            (community, s, e, party),
        )
        finished = await self.tx.fetchone(
            "SELECT COUNT(*) AS n, SUM(CASE WHEN done_at <= due_at THEN 1 ELSE 0 END) AS ok"
            " FROM tickets WHERE community = ? AND done_at >= ? AND done_at < ? AND party = ?",
            (community, s, e, party),
        )
        ratings = await self.tx.fetchall(
            "SELECT rating, COUNT(*) AS n FROM tickets WHERE community = ? AND rated_at >= ?"
            " AND rated_at < ? AND party = ? GROUP BY rating",
            (community, s, e, party),
        )
        return PartyFigures(
            complaints=sum(1 for r in filed if r["kind"] == "complaint"),
            accepts=[
                (from_db(r["created_at"]), from_db(r["accepted_at"]) if r["accepted_at"] else None)
                for r in filed
            ],
            finished=int(finished["n"] or 0) if finished else 0,
            finished_on_time=int(finished["ok"] or 0) if finished else 0,
            ratings={r["rating"]: int(r["n"]) for r in ratings},
        )

    async def overdue(
        self,
        now: datetime,
        limit: int = 5,
        community: str = "default",
        party: str | None = None,
    ) -> tuple[list[tuple[int, str]], int]:
        """A community's (or party's) most overdue open tickets (id, due_at), and how many
        are overdue."""
        only, p = _of_party(party)
        rows = await self.tx.fetchall(
            "SELECT id, due_at FROM tickets WHERE community = ?"
            " AND status IN ('new', 'in_progress') AND due_at < ?" + only + " ORDER BY due_at"
            " LIMIT ?",
            (community, to_db(now), *p, limit),
        )
        total = await self.tx.fetchone(
            "SELECT COUNT(*) AS n FROM tickets WHERE community = ?"
            " AND status IN ('new', 'in_progress') AND due_at < ?" + only,
            (community, to_db(now), *p),
        )
        return [(r["id"], r["due_at"]) for r in rows], total["n"] if total else 0

    async def unclaimed_wishes(
        self,
        before: datetime,
        limit: int = 5,
        community: str = "default",
        party: str | None = None,
    ) -> tuple[list[int], int]:
        only, p = _of_party(party)
        rows = await self.tx.fetchall(
            "SELECT id FROM tickets WHERE community = ? AND kind = 'wish' AND status = 'new'"
            " AND created_at < ?" + only + " ORDER BY id LIMIT ?",
            (community, to_db(before), *p, limit),
        )
        total = await self.tx.fetchone(
            "SELECT COUNT(*) AS n FROM tickets WHERE community = ? AND kind = 'wish'"
            " AND status = 'new' AND created_at < ?" + only,
            (community, to_db(before), *p),
        )
        return [r["id"] for r in rows], total["n"] if total else 0

    async def backlog(self, community: str = "default", party: str | None = None) -> Backlog:
        """Every open ticket of a community (or of one party in it) by party, and the one
        open longest."""
        only, p = _of_party(party)
        rows = await self.tx.fetchall(
            "SELECT party, COUNT(*) AS n FROM tickets WHERE community = ?"
            " AND status IN ('new', 'in_progress')" + only + " GROUP BY party ORDER BY party",
            (community, *p),
        )
        oldest = await self.tx.fetchone(
            "SELECT id, created_at FROM tickets WHERE community = ?"
            " AND status IN ('new', 'in_progress')" + only + " ORDER BY created_at, id LIMIT 1",
            (community, *p),
        )
        return Backlog(
            by_party={str(r["party"]): int(r["n"]) for r in rows},
            oldest=(int(oldest["id"]), oldest["created_at"]) if oldest else None,
        )
