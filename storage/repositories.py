"""Repositories: the only place with SQL. Each works inside one Tx and returns pydantic models."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from storage.models import ChatKind, ChatRecord, Event, SeenPerson, to_db

if TYPE_CHECKING:
    from storage.db import Row, Tx


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class _Repository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx


class ChatRepository(_Repository):
    async def get(self, chat_id: int) -> ChatRecord | None:
        row = await self.tx.fetchone("SELECT * FROM chats WHERE id = ?", (chat_id,))
        return ChatRecord.model_validate(dict(row)) if row else None

    async def bind_resident(
        self,
        chat_id: int,
        title: str | None,
        by: int | None,
        bot_is_admin: bool,
        community: str = "default",
    ) -> ChatRecord:
        self.tx.chats_changed = True
        await self.tx.execute(
            "INSERT INTO chats (id, kind, title, active, bot_is_admin, bound_by, bound_at,"
            " community) VALUES (?, 'resident', ?, 1, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET kind = 'resident', title = excluded.title,"
            " active = 1, bot_is_admin = excluded.bot_is_admin, bound_by = excluded.bound_by,"
            " bound_at = excluded.bound_at, unbound_at = NULL, community = excluded.community",
            (chat_id, title, int(bot_is_admin), by, self.tx.now_db, community),
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
        changed = await self.tx.execute(
            "UPDATE chats SET active = 0, unbound_at = ? WHERE id = ? AND active = 1",
            (self.tx.now_db, chat_id),
        )
        return changed > 0

    async def set_bot_admin(self, chat_id: int, is_admin: bool) -> None:
        self.tx.chats_changed = True
        await self.tx.execute(
            "UPDATE chats SET bot_is_admin = ? WHERE id = ?", (int(is_admin), chat_id)
        )

    async def set_title(self, chat_id: int, title: str) -> None:
        self.tx.chats_changed = True
        await self.tx.execute("UPDATE chats SET title = ? WHERE id = ?", (title, chat_id))

    async def migrate(self, old_id: int, new_id: int) -> None:
        """A group upgraded to a supergroup gets a new id; keep its history under the new one."""
        self.tx.chats_changed = True
        await self.tx.execute("UPDATE chats SET id = ? WHERE id = ?", (new_id, old_id))

    async def communities_named(self) -> set[str]:
        """Every community code the data names: groups, tickets, flags, reception rules."""
        rows = await self.tx.fetchall(
            "SELECT community FROM chats WHERE kind = 'resident'"
            " UNION SELECT community FROM reception_rules WHERE deleted_at IS NULL"
        )
        found = {str(r["community"]) for r in rows}
        for table in ("tickets", "flags"):  # large: one index seek per community, no scan
            after = ""
            while True:
                row = await self.tx.fetchone(
                    f"SELECT MIN(community) AS c FROM {table} WHERE community > ?", (after,)
                )
                if row is None or row["c"] is None:
                    break
                after = str(row["c"])
                found.add(after)
        return found

    async def resident_groups(self, community: str | None = None) -> list[ChatRecord]:
        """The active resident groups (of one community, or all)."""
        rows = await self.tx.fetchall(
            "SELECT * FROM chats WHERE kind = 'resident' AND active = 1"
            + (" AND community = ?" if community is not None else "")
            + " ORDER BY bound_at, id",
            (community,) if community is not None else (),
        )
        return [ChatRecord.model_validate(dict(r)) for r in rows]


class PeopleRepository(_Repository):
    async def seen(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        *,
        private: bool = False,
    ) -> None:
        await self.tx.execute(
            "INSERT INTO people (user_id, first_name, last_name, username, private_chat_open,"
            " first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET first_name = excluded.first_name,"
            " last_name = excluded.last_name, username = excluded.username,"
            " private_chat_open = CASE WHEN excluded.private_chat_open > people.private_chat_open"
            " THEN excluded.private_chat_open ELSE people.private_chat_open END,"
            " last_seen = excluded.last_seen",
            (
                user_id,
                first_name,
                last_name,
                username,
                int(private),
                self.tx.now_db,
                self.tx.now_db,
            ),
        )

    async def set_private_chat_open(self, user_id: int, is_open: bool) -> None:
        await self.tx.execute(
            "UPDATE people SET private_chat_open = ? WHERE user_id = ?", (int(is_open), user_id)
        )

    async def get(self, user_id: int) -> SeenPerson | None:
        row = await self.tx.fetchone("SELECT * FROM people WHERE user_id = ?", (user_id,))
        return SeenPerson.model_validate(dict(row)) if row else None

    async def wrote_in(self, user_id: int, community: str) -> None:
        """They wrote in a resident group of this community (seen() made their row)."""
        await self.tx.execute(
            "UPDATE people SET community = ? WHERE user_id = ?", (community, user_id)
        )


class EventRepository(_Repository):
    async def append(
        self,
        action: str,
        *,
        actor_id: int | None,
        subject: str | None,
        detail: dict[str, Any] | None = None,
        public: bool = False,
        update_id: int | None = None,
    ) -> int:
        new_id = await self.tx.insert(
            "INSERT INTO events (at, actor_id, action, subject, detail, public, update_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                self.tx.now_db,
                actor_id,
                action,
                subject,
                _dumps(detail or {}),
                int(public),
                update_id,
            ),
        )
        assert new_id is not None
        return new_id

    async def count_by(self, actor_id: int, actions: tuple[str, ...], since: datetime) -> int:
        """How many of these actions one person took since then (e.g. requests, for a quota)."""
        marks = ", ".join("?" for _ in actions)
        row = await self.tx.fetchone(
            f"SELECT COUNT(*) AS n FROM events WHERE actor_id = ? AND action IN ({marks})"
            " AND at >= ?",
            (actor_id, *actions, to_db(since)),
        )
        return int(row["n"]) if row else 0

    async def count_by_actor(self, action: str, since: datetime) -> list[tuple[int, int]]:
        """(actor, how many times) of one action since a moment, most first."""
        rows = await self.tx.fetchall(
            "SELECT actor_id, COUNT(*) AS n FROM events WHERE action = ? AND at >= ?"
            " AND actor_id IS NOT NULL GROUP BY actor_id ORDER BY n DESC, actor_id",
            (action, to_db(since)),
        )
        return [(int(r["actor_id"]), int(r["n"])) for r in rows]

    async def about(self, *kinds: str) -> list[Event]:
        """Every event whose subject is of these kinds (e.g. "flag", "known"), in order."""
        clause = " OR ".join("subject LIKE ?" for _ in kinds)
        rows = await self.tx.fetchall(
            f"SELECT * FROM events WHERE {clause} ORDER BY id", [f"{k}:%" for k in kinds]
        )
        return [_event(r) for r in rows]

    async def for_subject(self, subject: str) -> list[Event]:
        rows = await self.tx.fetchall(
            "SELECT * FROM events WHERE subject = ? ORDER BY id", (subject,)
        )
        return [_event(r) for r in rows]


def _event(row: Row) -> Event:
    data = dict(row)
    data["detail"] = json.loads(data["detail"])
    return Event.model_validate(data)


class UpdateRepository(_Repository):
    async def claim(self, update_id: int, what: str) -> bool:
        """Record that this update's side effects are being made; False if they were before."""
        changed = await self.tx.execute(
            "INSERT INTO handled_updates (update_id, what, handled_at) VALUES (?, ?, ?)"
            " ON CONFLICT (update_id) DO NOTHING",
            (update_id, what, self.tx.now_db),
        )
        return changed == 1

    async def recent(self) -> list[int]:
        """Every update id still remembered as handled (see forget_before)."""
        rows = await self.tx.fetchall("SELECT update_id FROM handled_updates")
        return [r["update_id"] for r in rows]

    async def forget_before(self, moment: datetime) -> int:
        """Telegram keeps an unconfirmed update for 24 hours; older claims can go."""
        changed = await self.tx.execute(
            "DELETE FROM handled_updates WHERE handled_at < ?", (to_db(moment),)
        )
        return changed
