"""What people read beside the charts: the report's caption and /rating. Pure: figures in, HTML
text out (every name escaped; a caption within Telegram's 1024 characters)."""

from __future__ import annotations

from bot import texts as shared
from bot.community import Rating
from bot.services.digest.rating import Assessment, rating_line
from bot.services.messaging import html, truncate
from bot.services.report import texts
from bot.services.report.figures import MonthFigures, Rated, ReportFacts, trend

MAX_CAPTION = 1024


def month_label(facts: ReportFacts) -> str:
    m = facts.month
    if facts.so_far:
        return texts.MONTH_SO_FAR.format(year=m.year, month=m.month, day=facts.now.day)
    return texts.MONTH.format(year=m.year, month=m.month)


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.0f}%"


def trend_text(rated: Rated) -> str:
    delta = trend(rated)
    if delta is None:
        return ""
    if delta >= 0.5:
        return texts.RATING_TREND_UP.format(delta=f"{delta:.0f}")
    if delta <= -0.5:
        return texts.RATING_TREND_DOWN.format(delta=f"{-delta:.0f}")
    return texts.RATING_TREND_SAME


def _rated_name(facts: ReportFacts, rated: Rated) -> str:
    if facts.several:
        return facts.communities.get(rated.community, rated.community)
    return shared.PARTY[rated.party]


def _line(name: str, a: Assessment) -> str:
    line = rating_line(name, a)
    if a.inspection is not None and a.score is not None:
        line += texts.RATING_INSPECTION.format(score=f"{a.inspection:g}")
    return line


def caption(facts: ReportFacts, figures: MonthFigures, *, charts: bool) -> str:
    """The first image's caption (or the message, when there are no charts)."""
    month = month_label(facts)
    if facts.party:
        title = texts.CAPTION_TITLE_PARTY.format(
            name=html(facts.title), party=shared.PARTY[facts.party], month=month
        )
    else:
        title = texts.CAPTION_TITLE.format(name=html(facts.title), month=month)
    lines = [title]
    if figures.total:
        lines.append(
            texts.CAPTION_TICKETS.format(
                total=figures.total,
                complaints=figures.complaints,
                wishes=figures.wishes,
                done=figures.done,
            )
        )
        lines.append(
            texts.CAPTION_QUALITY.format(
                on_time=_percent(figures.on_time), satisfied=_percent(figures.satisfied)
            )
        )
    else:
        lines.append(texts.CAPTION_NONE)
    if figures.volunteers:
        claims = figures.wish_claims
        line = texts.CAPTION_WISH_CLAIMS.format(**claims)
        if claims.get("unclaimed"):
            line += texts.CAPTION_WISH_UNCLAIMED.format(**claims)
        lines.append(line)
    property_ratings = [r for r in facts.ratings if r.party == "property"]
    for r in property_ratings[:8]:  # the street office's: one line per community
        lines.append(_line(_rated_name(facts, r), r.now) + html(trend_text(r)))
    flagged = sum(sum(kind.values()) for kind in figures.flags.values())
    if flagged and not facts.party:
        lines.append(
            texts.CAPTION_FLAGS.format(
                flagged=flagged,
                confirmed=sum(k.get("confirmed", 0) for k in figures.flags.values()),
                dismissed=sum(k.get("dismissed", 0) for k in figures.flags.values()),
            )
        )
    if not charts:
        lines.append(texts.CAPTION_NO_FONT)
    return truncate("\n".join(lines), MAX_CAPTION)


def rating_text(facts: ReportFacts, rules: Rating) -> str:
    """/rating: each party's 三维四色 this month (per community for the street office), with
    the change since last month."""
    lines = [texts.RATING_TITLE.format(name=html(facts.title), month=month_label(facts))]
    for r in facts.ratings:
        name = _rated_name(facts, r)
        if facts.several:
            name = f"{name} · {shared.PARTY[r.party]}"
        lines.append(_line(name, r.now) + html(trend_text(r)))
    if not facts.several and not facts.party and not facts.inspections:
        lines.append(texts.RATING_NO_INSPECTION)
    lines.append(
        texts.RATING_EXPLAIN.format(
            green=f"{rules.green:g}", blue=f"{rules.blue:g}", yellow=f"{rules.yellow:g}"
        )
    )
    return truncate("\n".join(lines), 4096)
