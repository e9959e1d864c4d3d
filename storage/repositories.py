"""Repositories: the only place with SQL. Each works inside one Tx and returns pydantic models."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from storage.models import ChatKind, ChatRecord, Event, OutboxMessage, Person, from_db, to_db

if TYPE_CHECKING:
    import sqlite3

    from storage.db import Tx


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class _Repository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx


class ChatRepository(_Repository):
    async def get(self, chat_id: int) -> ChatRecord | None:
        row = await self.tx.fetchone("SELECT * FROM chats WHERE id = ?", (chat_id,))
        return ChatRecord.model_validate(dict(row)) if row else None

    async def bind_resident(self, chat_id: int, title: str | None, by: int | None,
                            bot_is_admin: bool) -> ChatRecord:
        self.tx.chats_changed = True
        await self.tx.execute(
            "INSERT INTO chats (id, kind, title, active, bot_is_admin, bound_by, bound_at)"
            " VALUES (?, 'resident', ?, 1, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET kind = 'resident', title = excluded.title,"
            " active = 1, bot_is_admin = excluded.bot_is_admin, bound_by = excluded.bound_by,"
            " bound_at = excluded.bound_at, unbound_at = NULL",
            (chat_id, title, int(bot_is_admin), by, self.tx.now_db),
        )
        record = await self.get(chat_id)
        assert record is not None
        return record

    async def register_staff_chat(self, chat_id: int, kind: ChatKind, title: str | None) -> None:
        self.tx.chats_changed = True
        await self.tx.execute(
            "INSERT INTO chats (id, kind, title, active, bound_at) VALUES (?, ?, ?, 1, ?)"
            " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind,"
            " title = COALESCE(excluded.title, chats.title), active = 1",
            (chat_id, kind, title, self.tx.now_db),
        )

    async def deactivate(self, chat_id: int) -> bool:
        self.tx.chats_changed = True
        cursor = await self.tx.execute(
            "UPDATE chats SET active = 0, unbound_at = ? WHERE id = ? AND active = 1",
            (self.tx.now_db, chat_id),
        )
        return cursor.rowcount > 0

    async def set_bot_admin(self, chat_id: int, is_admin: bool) -> None:
        self.tx.chats_changed = True
        await self.tx.execute("UPDATE chats SET bot_is_admin = ? WHERE id = ?",
                              (int(is_admin), chat_id))

    async def set_title(self, chat_id: int, title: str) -> None:
        self.tx.chats_changed = True
        await self.tx.execute("UPDATE chats SET title = ? WHERE id = ?", (title, chat_id))

    async def migrate(self, old_id: int, new_id: int) -> None:
        """A group upgraded to a supergroup gets a new id; keep its history under the new one."""
        self.tx.chats_changed = True
        await self.tx.execute("UPDATE chats SET id = ? WHERE id = ?", (new_id, old_id))

    async def resident_groups(self) -> list[ChatRecord]:
        rows = await self.tx.fetchall(
            "SELECT * FROM chats WHERE kind = 'resident' AND active = 1 ORDER BY bound_at, id"
        )
        return [ChatRecord.model_validate(dict(r)) for r in rows]


class PeopleRepository(_Repository):
    async def seen(self, user_id: int, first_name: str, last_name: str | None,
                   username: str | None, *, private: bool = False) -> None:
        await self.tx.execute(
            "INSERT INTO people (user_id, first_name, last_name, username, private_chat_open,"
            " first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET first_name = excluded.first_name,"
            " last_name = excluded.last_name, username = excluded.username,"
            " private_chat_open = MAX(people.private_chat_open, excluded.private_chat_open),"
            " last_seen = excluded.last_seen",
            (user_id, first_name, last_name, username, int(private), self.tx.now_db,
             self.tx.now_db),
        )

    async def set_private_chat_open(self, user_id: int, is_open: bool) -> None:
        await self.tx.execute("UPDATE people SET private_chat_open = ? WHERE user_id = ?",
                              (int(is_open), user_id))

    async def get(self, user_id: int) -> Person | None:
        row = await self.tx.fetchone("SELECT * FROM people WHERE user_id = ?", (user_id,))
        return Person.model_validate(dict(row)) if row else None


class EventRepository(_Repository):
    async def append(self, action: str, *, actor_id: int | None, subject: str | None,
                     detail: dict[str, Any] | None = None, public: bool = False,
                     update_id: int | None = None) -> int:
        cursor = await self.tx.execute(
            "INSERT INTO events (at, actor_id, action, subject, detail, public, update_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (self.tx.now_db, actor_id, action, subject, _dumps(detail or {}), int(public),
             update_id),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def count_by(self, actor_id: int, actions: tuple[str, ...], since: datetime) -> int:
        """How many of these actions one person took since then (e.g. requests, for a quota)."""
        marks = ", ".join("?" for _ in actions)
        row = await self.tx.fetchone(
            f"SELECT COUNT(*) AS n FROM events WHERE actor_id = ? AND action IN ({marks})"
            " AND at >= ?", (actor_id, *actions, to_db(since)))
        return int(row["n"]) if row else 0

    async def for_subject(self, subject: str) -> list[Event]:
        rows = await self.tx.fetchall("SELECT * FROM events WHERE subject = ? ORDER BY id",
                                      (subject,))
        return [_event(r) for r in rows]


def _event(row: sqlite3.Row) -> Event:
    data = dict(row)
    data["detail"] = json.loads(data["detail"])
    return Event.model_validate(data)


class UpdateRepository(_Repository):
    async def claim(self, update_id: int, what: str) -> bool:
        """Record that this update's side effects are being made; False if they were before."""
        cursor = await self.tx.execute(
            "INSERT INTO handled_updates (update_id, what, handled_at) VALUES (?, ?, ?)"
            " ON CONFLICT (update_id) DO NOTHING",
            (update_id, what, self.tx.now_db),
        )
        return cursor.rowcount == 1

    async def recent(self) -> list[int]:
        """Every update id still remembered as handled (see forget_before)."""
        rows = await self.tx.fetchall("SELECT update_id FROM handled_updates")
        return [r["update_id"] for r in rows]

    async def forget_before(self, moment: datetime) -> int:
        """Telegram keeps an unconfirmed update for 24 hours; older claims can go."""
        cursor = await self.tx.execute("DELETE FROM handled_updates WHERE handled_at < ?",
                                       (to_db(moment),))
        return cursor.rowcount


