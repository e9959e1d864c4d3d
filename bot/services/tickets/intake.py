"""Intake: a resident's 微心愿 or complaint becomes a ticket.

A request from a command, a tagged group post, a finished private draft, or an offer nobody
answered is filed in one transaction that claims its Telegram update: the ticket, its "filed"
event, the staff card and the acknowledgements. A similar open complaint is offered for "+1"
first (in private only); a person's requests are limited per hour.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import texts
from bot.buttons import AddButton, DuplicateButton, Keyboard, MenuButton
from bot.community import (
    DEFAULT_COMMUNITY,
    UNMATCHED_CATEGORY,
    WISH_CATEGORY,
    CommunityRules,
    Party,
)
from bot.services.messaging import (
    deep_link,
    html,
    once_recorded,
    text_message,
    urgent,
    utf16_len,
)
from bot.services.people import Person
from bot.services.roles import Roles
from bot.services.tickets import views
from bot.services.tickets.cards import TicketCards, subject
from bot.services.tickets.similar import similarity
from bot.workdays import add_working_days
from storage import Database, Tx
from storage.models import Attachment, Draft, OutboxMessage, Ticket, TicketKind

if TYPE_CHECKING:
    from bot.services.volunteers import VolunteerService

log = logging.getLogger(__name__)
_LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)

MAX_TEXT = 2000  # UTF-16 units, as Telegram counts
REASON_LIMIT = 500
DUPLICATE_WINDOW = timedelta(days=30)
QUOTA_WINDOW = timedelta(hours=1)
OFFER_WAIT = timedelta(hours=6)  # an offer unanswered this long is filed as a new ticket
REQUEST_EVENTS = ("filed", "offered")  # what counts against a person's quota
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


@dataclass(frozen=True)
class Said:
    """One message of a resident's, as the bot can take it: words (text or caption), a photo,
    a voice note, a location; an album's id; or something it cannot take (a sticker...)."""

    text: str = ""
    photo: str | None = None
    voice: Attachment | None = None
    location: Attachment | None = None
    media_group: str | None = None
    unsupported: bool = False

    @property
    def attachments(self) -> tuple[Attachment, ...]:
        return tuple(a for a in (self.voice, self.location) if a is not None)

    @property
    def empty(self) -> bool:
        return not (self.text.strip() or self.photo or self.voice or self.location)

    def dump(self) -> dict[str, object]:
        return {
            "text": self.text,
            "photo": self.photo,
            "voice": self.voice.dump() if self.voice else None,
            "location": self.location.dump() if self.location else None,
            "media_group": self.media_group,
        }

    @classmethod
    def load(cls, data: dict[str, object]) -> Said:
        voice, location = data.get("voice"), data.get("location")
        return cls(
            text=str(data.get("text") or ""),
            photo=str(data["photo"]) if data.get("photo") else None,
            voice=Attachment.model_validate(voice) if voice else None,
            location=Attachment.model_validate(location) if location else None,
            media_group=str(data["media_group"]) if data.get("media_group") else None,
        )


def voice_text(attachments: tuple[Attachment, ...]) -> str:
    """The words a ticket of voice notes alone carries (a transcription hook may do better)."""
    seconds = sum(a.duration or 0 for a in attachments if a.kind == "voice")
    return texts.VOICE_TEXT.format(seconds=seconds)


ALBUMS_REMEMBERED = 256


class _Albums(OrderedDict[tuple[int, str, int], list[str]]):
    """Recent albums' uncaptioned photos, oldest first (a bounded memory)."""

    def __missing__(self, key: tuple[int, str, int]) -> list[str]:
        value: list[str] = []
        self[key] = value
        return value


