"""Households, their members, /home requests and the buildings a resident group is tied to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from storage.models import Record, UtcTime

if TYPE_CHECKING:
    from storage.db import Tx

MemberStatus = Literal["unconfirmed", "confirmed", "rejected"]


class HouseholdRecord(Record):
    id: int
    community: str
    key: str
    building: str
    created_at: UtcTime


class Membership(Record):
    """A person's registered home (one each)."""

    id: int
    user_id: int
    household_id: int
    status: MemberStatus
    registered_at: UtcTime
    decided_by: int | None
    decided_at: UtcTime | None
    card_chat_id: int | None
    card_outbox_id: int | None
    community: str
    key: str
    building: str


class HomeRequest(Record):
    id: int
    user_id: int
    community: str
    key: str | None
    outbox_id: int
    created_at: UtcTime
    done_at: UtcTime | None


class HouseholdCount(Record):
    """One household of a building in the register: how many registered, how many confirmed."""

    key: str
    members: int
    confirmed: int
    rejected: int


_MEMBER = (
    "SELECT m.*, h.community, h.key, h.building FROM household_members AS m"
    " JOIN households AS h ON h.id = m.household_id"
)


class HouseholdRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    async def household(self, community: str, key: str, building: str) -> HouseholdRecord:
        """The household of this key, made on first mention."""
        await self.tx.execute(
            "INSERT INTO households (community, key, building, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (community, key) DO NOTHING",
            (community, key, building, self.tx.now_db),
        )
        row = await self.tx.fetchone(
            "SELECT * FROM households WHERE community = ? AND key = ?", (community, key)
        )
        assert row is not None
        return HouseholdRecord.model_validate(dict(row))

    async def membership(self, user_id: int) -> Membership | None:
        row = await self.tx.fetchone(_MEMBER + " WHERE m.user_id = ?", (user_id,))
        return Membership.model_validate(dict(row)) if row else None

    async def membership_by_id(self, member_id: int) -> Membership | None:
        row = await self.tx.fetchone(_MEMBER + " WHERE m.id = ?", (member_id,))
        return Membership.model_validate(dict(row)) if row else None

    async def join(self, user_id: int, household_id: int) -> Membership:
        """The person lives here from now on (a move replaces the old home, and any
        confirmation of it)."""
        await self.tx.execute(
            "INSERT INTO household_members (user_id, household_id, status, registered_at)"
            " VALUES (?, ?, 'unconfirmed', ?)"
            " ON CONFLICT (user_id) DO UPDATE SET household_id = excluded.household_id,"
            " status = 'unconfirmed', registered_at = excluded.registered_at,"
            " decided_by = NULL, decided_at = NULL, card_chat_id = NULL, card_outbox_id = NULL",
            (user_id, household_id, self.tx.now_db),
        )
        found = await self.membership(user_id)
        assert found is not None
        return found

    async def leave(self, user_id: int) -> bool:
        return (
            await self.tx.execute("DELETE FROM household_members WHERE user_id = ?", (user_id,)) > 0
        )

    async def set_card(self, member_id: int, chat_id: int, outbox_id: int) -> None:
        await self.tx.execute(
            "UPDATE household_members SET card_chat_id = ?, card_outbox_id = ? WHERE id = ?",
            (chat_id, outbox_id, member_id),
        )

    async def decide(self, member_id: int, status: MemberStatus, by: int) -> None:
        await self.tx.execute(
            "UPDATE household_members SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?",
            (status, by, self.tx.now_db, member_id),
        )

    async def members_of(self, household_id: int) -> list[Membership]:
        rows = await self.tx.fetchall(
            _MEMBER + " WHERE m.household_id = ? ORDER BY m.id", (household_id,)
        )
        return [Membership.model_validate(dict(r)) for r in rows]

    async def register_of(self, community: str, building: str) -> list[HouseholdCount]:
        """The building's households that have someone registered, with their counts."""
        rows = await self.tx.fetchall(
            "SELECT h.key, COUNT(*) AS members,"
            " SUM(CASE WHEN m.status = 'confirmed' THEN 1 ELSE 0 END) AS confirmed,"
            " SUM(CASE WHEN m.status = 'rejected' THEN 1 ELSE 0 END) AS rejected"
            " FROM households AS h JOIN household_members AS m ON m.household_id = h.id"
            " WHERE h.community = ? AND h.building = ? GROUP BY h.key",
            (community, building),
        )
        return [HouseholdCount.model_validate(dict(r)) for r in rows]

    async def eligible_by_building(
        self, community: str, *, confirmed_only: bool, per_person: bool
    ) -> dict[str, int]:
        """Households (or people) that may vote, per building: members not rejected (only
        confirmed ones when the community verifies)."""
        statuses = ("confirmed",) if confirmed_only else ("confirmed", "unconfirmed")
        marks = ", ".join("?" for _ in statuses)
        counted = "m.id" if per_person else "DISTINCT h.id"
        rows = await self.tx.fetchall(
            f"SELECT h.building, COUNT({counted}) AS n FROM households AS h"
            " JOIN household_members AS m ON m.household_id = h.id"
            f" WHERE h.community = ? AND m.status IN ({marks}) GROUP BY h.building",
            (community, *statuses),
        )
        return {str(r["building"]): int(r["n"]) for r in rows}

    # ------------------------------------------------------------------ /home requests

    async def ask(self, user_id: int, community: str, key: str | None, outbox_id: int) -> None:
        await self.tx.execute(
            "UPDATE home_requests SET done_at = ? WHERE user_id = ? AND done_at IS NULL",
            (self.tx.now_db, user_id),
        )
        await self.tx.execute(
            "INSERT INTO home_requests (user_id, community, key, outbox_id, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (user_id, community, key, outbox_id, self.tx.now_db),
        )

    async def request_on(self, chat_id: int, message_id: int) -> HomeRequest | None:
        """The open /home request sent as Telegram message `message_id` in `chat_id`."""
        row = await self.tx.fetchone(
            "SELECT r.* FROM home_requests AS r JOIN outbox AS o ON o.id = r.outbox_id"
            " WHERE o.chat_id = ? AND o.telegram_message_id = ? AND r.done_at IS NULL",
            (chat_id, message_id),
        )
        return HomeRequest.model_validate(dict(row)) if row else None

    async def request_done(self, request_id: int) -> bool:
        changed = await self.tx.execute(
            "UPDATE home_requests SET done_at = ? WHERE id = ? AND done_at IS NULL",
            (self.tx.now_db, request_id),
        )
        return changed > 0

    # ------------------------------------------------------------------ groups and buildings

    async def tie_group(self, chat_id: int, buildings: list[str]) -> None:
        """The group serves these buildings (replacing what it served before)."""
        await self.tx.execute("DELETE FROM group_buildings WHERE chat_id = ?", (chat_id,))
        await self.tx.executemany(
            "INSERT INTO group_buildings (chat_id, building) VALUES (?, ?)",
            [(chat_id, b) for b in buildings],
        )

    async def group_ties(self, chat_ids: list[int]) -> dict[int, set[str]]:
        """The buildings each of these groups is tied to (absent: not tied, serves all)."""
        if not chat_ids:
            return {}
        marks = ", ".join("?" for _ in chat_ids)
        rows = await self.tx.fetchall(
            f"SELECT chat_id, building FROM group_buildings WHERE chat_id IN ({marks})",
            chat_ids,
        )
        found: dict[int, set[str]] = {}
        for r in rows:
            found.setdefault(int(r["chat_id"]), set()).add(str(r["building"]))
        return found
