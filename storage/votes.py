"""Votes and their secret part (see bot/services/votes/secrecy.py for what the hashes are)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BeforeValidator

from storage.models import Record, UtcTime, to_db

if TYPE_CHECKING:
    from storage.db import Tx


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class VoteRecord(Record):
    id: int
    community: str
    question: str
    options: Annotated[list[str], BeforeValidator(_json)]
    scope: Annotated[list[str] | None, BeforeValidator(_json)]
    per_person: bool
    closes_at: UtcTime
    status: Literal["open", "closed"]
    key_check: str
    created_by: int
    created_at: UtcTime
    source_update_id: int
    closed_at: UtcTime | None
    closed_by: int | None
    result: Annotated[dict[str, Any] | None, BeforeValidator(_json)]

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class SecretPart(Record):
    """A running vote's turnout {voter: [caster, building]} and choices {ballot: option}."""

    turnout: Annotated[dict[str, list[str]], BeforeValidator(_json)]
    choices: Annotated[dict[str, int], BeforeValidator(_json)]


class VoteRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def create(
        self,
        *,
        community: str,
        question: str,
        options: list[str],
        scope: list[str] | None,
        per_person: bool,
        closes_at: datetime,
        key_check: str,
        created_by: int,
        source_update_id: int,
    ) -> VoteRecord:
        new_id = await self.tx.insert(
            "INSERT INTO votes (community, question, options, scope, per_person, closes_at,"
            " key_check, created_by, created_at, source_update_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                community,
                question,
                json.dumps(options, ensure_ascii=False),
                None if scope is None else json.dumps(scope, ensure_ascii=False),
                int(per_person),
                to_db(closes_at),
                key_check,
                created_by,
                self.tx.now_db,
                source_update_id,
            ),
        )
        assert new_id is not None
        await self.tx.execute("INSERT INTO vote_ballots (vote_id) VALUES (?)", (new_id,))
        vote = await self.get(new_id)
        assert vote is not None
        return vote

    async def get(self, vote_id: int) -> VoteRecord | None:
        row = await self.tx.fetchone("SELECT * FROM votes WHERE id = ?", (vote_id,))
        return VoteRecord.model_validate(dict(row)) if row else None

    async def recent(self, community: str, limit: int = 10) -> list[VoteRecord]:
        """Open votes and the latest closed ones, newest first."""
        rows = await self.tx.fetchall(
            "SELECT * FROM votes WHERE community = ? ORDER BY id DESC LIMIT ?", (community, limit)
        )
        return [VoteRecord.model_validate(dict(r)) for r in rows]

    async def due(self, moment: datetime) -> list[int]:
        """Open votes whose deadline has come."""
        rows = await self.tx.fetchall(
            "SELECT id FROM votes WHERE status = 'open' AND closes_at <= ? ORDER BY id",
            (to_db(moment),),
        )
        return [int(r["id"]) for r in rows]

    async def secret_part(self, vote_id: int) -> SecretPart:
        row = await self.tx.fetchone(
            "SELECT turnout, choices FROM vote_ballots WHERE vote_id = ?", (vote_id,)
        )
        assert row is not None, "every vote has its row"
        return SecretPart.model_validate(dict(row))

    async def keep_secret_part(self, vote_id: int, part: SecretPart) -> None:
        await self.tx.execute(
            "UPDATE vote_ballots SET turnout = ?, choices = ? WHERE vote_id = ?",
            (_dumps(part.turnout), _dumps(part.choices), vote_id),
        )

    async def close(self, vote_id: int, result: dict[str, Any], by: int | None) -> bool:
        """Close once: False if it was closed already (the result never changes after). The
        choices and the turnout go with the closing: only the counts stay."""
        changed = await self.tx.execute(
            "UPDATE votes SET status = 'closed', closed_at = ?, closed_by = ?, result = ?"
            " WHERE id = ? AND status = 'open'",
            (self.tx.now_db, by, _dumps(result), vote_id),
        )
        if not changed:
            return False
        await self.tx.execute(
            "UPDATE vote_ballots SET turnout = '{}', choices = '{}' WHERE vote_id = ?", (vote_id,)
        )
        return True
