"""The monthly report's Excel workbook (openpyxl, write-only: a month of a street office is
~10k rows, written as a stream). Sheets 工单, 各方统计, 舆情审核; Chinese headers, the header row
frozen, columns sized, times as real dates in the deployment's time zone (Excel has none).
A ticket's 楼栋 is its reporter's registered home's; the reporter's name is there only where the
community file's [export] reporter_names allows it."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts as shared
from bot.services.households.address import building_label
from bot.services.report import texts
from bot.services.report.figures import MonthFigures, Rated, ReportFacts, is_overdue

DATE_FORMAT = "yyyy-mm-dd hh:mm"
MAX_DOCUMENT = 50 * 1024 * 1024  # Telegram's limit for a document a bot sends


def build(facts: ReportFacts, figures: MonthFigures, zone: ZoneInfo) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    _tickets_sheet(book, facts, zone)
    _parties_sheet(book, facts, figures)
    _moderation_sheet(book, facts)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header(book: Any, sheet: Any, names: list[str], widths: list[float]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    for i, width in enumerate(widths):
        sheet.column_dimensions[_column(i)].width = width
    sheet.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    cells = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cells.append(cell)
    sheet.append(cells)


def _column(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return moment.astimezone(zone).replace(tzinfo=None) if moment is not None else None


def _tickets_sheet(book: Any, facts: ReportFacts, zone: ZoneInfo) -> None:
    from openpyxl.cell import WriteOnlyCell

    sheet = book.create_sheet(texts.SHEET_TICKETS)
    names = facts.reporter_names
    show_reporter = any(c in names for c in facts.communities)
    columns: list[tuple[str, float]] = [("number", 8)]
    if facts.several:
        columns.append(("community", 14))
    columns += [
        ("kind", 11),
        ("category", 11),
        ("party", 9),
        ("status", 10),
        ("created", 17),
        ("accepted", 17),
        ("done", 17),
        ("due", 17),
        ("overdue", 10),
        ("rating", 10),
        ("building", 9),
    ]
    if show_reporter:
        columns.append(("reporter", 12))
    _header(book, sheet, [texts.TICKET_HEADERS[c] for c, _ in columns], [w for _, w in columns])
    now = facts.now
    for t in facts.tickets:
        row: list[Any] = [t.id]
        if facts.several:
            row.append(facts.communities.get(t.community, t.community))
        row += [
            shared.KIND.get(t.kind, t.kind),
            t.category,
            shared.PARTY.get(t.party, t.party),
            texts.STATUS.get((t.kind, t.status), t.status),
        ]
        for moment in (t.created_at, t.accepted_at, t.done_at, t.due_at):
            cell = WriteOnlyCell(sheet, value=_local(moment, zone))
            cell.number_format = DATE_FORMAT
            row.append(cell)
        row += [
            texts.YES if is_overdue(t, now) else texts.NO,
            shared.RATING.get(t.rating, t.rating) if t.rating else None,
            building_label(t.building) if t.building else None,
        ]
        if show_reporter:
            row.append(t.reporter_name if t.community in names else None)
        sheet.append(row)


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _parties_sheet(book: Any, facts: ReportFacts, figures: MonthFigures) -> None:
    from openpyxl.cell import WriteOnlyCell

    sheet = book.create_sheet(texts.SHEET_PARTIES)
    widths = [14, 9, 9, 10, 9, 9, 12, 14, 14, 8, 10, 9, 9, 14, 12, 10, 14, 8]
    _header(book, sheet, list(texts.PARTY_HEADERS), [float(w) for w in widths])
    rated: dict[tuple[str, str], Rated] = {(r.community, r.party): r for r in facts.ratings}
    for line in figures.lines:
        assert line.community is not None
        r = rated.get((line.community, line.party))
        a = r.now if r else None
        cells: list[Any] = [
            facts.communities.get(line.community, line.community),
            shared.PARTY[line.party],
            line.new,
            line.complaints,
            line.wishes,
            line.done,
            _share(line.on_time),
            None if line.accept_hours is None else round(line.accept_hours, 1),
            None if line.finish_days is None else round(line.finish_days, 1),
            line.ratings.get("satisfied", 0),
            line.ratings.get("fair", 0),
            line.ratings.get("unsatisfied", 0),
            _share(line.satisfied),
            None if a is None or a.complaint_rate is None else round(a.complaint_rate, 2),
            None if a is None or a.responsive is None else round(a.responsive / 100, 4),
            None if a is None else a.inspection,
            None if a is None or a.score is None else round(a.score, 1),
            texts.COLOUR_WORD.get(a.colour or "", None) if a else None,
        ]
        row: list[Any] = []
        for i, value in enumerate(cells):
            if i in (6, 12, 14) and value is not None:  # shares as percentages
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "0%"
                row.append(cell)
            else:
                row.append(value)
        sheet.append(row)


def _moderation_sheet(book: Any, facts: ReportFacts) -> None:
    sheet = book.create_sheet(texts.SHEET_MODERATION)
    _header(book, sheet, list(texts.MODERATION_HEADERS), [14, 8, 8, 8, 11, 9, 9])
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for community, count in facts.flags:
        status = "pending" if count.status in ("open", "checking") else count.status
        bucket = counts.setdefault((community, count.kind), {})
        bucket[status] = bucket.get(status, 0) + count.n
    from openpyxl.cell import WriteOnlyCell

    for community in facts.communities:
        for kind in ("rumour", "ad"):
            c = counts.get((community, kind), {})
            confirmed, dismissed = c.get("confirmed", 0), c.get("dismissed", 0)
            decided = confirmed + dismissed
            precision: Any = None
            if decided:
                precision = WriteOnlyCell(sheet, value=round(confirmed / decided, 4))
                precision.number_format = "0%"
            sheet.append(
                [
                    facts.communities[community],
                    texts.FLAG_KIND[kind],
                    sum(c.values()),
                    confirmed,
                    dismissed,
                    c.get("pending", 0),
                    precision,
                ]
            )
