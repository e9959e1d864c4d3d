"""Reception days and meetings: the committee's rules, /reception, and the reminders.

Reminders are not APScheduler jobs (those are not persisted, and a job scheduled in the past
is dropped after a one-second grace). A short periodic tick asks the database which reminder
slots are due: each (rule, date, slot) is recorded once, each group's message has a dedupe
key, a slot up to two hours late is still sent and an older one is skipped. A restart or a
redelivered tick therefore sends nothing twice and loses nothing recent.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.community import DEFAULT_COMMUNITY, Reminders
from bot.schedule import (
    HolidayPolicy,
    Occurrence,
    RuleError,
    Schedule,
    occurrences,
    parse_schedule,
    parse_times,
)
from bot.services.messaging import html, month_day, number_of, text_message, visible_len
from bot.services.reception import views
from bot.services.reception.views import Upcoming
from bot.services.roles import Roles
from bot.workdays import Calendar
from storage import Database, Tx
from storage.models import ReceptionRule

log = logging.getLogger(__name__)

LATE_LIMIT = timedelta(hours=2)
STAFF_WORDS = {"内部", "仅工作人员"}
POLICY_WORDS: dict[str, HolidayPolicy] = {
    "遇节假日顺延": "shift",
    "遇节假日取消": "skip",
    "遇节假日照常": "keep",
}
LOOKAHEAD_DAYS = 120
LIST_UNITS = 3900  # /reception list stays within one message, with room for its last line
RESIDENT_RULES_SHOWN = 5  # /reception: each rule's next date, this many rules at most
STAFF_VERBS = frozenset({"add", "list", "del", "delete", "edit", "skip"})


def _hm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class RuleFields:
    """A rule as /reception add or edit wrote it, checked."""

    schedule: Schedule
    starts: time
    ends: time
    place: str
    title: str
    audience: str
    policy: HolidayPolicy

    def columns(self) -> dict[str, str]:
        return {
            "schedule": self.schedule.text,
            "starts": f"{self.starts:%H:%M}",
            "ends": f"{self.ends:%H:%M}",
            "place": self.place,
            "title": self.title,
            "audience": self.audience,
            "holiday_policy": self.policy,
        }


def read_rule(verb: str, args: list[str], now_local: datetime) -> RuleFields | str:
    """The rule /reception add (or edit) gives, or what is wrong with it: the one part, with
    one example (the whole usage only when nothing was written)."""
    words = [w for w in args if w not in STAFF_WORDS and w not in POLICY_WORDS]
    if not words:
        return texts.RECEPTION_USAGE
    try:
        schedule = parse_schedule(words[0])
    except RuleError:
        looks_like_date = words[0][:4].isdigit()
        wrong = texts.RECEPTION_BAD_DATE if looks_like_date else texts.RECEPTION_BAD_SCHEDULE
        return wrong.format(word=html(words[0]))
    if len(words) < 2:
        return texts.RECEPTION_NO_TIME.format(verb=verb, schedule=html(schedule.text))
    try:
        starts, ends = parse_times(words[1])
    except RuleError:
        ordered = texts.RECEPTION_TIME_ORDER if _two_times(words[1]) else texts.RECEPTION_BAD_TIME
        return ordered.format(word=html(words[1]))
    if schedule.kind == "once":
        assert schedule.on is not None
        if datetime.combine(schedule.on, ends, tzinfo=now_local.tzinfo) <= now_local:
            return texts.RECEPTION_PAST_DATE.format(date=month_day(schedule.on))
    if len(words) < 3:
        return texts.RECEPTION_NO_PLACE.format(
            verb=verb, schedule=html(schedule.text), times=f"{starts:%H:%M}-{ends:%H:%M}"
        )
    given = [POLICY_WORDS[w] for w in args if w in POLICY_WORDS]
    # A weekly meeting stays on its weekday: a holiday cancels that week's unless told.
    default: HolidayPolicy = "skip" if schedule.kind == "weekly" else "shift"
    policy = given[0] if given else default
    return RuleFields(
        schedule=schedule,
        starts=starts,
        ends=ends,
        place=words[2][:60],
        title=" ".join(words[3:])[:60] or texts.RECEPTION_DEFAULT_TITLE,
        audience="staff" if any(w in STAFF_WORDS for w in args) else "residents",
        policy=policy,
    )


def _two_times(text: str) -> bool:
    """Whether `text` has the shape of a time span (so only its order is wrong)."""
    try:
        parse_times(text)
    except RuleError:
        return bool(_SPAN.match(text.strip()))
    return True


_SPAN = re.compile(r"^\d{1,2}[:：]\d{2}[-~－—至到]\d{1,2}[:：]\d{2}$")


class ReceptionService:
    def __init__(
        self,
        db: Database,
        roles: Roles,
        *,
        zone: ZoneInfo,
        reminders: Reminders | Mapping[str, Reminders],
        calendar: Calendar | None = None,
    ) -> None:
        """reminders: each community's times (or one, the default community's); calendar:
        the working days with the community file's [[holidays]] (chinese-calendar alone
        without)."""
        self._db = db
        self._roles = roles
        self._zone = zone
        self._calendar = calendar or Calendar()
        by = {DEFAULT_COMMUNITY: reminders} if isinstance(reminders, Reminders) else reminders
        self._times = {
            code: (_hm(r.evening_time), timedelta(minutes=r.minutes_before))
            for code, r in by.items()
        }

    def _times_of(self, community: str) -> tuple[time, timedelta]:
        """(evening reminder time, how long before the start the second one goes)."""
        return self._times.get(community) or self._times[DEFAULT_COMMUNITY]

    async def _community(self, user_id: int, chat_id: int, staff: bool) -> str:
        """Whose rules a /reception is about: the staff chat's or the group's community; in
        private, the first community whose committee the person is on (staff verbs), or the
        community of the group they last wrote in."""
        here = self._roles.community_of_staff_chat(chat_id)
        if here is not None:
            return here
        if staff and chat_id == user_id:
            mine = await self._roles.committees_of(user_id)
            if mine:
                return mine[0]
        async with self._db.read() as tx:
            return await self._roles.community_of(tx, chat_id, user_id)

    # ------------------------------------------------------------------ staff commands

    async def command(
        self, update_id: int, user_id: int, args: list[str], chat_id: int, reply_to: int | None
    ) -> None:
        """/reception [add …|list|edit N …|skip N date|del N]: everyone may look; only
        committee staff may change, in the committee chat or in private."""
        verb = args[0].lower() if args else ""
        refusal = None
        community = await self._community(user_id, chat_id, verb in STAFF_VERBS)
        if verb == "list" and not await self._roles.is_committee(user_id, community):
            verb, args = "", []  # a resident asking for the list means the coming days
            community = await self._community(user_id, chat_id, False)
        if verb in STAFF_VERBS:
            if not await self._roles.is_committee(user_id, community):
                refusal = texts.RECEPTION_ONLY_STAFF
            elif not self._roles.is_committee_place(chat_id, user_id, community):
                refusal = texts.STAFF_COMMAND_ELSEWHERE
        if refusal is not None:
            async with self._db.transaction(update_id=update_id, what="reception") as tx:
                await tx.outbox.enqueue(text_message(chat_id, refusal, reply_to=reply_to))
            return
        async with self._db.transaction(update_id=update_id, what="reception") as tx:
            reply = await self._answer(tx, verb, args, user_id, chat_id, community)
            if verb in ("add", "edit") and chat_id == self._roles.committee_chat(community):
                # A rule reaching a year without holidays: its dates may be wrong, say so now.
                reply = "\n\n".join([reply, *await self.holidays_missing(tx, community)])
            await tx.outbox.enqueue(text_message(chat_id, reply, reply_to=reply_to))

    async def _answer(
        self, tx: Tx, verb: str, args: list[str], user_id: int, chat_id: int, community: str
    ) -> str:
        if verb == "add":
            return await self._add(tx, user_id, args[1:], community)
        if verb == "edit":
            return await self._edit(tx, user_id, args[1:], community)
        if verb == "skip":
            return await self._skip(tx, user_id, args[1:], community)
        if verb == "list":
            return await self._list(tx, community)
        if verb in ("del", "delete"):
            return await self._delete(tx, user_id, args[1:], community)
        if verb:
            return texts.RECEPTION_VERBS
        # Internal meetings are shown where they are reminded: the committee chat.
        internal = chat_id == self._roles.committee_chat(community)
        shown, more = await self.next_of_each(tx, community, include_staff=internal)
        return views.upcoming_text(shown, more)

    async def _add(self, tx: Tx, user_id: int, args: list[str], community: str) -> str:
        fields = read_rule("add", args, tx.now.astimezone(self._zone))
        if isinstance(fields, str):
            return fields
        rule = await tx.reception.add(**fields.columns(), created_by=user_id, community=community)
        await tx.events.append(
            "reception_added",
            actor_id=user_id,
            subject=f"reception:{rule.id}",
            detail={"schedule": rule.schedule, "place": rule.place},
        )
        return texts.RECEPTION_ADDED.format(
            n=rule.id, line=views.rule_line(rule), next=await self._next_text(tx, rule)
        )

    async def _next_text(self, tx: Tx, rule: ReceptionRule) -> str:
        nexts = await self._coming(tx, rule, count=1)
        return views.when(nexts[0]) if nexts else texts.RECEPTION_NO_NEXT

    async def _rule_of(
        self, tx: Tx, verb: str, args: list[str], community: str, example: str
    ) -> ReceptionRule | str:
        number = number_of(args[0]) if args else None
        if number is None:
            return texts.RECEPTION_NO_NUMBER.format(verb=verb, example=example)
        rule = await tx.reception.get(number)
        if rule is None or rule.community != community:
            return texts.RECEPTION_NOT_FOUND.format(n=number)
        return rule

    async def _edit(self, tx: Tx, user_id: int, args: list[str], community: str) -> str:
        """/reception edit N <as add>: the rule is written again. Groups reminded of its
        next date hear what changed."""
        rule = await self._rule_of(tx, "edit", args, community, texts.RECEPTION_EDIT_EXAMPLE)
        if isinstance(rule, str):
            return rule
        fields = read_rule(f"edit {rule.id}", args[1:], tx.now.astimezone(self._zone))
        if isinstance(fields, str):
            return fields
        before = await self._coming(tx, rule, count=1)
        await tx.reception.update(rule.id, **fields.columns())
        edited = await tx.reception.get(rule.id)
        assert edited is not None
        await tx.events.append(
            "reception_edited",
            actor_id=user_id,
            subject=f"reception:{rule.id}",
            detail={"was": views.rule_line(rule), "now": views.rule_line(edited)},
        )
        after = await self._coming(tx, edited, count=1)
        if before and await tx.reception.slots_sent(rule.id, before[0].occurrence.day.isoformat()):
            old = before[0]
            new = after[0] if after else None
            if new is None or views.when(new) != views.when(old):
                notice = texts.RECEPTION_CHANGED.format(
                    title=html(old.rule.title),
                    line=views.when(new) if new else texts.RECEPTION_NO_NEXT,
                )
                if new is None or new.occurrence.day != old.occurrence.day:
                    notice = views.cancelled_text(old, views.when(new) if new else None)
                await self._tell(tx, edited, notice, f"reception-edit:{rule.id}:{tx.now_db}")
        return texts.RECEPTION_EDITED.format(
            n=rule.id,
            line=views.rule_line(edited),
            next=views.when(after[0]) if after else texts.RECEPTION_NO_NEXT,
        )

    async def _skip(self, tx: Tx, user_id: int, args: list[str], community: str) -> str:
        """/reception skip N 2026-12-15: that one date is cancelled; the groups already
        reminded of it are told."""
        rule = await self._rule_of(tx, "skip", args, community, texts.RECEPTION_SKIP_EXAMPLE)
        if isinstance(rule, str):
            return rule
        try:
            day = parse_schedule(args[1]).on if len(args) > 1 else None
        except RuleError:
            return texts.RECEPTION_BAD_DATE.format(word=html(args[1]))
        if day is None:
            return texts.RECEPTION_SKIP_NO_DATE.format(n=rule.id)
        today = tx.now.astimezone(self._zone).date()
        if day < today:
            return texts.RECEPTION_PAST_DATE.format(date=month_day(day))
        coming = await self._coming(tx, rule, count=50, skipped=False)
        # The date as staff know it: where it really falls, or the date a holiday moved.
        match = next(
            (u for u in coming if day in (u.occurrence.day, u.occurrence.moved_from)), None
        )
        if match is None:
            dates = "、".join(month_day(u.occurrence.day) for u in coming[:3])
            return texts.RECEPTION_SKIP_NOT_ON.format(
                n=rule.id,
                date=month_day(day),
                dates=texts.RECEPTION_SKIP_NEXT.format(dates=dates) if dates else "",
            )
        on = match.occurrence.day
        if not await tx.reception.skip(rule.id, on.isoformat(), user_id):
            return texts.RECEPTION_SKIPPED_BEFORE.format(n=rule.id, date=month_day(on))
        await tx.events.append(
            "reception_skipped",
            actor_id=user_id,
            subject=f"reception:{rule.id}",
            detail={"day": on.isoformat()},
        )
        told = texts.RECEPTION_SKIPPED_QUIET
        if await tx.reception.slots_sent(rule.id, on.isoformat()):
            after = await self._coming(tx, rule, count=1)
            notice = views.cancelled_text(match, views.when(after[0]) if after else None)
            groups = await self._tell(tx, rule, notice, f"reception-skip:{rule.id}:{on}")
            told = texts.RECEPTION_SKIPPED_TOLD.format(groups=groups)
        return texts.RECEPTION_SKIPPED.format(n=rule.id, date=month_day(on), told=told)

    async def _targets(self, tx: Tx, rule: ReceptionRule) -> list[int]:
        """Where a rule's reminders (and notices about it) go."""
        if rule.audience == "staff":
            return [self._roles.committee_chat(rule.community)]
        return [c.id for c in await tx.chats.resident_groups(rule.community)]

    async def _tell(self, tx: Tx, rule: ReceptionRule, text: str, key: str) -> int:
        targets = await self._targets(tx, rule)
        for chat_id in targets:
            await tx.outbox.enqueue(text_message(chat_id, text, dedupe_key=f"{key}:{chat_id}"))
        return len(targets)

    async def _list(self, tx: Tx, community: str) -> str:
        rules = await tx.reception.active(community)
        if not rules:
            return texts.RECEPTION_LIST_EMPTY
        lines = [texts.RECEPTION_LIST_TITLE]
        for shown, rule in enumerate(rules):
            line = texts.RECEPTION_LIST_LINE.format(n=rule.id, line=views.rule_line(rule))
            if visible_len("\n".join([*lines, line])) > LIST_UNITS:
                lines.append(texts.RECEPTION_LIST_MORE.format(n=len(rules) - shown))
                break
            lines.append(line)
        return "\n".join(lines)

    async def _delete(self, tx: Tx, user_id: int, args: list[str], community: str) -> str:
        number = number_of(args[0]) if args else None
        if number is None:
            return texts.RECEPTION_NO_NUMBER.format(verb="del", example="")
        rule = await tx.reception.get(number)
        if rule is None or rule.community != community or not await tx.reception.delete(number):
            return texts.RECEPTION_NOT_FOUND.format(n=number)
        await tx.events.append("reception_deleted", actor_id=user_id, subject=f"reception:{number}")
        return texts.RECEPTION_DELETED.format(n=number)

    # ------------------------------------------------------------------ holidays

    async def holidays_missing(self, tx: Tx, community: str) -> list[str]:
        """The notice, once per year and community, that the bot has no holidays for a year
        a rule or a deadline reached (chinese-calendar's data ends, and the file has none):
        the reply or digest it goes into carries it to the committee chat."""
        out = []
        for year in sorted(self._calendar.missing):
            if await tx.reception.holiday_notice(community, year):
                await tx.events.append(
                    "holidays_missing",
                    actor_id=None,
                    subject=f"community:{community}",
                    detail={"year": year},
                )
                out.append(texts.HOLIDAYS_MISSING.format(year=year))
        return out

    # ------------------------------------------------------------------ when

    def _dates(
        self, rule: ReceptionRule, start: date, end: date, skipped: set[tuple[int, str]]
    ) -> list[Occurrence]:
        return [
            occ
            for occ in occurrences(
                parse_schedule(rule.schedule), rule.holiday_policy, start, end, self._calendar
            )
            if (rule.id, occ.day.isoformat()) not in skipped
        ]

    async def _coming(
        self, tx: Tx, rule: ReceptionRule, *, count: int, skipped: bool = True
    ) -> list[Upcoming]:
        """A rule's next dates that have not ended (cancelled ones left out, unless asked)."""
        now_local = tx.now.astimezone(self._zone)
        today = now_local.date()
        cancelled = await tx.reception.skipped(today.isoformat()) if skipped else set()
        found = []
        for occ in self._dates(rule, today, today + timedelta(days=LOOKAHEAD_DAYS), cancelled):
            if datetime.combine(occ.day, _hm(rule.ends), tzinfo=self._zone) > now_local:
                found.append(Upcoming(rule, occ))
                if len(found) == count:
                    break
        return found

    async def upcoming(
        self, tx: Tx, community: str, *, include_staff: bool, count: int = 3
    ) -> list[Upcoming]:
        today = tx.now.astimezone(self._zone).date()
        now_local = tx.now.astimezone(self._zone)
        cancelled = await tx.reception.skipped(today.isoformat())
        found = []
        for rule in await tx.reception.active(community):
            if rule.audience == "staff" and not include_staff:
                continue
            for occ in self._dates(rule, today, today + timedelta(days=LOOKAHEAD_DAYS), cancelled):
                ends = datetime.combine(occ.day, _hm(rule.ends), tzinfo=self._zone)
                if ends > now_local:
                    found.append(Upcoming(rule, occ))
        found.sort(key=lambda u: u.starts_local)
        return found[:count]

    async def next_of_each(
        self, tx: Tx, community: str, *, include_staff: bool
    ) -> tuple[list[Upcoming], int]:
        """/reception: the next date of each rule, the joint reception days always among
        them however many weekly meetings there are; and how many rules were left out."""
        nexts = []
        for rule in await tx.reception.active(community):
            if rule.audience == "staff" and not include_staff:
                continue
            nexts.extend(await self._coming(tx, rule, count=1))
        nexts.sort(key=lambda u: (not views.is_joint(u.rule), u.starts_local))
        shown = sorted(nexts[:RESIDENT_RULES_SHOWN], key=lambda u: u.starts_local)
        return shown, len(nexts) - len(shown)

    async def next_reception_line(self, tx: Tx, community: str) -> str | None:
        """The digest's next reception day: the next joint one, else the next of any."""
        shown, _ = await self.next_of_each(tx, community, include_staff=False)
        joint = [u for u in shown if views.is_joint(u.rule)]
        return views.when((joint or shown)[0]) if shown else None

    # ------------------------------------------------------------------ reminders

    async def tick(self) -> int:
        """Send every reminder slot that is due and not sent; return how many slots went."""
        async with self._db.read() as tx:
            now = tx.now
            due = [
                (u, slot)
                for u, slot, at in await self._slots(tx)
                if at <= now < at + LATE_LIMIT
                and now < self._start(u)
                and not await tx.reception.was_sent(u.rule.id, u.occurrence.day.isoformat(), slot)
            ]
        sent = 0
        for upcoming, slot in due:
            async with self._db.transaction() as tx:
                rule, day = upcoming.rule, upcoming.occurrence.day.isoformat()
                # Edited, deleted or cancelled since it was read: the next tick decides anew.
                if await tx.reception.get(rule.id) != rule or (rule.id, day) in (
                    await tx.reception.skipped(day)
                ):
                    continue
                targets = await self._targets(tx, rule)
                if not await tx.reception.mark_sent(rule.id, day, slot, len(targets)):
                    continue
                before = self._times_of(rule.community)[1]
                text = views.reminder_text(upcoming, slot, int(before.total_seconds() // 60))
                for chat_id in targets:
                    await tx.outbox.enqueue(
                        text_message(
                            chat_id, text, dedupe_key=f"reminder:{rule.id}:{day}:{slot}:{chat_id}"
                        )
                    )
                await tx.events.append(
                    "reminder_sent",
                    actor_id=None,
                    subject=f"reception:{rule.id}",
                    detail={"day": day, "slot": slot, "chats": len(targets)},
                )
                sent += 1
        if sent:
            log.info("sent %d reminder slot(s)", sent)
        return sent

    async def _slots(self, tx: Tx) -> list[tuple[Upcoming, str, datetime]]:
        today = tx.now.astimezone(self._zone).date()
        cancelled = await tx.reception.skipped(today.isoformat())
        out = []
        for rule in await tx.reception.active():
            evening_at, before = self._times_of(rule.community)
            for occ in self._dates(rule, today, today + timedelta(1), cancelled):
                upcoming = Upcoming(rule, occ)
                evening = datetime.combine(
                    occ.day - timedelta(days=1), evening_at, tzinfo=self._zone
                )
                out.append((upcoming, "evening", evening))
                out.append((upcoming, "before", self._start(upcoming) - before))
        return out

    def _start(self, upcoming: Upcoming) -> datetime:
        return datetime.combine(
            upcoming.occurrence.day, _hm(upcoming.rule.starts), tzinfo=self._zone
        )
