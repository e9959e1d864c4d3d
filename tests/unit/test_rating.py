"""三维四色: the dimensions, the score and the colour from a party's figures."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.community import Rating
from bot.services.digest.rating import assess, colour_of, rating_line
from storage.models import PartyFigures

ZONE = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=ZONE)
NOW = datetime(2026, 12, 14, 9, 0, tzinfo=ZONE)


def figures(**given: object) -> PartyFigures:
    values: dict[str, object] = {
        "complaints": 0,
        "accepts": [],
        "finished": 0,
        "finished_on_time": 0,
        "ratings": {},
    }
    values.update(given)
    return PartyFigures.model_validate(values)


def test_no_data_is_no_score_and_says_so() -> None:
    a = assess(figures(), households=None, days=30, now=NOW, zone=ZONE, rules=Rating())
    assert a.score is None and a.colour is None
    assert rating_line("东一居民区", a) == "⚪ 东一居民区 暂无数据"


def test_a_busy_month_done_well_is_green_and_a_bad_one_red() -> None:
    good = figures(
        complaints=6,
        accepts=[(MONDAY, MONDAY + timedelta(hours=2))] * 6,  # all within a working day
        finished=6,
        finished_on_time=6,
        ratings={"satisfied": 5, "fair": 1},
    )
    a = assess(good, households=600, days=30, now=NOW, zone=ZONE, rules=Rating())
    # 1 complaint per 100 households: 90; responsive 100; satisfied (5 + 0.5) / 6 = 91.7
    assert a.complaint_rate == pytest.approx(1.0)
    assert a.responsive == pytest.approx(100.0) and a.satisfied == pytest.approx(91.67, 0.01)
    assert a.colour == "green" and a.score == pytest.approx(93.9, 0.01)
    assert rating_line("东一居民区", a).startswith("🟢绿 东一居民区 94 分 · 投诉 1.0 件/百户·月")
    bad = figures(
        complaints=60,
        accepts=[(MONDAY, None)] * 60,  # nobody accepted them
        finished=10,
        finished_on_time=2,
        ratings={"unsatisfied": 8, "fair": 2},
    )
    b = assess(bad, households=600, days=30, now=NOW, zone=ZONE, rules=Rating())
    assert b.complaint_rate == pytest.approx(10.0) and b.colour == "red"


def test_a_complaint_filed_today_is_not_late_yet() -> None:
    fresh = figures(complaints=1, accepts=[(NOW - timedelta(hours=1), None)])
    a = assess(fresh, households=None, days=30, now=NOW, zone=ZONE, rules=Rating())
    assert a.responsive is None and a.score is None  # nothing to judge it by yet
    friday = datetime(2026, 12, 11, 17, 0, tzinfo=ZONE)  # due Monday 17:00, accepted Monday
    late = figures(complaints=1, accepts=[(friday, datetime(2026, 12, 14, 10, 0, tzinfo=ZONE))])
    on_time = assess(late, households=None, days=30, now=NOW, zone=ZONE, rules=Rating())
    assert on_time.responsive == pytest.approx(100.0)


def test_thresholds_come_from_the_rules_and_must_descend() -> None:
    strict = Rating(green=95, blue=90, yellow=85)
    assert [colour_of(s, strict) for s in (96, 92, 86, 50)] == ["green", "blue", "yellow", "red"]
    with pytest.raises(ValidationError):
        Rating(green=80, blue=90, yellow=70)


def test_a_community_without_any_ticket_is_not_rated_best() -> None:
    a = assess(figures(), households=800, days=30, now=NOW, zone=ZONE, rules=Rating())
    assert a.score is None and a.colour is None
