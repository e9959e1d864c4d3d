"""Working days in mainland China: 法定节假日 are off and 调休 weekends are on (chinese-calendar).

chinese-calendar knows a year only once the State Council has published its holidays; for a
year it does not know yet, Monday to Friday count (and the log says so once).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

log = logging.getLogger(__name__)
_warned: set[int] = set()


def is_workday(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if day.year not in _warned:
            _warned.add(day.year)
            log.warning(
                "no holiday data for %d yet: counting Monday-Friday as working days "
                "(upgrade chinesecalendar when it is published)",
                day.year,
            )
        return day.weekday() < 5


def holiday_name(day: date) -> str | None:
    """The holiday's English name from chinese-calendar, if `day` is a statutory holiday."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return name if on_holiday and name else None


def add_working_days(moment: datetime, days: int, zone: ZoneInfo) -> datetime:
    """The same time of day `days` working days after `moment` (local dates in `zone`)."""
    local = moment.astimezone(zone)
    day = local.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_workday(day):
            counted += 1
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=zone)
