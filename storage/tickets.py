"""Repositories for tickets, their followers, and drafts of requests being written."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from storage.models import Attachment, Draft, Ticket, TicketKind, dump_attachments, to_db

if TYPE_CHECKING:
    from storage.db import Tx

_TICKET_FIELDS = (
    "kind",
    "text",
    "photo_file_id",
    "category",
    "party",
    "reporter_id",
    "reporter_name",
    "source_chat_id",
    "source_message_id",
    "source_update_id",
    "created_at",
    "due_at",
    "community",
    "attachments",
    "media_group",
    "urgent",
)


def _column(value: Any) -> Any:
    """A value as its column holds it: datetimes as UTC text, attachments and dicts as JSON."""
    if isinstance(value, datetime):
        return to_db(value)
    if isinstance(value, (tuple, list)) and all(isinstance(a, Attachment) for a in value):
        return dump_attachments(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


class TicketRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def create(
        self,
        *,
        kind: TicketKind,
        text: str,
        photo_file_id: str | None,
        category: str,
        party: str,
        reporter_id: int,
        reporter_name: str,
        source_chat_id: int,
        source_message_id: int | None,
        source_update_id: int,
        due_at: datetime,
        community: str = "default",
        attachments: tuple[Attachment, ...] = (),
        media_group: str | None = None,
        urgent: bool = False,
    ) -> Ticket:
        values: dict[str, Any] = {
            "kind": kind,
            "text": text,
            "photo_file_id": photo_file_id,
            "category": category,
            "party": party,
            "reporter_id": reporter_id,
            "reporter_name": reporter_name,
            "source_chat_id": source_chat_id,
            "source_message_id": source_message_id,
            "source_update_id": source_update_id,
            "created_at": self.tx.now_db,
            "due_at": to_db(due_at),
            "community": community,
            "attachments": dump_attachments(attachments),
            "media_group": media_group,
            "urgent": 1 if urgent else 0,
        }
        new_id = await self.tx.insert(
            f"INSERT INTO tickets ({', '.join(_TICKET_FIELDS)})"
            f" VALUES ({', '.join('?' for _ in _TICKET_FIELDS)})",
            [values[f] for f in _TICKET_FIELDS],
        )
        assert new_id is not None
        ticket = await self.get(new_id)
        assert ticket is not None
        return ticket

    async def get(self, ticket_id: int) -> Ticket | None:
        row = await self.tx.fetchone("SELECT * FROM tickets WHERE id = ?", (ticket_id,))
        return Ticket.model_validate(dict(row)) if row else None

    async def update(self, ticket_id: int, **fields: Any) -> Ticket:
        """Set the given columns (datetimes are stored as UTC text) and return the ticket."""
        if not fields:
            raise ValueError("nothing to update")
        names = list(fields)
        values = [_column(v) for v in fields.values()]
        await self.tx.execute(
            f"UPDATE tickets SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?",
            [*values, ticket_id],
        )
        ticket = await self.get(ticket_id)
        assert ticket is not None
        return ticket

    async def all(self) -> list[Ticket]:
        """Every ticket, in number order (exports, audits and tests)."""
        rows = await self.tx.fetchall("SELECT * FROM tickets ORDER BY id")
        return [Ticket.model_validate(dict(r)) for r in rows]

    async def from_post(self, chat_id: int, message_id: int) -> Ticket | None:
        """The ticket a group post filed (an edit of that post finds it)."""
        row = await self.tx.fetchone(
            "SELECT * FROM tickets WHERE source_chat_id = ? AND source_message_id = ?",
            (chat_id, message_id),
        )
        return Ticket.model_validate(dict(row)) if row else None

    async def of_album(self, chat_id: int, media_group: str, reporter_id: int) -> Ticket | None:
        """The ticket an album's first photo filed: its other photos join it."""
        row = await self.tx.fetchone(
            "SELECT * FROM tickets WHERE source_chat_id = ? AND media_group = ?"
            " AND reporter_id = ? ORDER BY id LIMIT 1",
            (chat_id, media_group, reporter_id),
        )
        return Ticket.model_validate(dict(row)) if row else None

    async def unclaimed_wishes_posted_before(self, moment: datetime) -> list[Ticket]:
        """Wishes nobody claimed whose card went to the volunteers before `moment`."""
        rows = await self.tx.fetchall(
            "SELECT * FROM tickets WHERE kind = 'wish' AND status = 'new'"
            " AND volunteer_posted_at IS NOT NULL AND volunteer_posted_at < ? ORDER BY id",
            (to_db(moment),),
        )
        return [Ticket.model_validate(dict(r)) for r in rows]

    async def by_card_message(self, chat_id: int, message_id: int) -> Ticket | None:
        """The ticket whose staff card is Telegram message `message_id` in `chat_id`."""
        row = await self.tx.fetchone(
            "SELECT t.* FROM outbox o JOIN tickets t ON t.card_outbox_id = o.id"
            " WHERE o.chat_id = ? AND o.telegram_message_id = ? AND t.card_chat_id = ?",
            (chat_id, message_id, chat_id),
        )
        return Ticket.model_validate(dict(row)) if row else None

    async def by_ack_message(self, user_id: int, message_id: int) -> Ticket | None:
        """The ticket whose acknowledgement to its reporter is message `message_id`."""
        row = await self.tx.fetchone(
            "SELECT t.* FROM outbox o JOIN tickets t ON t.ack_outbox_id = o.id"
            " WHERE o.chat_id = ? AND o.telegram_message_id = ? AND t.reporter_id = ?",
            (user_id, message_id, user_id),
        )
        return Ticket.model_validate(dict(row)) if row else None

    async def urgent_unaccepted(self, before: datetime) -> list[Ticket]:
        """Urgent tickets nobody accepted, last escalated (or filed) before `before`."""
        rows = await self.tx.fetchall(
            "SELECT * FROM tickets WHERE urgent = 1 AND status = 'new'"
            " AND COALESCE(escalated_at, created_at) < ? ORDER BY id",
            (to_db(before),),
        )
        return [Ticket.model_validate(dict(r)) for r in rows]

    async def of_reporter(self, user_id: int, limit: int = 20) -> list[Ticket]:
        rows = await self.tx.fetchall(
            "SELECT * FROM tickets WHERE reporter_id = ? ORDER BY id DESC LIMIT ?", (user_id, limit)
        )
        return [Ticket.model_validate(dict(r)) for r in rows]

    async def followed_by(self, user_id: int, limit: int = 20) -> list[Ticket]:
        rows = await self.tx.fetchall(
            "SELECT t.* FROM tickets t JOIN ticket_followers f ON f.ticket_id = t.id"
            " WHERE f.user_id = ? ORDER BY t.id DESC LIMIT ?",
            (user_id, limit),
        )
        return [Ticket.model_validate(dict(r)) for r in rows]

    async def open_in_category(
        self,
        category: str,
        since: datetime,
        *,
        seen_by: int,
        group_id: int | None,
        community: str = "default",
        limit: int = 200,
    ) -> list[Ticket]:
        """Open complaints of a category that the person `seen_by` could already know of:
        their own, and those posted in a group (in `group_id` only, when given). A complaint
        made in private is never offered to anyone else."""
        place = "source_chat_id = ?" if group_id is not None else "source_chat_id < 0"
        rows = await self.tx.fetchall(
            "SELECT * FROM tickets WHERE category = ? AND kind = 'complaint'"
            " AND status IN ('new', 'in_progress') AND created_at >= ? AND community = ?"
            f" AND (reporter_id = ? OR {place}) ORDER BY id DESC LIMIT ?",
            (
                category,
                to_db(since),
                community,
                seen_by,
                *((group_id,) if group_id is not None else ()),
                limit,
            ),
        )
        return [Ticket.model_validate(dict(r)) for r in rows]

    async def deadline_candidates(self, until: datetime, steps: int) -> list[Ticket]:
        """Open tickets due by `until` (now plus the longest reminder time) that have not yet
        climbed all `steps` of the escalation ladder: what the deadline tick looks at."""
        rows = await self.tx.fetchall(
            "SELECT * FROM tickets WHERE status IN ('new', 'in_progress')"
            " AND due_at <= ? AND escalation_step < ? ORDER BY due_at, id",
            (to_db(until), steps),
        )
        return [Ticket.model_validate(dict(r)) for r in rows]

    async def open_tickets(
        self,
        community: str,
        *,
        party: str | None = None,
        assignee_id: int | None = None,
        limit: int = 1000,
    ) -> list[Ticket]:
        """A community's open tickets (one party's, or one person's), soonest due first."""
        where = ["community = ?", "status IN ('new', 'in_progress')"]
        params: list[Any] = [community]
        if party is not None:
            where.append("party = ?")
            params.append(party)
        if assignee_id is not None:
            where.append("assignee_id = ?")
            params.append(assignee_id)
        rows = await self.tx.fetchall(
            f"SELECT * FROM tickets WHERE {' AND '.join(where)} ORDER BY due_at, id LIMIT ?",
            [*params, limit],
        )
        return [Ticket.model_validate(dict(r)) for r in rows]

    async def sent_markup(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The inline keyboard the bot sent with its message `message_id` in `chat_id` (a
        worklist's page buttons turn only a message that was sent as a worklist)."""
        row = await self.tx.fetchone(
            "SELECT params FROM outbox WHERE chat_id = ? AND telegram_message_id = ?"
            " AND method = 'sendMessage' ORDER BY id DESC LIMIT 1",
            (chat_id, message_id),
        )
        if row is None:
            return None
        markup = json.loads(row["params"]).get("reply_markup")
        return markup if isinstance(markup, dict) else None

    async def add_follower(self, ticket_id: int, user_id: int) -> bool:
        changed = await self.tx.execute(
            "INSERT INTO ticket_followers (ticket_id, user_id, added_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (ticket_id, user_id, self.tx.now_db),
        )
        return changed == 1

    async def followers(self, ticket_id: int) -> list[int]:
        rows = await self.tx.fetchall(
            "SELECT user_id FROM ticket_followers WHERE ticket_id = ? ORDER BY added_at",
            (ticket_id,),
        )
        return [r["user_id"] for r in rows]


class DraftRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def start(
        self,
        *,
        user_id: int,
        kind: TicketKind,
        step: str,
        chat_id: int,
        message_id: int | None,
        text: str | None = None,
        photo_file_id: str | None = None,
        offered_ticket_id: int | None = None,
        origin_update_id: int | None = None,
        attachments: tuple[Attachment, ...] = (),
        media_group: str | None = None,
    ) -> Draft:
        """A person has at most one draft at a time: starting one drops the previous."""
        await self.tx.execute("DELETE FROM drafts WHERE user_id = ?", (user_id,))
        new_id = await self.tx.insert(
            "INSERT INTO drafts (user_id, kind, step, text, photo_file_id, chat_id, message_id,"
            " offered_ticket_id, origin_update_id, updated_at, attachments, media_group)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                user_id,
                kind,
                step,
                text,
                photo_file_id,
                chat_id,
                message_id,
                offered_ticket_id,
                origin_update_id,
                self.tx.now_db,
                dump_attachments(attachments),
                media_group,
            ),
        )
        assert new_id is not None
        draft = await self.get(new_id)
        assert draft is not None
        return draft

    async def get(self, draft_id: int) -> Draft | None:
        row = await self.tx.fetchone("SELECT * FROM drafts WHERE id = ?", (draft_id,))
        return Draft.model_validate(dict(row)) if row else None

    async def of_user(self, user_id: int) -> Draft | None:
        row = await self.tx.fetchone("SELECT * FROM drafts WHERE user_id = ?", (user_id,))
        return Draft.model_validate(dict(row)) if row else None

    async def update(self, draft_id: int, **fields: Any) -> Draft:
        names = list(fields)
        await self.tx.execute(
            f"UPDATE drafts SET {', '.join(f'{n} = ?' for n in names)}, updated_at = ?"
            " WHERE id = ?",
            [*(_column(v) for v in fields.values()), self.tx.now_db, draft_id],
        )
        draft = await self.get(draft_id)
        assert draft is not None
        return draft

    async def offers_older_than(self, moment: datetime) -> list[Draft]:
        """Duplicate offers nobody answered since `moment`."""
        rows = await self.tx.fetchall(
            "SELECT * FROM drafts WHERE step = 'duplicate' AND updated_at < ? ORDER BY id",
            (to_db(moment),),
        )
        return [Draft.model_validate(dict(r)) for r in rows]

    async def drop_for_user(self, user_id: int) -> None:
        await self.tx.execute("DELETE FROM drafts WHERE user_id = ?", (user_id,))

    async def drop(self, draft_id: int) -> bool:
        changed = await self.tx.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))
        return changed == 1
