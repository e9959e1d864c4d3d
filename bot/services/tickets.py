"""Tickets: residents' 微心愿 and complaints, from intake to the resident's rating.

Every change is one transaction that claims the Telegram update, updates the ticket, appends
events (the audit trail) and queues every message it causes: the staff card and its edits, the
resident's notifications. Who may do what, and where, is checked here on every action: a press
acts only on what the bot recorded (the card's own message, the rating question sent to the
reporter, the ticket a duplicate offer proposed), never on ids taken from button data.
What people see is built in ticket_views.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz

from bot import texts
from bot.buttons import (
    CardButton,
    DuplicateButton,
    ForwardButton,
    Press,
    RatingButton,
)
from bot.community import WISH_CATEGORY, CommunityRules, Party
from bot.services import ticket_views as views
from bot.services.messaging import (
    deep_link,
    edit_text,
    html,
    local_time,
    photo_message,
    shorten,
    text_message,
    utf16_len,
)
from bot.services.people import Person
from bot.services.roles import Roles
from bot.workdays import add_working_days
from storage import Database, Tx
from storage.models import Draft, OutboxMessage, Prompt, Ticket, TicketKind

log = logging.getLogger(__name__)

MAX_TEXT = 2000  # UTF-16 units, as Telegram counts
REASON_LIMIT = 500
DUPLICATE_WINDOW = timedelta(days=30)
QUOTA_WINDOW = timedelta(hours=1)
OFFER_WAIT = timedelta(hours=6)  # an offer unanswered this long is filed as a new ticket
REQUEST_EVENTS = ("filed", "offered")  # what counts against a person's quota
_NOT_TEXT = re.compile(r"[\W_]+", re.UNICODE)
REQUEST_TAG = re.compile(r"#(微心愿|投诉|报修)")  # a group post with one of these is a request


@dataclass(frozen=True)
class Origin:
    """Where and by whom a request was made."""

    person: Person
    chat_id: int
    message_id: int | None
    in_group: bool
    group_title: str | None = None


class TicketService:
    def __init__(
        self,
        db: Database,
        roles: Roles,
        rules: CommunityRules,
        *,
        zone: ZoneInfo,
        bot_username: str,
    ) -> None:
        self._db = db
        self._roles = roles
        self._rules = rules
        self._zone = zone
        self._bot_username = bot_username

    # ------------------------------------------------------------------ intake

    async def request(
        self, update_id: int, kind: TicketKind, text: str, photo_file_id: str | None, origin: Origin
    ) -> None:
        """/wish, /complain, #微心愿 / #投诉 / #报修: file it, or ask for what is missing."""
        text = text.strip()
        async with self._db.transaction(update_id=update_id, what=f"request_{kind}") as tx:
            await self.settle_offer(tx, origin.person.id)
            if not text:
                await self._ask_for_text(tx, kind, origin)
                return
            if utf16_len(text) > MAX_TEXT:
                await tx.outbox.enqueue(
                    text_message(
                        origin.chat_id,
                        texts.TOO_LONG.format(limit=MAX_TEXT),
                        reply_to=origin.message_id,
                        dedupe_key=self._hint_key(tx, origin, f"long-{kind}"),
                    )
                )
                return
            if await self.over_quota(tx, origin.person.id, origin.chat_id, origin.message_id):
                return
            if kind == "complaint" and await self._offer_duplicate(tx, text, photo_file_id, origin):
                return
            await self._file(tx, kind, text, photo_file_id, origin, update_id)

    @staticmethod
    def _hint_key(tx: Tx, origin: Origin, what: str) -> str | None:
        """In a group, a hint (how to write a request) goes to one person at most once an
        hour: thirty empty #投诉 posts get one answer, not thirty."""
        if not origin.in_group:
            return None
        return f"hint:{what}:{origin.chat_id}:{origin.person.id}:{tx.now:%Y%m%d%H}"

    async def over_quota(self, tx: Tx, person: int, chat_id: int, reply_to: int | None) -> bool:
        """More requests in the last hour than the community allows one person: one polite
        refusal for that hour, then silence, so a flood never buries others' cards."""
        quota = self._rules.limits.requests_per_hour
        if (
            self._roles.is_admin(person)
            or await tx.events.count_by(person, REQUEST_EVENTS, tx.now - QUOTA_WINDOW) < quota
        ):
            return False
        queued = await tx.outbox.enqueue(
            text_message(
                chat_id,
                texts.QUOTA_REACHED.format(n=quota),
                reply_to=reply_to,
                dedupe_key=f"quota:{person}:{tx.now:%Y%m%d%H}",
            )
        )
        if queued is not None:
            await tx.events.append(
                "quota_reached",
                actor_id=person,
                subject=f"person:{person}",
                detail={"quota": quota},
            )
            log.warning("person %d reached the request quota (%d an hour)", person, quota)
        return True

    async def _ask_for_text(self, tx: Tx, kind: TicketKind, origin: Origin) -> None:
        if origin.in_group:
            tag = "#微心愿" if kind == "wish" else "#投诉"
            reply = texts.ASK_TEXT_IN_GROUP.format(tag=tag, example=texts.EXAMPLE[kind])
        else:
            await tx.drafts.start(
                user_id=origin.person.id,
                kind=kind,
                step="text",
                chat_id=origin.chat_id,
                message_id=None,
            )
            reply = texts.ASK_TEXT[kind]
        await tx.outbox.enqueue(
            text_message(
                origin.chat_id,
                reply,
                reply_to=origin.message_id if origin.in_group else None,
                dedupe_key=self._hint_key(tx, origin, f"ask-{kind}"),
            )
        )

    async def _offer_duplicate(
        self, tx: Tx, text: str, photo_file_id: str | None, origin: Origin
    ) -> bool:
        """A similar open complaint is offered for "+1", in private only: an offer in a group
        would let anyone probe for others' complaints by posting guesses."""
        if origin.in_group and not await self._private_open(tx, origin.person.id):
            return False  # nowhere private to ask: file it; staff see both cards
        category, _ = self._rules.categorise(text)
        match = await self._similar_open(tx, category, text, origin)
        if match is None:
            return False
        draft = await tx.drafts.start(
            user_id=origin.person.id,
            kind="complaint",
            step="duplicate",
            chat_id=origin.chat_id,
            message_id=origin.message_id,
            text=text,
            photo_file_id=photo_file_id,
            offered_ticket_id=match.id,
            origin_update_id=tx.update_id,
        )
        await tx.events.append(
            "offered",
            actor_id=origin.person.id,
            subject=f"ticket:{match.id}",
            detail={"draft": draft.id},
        )
        buttons = [
            [
                (texts.BTN_PLUS_ONE.format(n=match.id), DuplicateButton("plus1", draft.id)),
                (texts.BTN_CREATE_ANYWAY, DuplicateButton("new", draft.id)),
            ]
        ]
        offer = texts.DUPLICATE_OFFER.format(
            n=match.id, category=html(match.category), status=views.status_label(match)
        )
        # Refused (the person blocked the bot since): the request is filed instead.
        await tx.outbox.enqueue(
            text_message(
                origin.person.id,
                offer,
                buttons=buttons,
                fallback="offer_refused",
                fallback_args={"draft": draft.id},
            )
        )
        if origin.in_group:
            await tx.outbox.enqueue(
                text_message(
                    origin.chat_id,
                    texts.DUPLICATE_ASKED_IN_PRIVATE.format(name=html(origin.person.name)),
                    reply_to=origin.message_id,
                )
            )
        return True

    async def _similar_open(
        self, tx: Tx, category: str, text: str, origin: Origin
    ) -> Ticket | None:
        """A similar open complaint the person could already know of: their own, or one posted
        in this group (from private: in any group). Private complaints are never offered to
        others, so a guessed text cannot find them."""
        wanted = _NOT_TEXT.sub("", text)
        best, best_score = None, self._rules.tickets.duplicate_match
        for candidate in await tx.tickets.open_in_category(
            category,
            tx.now - DUPLICATE_WINDOW,
            seen_by=origin.person.id,
            group_id=origin.chat_id if origin.in_group else None,
        ):
            score = fuzz.ratio(wanted, _NOT_TEXT.sub("", candidate.text))
            if score >= best_score:
                best, best_score = candidate, score
        return best

    async def settle_offer(self, tx: Tx, user_id: int) -> None:
        """A new request while an offer waits for an answer: the waiting one is filed as a new
        ticket first, so that starting another request never throws it away."""
        draft = await tx.drafts.of_user(user_id)
        if draft is not None and draft.step == "duplicate":
            await self._file_offered(tx, draft)

    async def _file_offered(self, tx: Tx, draft: Draft) -> None:
        """File an offer's request as a new ticket, under the update it came in."""
        seen = await tx.people.get(draft.user_id)
        name = " ".join(n for n in (seen.first_name, seen.last_name) if n) if seen else ""
        assert draft.origin_update_id is not None, "offers record the update they came in"
        await self.file_draft(tx, draft, Person(draft.user_id, name), draft.origin_update_id)

    async def file_draft(self, tx: Tx, draft: Draft, person: Person, update_id: int) -> None:
        await tx.drafts.drop(draft.id)
        await self._file(
            tx,
            draft.kind,
            draft.text or "",
            draft.photo_file_id,
            await self._origin_of(tx, draft, person),
            update_id,
        )

    async def offer_refused(self, tx: Tx, row: OutboxMessage) -> None:
        """Outbox fallback: the private offer could not be delivered (403); file the request."""
        draft_id = (row.fallback_args or {}).get("draft")
        draft = await tx.drafts.get(draft_id) if isinstance(draft_id, int) else None
        if draft is not None and draft.step == "duplicate":
            await self._file_offered(tx, draft)

    async def file_unanswered_offers(self) -> int:
        """Offers nobody answered for OFFER_WAIT are filed as new tickets: nothing a resident
        asked for waits for ever on a button."""
        async with self._db.transaction() as tx:
            waiting = await tx.drafts.offers_older_than(tx.now - OFFER_WAIT)
            for draft in waiting:
                await self._file_offered(tx, draft)
        return len(waiting)

    @staticmethod
    async def _private_open(tx: Tx, user_id: int) -> bool:
        person = await tx.people.get(user_id)
        return person is not None and person.private_chat_open

    async def _origin_of(self, tx: Tx, draft: Draft, person: Person) -> Origin:
        in_group = draft.chat_id != draft.user_id
        title = None
        if in_group:
            chat = await tx.chats.get(draft.chat_id)
            title = chat.title if chat else None
        return Origin(person, draft.chat_id, draft.message_id, in_group=in_group, group_title=title)

    async def _file(
        self,
        tx: Tx,
        kind: TicketKind,
        text: str,
        photo_file_id: str | None,
        origin: Origin,
        update_id: int,
    ) -> Ticket:
        await tx.drafts.drop_for_user(origin.person.id)  # a request filed ends any other
        if kind == "wish":
            category, routing = WISH_CATEGORY, self._rules.wishes
        else:
            category, routing = self._rules.categorise(text)
        due = add_working_days(tx.now, routing.sla_days, self._zone)
        ticket = await tx.tickets.create(
            kind=kind,
            text=text,
            photo_file_id=photo_file_id,
            category=category,
            party=routing.party.value,
            reporter_id=origin.person.id,
            reporter_name=origin.person.name,
            source_chat_id=origin.chat_id,
            source_message_id=origin.message_id,
            source_update_id=update_id,
            due_at=due,
        )
        await tx.events.append(
            "filed",
            actor_id=origin.person.id,
            subject=_subject(ticket),
            detail={"kind": kind, "category": category, "party": routing.party.value},
            public=True,
            update_id=update_id,
        )
        await self._post_card(tx, ticket, origin.group_title)
        await self._acknowledge(tx, ticket, origin)
        return ticket

    async def _post_card(
        self,
        tx: Tx,
        ticket: Ticket,
        group_title: str | None,
        *,
        chat_id: int | None = None,
        note: str = "",
    ) -> Ticket:
        if chat_id is None:
            chat_id = self._roles.chat_for(Party(ticket.party))
        # A party chat the bot cannot post to sends the card to the committee (card_refused).
        fallback = "card_refused" if chat_id != self._roles.committee_chat_id else None
        if ticket.photo_file_id:
            photo = photo_message(
                chat_id, ticket.photo_file_id, texts.CARD_PHOTO.format(n=ticket.id)
            )
            await tx.outbox.enqueue(photo)
        where = group_title or texts.WHERE_PRIVATE
        card_id = await tx.outbox.enqueue(
            text_message(
                chat_id,
                views.card_text(ticket, where=where, followers=0, zone=self._zone, note=note),
                buttons=views.card_buttons(ticket),
                fallback=fallback,
                fallback_args={"ticket": ticket.id} if fallback else None,
            )
        )
        return await tx.tickets.update(ticket.id, card_chat_id=chat_id, card_outbox_id=card_id)

    async def card_refused(self, tx: Tx, row: OutboxMessage) -> None:
        """Outbox fallback: a party's chat refused a card (the bot left it, or was never
        added). The card goes to the committee chat instead, saying why."""
        ticket_id = (row.fallback_args or {}).get("ticket")
        ticket = await tx.tickets.get(ticket_id) if isinstance(ticket_id, int) else None
        if ticket is None or ticket.card_outbox_id != row.id:
            return
        log.error(
            "the card of ticket #%d was refused by chat %d (%s); it goes to the "
            "committee chat instead: add the bot to that chat again",
            ticket.id,
            row.chat_id,
            row.last_error,
        )
        await tx.events.append(
            "card_refused", actor_id=None, subject=_subject(ticket), detail={"chat": row.chat_id}
        )
        await self._post_card(
            tx,
            ticket,
            await self._group_title(tx, ticket),
            chat_id=self._roles.committee_chat_id,
            note=texts.CARD_PARTY_CHAT_REFUSED.format(party=Party(ticket.party).label),
        )

    async def _acknowledge(self, tx: Tx, ticket: Ticket, origin: Origin) -> None:
        private_ack = views.private_acknowledgement(ticket, self._zone)
        if not origin.in_group:
            await tx.outbox.enqueue(text_message(origin.person.id, private_ack))
            return
        name = html(origin.person.name)
        common = {
            "name": name,
            "n": ticket.id,
            "category": html(ticket.category),
            "party": Party(ticket.party).label,
        }
        if await self._private_open(tx, origin.person.id):
            await tx.outbox.enqueue(
                text_message(
                    origin.chat_id, texts.ACK_GROUP.format(**common), reply_to=origin.message_id
                )
            )
            await tx.outbox.enqueue(
                text_message(
                    origin.person.id,
                    private_ack,
                    fallback="group_link",
                    fallback_args={
                        "group_chat_id": origin.chat_id,
                        "start": f"t{ticket.id}",
                        "name": origin.person.name,
                        "reply_to": origin.message_id,
                    },
                )
            )
        else:
            link = html(deep_link(self._bot_username, f"t{ticket.id}"))
            await tx.outbox.enqueue(
                text_message(
                    origin.chat_id,
                    texts.ACK_GROUP_WITH_LINK.format(**common, link=link),
                    reply_to=origin.message_id,
                )
            )

    async def edited_post(
        self, update_id: int, person: Person, chat_id: int, message_id: int, text: str
    ) -> None:
        """A resident edited a #投诉 / #微心愿 post: its own ticket takes the new words while
        nobody has taken it on yet; an edit never files another ticket."""
        text = text.strip()
        async with self._db.transaction(update_id=update_id, what="ticket_edited") as tx:
            ticket = await tx.tickets.from_post(chat_id, message_id)
            if (
                ticket is None
                or ticket.reporter_id != person.id
                or ticket.status != "new"
                or not text
                or utf16_len(text) > MAX_TEXT
                or text == ticket.text
            ):
                return
            ticket = await tx.tickets.update(ticket.id, text=text)
            await tx.events.append(
                "edited",
                actor_id=person.id,
                subject=_subject(ticket),
                detail={"text": text},
                public=True,
                update_id=update_id,
            )
            await self.show_card(tx, ticket)

    # ------------------------------------------------------------------ staff actions

    async def card_press(
        self, update_id: int, press: Press, button: CardButton | ForwardButton
    ) -> str:
        """A staff card's button. Scope: the card's own message in the chat it lives in; right:
        the presser may handle this ticket's party from that chat. Returns the answer."""
        staff = Person(press.user_id, press.user_name)
        async with self._db.read() as tx:
            ticket = await tx.tickets.get(button.ticket)
            on_card = ticket is not None and await self._on_card(tx, ticket, press)
        if ticket is None or not on_card:
            return texts.UNKNOWN_BUTTON
        if not await self._roles.may_handle_ticket(staff.id, ticket.party, press.chat_id):
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
                return await self._forward(tx, ticket, Party[button.party], staff)
            if action == "forward":
                await self.show_card(tx, ticket, choose_party=True)
                return texts.ANSWER_CHOOSE_PARTY
            if action == "back":
                await self.show_card(tx, ticket)
                return texts.ANSWER_BACK
            assert action == "reject"
            await tx.prompts.ask(
                text_message(
                    ticket.card_chat_id or self._roles.committee_chat_id,
                    texts.ASK_REJECT_REASON.format(n=ticket.id),
                    force_reply=texts.REJECT_REASON_PLACEHOLDER,
                ),
                kind="reject_reason",
                subject_id=ticket.id,
                asked_by=staff.id,
            )
            return texts.ANSWER_REPLY_REASON

    @staticmethod
    async def _on_card(tx: Tx, ticket: Ticket, press: Press) -> bool:
        if ticket.card_chat_id != press.chat_id or ticket.card_outbox_id is None:
            return False
        card = await tx.outbox.get(ticket.card_outbox_id)
        return card is not None and card.telegram_message_id == press.message_id

    async def _start_work(self, tx: Tx, ticket: Ticket, staff: Person) -> str:
        ticket = await tx.tickets.update(
            ticket.id, status="in_progress", assignee_id=staff.id, assignee_name=staff.name
        )
        action = "claimed" if ticket.kind == "wish" else "accepted"
        await tx.events.append(
            action,
            actor_id=staff.id,
            subject=_subject(ticket),
            detail={"by": staff.name},
            public=True,
        )
        await self.show_card(tx, ticket)
        if ticket.kind == "wish":
            note = texts.NOTIFY_CLAIMED.format(n=ticket.id, staff=html(staff.name))
        else:
            note = texts.NOTIFY_ACCEPTED.format(n=ticket.id, party=Party(ticket.party).label)
        await self._notify(tx, ticket, note)
        return texts.ANSWER_CLAIMED if ticket.kind == "wish" else texts.ANSWER_ACCEPTED

    async def _finish(self, tx: Tx, ticket: Ticket, staff: Person) -> str:
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
            subject=_subject(ticket),
            detail={"by": staff.name},
            public=True,
        )
        await self.show_card(tx, ticket)
        status = views.status_label(ticket)
        question = await tx.outbox.enqueue(
            text_message(
                ticket.reporter_id,
                texts.NOTIFY_DONE.format(kind=texts.KIND[ticket.kind], n=ticket.id, status=status),
                buttons=views.rating_buttons(ticket),
            )
        )
        await tx.tickets.update(ticket.id, rating_outbox_id=question)
        for follower in await tx.tickets.followers(ticket.id):
            await tx.outbox.enqueue(
                text_message(
                    follower, texts.NOTIFY_DONE_FOLLOWER.format(n=ticket.id, status=status)
                )
            )
        return texts.ANSWER_FINISHED

    async def _forward(self, tx: Tx, ticket: Ticket, party: Party, staff: Person) -> str:
        if party.value == ticket.party:
            await self.show_card(tx, ticket)
            return texts.ANSWER_BACK
        old_chat, old_card = ticket.card_chat_id, ticket.card_outbox_id
        ticket = await tx.tickets.update(ticket.id, party=party.value)
        await tx.events.append(
            "forwarded",
            actor_id=staff.id,
            subject=_subject(ticket),
            detail={"to": party.value, "by": staff.name},
            public=True,
        )
        new_chat = self._roles.chat_for(party)
        if new_chat != old_chat and old_chat is not None and old_card is not None:
            await tx.outbox.enqueue(
                edit_text(
                    old_chat,
                    await self._card_text(
                        tx, ticket, note=texts.CARD_FORWARDED_AWAY.format(party=party.label)
                    ),
                    target_row=old_card,
                )
            )
            await self._post_card(tx, ticket, await self._group_title(tx, ticket))
        else:
            await self.show_card(tx, ticket)
        await self._notify(
            tx, ticket, texts.NOTIFY_FORWARDED.format(n=ticket.id, party=party.label)
        )
        return texts.ANSWER_FORWARDED.format(party=party.label)

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
            or not await self._roles.may_handle_ticket(staff.id, ticket.party, prompt.chat_id)
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
                subject=_subject(ticket),
                detail={"by": staff.name, "reason": reason},
                public=True,
            )
            await self.show_card(tx, ticket)
            # The reason is written to the reporter: those who +1'd hear only the outcome.
            await tx.outbox.enqueue(
                text_message(
                    ticket.reporter_id,
                    texts.NOTIFY_REJECTED.format(n=ticket.id, reason=html(reason)),
                )
            )
            for follower in await tx.tickets.followers(ticket.id):
                await tx.outbox.enqueue(
                    text_message(follower, texts.NOTIFY_REJECTED_FOLLOWER.format(n=ticket.id))
                )
        return True

    # ------------------------------------------------------------------ the resident's answer

    async def rate(self, update_id: int, press: Press, button: RatingButton) -> str:
        """满意 / 基本满意 / 不满意 or 未解决, pressed by the reporter under the very rating
        question the bot sent them (the family's private scope is checked before this)."""
        person = Person(press.user_id, press.user_name)
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
                    "reopened", actor_id=person.id, subject=_subject(ticket), public=True
                )
                await self.show_card(tx, ticket)
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
                    subject=_subject(ticket),
                    detail={"rating": rating},
                    public=True,
                )
                await self.show_card(tx, ticket)
                reply = texts.RATED.format(rating=texts.RATING[rating])
            if press.message_id is not None:  # the question, answered: no more buttons
                await tx.outbox.enqueue(
                    edit_text(press.chat_id, reply, message_id=press.message_id)
                )
            return reply

    # ------------------------------------------------------------------ deadlines

    async def escalate_overdue(self) -> int:
        """Flag tickets past due, once each, with one escalation card in the committee chat."""
        async with self._db.transaction() as tx:
            overdue = await tx.tickets.newly_overdue(tx.now)
            for ticket in overdue:
                ticket = await tx.tickets.update(ticket.id, overdue_at=tx.now)
                await tx.events.append("overdue", actor_id=None, subject=_subject(ticket))
                await tx.outbox.enqueue(
                    text_message(
                        self._roles.committee_chat_id,
                        texts.ESCALATION.format(
                            n=ticket.id,
                            kind=texts.KIND[ticket.kind],
                            category=html(ticket.category),
                            party=Party(ticket.party).label,
                            due=local_time(ticket.due_at, self._zone),
                            status=views.status_label(ticket),
                        ),
                        dedupe_key=f"overdue:{ticket.id}",
                    )
                )
                await self.show_card(tx, ticket)
        if overdue:
            log.info("%d ticket(s) became overdue", len(overdue))
        return len(overdue)

    # ------------------------------------------------------------------ views

    async def my_tickets(self, user_id: int) -> str | None:
        async with self._db.read() as tx:
            own = await tx.tickets.of_reporter(user_id)
            followed = await tx.tickets.followed_by(user_id)
        return views.my_tickets(own, followed)

    async def view(self, ticket_id: int | None, user_id: int, chat_id: int) -> str | None:
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
        if ticket is None:
            return texts.TICKET_NOT_FOUND
        full = await self._roles.may_handle_ticket(user_id, ticket.party, chat_id)
        if not full and not (ticket.reporter_id == user_id and chat_id == user_id):
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
        return True

    # ------------------------------------------------------------------ helpers

    async def _group_title(self, tx: Tx, ticket: Ticket) -> str | None:
        chat = await tx.chats.get(ticket.source_chat_id)
        return chat.title if chat else None

    async def _card_text(self, tx: Tx, ticket: Ticket, *, note: str = "") -> str:
        followers = len(await tx.tickets.followers(ticket.id))
        where = await self._group_title(tx, ticket) if ticket.source_chat_id < 0 else None
        return views.card_text(
            ticket,
            where=where or texts.WHERE_PRIVATE,
            followers=followers,
            zone=self._zone,
            note=note,
        )

    async def show_card(self, tx: Tx, ticket: Ticket, *, choose_party: bool = False) -> None:
        if ticket.card_chat_id is None or ticket.card_outbox_id is None:
            return
        text = await self._card_text(
            tx, ticket, note=texts.CARD_CHOOSE_PARTY if choose_party else ""
        )
        await tx.outbox.enqueue(
            edit_text(
                ticket.card_chat_id,
                text,
                buttons=views.card_buttons(ticket, choose_party=choose_party),
                target_row=ticket.card_outbox_id,
            )
        )

    async def _notify(self, tx: Tx, ticket: Ticket, text: str) -> None:
        """Tell the reporter and everyone who +1'd, in private."""
        for user_id in [ticket.reporter_id, *await tx.tickets.followers(ticket.id)]:
            await tx.outbox.enqueue(text_message(user_id, text))


def _subject(ticket: Ticket) -> str:
    return f"ticket:{ticket.id}"
