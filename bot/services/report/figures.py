"""The monthly report's figures, from a month's tickets and flags. Pure: the facts in (what the
service read), the numbers out; the charts, the workbook and the caption are drawn from these.

The charts and the workbook follow the tickets *filed* in the month (so the sheet of tickets and
every figure beside it are the same tickets); 三维四色 follows the month's work (complaints
filed, tickets finished and rated in the month), as the street digest does.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from bot.services.digest.rating import Assessment
from storage.reports import FlagCount, ReportTicket

PARTIES = ("property", "owners", "residents", "street")
RATINGS = ("satisfied", "fair", "unsatisfied")
TOP_CATEGORIES = 8  # bars a phone shows legibly; the rest are summed

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month in the deployment's time zone."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month | None:
        """`2026-11` (or `2026-1`); None for anything else."""
        match = _MONTH.match(text.strip())
        if not match:
            return None
        year, month = int(match.group(1)), int(match.group(2))
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            return None
        return cls(year, month)

    @classmethod
    def of(cls, moment: datetime, zone: ZoneInfo) -> Month:
        local = moment.astimezone(zone)
        return cls(local.year, local.month)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    @property
    def days(self) -> int:
        return (self.next().first_day - self.first_day).days

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) of the month, local midnights as aware datetimes."""
        return (
            datetime.combine(self.first_day, time(0), tzinfo=zone),
            datetime.combine(self.next().first_day, time(0), tzinfo=zone),
        )


@dataclass(frozen=True)
class Rated:
    """三维四色 of one party (of one community), this month and the month before."""

    community: str
    party: str
    now: Assessment
    before: Assessment


@dataclass(frozen=True)
class ReportFacts:
    """What the service read for one report."""

    month: Month
    now: datetime
    title: str  # the community's name, or the street office's
    communities: dict[str, str]  # code -> name, in the deployment's order
    tickets: list[ReportTicket]
    flags: list[tuple[str, FlagCount]]  # (community, count)
    ratings: list[Rated]
    inspections: dict[str, float] = field(default_factory=dict)  # community -> score
    party: str | None = None  # a party's own report (its chat): its tickets only
    reporter_names: frozenset[str] = frozenset()  # communities whose file allows names

    @property
    def several(self) -> bool:
        return len(self.communities) > 1

    @property
    def so_far(self) -> bool:
        """The month is still going on."""
        return self.month.next().first_day > self.now.date()


@dataclass(frozen=True)
class PartyLine:
    """One party's tickets (of one community, or of all in the report)."""

    community: str | None
    party: str
    new: int = 0
    complaints: int = 0
    wishes: int = 0
    done: int = 0
    on_time: float | None = None  # share of those judged (finished, or open and overdue)
    accept_hours: float | None = None  # median
    finish_days: float | None = None  # median
    ratings: dict[str, int] = field(default_factory=dict)

    @property
    def satisfied(self) -> float | None:
        rated = sum(self.ratings.values())
        if not rated:
            return None
        return (self.ratings.get("satisfied", 0) + 0.5 * self.ratings.get("fair", 0)) / rated


@dataclass(frozen=True)
class MonthFigures:
    total: int
    complaints: int
    wishes: int
    done: int
    weeks: list[tuple[str, int, int]]  # (label, complaints, wishes)
    categories: list[tuple[str, int]]  # complaints by category, the busiest first
    parties: list[PartyLine]  # every party of the report, summed over its communities
    lines: list[PartyLine]  # per community and party, for the workbook
    ratings: dict[str, int]
    flags: dict[str, dict[str, int]]  # kind -> confirmed / dismissed / pending
    on_time: float | None
    satisfied: float | None
    # The month's 微心愿 by who took them: "staff", "volunteer" (VOLUNTEER_CHAT_ID), and
    # "unclaimed" (still 待认领; refused ones are in none).
    wish_claims: dict[str, int] = field(default_factory=dict)

    @property
    def volunteers(self) -> bool:
        """Some wish of the month was claimed by a volunteer: the report shows who claims."""
        return self.wish_claims.get("volunteer", 0) > 0


def wish_claims(tickets: list[ReportTicket]) -> dict[str, int]:
    """The wishes by who claimed them (a wish past 待认领 was claimed, by its assignee)."""
    claims = {"staff": 0, "volunteer": 0, "unclaimed": 0}
    for t in tickets:
        if t.kind != "wish" or t.status == "rejected":
            continue
        if t.status == "new":
            claims["unclaimed"] += 1
        else:
            claims["volunteer" if t.by_volunteer else "staff"] += 1
    return claims


