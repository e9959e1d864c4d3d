"""The records repositories return (pydantic models; timestamps are aware UTC datetimes)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict

DB_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def to_db(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every timestamp must be timezone-aware")
    return moment.astimezone(UTC).strftime(DB_TIME_FORMAT)


def from_db(value: str) -> datetime:
    return datetime.strptime(value, DB_TIME_FORMAT).replace(tzinfo=UTC)


def _parse_db_time(value: Any) -> Any:
    return from_db(value) if isinstance(value, str) else value


def _parse_json_list(value: Any) -> Any:
    if value is None:
        return ()
    return json.loads(value) if isinstance(value, str) else value


def _parse_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


UtcTime = Annotated[datetime, BeforeValidator(_parse_db_time)]
ChatKind = Literal["resident", "committee", "moderator"]
OutboxStatus = Literal["pending", "sent", "failed", "undeliverable"]


class Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class ChatRecord(Record):
    id: int
    kind: ChatKind
    title: str | None
    active: bool
    bot_is_admin: bool
    bound_by: int | None
    bound_at: UtcTime | None
    unbound_at: UtcTime | None
    community: str = "default"


class SeenPerson(Record):
    """Someone the bot has seen: their names, and whether they opened a private chat."""

    user_id: int
    first_name: str
    last_name: str | None
    username: str | None
    private_chat_open: bool
    first_seen: UtcTime
    last_seen: UtcTime
    community: str | None = None  # of the resident group they last wrote in

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


class Event(Record):
    id: int
    at: UtcTime
    actor_id: int | None
    action: str
    subject: str | None
    detail: dict[str, Any]
    public: bool
    update_id: int | None


class OutboxMessage(Record):
    id: int
    created_at: UtcTime
    chat_id: int
    method: str
    params: dict[str, Any]
    dedupe_key: str | None
    update_id: int | None
    fallback: str | None
    fallback_args: dict[str, Any] | None
    status: OutboxStatus
    attempts: int
    next_attempt_at: UtcTime
    last_error: str | None
    telegram_message_id: int | None
    sent_at: UtcTime | None


class Attachment(Record):
    """Something a request came with besides its words and first photo: a voice note, another
    photo of its album, a location. Stored as JSON; file ids are Telegram's."""

    kind: Literal["voice", "photo", "location"]
    file_id: str | None = None
    duration: int | None = None  # a voice note's seconds
    latitude: float | None = None
    longitude: float | None = None

    def dump(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


Attachments = Annotated[tuple[Attachment, ...], BeforeValidator(_parse_json_list)]


def dump_attachments(items: tuple[Attachment, ...] | list[Attachment]) -> str | None:
    """The JSON an attachments column holds (None for none)."""
    if not items:
        return None
    return json.dumps([a.dump() for a in items], ensure_ascii=False, separators=(",", ":"))


TicketKind = Literal["wish", "complaint"]
TicketStatus = Literal["new", "in_progress", "done", "rated", "rejected"]
# Codes, never display words: the words are in bot/texts.py (PARTY, RATING).
PartyCode = Literal["property", "owners", "residents", "street"]
RatingCode = Literal["satisfied", "fair", "unsatisfied"]
OPEN_STATUSES: tuple[TicketStatus, ...] = ("new", "in_progress")


class Ticket(Record):
    id: int
    community: str = "default"
    kind: TicketKind
    text: str
    photo_file_id: str | None
    category: str
    party: PartyCode
    status: TicketStatus
    reporter_id: int
    reporter_name: str
    source_chat_id: int
    source_message_id: int | None
    source_update_id: int
    assignee_id: int | None
    assignee_name: str | None
    created_at: UtcTime
    due_at: UtcTime
    overdue_at: UtcTime | None
    done_at: UtcTime | None
    accepted_at: UtcTime | None = None
    rating: RatingCode | None
    rated_at: UtcTime | None
    reject_reason: str | None
    card_chat_id: int | None
    card_outbox_id: int | None
    rating_outbox_id: int | None = None
    attachments: Attachments = ()
    media_group: str | None = None
    urgent: bool = False
    escalated_at: UtcTime | None = None
    volunteer_outbox_id: int | None = None  # its wish card in the volunteers' chat
    volunteer_posted_at: UtcTime | None = None
    by_volunteer: bool = False  # claimed by a volunteer (the assignee), not staff
    last_note: str | None = None  # the latest progress note staff wrote
    ack_outbox_id: int | None = None  # the reporter's acknowledgement (a reply to it adds)
    forwarded_by: str | None = None  # who last forwarded it (转派), from which party, why
    forwarded_from: PartyCode | None = None
    forward_reason: str | None = None
    reminded_at: UtcTime | None = None  # the card's chat was reminded before the due time
    escalation_step: int = 0  # steps of the community's escalation ladder taken

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Draft(Record):
    id: int
    user_id: int
    kind: TicketKind
    # kind: asked whether it is a wish or a complaint (kind holds a guess until answered);
    # stale: an old draft met a new message (kept in `held`), asked whether to go on with it.
    # addition: the next message joins ticket offered_ticket_id (补充); why: it says what is
    # still wrong after 不满意.
    step: Literal["kind", "text", "photo", "confirm", "duplicate", "stale", "addition", "why"]
    text: str | None
    photo_file_id: str | None
    chat_id: int  # where the request was made (the conversation is private)
    message_id: int | None
    updated_at: UtcTime
    offered_ticket_id: int | None = None
    origin_update_id: int | None = None
    attachments: Attachments = ()
    media_group: str | None = None
    held: Annotated[dict[str, Any] | None, BeforeValidator(_parse_json)] = None
    prompt_outbox_id: int | None = None  # the group prompt that asked for it


class ReceptionRule(Record):
    id: int
    community: str = "default"
    schedule: str
    starts: str
    ends: str
    place: str
    title: str
    audience: Literal["residents", "staff"]
    holiday_policy: Literal["shift", "skip", "keep"]
    created_by: int
    created_at: UtcTime
    deleted_at: UtcTime | None


FlagKind = Literal["rumour", "ad"]
FlagStatus = Literal["open", "checking", "confirmed", "dismissed"]
KnownKind = Literal["rumour", "ad", "dismissed"]


class Flag(Record):
    """A group post the screen found suspicious, and what the moderators decided."""

    id: int
    community: str = "default"
    kind: FlagKind
    chat_id: int
    message_id: int
    author_id: int
    author_name: str
    text: str
    score: float
    reasons: list[str]
    source_update_id: int
    status: FlagStatus
    decided_by: int | None
    decided_by_name: str | None
    decided_at: UtcTime | None
    card_chat_id: int | None
    card_outbox_id: int | None
    check_chat_id: int | None
    check_outbox_id: int | None
    created_at: UtcTime
    nearest_known_id: int | None = None  # the confirmed rumour it resembles
    notices: Annotated[list[int] | None, BeforeValidator(_parse_json)] = None  # group notices
    edited_text: str | None = None  # the post's words since its author edited it away
    # A rumour cut into pieces: each piece's (message id, words), in the order posted; the
    # flag's own post is one of them and `text` is their words joined.
    pieces: Annotated[list[tuple[int, str]] | None, BeforeValidator(_parse_json)] = None

    def piece_text(self, message_id: int) -> str | None:
        """The words of the piece with this message id, or None (not a piece of this flag)."""
        return next((text for mid, text in self.pieces or () if mid == message_id), None)

    @property
    def is_decided(self) -> bool:
        return self.status in ("confirmed", "dismissed")


class KnownText(Record):
    id: int
    kind: KnownKind
    text: str
    clarification: str | None
    flag_id: int | None
    created_by: int | None
    created_at: UtcTime
    withdrawn_at: UtcTime | None = None


class FlagPost(Record):
    """Another post of a pending flag's text: it joined the flag's card."""

    id: int
    flag_id: int
    chat_id: int
    message_id: int
    author_id: int
    author_name: str
    source_update_id: int
    created_at: UtcTime


class Mute(Record):
    id: int
    community: str
    chat_id: int
    user_id: int
    user_name: str
    until: UtcTime
    notice_outbox_id: int | None
    flag_id: int | None  # the confirmation that caused it (撤销确认 lifts it)
    lifted_by: int | None
    lifted_at: UtcTime | None
    created_at: UtcTime


PromptKind = Literal["reject_reason", "clarification", "forward_reason"]


class Prompt(Record):
    """A force-reply question the bot asked; only a reply to its own message answers it."""

    id: int
    kind: PromptKind
    subject_id: int
    chat_id: int
    outbox_id: int
    asked_by: int
    created_at: UtcTime
    answered_at: UtcTime | None


class FlagFigures(BaseModel):
    """Screening since a moment: flags raised, decisions, repeats answered; open flags now."""

    flagged: int
    confirmed: int
    dismissed: int
    pending: int
    known_hits: int

    @property
    def precision(self) -> float | None:
        decided = self.confirmed + self.dismissed
        return self.confirmed / decided if decided else None


class TicketFigures(BaseModel):
    """What happened to tickets in a period: the digest's numbers."""

    new: list[tuple[str, str, int]]  # (kind, party, count)
    resolved: int
    ratings: dict[str, int]  # rating -> count


class Backlog(BaseModel):
    """The open tickets (waiting and in hand) of a community, or of one party in it."""

    by_party: dict[str, int]  # party code -> open tickets
    oldest: tuple[int, UtcTime] | None  # the ticket open longest: (number, filed at)

    @property
    def total(self) -> int:
        return sum(self.by_party.values())


class PartyFigures(BaseModel):
    """One party's work in a community over a period: what 三维四色 is computed from."""

    complaints: int  # complaints filed
    accepts: list[tuple[UtcTime, UtcTime | None]]  # (created, accepted) of what was filed
    finished: int  # finished in the period
    finished_on_time: int  # of those, by their due time
    ratings: dict[str, int]  # rating -> count, of ratings given in the period


class InboxUpdate(Record):
    update_id: int
    chat_key: int
    body: str
    received_at: UtcTime
    handled_at: UtcTime | None
