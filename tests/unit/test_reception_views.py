"""Reception days as residents and staff read them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.schedule import Occurrence
from bot.services.reception.views import Upcoming, reminder_text, rule_line, upcoming_text
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
