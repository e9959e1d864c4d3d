"""Reception days and meetings: the rules the committee writes, and when they fall.

A rule is written the way people say it: 每月15日, 每月第一个周六 (第二…第四, 最后一个), 每周一 (or
每周一三五), or one date 2026-12-20. A date on a statutory holiday moves to the next working day,
is skipped, or is kept, as the rule says (bot/workdays.py knows the holidays). A weekly date
never moves past the rule's next date: weekly meetings around National Day do not pile up on
one day. Pure functions: no Telegram, no database.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Literal

from bot import workdays

WEEKDAYS = "一二三四五六日"
ORDINALS = {"第一": 1, "第二": 2, "第三": 3, "第四": 4, "最后一": -1}
HolidayPolicy = Literal["shift", "skip", "keep"]
Kind = Literal["monthly_day", "monthly_nth", "weekly", "once"]

_MONTHLY_DAY = re.compile(r"^每月(\d{1,2})[日号]$")
_MONTHLY_NTH = re.compile(r"^每月(第一|第二|第三|第四|最后一)个(?:周|星期)([一二三四五六日天])$")
_WEEKLY = re.compile(r"^每(?:周|星期)([一二三四五六日天]+)$")
_ONCE = re.compile(r"^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?$")
_TIMES = re.compile(r"^(\d{1,2})[:：](\d{2})[-~－—至到](\d{1,2})[:：](\d{2})$")


_QUOTES = {'"': '"', "“": "”", "”": "”", "「": "」", "『": "』", "'": "'", "‘": "’"}


def split_words(text: str) -> list[str]:
    """The words of a command, a quoted part ("居委会 一楼 大厅", “…”, 「…」) being one word
    without its quotes; an unclosed quote runs to the end."""
    words: list[str] = []
    word: list[str] = []
    closing: str | None = None
    quoted = False
    for char in text:
        if closing is not None:
            if char == closing:
                closing = None
            else:
                word.append(char)
        elif char in _QUOTES and not word:
            closing, quoted = _QUOTES[char], True
        elif char.isspace():
            if word or quoted:
                words.append("".join(word).strip())
            word, quoted = [], False
        else:
            word.append(char)
    if word or quoted:
        words.append("".join(word).strip())
    return [w for w in words if w]


class RuleError(ValueError):
    """The rule is not one of the accepted forms."""


@dataclass(frozen=True)
class Schedule:
    kind: Kind
    day: int = 0  # monthly_day: 1-31
    nth: int = 0  # monthly_nth: 1-4 or -1 (last)
    weekdays: tuple[int, ...] = ()  # 0 = Monday
    on: date | None = None  # once

    @property
    def text(self) -> str:
        if self.kind == "monthly_day":
            return f"每月{self.day}日"
        if self.kind == "monthly_nth":
            ordinal = next(k for k, v in ORDINALS.items() if v == self.nth)
            return f"每月{ordinal}个周{WEEKDAYS[self.weekdays[0]]}"
        if self.kind == "weekly":
            return "每周" + "".join(WEEKDAYS[d] for d in self.weekdays)
        assert self.on is not None
        return self.on.isoformat()


def _weekday(char: str) -> int:
    return 6 if char in "日天" else WEEKDAYS.index(char)


def parse_schedule(text: str) -> Schedule:
    text = text.strip()
    if m := _MONTHLY_DAY.match(text):
        day = int(m.group(1))
        if not 1 <= day <= 31:
            raise RuleError(text)
        return Schedule("monthly_day", day=day)
    if m := _MONTHLY_NTH.match(text):
        return Schedule("monthly_nth", nth=ORDINALS[m.group(1)], weekdays=(_weekday(m.group(2)),))
    if m := _WEEKLY.match(text):
        days = tuple(sorted({_weekday(c) for c in m.group(1)}))
        return Schedule("weekly", weekdays=days)
    if m := _ONCE.match(text):
        try:
            return Schedule("once", on=date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError as exc:
            raise RuleError(text) from exc
    raise RuleError(text)


def parse_times(text: str) -> tuple[time, time]:
    m = _TIMES.match(text.strip())
    if not m:
        raise RuleError(text)
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h2, m2) <= (h1, m1):
        raise RuleError(text)
    return time(h1, m1), time(h2, m2)


def _nominal_dates(schedule: Schedule, start: date, end: date) -> list[date]:
    """The dates the schedule names in [start, end], before any holiday policy."""
    if schedule.kind == "once":
        assert schedule.on is not None
        return [schedule.on] if start <= schedule.on <= end else []
    if schedule.kind == "weekly":
        out, day = [], start
        while day <= end:
            if day.weekday() in schedule.weekdays:
                out.append(day)
            day += timedelta(days=1)
        return out
    out = []
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        days_in_month = calendar.monthrange(year, month)[1]
        candidate: date | None = None
        if schedule.kind == "monthly_day":
            if schedule.day <= days_in_month:
                candidate = date(year, month, schedule.day)
        else:
            weekday = schedule.weekdays[0]
            matching = [
                date(year, month, d)
                for d in range(1, days_in_month + 1)
                if date(year, month, d).weekday() == weekday
            ]
            index = schedule.nth - 1 if schedule.nth > 0 else -1
            candidate = matching[index]
        if candidate and start <= candidate <= end:
            out.append(candidate)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


@dataclass(frozen=True)
class Occurrence:
    day: date
    moved_from: date | None = None  # the nominal date, when a holiday moved it
    holiday: str | None = None  # that holiday's Chinese name


def holiday_zh(day: date, calendar: workdays.Calendar | None = None) -> str | None:
    return workdays.holiday_name(day, calendar)


def occurrences(
    schedule: Schedule,
    policy: HolidayPolicy,
    start: date,
    end: date,
    calendar: workdays.Calendar | None = None,
) -> list[Occurrence]:
    """When the rule really falls between start and end, holidays applied."""
    out: list[Occurrence] = []
    # A date moved forward may come from a little before `start`; a weekly one is looked at
    # with the date after it, which it may not pass.
    nominals = _nominal_dates(schedule, start - timedelta(days=14), end + timedelta(days=7))
    for nominal, following in zip(nominals, [*nominals[1:], None], strict=True):
        if nominal > end:
            break
        holiday = holiday_zh(nominal, calendar)
        if holiday is None or policy == "keep":
            occurrence = Occurrence(nominal)
        elif policy == "skip":
            continue
        else:
            day = nominal + timedelta(days=1)
            while not workdays.is_workday(day, calendar):
                day += timedelta(days=1)
            if schedule.kind == "weekly" and following is not None and day >= following:
                continue  # that week's meeting is cancelled, not piled onto the next one
            occurrence = Occurrence(day, moved_from=nominal, holiday=holiday)
        # Dates of a monthly rule cannot collide; two of a weekly rule moved onto one day of
        # the same week meet once.
        if start <= occurrence.day <= end and all(o.day != occurrence.day for o in out):
            out.append(occurrence)
    return out