class OutgoingMessage(BaseModel):
    """A message (or edit/delete) a state change causes, queued in the same transaction."""

    chat_id: int
    method: str = "sendMessage"
    params: dict[str, Any] = Field(default_factory=dict)
    dedupe_key: str | None = None
    fallback: str | None = None
    fallback_args: dict[str, Any] | None = None


class OutboxRepository(_Repository):
    async def enqueue(self, message: OutgoingMessage, *,
                      update_id: int | None = None) -> int | None:
        """Queue a message; None when its dedupe_key was queued before (it is never re-sent)."""
        cursor = await self.tx.execute(
            "INSERT INTO outbox (created_at, chat_id, method, params, dedupe_key, update_id,"
            " fallback, fallback_args, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (dedupe_key) DO NOTHING",
            (self.tx.now_db, message.chat_id, message.method, _dumps(message.params),
             message.dedupe_key, update_id if update_id is not None else self.tx.update_id,
             message.fallback,
             _dumps(message.fallback_args) if message.fallback_args is not None else None,
             self.tx.now_db),
        )
        if cursor.rowcount != 1:
            return None
        self.tx.queued_messages += 1
        return cursor.lastrowid

    async def get(self, message_id: int) -> OutboxMessage | None:
        row = await self.tx.fetchone("SELECT * FROM outbox WHERE id = ?", (message_id,))
        return _outbox(row) if row else None

    async def due_heads(self, now: datetime, *, busy_chats: set[int],
                        limit: int) -> list[OutboxMessage]:
        """The oldest pending message of each chat, if it is due: one chat's order is kept."""
        rows = await self.tx.fetchall(
            "SELECT o.* FROM outbox AS o JOIN ("
            "  SELECT chat_id, MIN(id) AS head FROM outbox WHERE status = 'pending'"
            "  GROUP BY chat_id) AS h ON o.id = h.head"
            " WHERE o.next_attempt_at <= ? ORDER BY o.id LIMIT ?",
            (to_db(now), limit + len(busy_chats)),
        )
        heads = [_outbox(r) for r in rows if r["chat_id"] not in busy_chats]
        return heads[:limit]

    async def next_attempt_at(self) -> datetime | None:
        row = await self.tx.fetchone(
            "SELECT MIN(next_attempt_at) AS t FROM outbox WHERE status = 'pending'")
        if row is None or row["t"] is None:
            return None
        return from_db(row["t"])

    async def mark_sent(self, message_id: int, telegram_message_id: int | None) -> None:
        await self.tx.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, telegram_message_id = ?,"
            " attempts = attempts + 1, last_error = NULL WHERE id = ?",
            (self.tx.now_db, telegram_message_id, message_id),
        )

    async def retry_later(self, message_id: int, at: datetime, error: str, *,
                          count_attempt: bool = True) -> None:
        await self.tx.execute(
            "UPDATE outbox SET next_attempt_at = ?, last_error = ?,"
            " attempts = attempts + ? WHERE id = ?",
            (to_db(at), error, int(count_attempt), message_id),
        )

    async def give_up(self, message_id: int, error: str, *, undeliverable: bool = False) -> None:
        await self.tx.execute(
            "UPDATE outbox SET status = ?, last_error = ?, attempts = attempts + 1 WHERE id = ?",
            ("undeliverable" if undeliverable else "failed", error, message_id),
        )

    async def move_chat(self, old_id: int, new_id: int) -> None:
        await self.tx.execute(
            "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND status = 'pending'",
            (new_id, old_id))


def _outbox(row: sqlite3.Row) -> OutboxMessage:
    data = dict(row)
    data["params"] = json.loads(data["params"])
    data["fallback_args"] = json.loads(data["fallback_args"]) if data["fallback_args"] else None
    return OutboxMessage.model_validate(data)
