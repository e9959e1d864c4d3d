"""Reception rules as the committee writes them, and when they really fall."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.schedule import RuleError, occurrences, parse_schedule, parse_times, split_words


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("每月15日", "每月15日"),
        ("每月15号", "每月15日"),
        ("每月第一个周六", "每月第一个周六"),
        ("每月最后一个星期五", "每月最后一个周五"),
        ("每周一三五", "每周一三五"),
    ],
)
def test_rules_are_read_the_way_people_write_them(written: str, shown: str) -> None:
    assert parse_schedule(written).text == shown


@pytest.mark.parametrize("written", ["每月32日", "每月第五个周六", "每天", "下周一", ""])
def test_anything_else_is_refused(written: str) -> None:
    with pytest.raises(RuleError):
        parse_schedule(written)


def test_times_accept_the_usual_separators() -> None:
    assert parse_times("09:00-11:00") == (time(9), time(11))
    assert parse_times("9：00至11：30") == (time(9), time(11, 30))
    with pytest.raises(RuleError):
        parse_times("11:00-09:00")


def test_a_date_on_national_day_moves_to_the_next_working_day() -> None:
    [moved] = occurrences(
        parse_schedule("2026-10-01"), "shift", date(2026, 9, 20), date(2026, 10, 20)
    )
    assert moved.day == date(2026, 10, 8) and moved.moved_from == date(2026, 10, 1)
    assert moved.holiday == "国庆节"
    assert (
        occurrences(parse_schedule("2026-10-01"), "skip", date(2026, 9, 20), date(2026, 10, 20))
        == []
    )


def test_a_quoted_place_is_one_word() -> None:
    assert split_words('add 每月15日 09:00-11:00 "居委会 一楼 大厅" 联合接待日') == [
        "add", "每月15日", "09:00-11:00", "居委会 一楼 大厅", "联合接待日",
    ]  # fmt: skip
    assert split_words("edit 1 每周一 14:00-15:00 「会议室 A」")[-1] == "会议室 A"
    assert split_words("  ") == []


def test_a_weekly_meeting_moved_by_a_holiday_never_reaches_the_next_one() -> None:
    rule = parse_schedule("每周一三五")
    moved = occurrences(rule, "shift", date(2026, 9, 28), date(2026, 10, 12))
    assert [o.day.day for o in moved] == [28, 30, 8, 9, 12]
    assert moved[2].moved_from == date(2026, 10, 7)
    kept = occurrences(rule, "skip", date(2026, 9, 28), date(2026, 10, 12))
    assert [o.day.day for o in kept] == [28, 30, 9, 12]
