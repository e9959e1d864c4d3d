"""What moderators and the committee see of screening: review cards and their buttons, the
committee's copy (without the author), and /modstats. Pure functions: no database, no Telegram."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import texts
from bot.buttons import Keyboard, ReviewButton
from bot.services.messaging import html, local_time, shorten
from storage.models import Flag, FlagFigures

CARD_TEXT_LIMIT = 300  # UTF-16 units of the post quoted on a card


def review_card(
    flag: Flag, *, group: str, zone: ZoneInfo, note: str = "", for_committee: bool = False
) -> str:
    """The review card; the committee's copy (需核实) does not name the author."""
    group = html(group)
    reasons, text = "、".join(flag.reasons), html(shorten(flag.text, CARD_TEXT_LIMIT))
    if for_committee:
        card = texts.CHECK_CARD.format(n=flag.id, group=group, reasons=reasons, text=text)
    else:
        card = texts.REVIEW_CARD.format(
            title=texts.REVIEW_TITLE[flag.kind].format(n=flag.id),
            group=group,
            author=html(flag.author_name),
            score=round(flag.score * 100),
            reasons=reasons,
            text=text,
        )
    if flag.status == "open":
        return card + texts.REVIEW_PENDING
    assert flag.decided_at is not None
    decided = texts.REVIEW_DECIDED[flag.status].format(
        who=html(flag.decided_by_name or ""),
        when=local_time(flag.decided_at, zone),
        what=texts.REVIEW_WHAT[flag.kind],
    )
    return card + decided + note


def review_buttons(flag: Flag, *, with_check: bool = True) -> Keyboard:
    """确认谣言 (or 确认广告) · 误报/放行 · 需核实; none once decided."""
    if flag.is_decided:
        return []
    row = [
        (texts.BTN_CONFIRM[flag.kind], ReviewButton("confirm", flag.id)),
        (texts.BTN_DISMISS, ReviewButton("dismiss", flag.id)),
    ]
    if with_check:
        row.append((texts.BTN_CHECK, ReviewButton("check", flag.id)))
    return [row]


def modstats(week: FlagFigures, month: FlagFigures) -> str:
    def precision(figures: FlagFigures) -> str:
        share = figures.precision
        return f"{share:.0%}" if share is not None else texts.MODSTATS_NO_DECISIONS

    return texts.MODSTATS.format(
        flagged7=week.flagged,
        confirmed7=week.confirmed,
        dismissed7=week.dismissed,
        hits7=week.known_hits,
        precision7=precision(week),
        flagged30=month.flagged,
        confirmed30=month.confirmed,
        dismissed30=month.dismissed,
        hits30=month.known_hits,
        precision30=precision(month),
        pending=month.pending,
    )
