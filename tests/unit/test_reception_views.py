"""Reception days as residents and staff read them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.schedule import Occurrence
from bot.services.reception.views import (
    Upcoming,
    cancelled_text,
    reminder_text,
    rule_line,
    upcoming_text,
)
from storage.models import ReceptionRule

RULE = ReceptionRule.model_validate(
    {
        "id": 1,
        "schedule": "每月1日",
        "starts": "09:00",
        "ends": "11:00",
        "place": "居委会<一楼>",
        "title": "联合接待日",
        "audience": "residents",
        "holiday_policy": "shift",
        "created_by": 1,
        "created_at": datetime(2026, 12, 1, tzinfo=UTC),
        "deleted_at": None,
    }
)
MOVED = Upcoming(RULE, Occurrence(date(2027, 1, 4), moved_from=date(2027, 1, 1), holiday="元旦"))


def test_a_moved_date_says_why_and_the_place_is_escaped() -> None:
    text = upcoming_text([MOVED])
    assert "1月4日 星期一 09:00-11:00" in text and "（原定1月1日，因元旦顺延）" in text
    assert "居委会&lt;一楼&gt;" in text


def test_reminders_say_when_and_who_will_be_there() -> None:
    evening = reminder_text(MOVED, "evening", 60)
    assert "明天（1月4日 星期一）09:00-11:00" in evening and "物业的工作人员都在" in evening
    assert reminder_text(MOVED, "before", 60).startswith("⏰ 一小时后开始")
    assert reminder_text(MOVED, "before", 90).startswith("⏰ 90分钟后开始")
    assert reminder_text(MOVED, "before", 120).startswith("⏰ 2小时后开始")


def test_a_rule_reads_as_staff_wrote_it() -> None:
    assert rule_line(RULE) == "每月1日 09:00-11:00 联合接待日 · 居委会&lt;一楼&gt;"
    assert upcoming_text([]) == "最近没有安排接待日。"


def test_the_next_joint_reception_comes_first_among_other_events() -> None:
    dance = RULE.model_copy(update={"id": 2, "title": "广场舞", "schedule": "每周二"})
    soon = Upcoming(dance, Occurrence(date(2026, 12, 1)))
    joint = Upcoming(
        RULE.model_copy(update={"title": "联合接待日"}), Occurrence(date(2026, 12, 15))
    )
    text = upcoming_text([soon, joint], more=2)
    lines = text.splitlines()
    assert lines[0].startswith("下一次联合接待日：12月15日 星期二")
    assert lines[1] == "其他安排：" and "广场舞" in lines[2] and lines[3] == "……还有 2 项安排"


def test_a_cancelled_date_says_which_and_when_next() -> None:
    text = cancelled_text(MOVED, "2月1日 星期一 09:00-11:00")
    assert "原定1月4日 星期一 09:00-11:00的<b>联合接待日</b>（居委会&lt;一楼&gt;）取消了" in text
    assert text.endswith("下一次：2月1日 星期一 09:00-11:00")


def test_a_weekly_rules_holiday_handling_is_shown_when_it_moves() -> None:
    weekly = RULE.model_copy(update={"schedule": "每周一"})
    assert rule_line(weekly).endswith("（遇节假日顺延）")
    skipping = weekly.model_copy(update={"holiday_policy": "skip"})
    assert rule_line(skipping).endswith("（遇节假日取消）")
