"""Deadlines: the reminder to a card's chat before its ticket falls due, and the escalation
ladder once it is overdue ([deadlines] in the community file).

One tick looks at every open ticket near or past its due time, in one transaction: each
ticket's step is recorded together with the messages it causes (the outbox), so a step is
taken once, whatever crashes or runs twice. What falls due at the same moment for one chat is
one message listing it all (after a holiday, nine overdue tickets are one message per chat).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.community import DEFAULT_COMMUNITY, CommunityRules, LadderChat, Party
from bot.services.messaging import text_message
from bot.services.roles import Roles
from bot.services.tickets import views
from bot.services.tickets.cards import TicketCards, subject
from bot.workdays import add_working_days
from storage import Database, Tx
from storage.models import Ticket

log = logging.getLogger(__name__)


class DeadlineWatch:
    def __init__(
        self,
        db: Database,
        roles: Roles,
        cards: TicketCards,
        *,
        zone: ZoneInfo,
        rules: Mapping[str, CommunityRules] | None = None,
    ) -> None:
        self._db = db
        self._roles = roles
        self._cards = cards
        self._zone = zone
        self._rules_by = dict(rules or {DEFAULT_COMMUNITY: CommunityRules.defaults()})

    def _rules_of(self, community: str) -> CommunityRules:
        return self._rules_by.get(community) or next(iter(self._rules_by.values()))

    async def tick(self) -> int:
        """Remind and escalate what is due now; the number of tickets that became overdue or
        went up a step."""
        async with self._db.transaction() as tx:
            now = tx.now
            deadlines = [r.deadlines for r in self._rules_by.values()]
            soonest = max(d.remind_before_hours for d in deadlines)
            steps = max(len(d.ladder) for d in deadlines)
            waiting = await tx.tickets.deadline_candidates(now + timedelta(hours=soonest), steps)
            # chat -> its alerts, and the communities whose tickets the street office hears of
            alerts: dict[int, list[views.Alert]] = {}
            street: set[str] = set()
            raised = 0
            for ticket in waiting:
                if ticket.due_at > now:
                    await self._remind(tx, ticket, now, alerts)
                    continue
                changed, to_street = await self._escalate(tx, ticket, now, alerts)
                raised += changed
                if to_street:
                    street.add(ticket.community)
            for chat, found in alerts.items():
                await self._send(tx, chat, found, street if chat == self._street() else None)
        if raised:
            log.info("%d ticket(s) became overdue or went up the escalation ladder", raised)
        return raised

    async def _remind(
        self, tx: Tx, ticket: Ticket, now: datetime, alerts: dict[int, list[views.Alert]]
    ) -> None:
        hours = self._rules_of(ticket.community).deadlines.remind_before_hours
        if (
            ticket.reminded_at is not None
            or ticket.urgent  # an urgent ticket has its own repeated alarm
            or hours <= 0
            or ticket.due_at - timedelta(hours=hours) > now
        ):
            return
        ticket = await tx.tickets.update(ticket.id, reminded_at=now)
        await tx.events.append("reminded", actor_id=None, subject=subject(ticket))
        alerts.setdefault(self._card_chat(ticket), []).append(views.Alert(ticket, None))

    async def _escalate(
        self, tx: Tx, ticket: Ticket, now: datetime, alerts: dict[int, list[views.Alert]]
    ) -> tuple[bool, bool]:
        """Past due: the ticket is flagged overdue once (its card says 已超时), and takes every
        ladder step due by now at once (a bot that was down catches up with one alert, at the
        highest step). (whether anything changed, whether the street office was told)."""
        ladder = self._rules_of(ticket.community).deadlines.ladder
        reached = ticket.escalation_step
        while (
            reached < len(ladder)
            and add_working_days(ticket.due_at, ladder[reached].after_working_days, self._zone)
            <= now
        ):
            reached += 1
        first = ticket.overdue_at is None
        if reached == ticket.escalation_step and not first:
            return False, False
        told: set[LadderChat] = {
            c for step in ladder[ticket.escalation_step : reached] for c in step.to
        }
        fields: dict[str, object] = {"escalation_step": reached}
        if first:
            fields["overdue_at"] = now
        if ticket.reminded_at is None:
            fields["reminded_at"] = now  # too late for a reminder now
        before = ticket.escalation_step
        ticket = await tx.tickets.update(ticket.id, **fields)
        if first:
            await tx.events.append("overdue", actor_id=None, subject=subject(ticket))
            await self._cards.show(tx, ticket)  # the card says 已超时
        if reached > before:
            await tx.events.append(
                "escalated",
                actor_id=None,
                subject=subject(ticket),
                detail={"step": reached, "to": sorted(told)},
            )
        chats = {chat for who in told if (chat := self._chat(ticket, who)) is not None}
        for chat in chats:
            alerts.setdefault(chat, []).append(views.Alert(ticket, reached - 1))
        street = self._street()
        return True, street is not None and street in chats

    def _chat(self, ticket: Ticket, who: LadderChat) -> int | None:
        if who == "card":
            return self._card_chat(ticket)
        if who == "committee":
            return self._roles.committee_chat(ticket.community)
        return self._street()

    def _card_chat(self, ticket: Ticket) -> int:
        if ticket.card_chat_id is not None:
            return ticket.card_chat_id
        return self._roles.chat_for(Party(ticket.party), ticket.community)

    def _street(self) -> int | None:
        return self._roles.street_chat_id

    async def _send(
        self, tx: Tx, chat: int, found: list[views.Alert], communities: set[str] | None
    ) -> None:
        street_of = (
            "、".join(self._roles.name_of(c) for c in sorted(communities))
            if communities is not None
            else None
        )
        # What this message is about, as its dedupe key: the same alerts are never sent twice.
        what = ",".join(f"{a.ticket.id}.{a.step}" for a in found)
        key = hashlib.sha256(what.encode()).hexdigest()[:16]
        messages = views.deadline_messages(found, now=tx.now, zone=self._zone, street_of=street_of)
        for i, text in enumerate(messages):
            await tx.outbox.enqueue(
                text_message(chat, text, dedupe_key=f"deadline:{chat}:{key}:{i}")
            )