class Transcriber:
    """The hook for a deployment that can turn voice notes into words (no model ships here:
    none can be downloaded). Subclass it and pass it to TicketIntake; None keeps the voice
    note as it is, for staff to listen to."""

    async def transcribe(self, file_id: str, duration: int | None) -> str | None:
        raise NotImplementedError


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
        transcriber: Transcriber | None = None,
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
        self._transcriber = transcriber
        # Set by the app when VOLUNTEER_CHAT_ID is: new wishes are posted there too.
        self.volunteers: VolunteerService | None = None
        # Photos of an album seen before its captioned photo: (chat, album, person) -> ids.
        self._album_photos = _Albums()

    async def request(
        self,
        update_id: int,
        kind: TicketKind,
        text: str,
        photo_file_id: str | None,
        origin: Origin,
        *,
        attachments: tuple[Attachment, ...] = (),
        media_group: str | None = None,
    ) -> None:
        """/wish, /complain, #微心愿 / #投诉 / #报修 (words, a photo, a voice note): file it,
        or ask for what is missing."""
        text = text.strip()
        if not text:  # a voice note alone: its words, where a deployment can transcribe
            text = await self.transcribe(attachments)
        async with self._db.transaction(update_id=update_id, what=f"request_{kind}") as tx:
            origin = replace(origin, community=await self.community_of(tx, origin))
            await self.settle_offer(tx, origin.person.id)
            if not text and any(a.kind == "voice" for a in attachments):
                text = voice_text(attachments)
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
            if media_group is not None:
                earlier = self._album_photos.pop(
                    (origin.chat_id, media_group, origin.person.id), []
                )
                attachments = (
                    *attachments,
                    *(Attachment(kind="photo", file_id=p) for p in earlier),
                )
            rules = self.rules_of(origin.community)
            if (
                kind == "complaint"
                and not rules.emergency.is_urgent(text)  # an emergency is filed at once
                and await self._offer_duplicate(tx, text, photo_file_id, origin)
            ):
                return
            await self._file(
                tx,
                kind,
                text,
                photo_file_id,
                origin,
                update_id,
                attachments=attachments,
                media_group=media_group,
            )

    @staticmethod
    def _hint_key(tx: Tx, origin: Origin, what: str) -> str | None:
        """In a group, a hint (how to write a request) goes to one person at most once an
        hour: thirty empty #投诉 posts get one answer, not thirty."""
        if not origin.in_group:
            return None
        return f"hint:{what}:{origin.chat_id}:{origin.person.id}:{tx.now:%Y%m%d%H}"

    async def transcribe(self, attachments: tuple[Attachment, ...]) -> str:
        """The words of the voice notes, or "" (staff listen to them): never in a transaction,
        and a failing transcriber only costs the words."""
        if self._transcriber is None:
            return ""
        words = []
        for voice in (a for a in attachments if a.kind == "voice" and a.file_id):
            try:
                heard = await self._transcriber.transcribe(voice.file_id or "", voice.duration)
            except Exception:
                log.exception("transcribing a voice note failed; it is filed as a voice note")
                heard = None
            if heard:
                words.append(heard.strip())
        return "\n".join(w for w in words if w)

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
            prompt = await tx.outbox.enqueue(
                text_message(
                    origin.chat_id,
                    reply,
                    reply_to=origin.message_id,
                    dedupe_key=self._hint_key(tx, origin, f"ask-{kind}"),
                )
            )
            # A reply to this very message (words or a voice note) files it; a draft the person
            # is writing in private is never replaced by it.
            if prompt is not None and await tx.drafts.of_user(origin.person.id) is None:
                draft = await tx.drafts.start(
                    user_id=origin.person.id,
                    kind=kind,
                    step="text",
                    chat_id=origin.chat_id,
                    message_id=origin.message_id,
                    origin_update_id=tx.update_id,
                )
                await tx.drafts.update(draft.id, prompt_outbox_id=prompt)
            return
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
        # Place-aware: the same fault at the same place (3号楼 ≠ 5号楼, 东门 ≠ 西门).
        best, best_score = None, self.rules_of(origin.community).tickets.duplicate_match
        for candidate in await tx.tickets.open_in_category(
            category,
            tx.now - DUPLICATE_WINDOW,
            seen_by=origin.person.id,
            group_id=origin.chat_id if origin.in_group else None,
            community=origin.community,
        ):
            score = similarity(text, candidate.text)
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
        text = draft.text or ""
        if not text.strip() and any(a.kind == "voice" for a in draft.attachments):
            text = voice_text(draft.attachments)
        await self._file(
            tx,
            draft.kind,
            text,
            draft.photo_file_id,
            await self._origin_of(tx, draft, person),
            update_id,
            attachments=draft.attachments,
            media_group=draft.media_group,
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
        *,
        attachments: tuple[Attachment, ...] = (),
        media_group: str | None = None,
    ) -> Ticket:
        await tx.drafts.drop_for_user(origin.person.id)  # a request filed ends any other
        rules = self.rules_of(origin.community)
        if kind == "wish":
            category, routing = WISH_CATEGORY, rules.wishes
        else:
            category, routing = rules.categorise(text)
        urgent = rules.emergency.is_urgent(text)
        if urgent:  # hours, not days: and the card goes out ahead of the chat's queue
            due = tx.now + timedelta(hours=rules.emergency.due_hours)
        else:
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
            attachments=attachments,
            media_group=media_group,
            urgent=urgent,
        )
        detail = {"kind": kind, "category": category, "party": routing.party.value}
        await tx.events.append(
            "filed",
            actor_id=origin.person.id,
            subject=subject(ticket),
            detail={**detail, "urgent": True} if urgent else detail,
            public=True,
            update_id=update_id,
        )
        await self._cards.post(tx, ticket, origin.group_title)
        if self.volunteers is not None:
            await self.volunteers.post_wish(tx, ticket)
        if urgent:
            await self._emergency_numbers(tx, ticket, origin)
        await self._acknowledge(tx, ticket, origin)
        return ticket

    async def _emergency_numbers(self, tx: Tx, ticket: Ticket, origin: Origin) -> None:
        """The numbers to call, at once, where the resident wrote (ahead of anything queued)."""
        contacts = self.rules_of(ticket.community).emergency.contacts
        lines = "\n".join(
            texts.EMERGENCY_CONTACT_LINE.format(name=html(c.name), number=html(c.number))
            for c in contacts
        )
        message = text_message(
            origin.chat_id,
            texts.EMERGENCY_CALL.format(contacts=lines),
            reply_to=origin.message_id if origin.in_group else None,
        )
        await tx.outbox.enqueue(urgent(message))

    async def reply_to_prompt(
        self, update_id: int, origin: Origin, replied_message_id: int, said: Said
    ) -> bool:
        """A reply in a group to the bot's "请在 #投诉 后面写上具体内容": words or a voice note
        answering that very message (found by its id, never by its words), from the person it
        asked, are filed. False when it answers no such prompt."""

        async def look() -> tuple[Draft | None, bool | None]:
            async with self._db.read() as tx:
                draft = await tx.drafts.of_user(origin.person.id)
                if draft is None:
                    return None, False
                return draft, await tx.outbox.sent_as(
                    draft.prompt_outbox_id, origin.chat_id, replied_message_id
                )

        draft, asked = await once_recorded(look)
        if draft is None or not asked or draft.chat_id != origin.chat_id or said.empty:
            return False
        attachments = said.attachments
        if said.photo and not said.text.strip() and not said.voice:
            return False  # a photo alone is no request yet
        await self.request(
            update_id,
            draft.kind,
            said.text,
            said.photo,
            origin,
            attachments=attachments,
            media_group=said.media_group,
        )
        return True

    async def album_photo(
        self, update_id: int, person: Person, chat_id: int, media_group: str, photo: str
    ) -> bool:
        """Another photo of an album whose first photo filed a ticket: it joins that ticket
        and goes to its card's chat. False when no ticket came from that album."""
        async with self._db.read() as tx:
            ticket = await tx.tickets.of_album(chat_id, media_group, person.id)
        if ticket is None:
            # Perhaps the album's caption (#报修 …) is on a later photo: this one waits, in
            # memory, to join the request that caption files.
            self._album_photos[(chat_id, media_group, person.id)].append(photo)
            while len(self._album_photos) > ALBUMS_REMEMBERED:
                self._album_photos.popitem(last=False)
            return False
        async with self._db.transaction(update_id=update_id, what="album_photo") as tx:
            return await self.join_album(tx, person, chat_id, media_group, photo)

    async def join_album(
        self, tx: Tx, person: Person, chat_id: int, media_group: str, photo: str
    ) -> bool:
        ticket = await tx.tickets.of_album(chat_id, media_group, person.id)
        if ticket is None:
            return False
        added = Attachment(kind="photo", file_id=photo)
        ticket = await tx.tickets.update(ticket.id, attachments=(*ticket.attachments, added))
        await self._cards.attach(tx, ticket, added)
        return True

    async def notice_refused(self, tx: Tx, row: OutboxMessage) -> None:
        """Outbox fallback: a notice to a resident was refused (403: never opened, or
        blocked). The group the ticket came from gets one short line naming only the number
        and the step, with the link that opens the private chat: never the complaint's words,
        at most once per ticket and step."""
        args = row.fallback_args or {}
        ticket_id, step = args.get("ticket"), args.get("step")
        ticket = await tx.tickets.get(ticket_id) if isinstance(ticket_id, int) else None
        if ticket is None or not isinstance(step, str) or step not in texts.STEP:
            return
        group = await tx.chats.get(ticket.source_chat_id) if ticket.source_chat_id < 0 else None
        if group is None or group.kind != "resident" or not group.active:
            return
        link = html(deep_link(self._bot_username, f"t{ticket.id}"))
        line = texts.GROUP_NOTICE_RATE if step in ("done", "wish_done") else texts.GROUP_NOTICE
        await tx.outbox.enqueue(
            text_message(
                group.id,
                line.format(n=ticket.id, step=texts.STEP[step], link=link),
                reply_to=ticket.source_message_id,
                dedupe_key=f"notice:{ticket.id}:{step}",
            )
        )

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
        heard = (
            "\n" + texts.VOICE_RECEIVED
            if any(a.kind == "voice" for a in ticket.attachments)
            else ""
        )
        private_ack += heard
        add: Keyboard = [[(texts.BTN_ADD, AddButton(ticket.id))]]  # 补充: words, photo, voice
        if await self._ask_home_once(tx, origin.person.id):
            private_ack += "\n" + texts.ASK_HOME_ONCE
            add = [[*add[0], (texts.MENU_HOME, MenuButton("home"))]]
        if not origin.in_group:
            ack = await tx.outbox.enqueue(text_message(origin.person.id, private_ack, buttons=add))
            await tx.tickets.update(ticket.id, ack_outbox_id=ack)
            return
        name = html(origin.person.name)
        party = Party(ticket.party).label
        common = {
            "name": name,
            "n": ticket.id,
            "about": party
            if ticket.kind == "wish" or ticket.category == UNMATCHED_CATEGORY
            else f"{html(ticket.category)} · {party}",
        }
        if await self._private_open(tx, origin.person.id):
            await tx.outbox.enqueue(
                text_message(
                    origin.chat_id,
                    texts.ACK_GROUP.format(**common) + heard,
                    reply_to=origin.message_id,
                )
            )
            ack = await tx.outbox.enqueue(
                text_message(
                    origin.person.id,
                    private_ack,
                    buttons=add,
                    fallback="group_link",
                    fallback_args={
                        "group_chat_id": origin.chat_id,
                        "start": f"t{ticket.id}",
                        "name": origin.person.name,
                        "reply_to": origin.message_id,
                    },
                )
            )
            await tx.tickets.update(ticket.id, ack_outbox_id=ack)
        else:
            link = html(deep_link(self._bot_username, f"t{ticket.id}"))
            await tx.outbox.enqueue(
                text_message(
                    origin.chat_id,
                    texts.ACK_GROUP_WITH_LINK.format(**common, link=link) + heard,
                    reply_to=origin.message_id,
                )
            )

    @staticmethod
    async def _ask_home_once(tx: Tx, user_id: int) -> bool:
        """Whether to offer 登记住址 with this acknowledgement: once per person, and only to
        one with no household registered (changeable later with /home)."""
        if await tx.households.membership(user_id) is not None:
            return False
        if await tx.events.count_by(user_id, ("home_offered",), _LONG_AGO):
            return False
        await tx.events.append("home_offered", actor_id=user_id, subject=f"person:{user_id}")
        return True

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
