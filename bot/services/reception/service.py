"""Reception days and meetings: the committee's rules, /reception, and the reminders.

Reminders are not APScheduler jobs (those are not persisted, and a job scheduled in the past
is dropped after a one-second grace). A short periodic tick asks the database which reminder
slots are due: each (rule, date, slot) is recorded once, each group's message has a dedupe
key, a slot up to two hours late is still sent and an older one is skipped. A restart or a
redelivered tick therefore sends nothing twice and loses nothing recent.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.community import DEFAULT_COMMUNITY, Reminders
from bot.schedule import (
    HolidayPolicy,
    RuleError,
    occurrences,
    parse_schedule,
    parse_times,
)
from bot.services.messaging import number_of, text_message, visible_len
from bot.services.reception import views
from bot.services.reception.views import Upcoming
from bot.services.roles import Roles
from storage import Database, Tx

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
STAFF_VERBS = frozenset({"add", "list", "del", "delete"})


def _hm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


class ReceptionService:
    def __init__(
        self,
        db: Database,
        roles: Roles,
        *,
        zone: ZoneInfo,
        reminders: Reminders | Mapping[str, Reminders],
    ) -> None:
        """reminders: each community's times (or one, the default community's)."""
        self._db = db
        self._roles = roles
        self._zone = zone
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
        """/reception [add …|list|del N]: everyone may look; only committee staff may change,
        in the committee chat or in private."""
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
            if verb == "add":
                reply = await self._add(tx, user_id, args[1:], community)
            elif verb == "list":
                reply = await self._list(tx, community)
            elif verb in ("del", "delete"):
                reply = await self._delete(tx, user_id, args[1:], community)
            elif verb:
                reply = texts.RECEPTION_USAGE
            else:
                # Internal meetings are shown where they are reminded: the committee chat.
                internal = chat_id == self._roles.committee_chat(community)
                reply = views.upcoming_text(
                    await self.upcoming(tx, community, include_staff=internal)
                )
            await tx.outbox.enqueue(text_message(chat_id, reply, reply_to=reply_to))

    async def _add(self, tx: Tx, user_id: int, args: list[str], community: str) -> str:
        words = [w for w in args if w not in STAFF_WORDS and w not in POLICY_WORDS]
        if len(words) < 3:
            return texts.RECEPTION_USAGE
        try:
            schedule = parse_schedule(words[0])
            starts, ends = parse_times(words[1])
        except RuleError:
            return texts.RECEPTION_USAGE
        policy = next((POLICY_WORDS[w] for w in args if w in POLICY_WORDS), "shift")
        rule = await tx.reception.add(
            schedule=schedule.text,
            starts=f"{starts:%H:%M}",
            ends=f"{ends:%H:%M}",
            place=words[2][:60],
            title=" ".join(words[3:])[:60] or texts.RECEPTION_DEFAULT_TITLE,
            audience="staff" if any(w in STAFF_WORDS for w in args) else "residents",
            holiday_policy=policy,
            created_by=user_id,
            community=community,
        )
        await tx.events.append(
            "reception_added",
            actor_id=user_id,
            subject=f"reception:{rule.id}",
            detail={"schedule": rule.schedule, "place": rule.place},
        )
        nexts = [
            u
            for u in await self.upcoming(tx, community, include_staff=True, count=50)
            if u.rule.id == rule.id
        ]
        return texts.RECEPTION_ADDED.format(
            n=rule.id,
            line=views.rule_line(rule),
            next=views.when(nexts[0]) if nexts else texts.RECEPTION_NO_NEXT,
        )

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
            return texts.RECEPTION_USAGE
        rule = await tx.reception.get(number)
        if rule is None or rule.community != community or not await tx.reception.delete(number):
            return texts.RECEPTION_NOT_FOUND.format(n=number)
        await tx.events.append("reception_deleted", actor_id=user_id, subject=f"reception:{number}")
        return texts.RECEPTION_DELETED.format(n=number)

    # ------------------------------------------------------------------ when

    async def upcoming(
        self, tx: Tx, community: str, *, include_staff: bool, count: int = 3
    ) -> list[Upcoming]:
        today = tx.now.astimezone(self._zone).date()
        now_local = tx.now.astimezone(self._zone)
        found = []
        for rule in await tx.reception.active(community):
            if rule.audience == "staff" and not include_staff:
                continue
            schedule = parse_schedule(rule.schedule)
            for occ in occurrences(
                schedule, rule.holiday_policy, today, today + timedelta(days=LOOKAHEAD_DAYS)
            ):
                ends = datetime.combine(occ.day, _hm(rule.ends), tzinfo=self._zone)
                if ends > now_local:
                    found.append(Upcoming(rule, occ))
        found.sort(key=lambda u: u.starts_local)
        return found[:count]

    async def next_reception_line(self, tx: Tx, community: str) -> str | None:
        upcoming = await self.upcoming(tx, community, include_staff=False, count=1)
        return views.when(upcoming[0]) if upcoming else None

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
                targets = (
                    [self._roles.committee_chat(rule.community)]
                    if rule.audience == "staff"
                    else [c.id for c in await tx.chats.resident_groups(rule.community)]
                )
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
        out = []
        for rule in await tx.reception.active():
            schedule = parse_schedule(rule.schedule)
            evening_at, before = self._times_of(rule.community)
            for occ in occurrences(schedule, rule.holiday_policy, today, today + timedelta(1)):
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
