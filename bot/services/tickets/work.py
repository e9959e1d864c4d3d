"""Work on a ticket: staff press its card (claim, accept, done, forward, reject), the reporter
rates the result, what is late is escalated, and /ticket and /mytickets show it.

Every change is one transaction that claims the Telegram update, updates the ticket, appends
events (the audit trail) and queues every message it causes. Who may do what, and where, is
checked here on every action: a press acts only on what the bot recorded (the card's own
message, the rating question sent to the reporter), never on ids taken from button data.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.buttons import (
    CardButton,
    ForwardButton,
    Keyboard,
    Press,
    RatingButton,
    WhyButton,
)
from bot.community import DEFAULT_COMMUNITY, CommunityRules, Party
from bot.services.messaging import (
    edit_text,
    html,
    once_recorded,
    photo_message,
    plain,
    shorten,
    text_message,
    urgent,
)
from bot.services.people import Person
from bot.services.roles import Roles
from bot.services.tickets import views
from bot.services.tickets.cards import TicketCards, refused_in_group, subject
from bot.services.tickets.deadlines import DeadlineWatch
from bot.services.tickets.worklist import Worklists
from storage import Database, Tx
from storage.models import Prompt, Ticket

log = logging.getLogger(__name__)

REASON_LIMIT = 500


class TicketService:
    def __init__(
        self,
        db: Database,
        roles: Roles,
        cards: TicketCards,
        *,
        zone: ZoneInfo,
        rules: Mapping[str, CommunityRules] | None = None,
    ) -> None:
        self._rules_by = dict(rules or {DEFAULT_COMMUNITY: CommunityRules.defaults()})
        self._db = db
        self._roles = roles
        self._cards = cards
        self._zone = zone
        self._deadlines = DeadlineWatch(db, roles, cards, zone=zone, rules=self._rules_by)
        self.worklists = Worklists(db, roles, cards, zone=zone)

    async def card_press(
        self, update_id: int, press: Press, button: CardButton | ForwardButton
    ) -> str:
        """A staff card's button. Scope: the card's own message in the chat it lives in; right:
        the presser may handle this ticket's party from that chat. Returns the answer."""
        staff = Person(press.user_id, press.user_name)

        ticket, on_card = await once_recorded(lambda: self._on_card(button.ticket, press))
        if ticket is None or not on_card:
            return texts.NOT_RECORDED_YET if on_card is None else texts.UNKNOWN_BUTTON
        if not await self._roles.may_handle_ticket(
            staff.id, ticket.party, press.chat_id, ticket.community
        ):
            return texts.ONLY_STAFF
        action = button.action if isinstance(button, CardButton) else "to"
        async with self._db.transaction(update_id=update_id, what=f"ticket_{action}") as tx:
            current = await tx.tickets.get(ticket.id)
            assert current is not None
            if (current.card_outbox_id, current.party) != (ticket.card_outbox_id, ticket.party):
                return texts.UNKNOWN_BUTTON  # moved to another card while we checked
            ticket = current
            if action in ("claim", "accept"):
                if ticket.status != "new" or action != (
                    "claim" if ticket.kind == "wish" else "accept"
                ):
                    return texts.ANSWER_STALE.format(status=views.status_label(ticket))
                return await self._start_work(tx, ticket, staff)
            if action == "done":
                if ticket.status != "in_progress":
                    return texts.ANSWER_STALE.format(status=views.status_label(ticket))
                return await self._finish(tx, ticket, staff)
            if not ticket.is_open:
                return texts.ANSWER_STALE.format(status=views.status_label(ticket))
            if isinstance(button, ForwardButton):
                return await self._forward(tx, ticket, Party[button.party], staff, press.chat_id)
            if action == "forward":
                await self._cards.show(tx, ticket, choose_party=True)
                return texts.ANSWER_CHOOSE_PARTY
            if action == "back":
                await self._cards.show(tx, ticket)
                return texts.ANSWER_BACK
            assert action == "reject"
            await tx.prompts.ask(
                text_message(
                    ticket.card_chat_id or self._roles.committee_chat(ticket.community),
                    texts.ASK_REJECT_REASON.format(n=ticket.id),
                    force_reply=texts.REJECT_REASON_PLACEHOLDER,
                ),
                kind="reject_reason",
                subject_id=ticket.id,
                asked_by=staff.id,
            )
            return texts.ANSWER_REPLY_REASON

    async def _on_card(self, ticket_id: int, press: Press) -> tuple[Ticket | None, bool | None]:
        """The ticket, and whether this was pressed under its card's own message (None: the
        card has no recorded message id yet)."""
        async with self._db.read() as tx:  # sent_as checks the card's chat too
            ticket = await tx.tickets.get(ticket_id)
            card = ticket.card_outbox_id if ticket is not None else None
            return ticket, await tx.outbox.sent_as(card, press.chat_id, press.message_id)

    async def _start_work(self, tx: Tx, ticket: Ticket, staff: Person) -> str:
        ticket = await tx.tickets.update(
            ticket.id,
            status="in_progress",
            assignee_id=staff.id,
            assignee_name=staff.name,
            accepted_at=tx.now,
        )
        action = "claimed" if ticket.kind == "wish" else "accepted"
        await tx.events.append(
            action,
            actor_id=staff.id,
            subject=subject(ticket),
            detail={"by": staff.name},
            public=True,
        )
        await self._cards.show(tx, ticket)
        if ticket.volunteer_outbox_id is not None:  # its card in the volunteers' chat
            card = await tx.outbox.get(ticket.volunteer_outbox_id)
            if card is not None:
                await tx.outbox.enqueue(
                    edit_text(
                        card.chat_id,
                        texts.VOLUNTEER_TAKEN_BY_STAFF.format(n=ticket.id),
                        target_row=card.id,
                    )
                )
        if ticket.kind == "wish":
            note = texts.NOTIFY_CLAIMED.format(n=ticket.id, staff=html(staff.name))
        else:
            note = texts.NOTIFY_ACCEPTED.format(n=ticket.id, party=Party(ticket.party).label)
        await self._cards.notify(
            tx, ticket, note, "claimed" if ticket.kind == "wish" else "accepted"
        )
        return texts.ANSWER_CLAIMED if ticket.kind == "wish" else texts.ANSWER_ACCEPTED

    async def _finish(
        self, tx: Tx, ticket: Ticket, staff: Person, *, note: str = "", photo: str | None = None
    ) -> str:
        ticket = await tx.tickets.update(
            ticket.id,
            status="done",
            done_at=tx.now,
            assignee_id=ticket.assignee_id or staff.id,
            assignee_name=ticket.assignee_name or staff.name,
        )
        await tx.events.append(
            "done",
            actor_id=staff.id,
            subject=subject(ticket),
            detail={"by": staff.name},
            public=True,
        )
        await self._cards.show(tx, ticket)
        status = views.status_label(ticket)
        question = await tx.outbox.enqueue(
            text_message(
                ticket.reporter_id,
                texts.NOTIFY_DONE.format(
                    kind=texts.KIND[ticket.kind],
                    n=ticket.id,
                    status=status,
                    what=texts.NOTIFY_DONE_WHAT[ticket.kind],
                )
                + (texts.DONE_NOTE.format(note=html(note)) if note else ""),
                buttons=views.rating_buttons(ticket),
                **refused_in_group(ticket, "wish_done" if ticket.kind == "wish" else "done"),
            )
        )
        await tx.tickets.update(ticket.id, rating_outbox_id=question)
        if photo:
            await tx.outbox.enqueue(
                photo_message(ticket.reporter_id, photo, texts.NOTE_PHOTO.format(n=ticket.id))
            )
        for follower in await tx.tickets.followers(ticket.id):
            await tx.outbox.enqueue(
                text_message(
                    follower, texts.NOTIFY_DONE_FOLLOWER.format(n=ticket.id, status=status)
                )
            )
        return texts.ANSWER_FINISHED

    async def _forward(
        self, tx: Tx, ticket: Ticket, party: Party, staff: Person, chat_id: int
    ) -> str:
        """转派: the ticket moves at once (its new card says who forwarded it, from where);
        the forwarder is asked, in the chat they pressed in, for an optional reason."""
        if party.value == ticket.party:
            await self._cards.show(tx, ticket)
            return texts.ANSWER_BACK
        old_chat, old_card = ticket.card_chat_id, ticket.card_outbox_id
        ticket = await tx.tickets.update(
            ticket.id,
            party=party.value,
            forwarded_by=staff.name,
            forwarded_from=ticket.party,
            forward_reason=None,
        )
        await tx.events.append(
            "forwarded",
            actor_id=staff.id,
            subject=subject(ticket),
            detail={"to": party.value, "by": staff.name},
            public=True,
        )
        new_chat = self._roles.chat_for(party, ticket.community)
        if new_chat != old_chat and old_chat is not None and old_card is not None:
            await tx.outbox.enqueue(
                edit_text(
                    old_chat,
                    await self._cards.text(
                        tx,
                        ticket,
                        note=texts.CARD_FORWARDED_AWAY_BY.format(
                            by=html(staff.name), party=party.label
                        ),
                    ),
                    target_row=old_card,
                )
            )
            await self._cards.post(tx, ticket, await self._cards.group_title(tx, ticket))
        else:
            await self._cards.show(tx, ticket)
        await self._cards.notify(
            tx, ticket, texts.NOTIFY_FORWARDED.format(n=ticket.id, party=party.label), "forwarded"
        )
        await tx.prompts.ask(
            text_message(
                chat_id,
                texts.ASK_FORWARD_REASON.format(n=ticket.id, party=party.label),
                force_reply=texts.FORWARD_REASON_PLACEHOLDER,
            ),
            kind="forward_reason",
            subject_id=ticket.id,
            asked_by=staff.id,
        )
        return texts.ANSWER_FORWARDED_ASK.format(party=party.label)

    async def forward_reason(
        self, update_id: int, staff: Person, prompt: Prompt, reason: str
    ) -> bool:
        """A reply to the forward-reason prompt, by the one who forwarded (matched by the
        prompt's message id in its chat): the ticket's card then says why. False when
        nothing changed."""
        reason = shorten(reason, REASON_LIMIT) if reason.strip() else ""
        if not reason or staff.id != prompt.asked_by:
            return False
        async with self._db.transaction(update_id=update_id, what="ticket_forward_reason") as tx:
            ticket = await tx.tickets.get(prompt.subject_id)
            if ticket is None or ticket.forwarded_by != staff.name:
                return False  # forwarded again since, by someone else
            await tx.prompts.answered(prompt.id)
            ticket = await tx.tickets.update(ticket.id, forward_reason=reason)
            await tx.events.append(
                "forward_reason",
                actor_id=staff.id,
                subject=subject(ticket),
                detail={"by": staff.name, "reason": reason},
            )
            await self._cards.show(tx, ticket)
            await tx.outbox.enqueue(
                text_message(prompt.chat_id, texts.FORWARD_REASON_SAVED.format(n=ticket.id))
            )
        return True

    async def reject(self, update_id: int, staff: Person, prompt: Prompt, reason: str) -> bool:
        """A reply to the reject-reason prompt (matched by its message id, in its chat) from
        someone who may handle the ticket there. False when nothing changed."""
        reason = shorten(reason, REASON_LIMIT) if reason.strip() else ""
        async with self._db.read() as tx:
            ticket = await tx.tickets.get(prompt.subject_id)
        if (
            not reason
            or ticket is None
            or not ticket.is_open
            or not await self._roles.may_handle_ticket(
                staff.id, ticket.party, prompt.chat_id, ticket.community
            )
        ):
            return False
        async with self._db.transaction(update_id=update_id, what="ticket_reject") as tx:
            ticket = await tx.tickets.get(prompt.subject_id)
            if ticket is None or not ticket.is_open:
                return False
            await tx.prompts.answered(prompt.id)
            ticket = await tx.tickets.update(ticket.id, status="rejected", reject_reason=reason)
            await tx.events.append(
                "rejected",
                actor_id=staff.id,
                subject=subject(ticket),
                detail={"by": staff.name, "reason": reason},
                public=True,
            )
            await self._cards.show(tx, ticket)
            # The reason is written to the reporter: those who +1'd hear only the outcome.
            await tx.outbox.enqueue(
                text_message(
                    ticket.reporter_id,
                    texts.NOTIFY_REJECTED.format(n=ticket.id, reason=html(reason)),
                    **refused_in_group(ticket, "rejected"),
                )
            )
            for follower in await tx.tickets.followers(ticket.id):
                await tx.outbox.enqueue(
                    text_message(follower, texts.NOTIFY_REJECTED_FOLLOWER.format(n=ticket.id))
                )
        return True

    async def rate(self, update_id: int, press: Press, button: RatingButton) -> str:
        """满意 / 基本满意 / 不满意 or 未解决, pressed by the reporter under the very rating
        question the bot sent them (the family's private scope is checked before this)."""
        person = Person(press.user_id, press.user_name)

        async def look() -> tuple[None, bool | None]:
            async with self._db.read() as tx:
                ticket = await tx.tickets.get(button.ticket)
                row = ticket.rating_outbox_id if ticket is not None else None
                return None, await tx.outbox.sent_as(row, press.chat_id, press.message_id)

        # The transaction below judges; this only waits for the id (still missing after
        # the wait: slow, not stale).
        _, asked = await once_recorded(look)
        if asked is None:
            return texts.NOT_RECORDED_YET
        async with self._db.transaction(update_id=update_id, what="ticket_rating") as tx:
            ticket = await tx.tickets.get(button.ticket)
            if ticket is None or ticket.reporter_id != person.id:
                return texts.NOT_YOURS
            question = (
                await tx.outbox.get(ticket.rating_outbox_id)
                if ticket.rating_outbox_id is not None
                else None
            )
            if question is None or question.telegram_message_id != press.message_id:
                return texts.UNKNOWN_BUTTON
            if ticket.status == "rated":
                return texts.RATED_ALREADY
            if ticket.status != "done":
                return texts.ANSWER_STALE.format(status=views.status_label(ticket))
            if button.answer == "unsolved":
                ticket = await tx.tickets.update(
                    ticket.id, status="in_progress", done_at=None, rating_outbox_id=None
                )
                await tx.events.append(
                    "reopened", actor_id=person.id, subject=subject(ticket), public=True
                )
                await self._cards.show(tx, ticket)
                if ticket.card_chat_id is not None:
                    await tx.outbox.enqueue(
                        text_message(
                            ticket.card_chat_id, texts.REOPENED_FOR_STAFF.format(n=ticket.id)
                        )
                    )
                reply = texts.NOTIFY_REOPENED.format(n=ticket.id)
            else:
                rating = views.RATING_CODES[int(button.answer)]
                ticket = await tx.tickets.update(
                    ticket.id, status="rated", rating=rating, rated_at=tx.now
                )
                await tx.events.append(
                    "rated",
                    actor_id=person.id,
                    subject=subject(ticket),
                    detail={"rating": rating},
                    public=True,
                )
                await self._cards.show(tx, ticket)
                reply = texts.RATED.format(rating=texts.RATING[rating])
                if rating == "unsatisfied":
                    return await self._ask_why(tx, ticket, press)
            if press.message_id is not None:  # the question, answered: no more buttons
                await tx.outbox.enqueue(
                    edit_text(press.chat_id, reply, message_id=press.message_id)
                )
            return plain(reply)  # a toast shows no HTML

    async def staff_reply(
        self,
        update_id: int,
        staff: Person,
        chat_id: int,
        replied_id: int,
        text: str,
        photo: str | None,
    ) -> bool:
        """A staff member's reply to a ticket's card (found by the card's message id in its
        chat): a progress note the resident reads as "#12 进展：…"; one that starts with 完成
        (or 办结) finishes the ticket with that note. False when it replies to no card."""
        async with self._db.read() as tx:
            ticket = await tx.tickets.by_card_message(chat_id, replied_id)
        text = text.strip()
        if ticket is None or (not text and not photo):
            return False
        async with self._db.transaction(update_id=update_id, what="ticket_note") as tx:
            if not await self._roles.may_handle_ticket(
                staff.id, ticket.party, chat_id, ticket.community
            ):
                await tx.outbox.enqueue(text_message(chat_id, texts.NOTE_NOT_YOURS))
                return True
            current = await tx.tickets.get(ticket.id)
            assert current is not None
            if not current.is_open:
                await tx.outbox.enqueue(
                    text_message(
                        chat_id, texts.ANSWER_STALE.format(status=views.status_label(current))
                    )
                )
                return True
            word = next((w for w in texts.DONE_WORDS if text.startswith(w)), None)
            note = shorten(text[len(word) :].lstrip("：:，, ") if word else text, REASON_LIMIT)
            current = await tx.tickets.update(current.id, last_note=note or None)
            await tx.events.append(
                "noted",
                actor_id=staff.id,
                subject=subject(current),
                detail={"by": staff.name, "note": note, "photo": bool(photo)},
                public=True,
            )
            if word and current.status == "in_progress":
                await self._finish(tx, current, staff, note=note, photo=photo)
                return True
            await self._cards.show(tx, current)
            # The note's words and photo are for the reporter (they may name her door or
            # phone); those who +1'd hear only that there is progress.
            if note:
                await tx.outbox.enqueue(
                    text_message(
                        current.reporter_id,
                        texts.NOTIFY_NOTE.format(n=current.id, note=html(note)),
                        **refused_in_group(current, "noted"),
                    )
                )
            if photo:
                await tx.outbox.enqueue(
                    photo_message(current.reporter_id, photo, texts.NOTE_PHOTO.format(n=current.id))
                )
            for follower in await tx.tickets.followers(current.id):
                await tx.outbox.enqueue(
                    text_message(follower, texts.NOTIFY_NOTE_FOLLOWER.format(n=current.id))
                )
            await tx.outbox.enqueue(text_message(chat_id, texts.NOTE_SENT))
        return True

    async def why(self, update_id: int, press: Press, button: WhyButton) -> str:
        """What is still wrong after 不满意, in one tap (or 我来写: the next message)."""
        async with self._db.transaction(update_id=update_id, what="ticket_why") as tx:
            ticket = await tx.tickets.get(button.ticket)
            if ticket is None or ticket.reporter_id != press.user_id:
                return texts.NOT_YOURS
            draft = await tx.drafts.of_user(press.user_id)
            if draft is None or draft.step != "why" or draft.offered_ticket_id != ticket.id:
                return texts.DRAFT_GONE
            if button.answer == "write":
                await tx.outbox.enqueue(text_message(press.user_id, texts.WHY_WRITE))
                return ""
            await self.record_why(tx, ticket, texts.WHY[button.answer])
            return plain(texts.WHY_THANKS)

    async def record_why(self, tx: Tx, ticket: Ticket, why: str) -> None:
        """The reason for 不满意 reaches the committee (and the card's chat); the question ends."""
        await tx.drafts.drop_for_user(ticket.reporter_id)
        await tx.events.append(
            "unsatisfied_why",
            actor_id=ticket.reporter_id,
            subject=subject(ticket),
            detail={"why": why},
        )
        text = texts.UNSATISFIED_FOR_STAFF.format(
            n=ticket.id, why=texts.UNSATISFIED_WHY.format(why=html(why))
        )
        for chat in self._committee_and_card_chat(ticket):
            await tx.outbox.enqueue(text_message(chat, text))
        await tx.outbox.enqueue(text_message(ticket.reporter_id, texts.WHY_THANKS))

    async def _ask_why(self, tx: Tx, ticket: Ticket, press: Press) -> str:
        """不满意: the committee is told at once, and the resident asked what is wrong."""
        for chat in self._committee_and_card_chat(ticket):
            await tx.outbox.enqueue(
                text_message(chat, texts.UNSATISFIED_FOR_STAFF.format(n=ticket.id, why=""))
            )
        await tx.drafts.start(
            user_id=ticket.reporter_id,
            kind=ticket.kind,
            step="why",
            chat_id=ticket.reporter_id,
            message_id=None,
            offered_ticket_id=ticket.id,
        )
        buttons = [
            [(texts.WHY[a], WhyButton(a, ticket.id)) for a in ("slow", "poor", "manner")],
            [(texts.WHY["write"], WhyButton("write", ticket.id))],
        ]
        if press.message_id is not None:
            await tx.outbox.enqueue(
                edit_text(
                    press.chat_id, texts.ASK_WHY, buttons=buttons, message_id=press.message_id
                )
            )
        return plain(texts.RATED.format(rating=texts.RATING["unsatisfied"]))

    def _committee_and_card_chat(self, ticket: Ticket) -> list[int]:
        """Where a ticket's staff are told of something pressing: its committee's chat and
        the chat its card lives in (one message when they are the same chat)."""
        chats = {self._roles.committee_chat(ticket.community)}
        if ticket.card_chat_id is not None:
            chats.add(ticket.card_chat_id)
        return sorted(chats)

    async def escalate_overdue(self) -> int:
        """The deadline tick: reminders before due, the escalation ladder once overdue (see
        deadlines.py), and urgent tickets nobody accepted. How many tickets were raised."""
        return await self._deadlines.tick() + await self._escalate_urgent()

    def _rules_of(self, community: str) -> CommunityRules:
        return self._rules_by.get(community) or next(iter(self._rules_by.values()))

    async def _escalate_urgent(self) -> int:
        """An urgent ticket nobody accepted is escalated again, every `repeat_minutes` of its
        community's emergency rules, to the committee and the card's own chat, ahead of
        everything else queued there."""
        async with self._db.transaction() as tx:
            soonest = min(r.emergency.repeat_minutes for r in self._rules_by.values())
            waiting = await tx.tickets.urgent_unaccepted(tx.now - timedelta(minutes=soonest))
            raised = 0
            for ticket in waiting:
                repeat = self._rules_of(ticket.community).emergency.repeat_minutes
                last = ticket.escalated_at or ticket.created_at
                if tx.now - last < timedelta(minutes=repeat):
                    continue
                minutes = int((tx.now - ticket.created_at).total_seconds() // 60)
                text = texts.URGENT_ESCALATION.format(
                    n=ticket.id, minutes=minutes, text=html(shorten(ticket.text, 200))
                )
                for chat in self._committee_and_card_chat(ticket):
                    await tx.outbox.enqueue(
                        urgent(
                            text_message(
                                chat, text, dedupe_key=f"urgent:{ticket.id}:{chat}:{minutes}"
                            )
                        )
                    )
                await tx.tickets.update(ticket.id, escalated_at=tx.now)
                await tx.events.append(
                    "urgent_escalated",
                    actor_id=None,
                    subject=subject(ticket),
                    detail={"minutes": minutes},
                )
                raised += 1
        return raised

    async def my_tickets(self, user_id: int) -> str | None:
        async with self._db.read() as tx:
            own = await tx.tickets.of_reporter(user_id)
            followed = await tx.tickets.followed_by(user_id)
        return views.my_tickets(own, followed)

    async def view(self, ticket_id: int | None, user_id: int, chat_id: int) -> str | None:
        found = await self.view_with_buttons(ticket_id, user_id, chat_id)
        return found[0] if found else None

    async def view_with_buttons(
        self, ticket_id: int | None, user_id: int, chat_id: int
    ) -> tuple[str, Keyboard] | None:
        """/ticket N, and for staff in a staff chat a button that posts its card again
        there (a card deleted, or lost far up the chat)."""
        text = await self._view(ticket_id, user_id, chat_id)
        if text is None or ticket_id is None or chat_id == user_id:
            return (text, []) if text is not None else None
        async with self._db.read() as tx:
            ticket = await tx.tickets.get(ticket_id)
        if ticket is None or not await self._roles.may_handle_ticket(
            user_id, ticket.party, chat_id, ticket.community
        ):
            return text, []
        return text, views.repost_button(ticket)

    async def _view(self, ticket_id: int | None, user_id: int, chat_id: int) -> str | None:
        """/ticket N typed in `chat_id` (None: N was not a number). Staff who may handle the
        ticket there see the reporter and the whole log; the reporter, in private, the public
        steps. Anyone else is told it was not found (not that it exists). In a residents' group
        nothing is shown at all (None): a ticket may name a resident."""
        if chat_id != user_id and not self._roles.is_staff_chat(chat_id):
            return None
        if ticket_id is None:
            return texts.TICKET_USAGE
        async with self._db.read() as tx:
            ticket = await tx.tickets.get(ticket_id)
            events = await tx.events.for_subject(f"ticket:{ticket_id}") if ticket else []
            followers = await tx.tickets.followers(ticket_id) if ticket else []
        if ticket is None:
            return texts.TICKET_NOT_FOUND
        full = await self._roles.may_handle_ticket(user_id, ticket.party, chat_id, ticket.community)
        # The reporter and those who +1'd it see the public steps, in private (never who
        # reported it: that is for staff).
        concerned = ticket.reporter_id == user_id or user_id in followers
        if not full and not (concerned and chat_id == user_id):
            return texts.TICKET_NOT_FOUND
        return views.ticket_view(ticket, events, full=full, zone=self._zone)

    async def open_from_link(self, update_id: int, user_id: int, ticket_id: int) -> bool:
        """/start t42: the reporter opens the private chat from the group link."""
        async with self._db.read() as tx:
            ticket = await tx.tickets.get(ticket_id)
        if ticket is None or ticket.reporter_id != user_id:
            return False
        view = await self.view(ticket_id, user_id, user_id)
        async with self._db.transaction(update_id=update_id, what="open_link") as tx:
            await tx.people.set_private_chat_open(user_id, True)
            await tx.outbox.enqueue(text_message(user_id, view or texts.TICKET_NOT_FOUND))
            ticket = await tx.tickets.get(ticket_id)
            if ticket is not None and ticket.status == "done":
                # Came from "#12 已办结，请点这里评价": the rating question, here at last.
                question = await tx.outbox.enqueue(
                    text_message(
                        user_id,
                        texts.NOTIFY_DONE.format(
                            kind=texts.KIND[ticket.kind],
                            n=ticket.id,
                            status=views.status_label(ticket),
                            what=texts.NOTIFY_DONE_WHAT[ticket.kind],
                        ),
                        buttons=views.rating_buttons(ticket),
                    )
                )
                await tx.tickets.update(ticket.id, rating_outbox_id=question)
        return True