def is_overdue(t: ReportTicket, now: datetime) -> bool:
    """Finished after its due time, or still open past it."""
    if t.status == "rejected":
        return False
    if t.done_at is not None:
        return t.done_at > t.due_at
    return t.due_at < now


def _party_line(
    community: str | None, party: str, ts: list[ReportTicket], now: datetime
) -> PartyLine:
    done = [t for t in ts if t.done_at is not None]
    judged = [t for t in ts if t.status != "rejected" and (t.done_at is not None or t.due_at < now)]
    accepted = [t for t in ts if t.accepted_at is not None]
    return PartyLine(
        community=community,
        party=party,
        new=len(ts),
        complaints=sum(1 for t in ts if t.kind == "complaint"),
        wishes=sum(1 for t in ts if t.kind == "wish"),
        done=len(done),
        on_time=(
            sum(1 for t in judged if not is_overdue(t, now)) / len(judged) if judged else None
        ),
        accept_hours=(
            median((t.accepted_at - t.created_at).total_seconds() / 3600 for t in accepted)  # type: ignore[operator]
            if accepted
            else None
        ),
        finish_days=(
            median((t.done_at - t.created_at).total_seconds() / 86400 for t in done)  # type: ignore[operator]
            if done
            else None
        ),
        ratings=dict(Counter(t.rating for t in ts if t.rating)),
    )


def weeks_of(month: Month, zone: ZoneInfo) -> list[tuple[date, date]]:
    """The month's weeks, Monday to Sunday, cut at the month's ends."""
    first = month.first_day
    last = month.next().first_day - timedelta(days=1)
    weeks = []
    start = first
    while start <= last:
        end = min(start + timedelta(days=6 - start.weekday()), last)
        weeks.append((start, end))
        start = end + timedelta(days=1)
    return weeks


def _week_label(start: date, end: date) -> str:
    if start == end:
        return f"{start.month}/{start.day}"
    return f"{start.month}/{start.day}–{end.day}"


def month_figures(facts: ReportFacts, zone: ZoneInfo) -> MonthFigures:
    tickets = facts.tickets
    now = facts.now
    weeks = weeks_of(facts.month, zone)
    per_week = [[0, 0] for _ in weeks]
    ends = [end for _, end in weeks]
    by_party: dict[str, list[ReportTicket]] = {}
    by_line: dict[tuple[str, str], list[ReportTicket]] = {}
    categories: Counter[str] = Counter()
    for t in tickets:
        day = t.created_at.astimezone(zone).date()
        index = next((i for i, end in enumerate(ends) if day <= end), len(ends) - 1)
        per_week[index][0 if t.kind == "complaint" else 1] += 1
        by_party.setdefault(t.party, []).append(t)
        by_line.setdefault((t.community, t.party), []).append(t)
        if t.kind == "complaint":
            categories[t.category] += 1
    parties_shown = [facts.party] if facts.party else list(PARTIES)
    parties = [_party_line(None, p, by_party.get(p, []), now) for p in parties_shown]
    lines = [
        _party_line(c, p, by_line.get((c, p), []), now)
        for c in facts.communities
        for p in parties_shown
    ]
    flags: dict[str, dict[str, int]] = {}
    for _, count in facts.flags:
        status = "pending" if count.status in ("open", "checking") else count.status
        kind = flags.setdefault(count.kind, {"confirmed": 0, "dismissed": 0, "pending": 0})
        kind[status] = kind.get(status, 0) + count.n
    overall = _party_line(None, "", tickets, now)
    return MonthFigures(
        total=len(tickets),
        complaints=overall.complaints,
        wishes=overall.wishes,
        done=overall.done,
        weeks=[(_week_label(s, e), c, w) for (s, e), (c, w) in zip(weeks, per_week, strict=True)],
        categories=sorted(categories.items(), key=lambda kv: (-kv[1], kv[0])),
        parties=parties,
        lines=lines,
        ratings=overall.ratings,
        flags=flags,
        on_time=overall.on_time,
        satisfied=overall.satisfied,
        wish_claims=wish_claims(tickets),
    )


def top_categories(categories: list[tuple[str, int]], others: str) -> list[tuple[str, int]]:
    """The busiest TOP_CATEGORIES, the rest summed as one bar."""
    if len(categories) <= TOP_CATEGORIES + 1:
        return categories
    head = categories[:TOP_CATEGORIES]
    return [*head, (others, sum(n for _, n in categories[TOP_CATEGORIES:]))]


def trend(rated: Rated) -> float | None:
    """The score's change since the month before (None when either has no score)."""
    if rated.now.score is None or rated.before.score is None:
        return None
    return rated.now.score - rated.before.score
