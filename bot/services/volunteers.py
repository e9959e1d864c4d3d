"""Volunteers and 党员 claim residents' 微心愿 (issue 16, point 2).

A new wish is posted in the volunteers' chat (VOLUNTEER_CHAT_ID) as a wish card: the wish and
the building, never the resident's name or contact. A volunteer (a member of that chat) who
presses 认领 gets, in private, the resident's name and a tap-to-contact link; the resident
hears who is coming; the staff card shows who claimed it. 完成 by the volunteer asks the
resident to rate, as staff's 完成 does. A wish nobody claimed for the community's
`unclaimed_wish_days` is posted again (and the digest names it). The committee sees who helped
how often (`/volunteers`); resident groups never see a ranking unless the community file
allows thanks there.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.buttons import Press, VolunteerButton, VolunteerDoneButton
from bot.community import DEFAULT_COMMUNITY, CommunityRules
from bot.services.households.address import building_label
from bot.services.households.service import home_label
from bot.services.messaging import (
    edit_text,
    html,
    mention,
    once_recorded,
    shorten,
    text_message,
)
from bot.services.people import Person
from bot.services.roles import Roles
from bot.services.tickets import TicketCards, TicketService
from bot.services.tickets.cards import subject
from storage import Database, Tx
from storage.models import Ticket

log = logging.getLogger(__name__)

WISH_TEXT_ON_CARD = 300


class VolunteerService:
    def __init__(
        self,
        db: Database,
        roles: Roles,
        cards: TicketCards,
        tickets: TicketService,
        *,
        rules: Mapping[str, CommunityRules],
        zone: ZoneInfo,
    ) -> None:
        self._db = db
        self._roles = roles
        self._cards = cards
        self._tickets = tickets
        self._rules = dict(rules)
        self._zone = zone

    @property
    def enabled(self) -> bool:
        return self._roles.volunteer_chat_id is not None

    def _rules_of(self, community: str) -> CommunityRules:
        return (
            self._rules.get(community)
            or self._rules.get(DEFAULT_COMMUNITY)
            or CommunityRules.defaults()
        )

    # ------------------------------------------------------------------ the wish card

    async def post_wish(self, tx: Tx, ticket: Ticket) -> None:
        """A new (or long unclaimed) wish goes to the volunteers' chat, in the transaction that
        filed it: without the resident's name, with the building if the household is known."""
        chat = self._roles.volunteer_chat_id
        if chat is None or ticket.kind != "wish" or ticket.status != "new":
            return
        card = await tx.outbox.enqueue(
            text_message(
                chat,
                await self._card_text(tx, ticket),
                buttons=[[(texts.BTN_CLAIM, VolunteerButton(ticket.id))]],
            )
        )
        await tx.tickets.update(ticket.id, volunteer_outbox_id=card, volunteer_posted_at=tx.now)

    async def _card_text(self, tx: Tx, ticket: Ticket) -> str:
        member = await tx.households.membership(ticket.reporter_id)
        where = (
            texts.VOLUNTEER_WHERE.format(building=html(building_label(member.building)))
            if member is not None
            else ""
        )
        return texts.VOLUNTEER_CARD.format(
            n=ticket.id, text=html(shorten(ticket.text, WISH_TEXT_ON_CARD)), where=where
        )

    # ------------------------------------------------------------------ presses

    async def claim(self, update_id: int, press: Press, button: VolunteerButton) -> str:
        """认领 on the wish card, in the volunteers' chat, by one of its members; the card is
        the very message the bot posted for that wish."""
        ticket_id = button.ticket
        chat = self._roles.volunteer_chat_id
        if chat is None or press.chat_id != chat:
            return texts.UNKNOWN_BUTTON
        if not await self._roles.is_volunteer(press.user_id):
            return texts.ONLY_VOLUNTEERS
        volunteer = Person(press.user_id, press.user_name)

        async def look() -> tuple[None, bool | None]:
            async with self._db.read() as tx:
                ticket = await tx.tickets.get(ticket_id)
                row = ticket.volunteer_outbox_id if ticket is not None else None
                return None, await tx.outbox.sent_as(row, chat, press.message_id)

        _, on_card = await once_recorded(look)
        if on_card is None:
            return texts.NOT_RECORDED_YET
        if not on_card:
            return texts.UNKNOWN_BUTTON
        async with self._db.transaction(update_id=update_id, what="volunteer_claim") as tx:
            ticket = await tx.tickets.get(ticket_id)
            if ticket is None or not await tx.outbox.is_message(
                ticket.volunteer_outbox_id, chat, press.message_id
            ):
                return texts.UNKNOWN_BUTTON
            if ticket.status != "new":
                return texts.VOLUNTEER_TAKEN
            ticket = await tx.tickets.update(
                ticket.id,
                status="in_progress",
                assignee_id=volunteer.id,
                assignee_name=volunteer.name,
                accepted_at=tx.now,
                by_volunteer=1,
            )
            await tx.events.append(
                "claimed",
                actor_id=volunteer.id,
                subject=subject(ticket),
                detail={"by": volunteer.name, "volunteer": True},
                public=True,
            )
            await self._cards.show(tx, ticket)  # the staff card shows who claimed it
            await self._cards.notify(
                tx,
                ticket,
                texts.NOTIFY_CLAIMED.format(n=ticket.id, staff=html(volunteer.name)),
                "claimed",
            )
            await tx.outbox.enqueue(
                edit_text(
                    chat,
                    await self._card_text(tx, ticket)
                    + texts.VOLUNTEER_CLAIMED.format(name=html(volunteer.name)),
                    message_id=press.message_id,
                )
            )
            await self._send_details(tx, ticket, volunteer)
        return texts.ANSWER_VOLUNTEER_CLAIMED

    async def _send_details(self, tx: Tx, ticket: Ticket, volunteer: Person) -> None:
        """The resident's name, a tap-to-contact link and the household, to the volunteer
        alone, with 完成. Never opened the bot: the volunteers' chat gets the link to do so."""
        member = await tx.households.membership(ticket.reporter_id)
        home = texts.VOLUNTEER_HOME.format(home=html(home_label(member.key))) if member else ""
        chat = self._roles.volunteer_chat_id
        await tx.outbox.enqueue(
            text_message(
                volunteer.id,
                texts.VOLUNTEER_DETAILS.format(
                    n=ticket.id,
                    text=html(shorten(ticket.text, WISH_TEXT_ON_CARD)),
                    resident=mention(ticket.reporter_id, ticket.reporter_name),
                    home=home,
                ),
                buttons=[[(texts.BTN_DONE, VolunteerDoneButton(ticket.id))]],
                fallback="group_link" if chat is not None else None,
                fallback_args={
                    "group_chat_id": chat,
                    "start": f"v{ticket.id}",
                    "name": volunteer.name,
                    "reply_to": None,
                }
                if chat is not None
                else None,
            )
        )

    async def resend_details(self, update_id: int, person: Person, ticket_id: int) -> bool:
        """/start v12 from the link in the volunteers' chat: the details, now that the private
        chat is open. False when this person is not the volunteer on that wish."""
        async with self._db.transaction(update_id=update_id, what="volunteer_details") as tx:
            ticket = await tx.tickets.get(ticket_id)
            if (
                ticket is None
                or not ticket.by_volunteer
                or ticket.assignee_id != person.id
                or ticket.status != "in_progress"
            ):
                return False
            await tx.people.set_private_chat_open(person.id, True)
            await self._send_details(tx, ticket, person)
        return True

    async def done(self, update_id: int, press: Press, button: VolunteerDoneButton) -> str:
        """完成, pressed by the volunteer on the wish (the family's private scope is checked
        before this): the resident is asked to rate it."""
        ticket_id = button.ticket
        volunteer = Person(press.user_id, press.user_name)
        async with self._db.transaction(update_id=update_id, what="volunteer_done") as tx:
            ticket = await tx.tickets.get(ticket_id)
            if ticket is None or not ticket.by_volunteer or ticket.assignee_id != volunteer.id:
                return texts.NOT_YOURS
            if ticket.status != "in_progress":
                return texts.ANSWER_STALE.format(status=texts.STATUS[("wish", "done")])
            await tx.events.append(
                "volunteered",
                actor_id=volunteer.id,
                subject=subject(ticket),
                detail={"by": volunteer.name},
            )
            await self._tickets._finish(tx, ticket, volunteer)
            if press.message_id is not None:
                await tx.outbox.enqueue(
                    edit_text(
                        press.chat_id,
                        texts.VOLUNTEER_THANKS.format(n=ticket.id),
                        message_id=press.message_id,
                    )
                )
        return texts.ANSWER_FINISHED

    # ------------------------------------------------------------------ unclaimed, figures

    async def tick(self) -> int:
        """Wishes nobody claimed for their community's `unclaimed_wish_days` since their card
        was posted are posted again (a new card: the old one scrolled away)."""
        if not self.enabled:
            return 0
        reposted = 0
        async with self._db.transaction() as tx:
            soonest = min(
                r.tickets.unclaimed_wish_days
                for r in (self._rules.values() or [self._rules_of("")])
            )
            for ticket in await tx.tickets.unclaimed_wishes_posted_before(
                tx.now - timedelta(days=soonest)
            ):
                days = self._rules_of(ticket.community).tickets.unclaimed_wish_days
                if (
                    ticket.volunteer_posted_at is not None
                    and tx.now - ticket.volunteer_posted_at < timedelta(days=days)
                ):
                    continue
                await self.post_wish(tx, ticket)
                reposted += 1
        if reposted:
            log.info("%d unclaimed wish(es) posted again to the volunteers", reposted)
        return reposted

    async def figures(self, user_id: int, chat_id: int, month_start: datetime) -> str | None:
        """/volunteers: who helped how often this month, for the committee (in its chat or in
        private); None where it is not to be shown."""
        community = self._roles.community_of_staff_chat(chat_id)
        if chat_id == user_id:
            communities = await self._roles.committees_of(user_id)
            community = communities[0] if communities else None
        elif community is None or chat_id != self._roles.committee_chat(community):
            return None
        if community is None or not await self._roles.is_committee(user_id, community):
            return texts.VOLUNTEERS_ONLY_STAFF
        async with self._db.read() as tx:
            counts = await tx.events.count_by_actor("volunteered", month_start)
            names = {actor: (await tx.people.get(actor)) for actor, _ in counts}
        if not counts:
            return texts.VOLUNTEERS_NONE
        lines = [texts.VOLUNTEERS_TITLE.format(month=month_start.astimezone(self._zone).month)]
        for actor, n in counts:
            seen = names.get(actor)
            name = seen.display_name if seen is not None else str(actor)
            lines.append(texts.VOLUNTEERS_LINE.format(name=html(name), n=n))
        return "\n".join(lines)
