"""Who may do what: admins (from settings), staff (members of the committee chat, or of a
party's own chat from the community file), moderators (members of the moderators' chat).

Membership is asked of Telegram (getChatMember) and cached briefly, so that someone who leaves
the committee chat loses staff rights within a minute.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from telegram import Bot
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden, TelegramError

log = logging.getLogger(__name__)

PRESENT = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}


class Roles:
    def __init__(self, bot: Bot, *, admin_ids: frozenset[int], committee_chat_id: int,
                 moderator_chat_id: int, party_chat_ids: tuple[int, ...] = (),
                 ttl_s: float = 60.0, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._bot = bot
        self.admin_ids = admin_ids
        self.committee_chat_id = committee_chat_id
        self.moderator_chat_id = moderator_chat_id
        # The committee chat first: most staff are there, so most checks ask Telegram once.
        self.staff_chat_ids = tuple(dict.fromkeys((committee_chat_id, *party_chat_ids)))
        self._ttl = ttl_s
        self._monotonic = monotonic
        self._cache: dict[tuple[int, int], tuple[float, bool]] = {}

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admin_ids

    async def is_staff(self, user_id: int) -> bool:
        if self.is_admin(user_id):
            return True
        for chat_id in self.staff_chat_ids:
            if await self._member_of(chat_id, user_id):
                return True
        return False

    async def is_moderator(self, user_id: int) -> bool:
        return self.is_admin(user_id) or await self._member_of(self.moderator_chat_id, user_id)

    def is_staff_chat(self, chat_id: int) -> bool:
        return chat_id in self.staff_chat_ids or chat_id == self.moderator_chat_id

    def forget(self, user_id: int | None = None) -> None:
        """Drop cached answers (e.g. when the committee chat's membership changed)."""
        if user_id is None:
            self._cache.clear()
        else:
            for key in [k for k in self._cache if k[1] == user_id]:
                del self._cache[key]

    async def _member_of(self, chat_id: int, user_id: int) -> bool:
        now = self._monotonic()
        cached = self._cache.get((chat_id, user_id))
        if cached and cached[0] > now:
            return cached[1]
        try:
            member = await self._bot.get_chat_member(chat_id, user_id)
        except (BadRequest, Forbidden) as exc:
            # Unknown user, or the bot is not in that chat: no rights, and say why in the log.
            log.warning("role check in chat %d failed: %s", chat_id, exc)
            result = False
        except TelegramError as exc:
            log.warning("role check in chat %d could not reach Telegram: %s", chat_id, exc)
            return False  # not cached: try again next time
        else:
            result = member.status in PRESENT or (
                member.status == ChatMemberStatus.RESTRICTED and bool(member.is_member)
            )
        self._cache[(chat_id, user_id)] = (now + self._ttl, result)
        return result
