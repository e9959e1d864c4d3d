"""What moderators and the committee see of screening: review cards and their buttons, the
committee's copy (without the author), and /modstats. Pure functions: no database, no Telegram."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import texts
from bot.buttons import Keyboard, ReviewButton
from bot.services.messaging import html, local_time, shorten
from storage.models import Flag, FlagFigures, KnownText

CARD_TEXT_LIMIT = 300  # UTF-16 units of the post quoted on a card


def review_card(
    flag: Flag,
    *,
    group: str,
    zone: ZoneInfo,
    note: str = "",
    for_committee: bool = False,
    others: tuple[str, ...] = (),
    nearest: KnownText | None = None,
) -> str:
    """The review card; the committee's copy (需核实) does not name the author. `others`: the
    groups of further posts of the same text (one decision acts on all; a rumour's own pieces
    are counted apart); `nearest`: the confirmed rumour the post resembles without repeating
    it."""
    group = html(group)
    words = (
        texts.PIECES_SEPARATOR.join(" ".join(t.split()) for _, t in flag.pieces)
        if flag.pieces
        else flag.text
    )
    reasons, text = "、".join(flag.reasons), html(shorten(words, CARD_TEXT_LIMIT))
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
    if flag.edited_text is not None:
        card += texts.REVIEW_EDITED.format(text=html(shorten(flag.edited_text, CARD_TEXT_LIMIT)))
    if flag.pieces:
        card += (
            texts.REVIEW_PIECES.format(n=len(flag.pieces))
            if len(flag.pieces) > 1
            else texts.REVIEW_PIECES_ONE
        )
    if others:
        names = "、".join(html(shorten(g, 20)) for g in dict.fromkeys(others))
        card += texts.REVIEW_ALSO.format(n=len(others), groups=shorten(names, 200))
    if nearest is not None:
        card += texts.REVIEW_NEAREST.format(
            k=nearest.id,
            text=html(shorten(nearest.text, 80)),
            clarification=texts.REVIEW_NEAREST_CLARIFICATION.format(
                text=html(shorten(nearest.clarification, 120))
            )
            if nearest.clarification
            else "",
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


def review_buttons(flag: Flag, *, with_check: bool = True, undo: bool = False) -> Keyboard:
    """确认谣言 (or 确认广告) · 误报/放行 · 需核实; once confirmed, 撤销确认 (for a few
    minutes: the press checks the time); none once dismissed."""
    if flag.status == "confirmed" and undo:
        return [[(texts.BTN_UNDO, ReviewButton("undo", flag.id))]]
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
