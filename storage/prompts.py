"""Force-reply prompts the bot asked (a reject reason, a clarification), matched by message id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from storage.models import Prompt, PromptKind
from storage.outbox import OutgoingMessage

if TYPE_CHECKING:
    from storage.db import Tx


class PromptRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def ask(
        self, message: OutgoingMessage, *, kind: PromptKind, subject_id: int, asked_by: int
    ) -> None:
        """Queue a force-reply question and record it, so that only a reply to that very
        message (once Telegram has given it an id) answers it."""
        outbox_id = await self.tx.outbox.enqueue(message)
        assert outbox_id is not None, "a prompt has no dedupe key"
        await self.tx.execute(
            "INSERT INTO prompts (kind, subject_id, chat_id, outbox_id, asked_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (kind, subject_id, message.chat_id, outbox_id, asked_by, self.tx.now_db),
        )

    async def answering(self, chat_id: int, message_id: int) -> Prompt | None:
        """The open prompt sent as Telegram message `message_id` in `chat_id`, if any."""
        row = await self.tx.fetchone(
            "SELECT p.* FROM prompts AS p JOIN outbox AS o ON o.id = p.outbox_id"
            " WHERE o.chat_id = ? AND o.telegram_message_id = ? AND p.answered_at IS NULL",
            (chat_id, message_id),
        )
        return Prompt.model_validate(dict(row)) if row else None

    async def answered(self, prompt_id: int) -> None:
        await self.tx.execute(
            "UPDATE prompts SET answered_at = ? WHERE id = ?", (self.tx.now_db, prompt_id)
        )

    async def close(self, kind: PromptKind, subject_id: int) -> list[Prompt]:
        """Close the open prompts of a kind about a subject (nothing left to answer); the
        prompts closed."""
        rows = await self.tx.fetchall(
            "SELECT * FROM prompts WHERE kind = ? AND subject_id = ? AND answered_at IS NULL"
            " ORDER BY id",
            (kind, subject_id),
        )
        for row in rows:
            await self.answered(int(row["id"]))
        return [Prompt.model_validate(dict(r)) for r in rows]
