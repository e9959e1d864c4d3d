"""Working days in mainland China: 法定节假日 are off and 调休 weekends are on.

Two sources: the holidays the community file lists (`[[holidays]]`, which win) and
chinese-calendar, which knows a year only once the State Council has published it. A year
neither knows counts Monday to Friday; the calendar remembers it in `missing`, so the bot can
tell the committee how to add that year's holidays (bot/services/reception/service.py).

`add_working_days(start, days, zone)` and `is_workday(day)` without a calendar use the one the
bot installed at startup (`install`), the file's holidays included; tests and tools without a
running bot get chinese-calendar alone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

log = logging.getLogger(__name__)

# chinese-calendar's English names, as people read them.
HOLIDAYS_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


@dataclass(frozen=True)
class Holiday:
    """One holiday as the community file gives it: the days off and the 调休 working days."""

    name: str
    off: tuple[date, ...]
    work: tuple[date, ...] = ()


@dataclass
class Calendar:
    """Working days from the file's holidays first, then chinese-calendar, then Mon-Fri."""

    holidays: Iterable[Holiday] = ()
    missing: set[int] = field(default_factory=set)  # years asked about with no holiday data

    def __post_init__(self) -> None:
        self._off: dict[date, str] = {}
        self._work: set[date] = set()
        for holiday in self.holidays:
            for day in holiday.off:
                self._off[day] = holiday.name
            self._work.update(holiday.work)
            self._work.difference_update(holiday.off)
        self._years = {d.year for d in (*self._off, *self._work)}

    def knows(self, year: int) -> bool:
        """Whether the file or chinese-calendar has that year's holidays."""
        if year in self._years:
            return True
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def _unknown(self, day: date) -> None:
        if day.year not in self.missing:
            self.missing.add(day.year)
            log.warning(
                "no holiday data for %d: counting Monday-Friday as working days (add its "
                "[[holidays]] to the community file, or upgrade chinesecalendar)",
                day.year,
            )

    def is_workday(self, day: date) -> bool:
        if day in self._off:
            return False
        if day in self._work:
            return True
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            if day.year not in self._years:
                self._unknown(day)
            return day.weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        """The holiday's Chinese name, if `day` is a statutory holiday (None in a year with no
        data, which `missing` then records)."""
        if day in self._off:
            return self._off[day]
        if day in self._work:
            return None
        try:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            if day.year not in self._years:
                self._unknown(day)
            return None
        return HOLIDAYS_ZH.get(name, name) if on_holiday and name else None

    def add_working_days(self, moment: datetime, days: int, zone: ZoneInfo) -> datetime:
        """The same time of day `days` working days after `moment` (local dates in `zone`)."""
        local = moment.astimezone(zone)
        day = local.date()
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=zone)


class _Installed:
    """The calendar the running bot uses where no calendar is passed (see `install`)."""

    calendar = Calendar()


def install(calendar: Calendar | None) -> None:
    """Make `calendar` the one used without a calendar argument (the bot at startup; None
    restores chinese-calendar alone, as the bot does when it stops)."""
    _Installed.calendar = calendar or Calendar()


def installed() -> Calendar:
    return _Installed.calendar


def is_workday(day: date, calendar: Calendar | None = None) -> bool:
    return (calendar or _Installed.calendar).is_workday(day)


def holiday_name(day: date, calendar: Calendar | None = None) -> str | None:
    """The holiday's Chinese name, if `day` is a statutory holiday."""
    return (calendar or _Installed.calendar).holiday_name(day)


def add_working_days(
    moment: datetime, days: int, zone: ZoneInfo, calendar: Calendar | None = None
) -> datetime:
    """The same time of day `days` working days after `moment` (local dates in `zone`)."""
    return (calendar or _Installed.calendar).add_working_days(moment, days, zone)
