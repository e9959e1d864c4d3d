"""三维四色: how a party (the property company first) is doing in a community, as a score and a
colour. Pure: the figures in, the assessment out (the thresholds are the rules file's
`[rating]`, the household count its `[households]`).

Dimensions, each 0-100: the complaint rate (complaints per 100 households a month: 100 at none,
0 at `worst_complaint_rate` or more), responsiveness (the share accepted within one working
day of filing, and the share finished by the due time), satisfaction (满意 whole, 基本满意
half), and the month's inspection score when staff entered one (`/inspection 92`, the monthly
report and `/rating`). The score is the mean of the dimensions there is data for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from statistics import mean
from zoneinfo import ZoneInfo

from bot import texts
from bot.community import Rating
from bot.services.messaging import html
from bot.workdays import Calendar, add_working_days
from storage.models import PartyFigures

COLOURS = ("green", "blue", "yellow", "red")


@dataclass(frozen=True)
class Assessment:
    complaint_rate: float | None  # per 100 households a month; None without a household count
    responsive: float | None  # 0-100
    satisfied: float | None  # 0-100
    score: float | None  # None: no data at all
    colour: str | None  # one of COLOURS
    inspection: float | None = None  # 0-100, as staff entered it


def assess(
    figures: PartyFigures,
    *,
    households: int | None,
    days: float,
    now: datetime,
    zone: ZoneInfo,
    rules: Rating,
    inspection: float | None = None,
    calendar: Calendar | None = None,
) -> Assessment:
    dims: list[float] = []
    rate = None
    if not (figures.accepts or figures.finished or figures.ratings):
        # Nothing filed, finished or rated: a community that does not use the bot yet is not
        # the best one.
        return Assessment(None, None, None, None, None)
    if households:
        rate = figures.complaints / households * 100 / max(days / 30, 1 / 30)
        dims.append(100 * max(0.0, 1 - rate / rules.worst_complaint_rate))
    shares: list[float] = []
    due = [
        (add_working_days(created, 1, zone, calendar), accepted)
        for created, accepted in figures.accepts
    ]
    judged = [(deadline, accepted) for deadline, accepted in due if deadline <= now or accepted]
    if judged:
        shares.append(
            sum(1 for deadline, accepted in judged if accepted and accepted <= deadline)
            / len(judged)
        )
    if figures.finished:
        shares.append(figures.finished_on_time / figures.finished)
    responsive = 100 * mean(shares) if shares else None
    if responsive is not None:
        dims.append(responsive)
    rated = sum(figures.ratings.values())
    satisfied = (
        100 * (figures.ratings.get("satisfied", 0) + 0.5 * figures.ratings.get("fair", 0)) / rated
        if rated
        else None
    )
    if satisfied is not None:
        dims.append(satisfied)
    if inspection is not None:
        dims.append(inspection)
    score = mean(dims) if dims else None
    return Assessment(rate, responsive, satisfied, score, colour_of(score, rules), inspection)


def colour_of(score: float | None, rules: Rating) -> str | None:
    if score is None:
        return None
    if score >= rules.green:
        return "green"
    if score >= rules.blue:
        return "blue"
    if score >= rules.yellow:
        return "yellow"
    return "red"


def rating_line(name: str, a: Assessment) -> str:
    """One community's line: "🟢 东一居民区 92 分 · 投诉 1.2 件/百户·月 · 响应 95% · 满意 90%"."""
    if a.score is None or a.colour is None:
        return texts.RATING_LINE_EMPTY.format(name=html(name))
    return texts.RATING_LINE.format(
        mark=texts.COLOUR_MARK[a.colour],
        name=html(name),
        score=f"{a.score:.0f}",
        rate=f"{a.complaint_rate:.1f}" if a.complaint_rate is not None else texts.RATING_NO_COUNT,
        responsive=f"{a.responsive:.0f}%" if a.responsive is not None else "—",
        satisfied=f"{a.satisfied:.0f}%" if a.satisfied is not None else "—",
    )
