"""The outbox table: every message a state change causes, queued in the same transaction and
sent by bot/outbox.py."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from storage.models import OutboxMessage, from_db, to_db

if TYPE_CHECKING:
    from storage.db import Row, Tx


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class OutgoingMessage(BaseModel):
    """A message (or edit/delete) a state change causes, queued in the same transaction."""

    chat_id: int
    method: str = "sendMessage"
    params: dict[str, Any] = Field(default_factory=dict)
    dedupe_key: str | None = None
    fallback: str | None = None
    fallback_args: dict[str, Any] | None = None
    priority: int = 0  # above 0: sent ahead of everything else queued for its chat


class OutboxRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def enqueue(
        self, message: OutgoingMessage, *, update_id: int | None = None
    ) -> int | None:
        """Queue a message; None when its dedupe_key was queued before (it is never re-sent)."""
        new_id = await self.tx.insert(
            "INSERT INTO outbox (created_at, chat_id, method, params, dedupe_key, update_id,"
            " fallback, fallback_args, next_attempt_at, priority)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (dedupe_key) DO NOTHING",
            (
                self.tx.now_db,
                message.chat_id,
                message.method,
                _dumps(message.params),
                message.dedupe_key,
                update_id if update_id is not None else self.tx.update_id,
                message.fallback,
                _dumps(message.fallback_args) if message.fallback_args is not None else None,
                self.tx.now_db,
                message.priority,
            ),
        )
        if new_id is None:
            return None
        self.tx.queued_messages += 1
        return new_id

    async def is_message(self, row_id: int | None, chat_id: int, message_id: int | None) -> bool:
        """Whether outbox row `row_id` went out as Telegram message `message_id` in `chat_id`:
        a press or a reply counts only under the very message the bot recorded."""
        if row_id is None or message_id is None:
            return False
        row = await self.get(row_id)
        return row is not None and row.chat_id == chat_id and row.telegram_message_id == message_id

    async def sent_as(
        self, row_id: int | None, chat_id: int, message_id: int | None
    ) -> bool | None:
        """is_message(), or None when that is not known yet: row `row_id`, for that chat, is
        still pending with no message id (queued, backing off, or sent but not yet recorded
        by the worker that sent it) and the message pressed is newer than every one recorded
        there (an older one cannot be it). See bot.services.messaging.once_recorded."""
        if row_id is None or message_id is None:
            return False
        row = await self.get(row_id)
        if row is None or row.chat_id != chat_id:
            return False
        if row.telegram_message_id == message_id:
            return True
        if row.telegram_message_id is not None or row.status != "pending":
            return False
        newest = await self.tx.fetchone(
            "SELECT MAX(telegram_message_id) FROM outbox WHERE chat_id = ?", (chat_id,)
        )
        return None if newest is None or newest[0] is None or newest[0] < message_id else False

    async def get(self, message_id: int) -> OutboxMessage | None:
        row = await self.tx.fetchone("SELECT * FROM outbox WHERE id = ?", (message_id,))
        return _outbox(row) if row else None

    async def due_heads(
        self, now: datetime, *, busy_chats: set[int], limit: int
    ) -> list[OutboxMessage]:
        """The oldest pending message of each chat, if it is due: one chat's order is kept,
        except that an urgent one (priority) goes ahead of the rest of its chat."""
        rows = await self.tx.fetchall(
            "SELECT o.* FROM outbox AS o JOIN ("
            "  SELECT chat_id, COALESCE(MIN(CASE WHEN priority > 0 THEN id END), MIN(id)) AS head"
            "  FROM outbox WHERE status = 'pending' GROUP BY chat_id) AS h ON o.id = h.head"
            " WHERE o.next_attempt_at <= ? ORDER BY o.priority DESC, o.id LIMIT ?",
            (to_db(now), limit + len(busy_chats)),
        )
        heads = [_outbox(r) for r in rows if r["chat_id"] not in busy_chats]
        return heads[:limit]

    async def not_sent(
        self, statuses: tuple[str, ...] = ("pending", "failed")
    ) -> list[OutboxMessage]:
        """Rows still waiting or given up on (an operator's look at what did not go out)."""
        marks = ", ".join("?" for _ in statuses)
        rows = await self.tx.fetchall(
            f"SELECT * FROM outbox WHERE status IN ({marks}) ORDER BY id", statuses
        )
        return [_outbox(r) for r in rows]

    async def backlog(self) -> tuple[int, datetime | None]:
        """Messages waiting, and when the oldest of them was queued."""
        row = await self.tx.fetchone(
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE status = 'pending'"
        )
        if row is None:
            return 0, None
        return int(row["n"]), from_db(row["oldest"]) if row["oldest"] else None

    async def next_attempt_at(self) -> datetime | None:
        row = await self.tx.fetchone(
            "SELECT MIN(next_attempt_at) AS t FROM outbox WHERE status = 'pending'"
        )
        if row is None or row["t"] is None:
            return None
        return from_db(row["t"])

    async def mark_sent(self, message_id: int, telegram_message_id: int | None) -> None:
        await self.tx.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, telegram_message_id = ?,"
            " attempts = attempts + 1, last_error = NULL WHERE id = ?",
            (self.tx.now_db, telegram_message_id, message_id),
        )

    async def retry_later(
        self, message_id: int, at: datetime, error: str, *, count_attempt: bool = True
    ) -> None:
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
            (new_id, old_id),
        )


def _outbox(row: Row) -> OutboxMessage:
    data = dict(row)
    data["params"] = json.loads(data["params"])
    data["fallback_args"] = json.loads(data["fallback_args"]) if data["fallback_args"] else None
    return OutboxMessage.model_validate(data)
