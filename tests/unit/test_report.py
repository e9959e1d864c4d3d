"""The monthly report's pure parts: months, figures, the caption, the workbook, the charts (when
a CJK font is there), the inspection command's words, and when the monthly report is due."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.community import CommunityRules, Rating, load_communities
from bot.services.digest.rating import Assessment, assess
from bot.services.report import charts, views, workbook
from bot.services.report.figures import (
    Month,
    Rated,
    ReportFacts,
    month_figures,
    top_categories,
    weeks_of,
)
from bot.services.report.service import ReportService, inspection_args
from storage.models import PartyFigures
from storage.reports import FlagCount, ReportTicket

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZONE)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZONE).astimezone(UTC)


def ticket(
    number: int, *, kind: str = "complaint", party: str = "property", **kw: object
) -> ReportTicket:
    created = kw.pop("created", local(2026, 11, 3, 10, 0))
    assert isinstance(created, datetime)
    values: dict[str, object] = {
        "id": number,
        "community": "default",
        "kind": kind,
        "category": "微心愿" if kind == "wish" else "电梯",
        "party": party,
        "status": "new",
        "reporter_name": "王阿姨",
        "created_at": created,
        "accepted_at": None,
        "done_at": None,
        "due_at": created + timedelta(days=2),
        "rating": None,
    }
    values.update(kw)
    return ReportTicket(**values)  # type: ignore[arg-type]


EMPTY = Assessment(None, None, None, None, None)


def facts(tickets: list[ReportTicket], **kw: object) -> ReportFacts:
    values: dict[str, object] = {
        "month": Month(2026, 11),
        "now": NOW,
        "title": "西二居民区",
        "communities": {"default": "西二居民区"},
        "tickets": tickets,
        "flags": [("default", FlagCount("rumour", "confirmed", 3))],
        "ratings": [Rated("default", "property", EMPTY, EMPTY)],
    }
    values.update(kw)
    return ReportFacts(**values)  # type: ignore[arg-type]


def test_a_month_is_written_yyyy_mm_and_knows_its_bounds() -> None:
    assert Month.parse("2026-11") == Month(2026, 11) and Month.parse("2026-1") == Month(2026, 1)
    assert Month.parse("2026-13") is None and Month.parse("十一月") is None
    assert Month(2026, 1).previous() == Month(2025, 12) and Month(2026, 12).next() == Month(2027, 1)
    start, end = Month(2026, 11).bounds(ZONE)
    assert start.isoformat() == "2026-11-01T00:00:00+08:00" and (end - start).days == 30


def test_weeks_run_monday_to_sunday_cut_at_the_months_ends() -> None:
    weeks = weeks_of(Month(2026, 11), ZONE)  # 1 November 2026 is a Sunday
    assert weeks[0] == (date(2026, 11, 1), date(2026, 11, 1))
    assert weeks[1] == (date(2026, 11, 2), date(2026, 11, 8))
    assert weeks[-1] == (date(2026, 11, 30), date(2026, 11, 30))


def test_figures_count_kinds_weeks_and_time_to_accept_and_finish() -> None:
    created = local(2026, 11, 3, 10, 0)
    f = month_figures(
        facts(
            [
                ticket(
                    1,
                    accepted_at=created + timedelta(hours=2),
                    done_at=created + timedelta(days=1),
                    status="rated",
                    rating="satisfied",
                ),
                ticket(2, done_at=created + timedelta(days=3), status="done"),  # late
                ticket(3, kind="wish", party="residents", created=local(2026, 11, 20, 9, 0)),
            ]
        ),
        ZONE,
    )
    assert (f.total, f.complaints, f.wishes, f.done) == (3, 2, 1, 2)
    assert f.weeks[1] == ("11/2–8", 2, 0) and f.weeks[3] == ("11/16–22", 0, 1)
    prop = next(p for p in f.parties if p.party == "property")
    assert prop.on_time == 0.5 and prop.accept_hours == 2.0 and prop.finish_days == 2.0
    assert f.flags == {"rumour": {"confirmed": 3, "dismissed": 0, "pending": 0}}
    assert f.satisfied == 1.0


def test_the_rest_of_many_categories_is_one_bar() -> None:
    many = [(f"类{i}", 20 - i) for i in range(12)]
    shown = top_categories(many, "其余类别")
    assert len(shown) == 9 and shown[-1] == ("其余类别", sum(20 - i for i in range(8, 12)))


def test_the_caption_fits_and_says_when_there_is_no_font() -> None:
    f = facts([ticket(1)])
    text = views.caption(f, month_figures(f, ZONE), charts=False)
    assert "民情月报" in text and "2026年11月" in text and "中文字体" in text
    assert len(text) <= 1024


def test_inspection_joins_the_score_as_a_fourth_dimension() -> None:
    figures = PartyFigures(complaints=0, accepts=[], finished=1, finished_on_time=1, ratings={})
    rules = Rating()
    without = assess(figures, households=None, days=30, now=NOW, zone=ZONE, rules=rules)
    with_score = assess(
        figures, households=None, days=30, now=NOW, zone=ZONE, rules=rules, inspection=60
    )
    assert without.score == 100 and with_score.score == 80 and with_score.inspection == 60


def test_the_workbook_holds_the_tickets_with_dates_and_names_only_where_allowed() -> None:
    f = facts([ticket(7), ticket(8, kind="wish", party="residents")])
    data = workbook.build(f, month_figures(f, ZONE), ZONE)
    book = load_workbook(io.BytesIO(data))
    sheet = book["工单"]
    header = [c.value for c in sheet[1]]
    assert "提交人" not in header and sheet.freeze_panes == "A2"
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [7, 8]
    assert sheet.cell(row=2, column=header.index("提交时间") + 1).value == datetime(
        2026, 11, 3, 10, 0
    )
    named = facts([ticket(7)], reporter_names=frozenset({"default"}))
    book = load_workbook(io.BytesIO(workbook.build(named, month_figures(named, ZONE), ZONE)))
    header = [c.value for c in book["工单"][1]]
    assert book["工单"].cell(row=2, column=header.index("提交人") + 1).value == "王阿姨"
    assert book["舆情审核"].cell(row=2, column=4).value == 3


def test_the_workbook_gives_the_building_of_a_registered_reporter() -> None:
    f = facts([ticket(7, building="3"), ticket(8), ticket(9, building="A")])
    sheet = load_workbook(io.BytesIO(workbook.build(f, month_figures(f, ZONE), ZONE)))["工单"]
    header = [c.value for c in sheet[1]]
    column = header.index("楼栋")
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[column] for r in rows] == ["3号楼", None, "A栋"]


def test_wishes_claimed_by_volunteers_are_counted_apart_from_staffs() -> None:
    wishes = [
        ticket(1, kind="wish", party="residents", status="rated", by_volunteer=True),
        ticket(2, kind="wish", party="residents", status="in_progress", by_volunteer=True),
        ticket(3, kind="wish", party="residents", status="done"),
        ticket(4, kind="wish", party="residents"),  # 待认领
        ticket(5, kind="wish", party="residents", status="rejected"),
        ticket(6, status="done"),  # a complaint is no wish
    ]
    f = facts(wishes)
    figures = month_figures(f, ZONE)
    assert figures.wish_claims == {"staff": 1, "volunteer": 2, "unclaimed": 1}
    assert figures.volunteers
    text = views.caption(f, figures, charts=True)
    assert "微心愿认领：工作人员 1 件 · 志愿者 2 件 · 待认领 1 件" in text
    # Without a volunteer's claim, no such line (and no such chart).
    staff_only = facts([ticket(3, kind="wish", party="residents", status="done")])
    plain = month_figures(staff_only, ZONE)
    assert not plain.volunteers and "微心愿认领" not in views.caption(
        staff_only, plain, charts=True
    )


@pytest.mark.skipif(charts.cjk_font() is None, reason="no CJK font on this machine")
def test_the_charts_are_two_portrait_pngs() -> None:
    f = facts([ticket(1), ticket(2, kind="wish", party="residents")])
    font = charts.cjk_font()
    assert font is not None
    images = charts.render(f, month_figures(f, ZONE), font)
    assert len(images) == 2 and all(i[:8] == b"\x89PNG\r\n\x1a\n" for i in images)
    # A volunteer's claim adds the panel of who claims wishes: the first image grows taller.
    helped = facts(
        [ticket(1), ticket(2, kind="wish", party="residents", status="done", by_volunteer=True)]
    )
    taller = charts.render(helped, month_figures(helped, ZONE), font)
    assert png_height(taller[0]) > png_height(images[0]) == png_height(taller[1])


def png_height(data: bytes) -> int:
    return int.from_bytes(data[20:24], "big")


def test_inspection_takes_a_score_and_optionally_a_month_and_a_community() -> None:
    codes = ["default", "dongyi"]
    assert inspection_args(["92"], codes) == (None, None, 92.0)
    assert inspection_args(["dongyi", "2026-11", "88.5分"], codes) == (
        "dongyi",
        Month(2026, 11),
        88.5,
    )
    assert inspection_args(["101"], codes) is None
    assert inspection_args(["九十"], codes) is None
    assert inspection_args([], codes) is None


def test_the_monthly_report_is_due_from_the_first_working_day_at_digest_time() -> None:
    service = ReportService.__new__(ReportService)
    service._zone, service._at = ZONE, time(8, 0)
    # 1-7 October 2026 are 国庆节: the first working day is Thursday 8 October.
    assert not service.due(datetime(2026, 10, 7, 12, 0, tzinfo=ZONE))
    assert not service.due(datetime(2026, 10, 8, 7, 59, tzinfo=ZONE))
    assert service.due(datetime(2026, 10, 8, 8, 0, tzinfo=ZONE))
    assert service.due(datetime(2026, 12, 1, 8, 0, tzinfo=ZONE))  # a Tuesday


def test_reporter_names_are_allowed_per_community_by_the_export_section(tmp_path: Path) -> None:
    path = tmp_path / "community.toml"
    path.write_text(
        '[export]\nreporter_names = true\n\n[[communities]]\ncode = "dongyi"\nname = "东一"\n'
        "committee_chat = -5\n\n[communities.export]\nreporter_names = false\n\n"
        '[[communities]]\ncode = "nanyi"\nname = "南一"\ncommittee_chat = -6\n',
        encoding="utf-8",
    )
    found = load_communities(path, committee_chat_id=-1, moderator_chat_id=-2)
    service = ReportService(
        None,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        zone=ZONE,
        digest_time=time(8, 0),
        rules={c.code: c.rules for c in found},
    )
    assert service._reporter_names == {"default", "nanyi"}
    assert not CommunityRules.defaults().export.reporter_names
