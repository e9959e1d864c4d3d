"""The daily digest (日报) as the committee reads it. Pure: the facts in, the text out."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.services.messaging import html, local_time, month_day, truncate, weekday
from storage.models import Backlog, FlagFigures, TicketFigures, from_db

MAX_TEXT = 4096  # one Telegram message, in UTF-16 units


@dataclass(frozen=True)
class DigestFacts:
    """What the digest reports for the period [start, now)."""

    start: datetime
    now: datetime
    tickets: TicketFigures
    overdue: list[tuple[int, str]]  # the most overdue open tickets: (number, due_at as stored)
    overdue_total: int
    unclaimed: list[int]  # the oldest unclaimed 微心愿
    unclaimed_total: int
    unclaimed_days: int
    flags: FlagFigures | None  # None in a party's digest: flagged posts are not its work
    next_reception: str | None
    community_name: str | None = None  # named when the deployment has several communities
    backlog: Backlog | None = None  # what is open now, by party
    party: str | None = None  # a party's digest for its own chat: the party's name


def _days_since(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((now - moment).total_seconds() / 86400))


def backlog_lines(backlog: Backlog, now: datetime, *, by_party: bool) -> list[str]:
    """The open tickets (per party, the busiest first) and the one open longest."""
    parties = sorted(backlog.by_party.items(), key=lambda c: (-c[1], _PARTY_ORDER.get(c[0], 9)))
    items = (
        "："
        + "，".join(
            texts.DIGEST_PARTY_COUNT.format(party=texts.PARTY.get(p, p), n=n) for p, n in parties
        )
        if by_party and parties
        else ""
    )
    lines = [texts.DIGEST_BACKLOG.format(n=backlog.total, items=items)]
    if backlog.oldest is not None:
        number, filed = backlog.oldest
        lines.append(texts.DIGEST_OLDEST.format(n=number, days=_days_since(filed, now)))
    return lines


def _items(numbers: list[str], total: int) -> str:
    items = "：" + "、".join(numbers) if numbers else ""
    if total > len(numbers):
        items += texts.DIGEST_MORE.format(n=total)
    return items


def digest_text(facts: DigestFacts, zone: ZoneInfo) -> str:
    local = facts.now.astimezone(zone)
    if facts.party is not None:
        title = texts.DIGEST_TITLE_PARTY.format(
            party=html(facts.party), date=month_day(local), weekday=weekday(local)
        )
    elif facts.community_name is None:
        title = texts.DIGEST_TITLE.format(date=month_day(local), weekday=weekday(local))
    else:
        title = texts.DIGEST_TITLE_OF.format(
            name=html(facts.community_name), date=month_day(local), weekday=weekday(local)
        )
    lines = [
        title,
        texts.DIGEST_PERIOD.format(
            start=local_time(facts.start, zone), end=local_time(facts.now, zone)
        ),
        "",
    ]
    new = facts.tickets.new
    lines.append(texts.DIGEST_NEW.format(total=sum(n for _, _, n in new)))
    for kind in ("complaint", "wish"):
        counts = sorted(
            ((p, n) for k, p, n in new if k == kind),
            key=lambda c: (-c[1], _PARTY_ORDER.get(c[0], 9)),
        )  # the busiest party first; ties in the order 物业, 业委会, 居委会, 街道
        parties = [
            texts.DIGEST_PARTY_COUNT.format(party=texts.PARTY.get(p, p), n=n) for p, n in counts
        ]
        if parties:
            lines.append(
                texts.DIGEST_NEW_LINE.format(kind=texts.KIND[kind], parties="，".join(parties))
            )
    lines.append(texts.DIGEST_RESOLVED.format(n=facts.tickets.resolved))
    good, fair, bad = (facts.tickets.ratings.get(r, 0) for r in texts.RATING)
    rated = good + fair + bad
    average = (
        texts.DIGEST_AVERAGE.format(score=f"{(3 * good + 2 * fair + bad) / rated:.1f}")
        if rated
        else ""
    )
    lines.append(texts.DIGEST_RATINGS.format(good=good, fair=fair, bad=bad, average=average))
    if facts.backlog is not None:
        lines += backlog_lines(facts.backlog, facts.now, by_party=facts.party is None)
    overdue = [
        texts.DIGEST_OVERDUE_ITEM.format(n=n, days=_days_since(from_db(due), facts.now))
        for n, due in facts.overdue
    ]
    lines.append(
        texts.DIGEST_OVERDUE.format(
            n=facts.overdue_total, items=_items(overdue, facts.overdue_total)
        )
    )
    wishes = [f"#{n}" for n in facts.unclaimed]
    lines.append(
        texts.DIGEST_UNCLAIMED.format(
            days=facts.unclaimed_days,
            n=facts.unclaimed_total,
            items=_items(wishes, facts.unclaimed_total),
        )
    )
    if facts.flags is not None:
        lines.append(
            texts.DIGEST_FLAGS.format(
                pending=facts.flags.pending,
                confirmed=facts.flags.confirmed,
                dismissed=facts.flags.dismissed,
                hits=facts.flags.known_hits,
            )
        )
    lines.append(
        texts.DIGEST_NEXT_RECEPTION.format(line=facts.next_reception)
        if facts.next_reception
        else texts.DIGEST_NO_RECEPTION
    )
    return truncate("\n".join(lines), MAX_TEXT)


_PARTY_ORDER = {code: i for i, code in enumerate(texts.PARTY)}


@dataclass(frozen=True)
class CommunityLine:
    """One community's figures in the street office's digest."""

    name: str
    tickets: TicketFigures
    overdue: int
    flags_pending: int


def street_digest_text(
    lines_of: list[CommunityLine], start: datetime, now: datetime, zone: ZoneInfo
) -> str:
    """The street office's digest: one line per community, then the totals."""
    local = now.astimezone(zone)
    lines = [
        texts.STREET_DIGEST_TITLE.format(date=month_day(local), weekday=weekday(local)),
        texts.DIGEST_PERIOD.format(start=local_time(start, zone), end=local_time(now, zone)),
        "",
    ]
    sums = {"new": 0, "resolved": 0, "overdue": 0, "pending": 0, "good": 0, "rated": 0}
    for c in lines_of:
        new = sum(n for _, _, n in c.tickets.new)
        good, rated = _satisfied(c.tickets)
        lines.append(
            texts.STREET_DIGEST_LINE.format(
                name=html(c.name),
                new=new,
                resolved=c.tickets.resolved,
                overdue=c.overdue,
                satisfied=_share(good, rated),
                pending=c.flags_pending,
            )
        )
        for key, value in (
            ("new", new),
            ("resolved", c.tickets.resolved),
            ("overdue", c.overdue),
            ("pending", c.flags_pending),
            ("good", good),
            ("rated", rated),
        ):
            sums[key] += value
    lines += [
        "",
        texts.STREET_DIGEST_TOTAL.format(
            n=len(lines_of),
            new=sums["new"],
            resolved=sums["resolved"],
            overdue=sums["overdue"],
            satisfied=_share(sums["good"], sums["rated"]),
            pending=sums["pending"],
        ),
    ]
    return truncate("\n".join(lines), MAX_TEXT)


def _satisfied(figures: TicketFigures) -> tuple[int, int]:
    """(满意 ratings, all ratings)."""
    return figures.ratings.get("satisfied", 0), sum(figures.ratings.values())


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "—"
