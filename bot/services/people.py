"""The people the bot has seen (names for staff cards, whether they opened a private chat)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from storage import Database


@dataclass(frozen=True)
class Person:
    """Who asks or acts: a Telegram user id and the name people see."""

    id: int
    name: str


# Names change rarely; writing every sighting would cost a transaction per group post.
REFRESH_S = 3600.0


class PeopleService:
    def __init__(self, db: Database, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._db = db
        self._monotonic = monotonic
        self._recent: dict[
            int, tuple[tuple[str, str | None, str | None, bool, str | None], float]
        ] = {}

    async def seen(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        *,
        in_private: bool,
        community: str | None = None,
    ) -> None:
        """community: of the resident group they wrote in (where their private requests go)."""
        key = (first_name, last_name, username, in_private, community)
        now = self._monotonic()
        cached = self._recent.get(user_id)
        # A private message always counts: it reopens a chat the outbox may have marked closed.
        if not in_private and cached and cached[0] == key and now - cached[1] < REFRESH_S:
            return
        async with self._db.transaction() as tx:
            await tx.people.seen(user_id, first_name, last_name, username, private=in_private)
            if community is not None:
                await tx.people.wrote_in(user_id, community)
        if len(self._recent) > 50_000:
            self._recent.clear()
        self._recent[user_id] = (key, now)

    async def private_chat_changed(self, user_id: int, is_open: bool) -> None:
        """The person blocked (or unblocked) the bot in private."""
        async with self._db.transaction() as tx:
            await tx.people.set_private_chat_open(user_id, is_open)
        self._recent.pop(user_id, None)
