"""What people read of reception days: the coming dates, a rule as staff wrote it, and the
reminders. Pure functions: no database, no Telegram."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import texts
from bot.schedule import Occurrence
from bot.services.messaging import html, month_day, weekday
from storage.models import ReceptionRule


@dataclass(frozen=True)
class Upcoming:
    rule: ReceptionRule
    occurrence: Occurrence

    @property
    def starts_local(self) -> tuple[date, str]:
        return self.occurrence.day, self.rule.starts


def reminder_text(upcoming: Upcoming, slot: str, minutes_before: int) -> str:
    """The evening-before or shortly-before reminder a group gets."""
    rule, occ = upcoming.rule, upcoming.occurrence
    common = {
        "starts": rule.starts,
        "ends": rule.ends,
        "title": html(rule.title),
        "place": html(rule.place),
        "moved": moved_note(occ),
        "who": texts.REMINDER_WHO_JOINT if "联合接待" in rule.title else "",
    }
    if slot == "evening":
        return texts.REMINDER_EVENING.format(
            date=month_day(occ.day), weekday=weekday(occ.day), **common
        )
    minutes = minutes_before
    if minutes == 60:
        lead = texts.REMINDER_LEAD_HOUR
    elif minutes % 60 == 0:
        lead = texts.REMINDER_LEAD_HOURS.format(hours=minutes // 60)
    else:
        lead = texts.REMINDER_LEAD_MINUTES.format(minutes=minutes)
    return texts.REMINDER_BEFORE.format(lead=lead, **common)


def moved_note(occ: Occurrence) -> str:
    if occ.moved_from is None:
        return ""
    return texts.MOVED_NOTE.format(orig=month_day(occ.moved_from), holiday=occ.holiday)


def when(upcoming: Upcoming) -> str:
    occ, rule = upcoming.occurrence, upcoming.rule
    return texts.UPCOMING_LINE.format(
        date=month_day(occ.day),
        weekday=weekday(occ.day),
        starts=rule.starts,
        ends=rule.ends,
        title=html(rule.title),
        place=html(rule.place),
        moved=moved_note(occ),
    ).removeprefix("· ")


def is_joint(rule: ReceptionRule) -> bool:
    """A joint reception day (联合接待日), the one residents look for among the meetings."""
    return "联合接待" in rule.title


def upcoming_text(upcoming: list[Upcoming], more: int = 0) -> str:
    """The coming dates (each rule's next, by date); the next joint reception day first when
    there are other things too."""
    if not upcoming:
        return texts.UPCOMING_EMPTY
    joint = next((u for u in upcoming if is_joint(u.rule)), None)
    others = [u for u in upcoming if u is not joint]
    if joint is None or not others:
        lines = [texts.UPCOMING_TITLE] + ["· " + when(u) for u in upcoming]
    else:
        lines = [texts.UPCOMING_JOINT.format(line=when(joint)), texts.UPCOMING_OTHERS]
        lines += ["· " + when(u) for u in others]
    if more:
        lines.append(texts.UPCOMING_MORE.format(n=more))
    return "\n".join(lines)


def cancelled_text(upcoming: Upcoming, next_line: str | None) -> str:
    """What the groups reminded of a date hear when it is cancelled (or moved)."""
    rule, day = upcoming.rule, upcoming.occurrence.day
    return texts.RECEPTION_CANCELLED.format(
        date=month_day(day),
        weekday=weekday(day),
        starts=rule.starts,
        ends=rule.ends,
        title=html(rule.title),
        place=html(rule.place),
        next=texts.RECEPTION_CANCELLED_NEXT.format(line=next_line) if next_line else "",
    )


def rule_line(rule: ReceptionRule) -> str:
    weekly = rule.schedule.startswith(("每周", "每星期"))
    policy = (
        texts.RECEPTION_WEEKLY_SHIFT_FLAG
        if weekly and rule.holiday_policy == "shift"
        else texts.RECEPTION_POLICY_FLAG[rule.holiday_policy]
    )
    flags = (texts.RECEPTION_STAFF_FLAG if rule.audience == "staff" else "") + policy
    return texts.RECEPTION_RULE_LINE.format(
        schedule=rule.schedule,
        starts=rule.starts,
        ends=rule.ends,
        title=html(rule.title),
        place=html(rule.place),
        flags=flags,
    )
