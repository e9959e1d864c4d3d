"""Intake: a resident's 微心愿 or complaint becomes a ticket.

A request from a command, a tagged group post, a finished private draft, or an offer nobody
answered is filed in one transaction that claims its Telegram update: the ticket, its "filed"
event, the staff card and the acknowledgements. A similar open complaint is offered for "+1"
first (in private only); a person's requests are limited per hour.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz

from bot import texts
from bot.buttons import (
    DuplicateButton,
)
from bot.community import DEFAULT_COMMUNITY, WISH_CATEGORY, CommunityRules, Party
from bot.services.messaging import (
    deep_link,
    html,
    text_message,
    utf16_len,
)
from bot.services.people import Person
from bot.services.roles import Roles
from bot.services.tickets import views
from bot.services.tickets.cards import TicketCards, subject
from bot.workdays import add_working_days
from storage import Database, Tx
from storage.models import Draft, OutboxMessage, Ticket, TicketKind

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
    community: str = DEFAULT_COMMUNITY  # found by the intake: the group's, or the person's


class TicketIntake:
    def __init__(
        self,
        db: Database,
        roles: Roles,
        rules: CommunityRules | Mapping[str, CommunityRules],
        cards: TicketCards,
        *,
        zone: ZoneInfo,
        bot_username: str,
    ) -> None:
        """rules: each community's (or one set, the default community's)."""
        self._db = db
        self._roles = roles
        self._rules_by = (
            {DEFAULT_COMMUNITY: rules} if isinstance(rules, CommunityRules) else dict(rules)
        )
        self._cards = cards
        self._zone = zone
        self._bot_username = bot_username

    async def request(
        self, update_id: int, kind: TicketKind, text: str, photo_file_id: str | None, origin: Origin
    ) -> None:
        """/wish, /complain, #微心愿 / #投诉 / #报修: file it, or ask for what is missing."""
        text = text.strip()
        async with self._db.transaction(update_id=update_id, what=f"request_{kind}") as tx:
            origin = replace(origin, community=await self.community_of(tx, origin))
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
            if await self.over_quota(
                tx, origin.person.id, origin.chat_id, origin.message_id, origin.community
            ):
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

    def rules_of(self, community: str) -> CommunityRules:
        return self._rules_by.get(community) or self._rules_by[DEFAULT_COMMUNITY]

    async def community_of(self, tx: Tx, origin: Origin) -> str:
        """Whose request this is: the group's community; from private, the community of the
        resident group the person last wrote in (the default one if none)."""
        return await self._roles.community_of(tx, origin.chat_id, origin.person.id)

    async def over_quota(
        self,
        tx: Tx,
        person: int,
        chat_id: int,
        reply_to: int | None,
        community: str | None = None,
    ) -> bool:
        """More requests in the last hour than the community allows one person (theirs, when
        not given): one polite refusal for that hour, then silence, so a flood never buries
        others' cards."""
        if community is None:
            community = await self.community_of(
                tx, Origin(Person(person, ""), person, None, in_group=False)
            )
        quota = self.rules_of(community).limits.requests_per_hour
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
        category, _ = self.rules_of(origin.community).categorise(text)
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
        best, best_score = None, self.rules_of(origin.community).tickets.duplicate_match
        for candidate in await tx.tickets.open_in_category(
            category,
            tx.now - DUPLICATE_WINDOW,
            seen_by=origin.person.id,
            group_id=origin.chat_id if origin.in_group else None,
            community=origin.community,
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
        origin = Origin(
            person, draft.chat_id, draft.message_id, in_group=in_group, group_title=title
        )
        return replace(origin, community=await self.community_of(tx, origin))

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
        rules = self.rules_of(origin.community)
        if kind == "wish":
            category, routing = WISH_CATEGORY, rules.wishes
        else:
            category, routing = rules.categorise(text)
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
            community=origin.community,
        )
        await tx.events.append(
            "filed",
            actor_id=origin.person.id,
            subject=subject(ticket),
            detail={"kind": kind, "category": category, "party": routing.party.value},
            public=True,
            update_id=update_id,
        )
        await self._cards.post(tx, ticket, origin.group_title)
        await self._acknowledge(tx, ticket, origin)
        return ticket

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
            "card_refused", actor_id=None, subject=subject(ticket), detail={"chat": row.chat_id}
        )
        await self._cards.post(
            tx,
            ticket,
            await self._cards.group_title(tx, ticket),
            chat_id=self._roles.committee_chat(ticket.community),
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
                subject=subject(ticket),
                detail={"text": text},
                public=True,
                update_id=update_id,
            )
            await self._cards.show(tx, ticket)
