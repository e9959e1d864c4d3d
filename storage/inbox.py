"""The inbox of webhook mode: updates as Telegram posted them, stored before they are
acknowledged, handled oldest first per chat, kept a while after (Telegram may post one again)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from storage.models import InboxUpdate, to_db

if TYPE_CHECKING:
    from storage.db import Tx


class InboxRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def store(self, update_id: int, chat_key: int, body: str) -> bool:
        """False when this update was stored before (Telegram posted it again)."""
        changed = await self.tx.execute(
            "INSERT INTO inbox (update_id, chat_key, body, received_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (update_id) DO NOTHING",
            (update_id, chat_key, body, self.tx.now_db),
        )
        return changed == 1

    async def waiting_chats(self, limit: int) -> list[int]:
        """Chats with unhandled updates, the longest waiting first."""
        rows = await self.tx.fetchall(
            "SELECT chat_key, MIN(update_id) AS first FROM inbox WHERE handled_at IS NULL"
            " GROUP BY chat_key ORDER BY first LIMIT ?",
            (limit,),
        )
        return [int(r["chat_key"]) for r in rows]

    async def next_of(self, chat_key: int) -> InboxUpdate | None:
        row = await self.tx.fetchone(
            "SELECT * FROM inbox WHERE chat_key = ? AND handled_at IS NULL"
            " ORDER BY update_id LIMIT 1",
            (chat_key,),
        )
        return InboxUpdate.model_validate(dict(row)) if row else None

    async def handled(self, update_id: int) -> None:
        await self.tx.execute(
            "UPDATE inbox SET handled_at = ? WHERE update_id = ?", (self.tx.now_db, update_id)
        )

    async def count_waiting(self) -> int:
        return await self._count("handled_at IS NULL")

    async def count_handled(self) -> int:
        return await self._count("handled_at IS NOT NULL")

    async def _count(self, condition: str) -> int:
        row = await self.tx.fetchone(f"SELECT COUNT(*) AS n FROM inbox WHERE {condition}")
        return int(row["n"]) if row else 0

    async def forget_before(self, moment: datetime) -> int:
        return await self.tx.execute(
            "DELETE FROM inbox WHERE handled_at IS NOT NULL AND handled_at < ?", (to_db(moment),)
        )
