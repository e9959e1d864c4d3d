"""Repositories for screening: flagged posts, the known texts moderators decided, and the
automatic answers to repeats."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from storage.models import (
    Flag,
    FlagFigures,
    FlagKind,
    FlagPost,
    KnownKind,
    KnownText,
    Mute,
    to_db,
)

if TYPE_CHECKING:
    from storage.db import Tx


def _flag(row: Any) -> Flag:
    data = dict(row)
    data["reasons"] = json.loads(data["reasons"])
    return Flag.model_validate(data)


class FlagRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def create(
        self,
        *,
        kind: FlagKind,
        chat_id: int,
        message_id: int,
        author_id: int,
        author_name: str,
        text: str,
        score: float,
        reasons: list[str],
        source_update_id: int,
        community: str = "default",
    ) -> Flag | None:
        """None when this update was flagged before (Telegram handed it out again)."""
        row = await self.tx.fetchone(
            "INSERT INTO flags (kind, chat_id, message_id, author_id, author_name, text, score,"
            " reasons, source_update_id, created_at, community)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (source_update_id) DO NOTHING RETURNING *",
            (
                kind,
                chat_id,
                message_id,
                author_id,
                author_name,
                text,
                score,
                json.dumps(reasons, ensure_ascii=False),
                source_update_id,
                self.tx.now_db,
                community,
            ),
        )
        return _flag(row) if row else None

    async def set_card(self, flag_id: int, chat_id: int, outbox_id: int | None) -> None:
        await self.tx.execute(
            "UPDATE flags SET card_chat_id = ?, card_outbox_id = ? WHERE id = ?",
            (chat_id, outbox_id, flag_id),
        )

    async def get(self, flag_id: int) -> Flag | None:
        row = await self.tx.fetchone("SELECT * FROM flags WHERE id = ?", (flag_id,))
        return _flag(row) if row else None

    async def update(self, flag_id: int, **fields: Any) -> Flag:
        names = list(fields)
        values = [
            to_db(v) if isinstance(v, datetime) else json.dumps(v) if isinstance(v, list) else v
            for v in fields.values()
        ]
        await self.tx.execute(
            f"UPDATE flags SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?",
            [*values, flag_id],
        )
        flag = await self.get(flag_id)
        assert flag is not None
        return flag

    async def all(self) -> list[Flag]:
        rows = await self.tx.fetchall("SELECT * FROM flags ORDER BY id")
        return [_flag(r) for r in rows]

    async def pending_since(self, after_id: int) -> list[Flag]:
        """Flags waiting for a decision with an id above `after_id`, oldest first."""
        rows = await self.tx.fetchall(
            "SELECT * FROM flags WHERE status IN ('open', 'checking') AND id > ? ORDER BY id",
            (after_id,),
        )
        return [_flag(r) for r in rows]

    async def pending(self, older_than: datetime | None = None) -> list[Flag]:
        """Flags still waiting for a decision (open, or being checked), oldest first."""
        if older_than is None:
            return await self.pending_since(0)
        rows = await self.tx.fetchall(
            "SELECT * FROM flags WHERE status IN ('open', 'checking') AND created_at < ?"
            " ORDER BY id",
            (to_db(older_than),),
        )
        return [_flag(r) for r in rows]

    async def add_post(
        self,
        flag_id: int,
        *,
        chat_id: int,
        message_id: int,
        author_id: int,
        author_name: str,
        source_update_id: int,
    ) -> bool:
        """Another post of a pending flag's text joins it; False when this update joined
        before (or filed a flag of its own)."""
        if await self.tx.fetchone(
            "SELECT 1 FROM flags WHERE source_update_id = ?", (source_update_id,)
        ):
            return False
        changed = await self.tx.execute(
            "INSERT INTO flag_posts (flag_id, chat_id, message_id, author_id, author_name,"
            " source_update_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (source_update_id) DO NOTHING",
            (
                flag_id,
                chat_id,
                message_id,
                author_id,
                author_name,
                source_update_id,
                self.tx.now_db,
            ),
        )
        return changed == 1

    async def on_pending_card(
        self, chat_id: int, message_id: int
    ) -> tuple[Flag, FlagPost | None] | None:
        """The pending flag whose card holds this post (as its own post, or joined), if any."""
        row = await self.tx.fetchone(
            "SELECT * FROM flags WHERE chat_id = ? AND message_id = ?"
            " AND status IN ('open', 'checking') ORDER BY id DESC LIMIT 1",
            (chat_id, message_id),
        )
        if row is not None:
            return _flag(row), None
        joined = await self.tx.fetchone(
            "SELECT p.* FROM flag_posts p JOIN flags f ON f.id = p.flag_id"
            " WHERE p.chat_id = ? AND p.message_id = ? AND f.status IN ('open', 'checking')"
            " ORDER BY p.id DESC LIMIT 1",
            (chat_id, message_id),
        )
        if joined is None:
            return None
        post = FlagPost.model_validate(dict(joined))
        flag = await self.get(post.flag_id)
        return (flag, post) if flag is not None else None

    async def remove_post(self, post_id: int) -> None:
        await self.tx.execute("DELETE FROM flag_posts WHERE id = ?", (post_id,))

    async def posts(self, flag_id: int) -> list[FlagPost]:
        rows = await self.tx.fetchall(
            "SELECT * FROM flag_posts WHERE flag_id = ? ORDER BY id", (flag_id,)
        )
        return [FlagPost.model_validate(dict(r)) for r in rows]

    async def add_mute(
        self,
        *,
        community: str,
        chat_id: int,
        user_id: int,
        user_name: str,
        until: datetime,
        flag_id: int | None,
    ) -> int:
        new_id = await self.tx.insert(
            "INSERT INTO mutes (community, chat_id, user_id, user_name, until, flag_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (community, chat_id, user_id, user_name, to_db(until), flag_id, self.tx.now_db),
        )
        assert new_id is not None
        return new_id

    async def mute(self, mute_id: int) -> Mute | None:
        row = await self.tx.fetchone("SELECT * FROM mutes WHERE id = ?", (mute_id,))
        return Mute.model_validate(dict(row)) if row else None

    async def mutes_of(self, flag_id: int) -> list[Mute]:
        """The mutes a flag's confirmation caused that nobody has lifted yet."""
        rows = await self.tx.fetchall(
            "SELECT * FROM mutes WHERE flag_id = ? AND lifted_at IS NULL ORDER BY id", (flag_id,)
        )
        return [Mute.model_validate(dict(r)) for r in rows]

    async def muted_otherwise(self, mute: Mute) -> bool:
        """Whether another mute of the same author in the same chat is still in force: Telegram
        keeps one restriction a person a group, so lifting this one must leave it be."""
        row = await self.tx.fetchone(
            "SELECT 1 FROM mutes WHERE chat_id = ? AND user_id = ? AND id <> ?"
            " AND lifted_at IS NULL AND until > ?",
            (mute.chat_id, mute.user_id, mute.id, self.tx.now_db),
        )
        return row is not None

    async def update_mute(self, mute_id: int, **fields: Any) -> None:
        names = list(fields)
        values = [to_db(v) if isinstance(v, datetime) else v for v in fields.values()]
        await self.tx.execute(
            f"UPDATE mutes SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?",
            [*values, mute_id],
        )

    async def confirmed_ads_by(self, author_id: int) -> int:
        row = await self.tx.fetchone(
            "SELECT COUNT(*) FROM flags WHERE author_id = ? AND kind = 'ad'"
            " AND status = 'confirmed'",
            (author_id,),
        )
        return int(row[0]) if row else 0

    async def figures(self, since: datetime, community: str = "default") -> FlagFigures:
        """A community's flags raised since `since`, decisions made since then, and repeats
        answered in its groups."""
        flagged = await self.tx.fetchone(
            "SELECT COUNT(*) FROM flags WHERE community = ? AND created_at >= ?",
            (community, to_db(since)),
        )
        decided = await self.tx.fetchall(
            "SELECT status, COUNT(*) AS n FROM flags WHERE community = ? AND decided_at >= ?"
            " GROUP BY status",
            (community, to_db(since)),
        )
        pending = await self.tx.fetchone(
            "SELECT COUNT(*) FROM flags WHERE community = ? AND status IN ('open', 'checking')",
            (community,),
        )
        hits = await self.tx.fetchone(
            "SELECT COUNT(*) FROM known_hits h JOIN chats c ON c.id = h.chat_id"
            " WHERE h.at >= ? AND c.community = ?",
            (to_db(since), community),
        )
        by_status = {r["status"]: r["n"] for r in decided}
        return FlagFigures(
            flagged=int(flagged[0]) if flagged else 0,
            confirmed=by_status.get("confirmed", 0),
            dismissed=by_status.get("dismissed", 0),
            pending=int(pending[0]) if pending else 0,
            known_hits=int(hits[0]) if hits else 0,
        )

    async def by_kind_and_status(self) -> dict[tuple[str, str], int]:
        rows = await self.tx.fetchall(
            "SELECT kind, status, COUNT(*) AS n FROM flags GROUP BY kind, status"
        )
        return {(r["kind"], r["status"]): int(r["n"]) for r in rows}


class KnownTextRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def add(
        self,
        *,
        kind: KnownKind,
        text: str,
        flag_id: int | None,
        created_by: int | None,
        clarification: str | None = None,
    ) -> KnownText:
        new_id = await self.tx.insert(
            "INSERT INTO known_texts (kind, text, clarification, flag_id, created_by,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (kind, text, clarification, flag_id, created_by, self.tx.now_db),
        )
        assert new_id is not None
        known = await self.get(new_id)
        assert known is not None
        return known

    async def get(self, known_id: int) -> KnownText | None:
        row = await self.tx.fetchone("SELECT * FROM known_texts WHERE id = ?", (known_id,))
        return KnownText.model_validate(dict(row)) if row else None

    async def of_flag(self, flag_id: int) -> KnownText | None:
        row = await self.tx.fetchone(
            "SELECT * FROM known_texts WHERE flag_id = ? AND withdrawn_at IS NULL"
            " ORDER BY id DESC LIMIT 1",
            (flag_id,),
        )
        return KnownText.model_validate(dict(row)) if row else None

    async def withdraw(self, known_id: int) -> None:
        await self.tx.execute(
            "UPDATE known_texts SET withdrawn_at = ? WHERE id = ?", (self.tx.now_db, known_id)
        )

    async def set_clarification(self, known_id: int, clarification: str) -> None:
        await self.tx.execute(
            "UPDATE known_texts SET clarification = ? WHERE id = ?", (clarification, known_id)
        )

    async def all(self) -> list[tuple[int, str, str, str]]:
        """(id, kind, text, community) of every known text in force, oldest first (to rebuild
        the index). Its community is its flag's: a decision holds where it was made."""
        return await self.since(0)

    async def since(self, after_id: int) -> list[tuple[int, str, str, str]]:
        """Like all(), only the texts with an id above `after_id`: what other workers decided
        since this one last looked (ids grow in commit order: writers take turns)."""
        # A rumour or ad confirmed in pieces is not looked for in single posts: one piece
        # alone ("家里老人孩子都注意一下") may be most of the joined words and nothing at all.
        rows = await self.tx.fetchall(
            "SELECT k.id, k.kind, k.text, f.community FROM known_texts k"
            " LEFT JOIN flags f ON f.id = k.flag_id"
            " WHERE k.id > ? AND k.withdrawn_at IS NULL"
            " AND (f.pieces IS NULL OR k.kind = 'dismissed') ORDER BY k.id",
            (after_id,),
        )
        return [(r["id"], r["kind"], r["text"], r["community"] or "default") for r in rows]

    async def record_hit(
        self, known_id: int, chat_id: int, message_id: int, author_id: int
    ) -> bool:
        """False when this post was answered before."""
        changed = await self.tx.execute(
            "INSERT INTO known_hits (known_id, chat_id, message_id, author_id, at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (chat_id, message_id) DO NOTHING",
            (known_id, chat_id, message_id, author_id, self.tx.now_db),
        )
        return changed == 1

    async def ad_hits_by(self, author_id: int) -> int:
        row = await self.tx.fetchone(
            "SELECT COUNT(*) FROM known_hits h JOIN known_texts k ON k.id = h.known_id"
            " WHERE h.author_id = ? AND k.kind = 'ad' AND k.withdrawn_at IS NULL",
            (author_id,),
        )
        return int(row[0]) if row else 0
