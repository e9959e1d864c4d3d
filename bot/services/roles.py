"""Who may do what, and where.

- Admins (ADMIN_USER_IDS) may do everything, anywhere.
- Committee staff are the members of the committee chat: every ticket, /digest, /bind, /unbind,
  reception rules, and exemption from screening. These rights come from that chat alone.
- Members of a party's own chat (`[party_chats]` in the community file) act on that party's
  tickets only, and only on cards in that chat.
- Moderators are the members of the moderators' chat.

Membership is asked of Telegram (getChatMember) and cached briefly, so that someone who leaves a
chat loses its rights within a minute. A staff chat upgraded to a supergroup gets a new id from
Telegram; the new id is followed at run time (and the operator told to update the setting).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping

from telegram import Bot, ChatMemberRestricted
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot.community import Party

log = logging.getLogger(__name__)

PRESENT = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}


class Roles:
    def __init__(
        self,
        bot: Bot,
        *,
        admin_ids: frozenset[int],
        committee_chat_id: int,
        moderator_chat_id: int,
        party_chats: Mapping[Party, int] | None = None,
        ttl_s: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._bot = bot
        self.admin_ids = admin_ids
        self._committee = committee_chat_id
        self._moderators = moderator_chat_id
        self._party_chats = dict(party_chats or {})
        self._moved: dict[int, int] = {}  # old chat id -> new id (a group became a supergroup)
        self._ttl = ttl_s
        self._monotonic = monotonic
        self._cache: dict[tuple[int, int], tuple[float, bool]] = {}
        self._asking: dict[tuple[int, int], asyncio.Future[bool]] = {}
        self._next_sweep = monotonic() + ttl_s

    # ------------------------------------------------------------------ the staff chats

    @property
    def committee_chat_id(self) -> int:
        return self._current(self._committee)

    @property
    def moderator_chat_id(self) -> int:
        return self._current(self._moderators)

    def chat_for(self, party: Party) -> int:
        """Where a party's ticket cards go: its own chat, or the committee chat."""
        chat = self._party_chats.get(party)
        return self._current(chat) if chat is not None else self.committee_chat_id

    def party_of_chat(self, chat_id: int) -> Party | None:
        """The party whose own chat this is (None for the committee chat and any other)."""
        for party, chat in self._party_chats.items():
            if self._current(chat) == chat_id and chat_id != self.committee_chat_id:
                return party
        return None

    def is_staff_chat(self, chat_id: int) -> bool:
        """The committee chat, the moderators' chat or a party's chat: where internal things
        may be shown to everyone present."""
        return (
            chat_id in (self.committee_chat_id, self.moderator_chat_id)
            or self.party_of_chat(chat_id) is not None
        )

    def is_committee_place(self, chat_id: int, user_id: int) -> bool:
        """Where committee-wide things (the digest, reception rules) may be shown: the committee
        chat, or the asking person's own private chat; never a party's or a residents' chat."""
        return chat_id in (self.committee_chat_id, user_id)

    def _current(self, chat_id: int) -> int:
        for _ in range(len(self._moved)):  # bounded: a cycle of migrations cannot hang us
            if chat_id not in self._moved:
                break
            chat_id = self._moved[chat_id]
        return chat_id

    def not_a_party_chat(self, chat_id: int) -> Party | None:
        """A chat set as a party's chat turned out to be a residents' group: its cards (with
        reporters' names) must not go there. The party's cards go to the committee chat."""
        party = self.party_of_chat(chat_id)
        if party is not None:
            del self._party_chats[party]
            log.error(
                "[party_chats] %s = %d is a residents' group: its cards go to the "
                "committee chat instead; set the party's own staff chat in the community "
                "file",
                party.label,
                chat_id,
            )
        return party

    def chat_migrated(self, old_id: int, new_id: int) -> None:
        """Telegram said a chat has a new id. For a staff chat, follow it and tell the operator
        (the setting still names the old id, which works until the next restart only through
        this same migration notice)."""
        if old_id == new_id or self._current(old_id) == new_id:
            return
        names = []
        if self._current(self._committee) == old_id:
            names.append("COMMITTEE_CHAT_ID")
        if self._current(self._moderators) == old_id and self._moderators != self._committee:
            names.append("MODERATOR_CHAT_ID")
        names += [
            f"[party_chats] {party.label}"
            for party, chat in self._party_chats.items()
            if self._current(chat) == old_id
        ]
        if not names:
            return
        self._moved[old_id] = new_id
        self._cache = {k: v for k, v in self._cache.items() if k[0] != old_id}
        log.error(
            "chat %d was upgraded to a supergroup and is now %d: its members keep their "
            "rights, but set %s to %d before the next restart",
            old_id,
            new_id,
            " and ".join(names),
            new_id,
        )

    # ------------------------------------------------------------------ people

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admin_ids

    async def is_committee(self, user_id: int) -> bool:
        """Committee staff: admins and members of the committee chat."""
        return self.is_admin(user_id) or await self._member_of(self.committee_chat_id, user_id)

    async def is_moderator(self, user_id: int) -> bool:
        return self.is_admin(user_id) or await self._member_of(self.moderator_chat_id, user_id)

    async def may_handle_ticket(self, user_id: int, party: str, chat_id: int) -> bool:
        """May this person act on (or see the reporter of) a ticket of `party`, from `chat_id`?
        From the committee chat its members may, for every party; from a party's own chat
        only its members, and only for that party's tickets. In private, the person's own
        memberships decide: the committee's, or that party's chat. Admins need no membership,
        but the place still counts: a party's chat never shows another party's ticket."""
        admin = self.is_admin(user_id)
        if chat_id == self.committee_chat_id:
            return admin or await self._member_of(chat_id, user_id)
        chat_party = self.party_of_chat(chat_id)
        if chat_party is not None:
            return chat_party.value == party and (admin or await self._member_of(chat_id, user_id))
        if chat_id == user_id:  # the person's private chat with the bot
            if admin or await self._member_of(self.committee_chat_id, user_id):
                return True
            own = next((c for p, c in self._party_chats.items() if p.value == party), None)
            return own is not None and await self._member_of(self._current(own), user_id)
        return False

    def forget(self, user_id: int | None = None) -> None:
        """Drop cached answers (e.g. when the committee chat's membership changed)."""
        if user_id is None:
            self._cache.clear()
        else:
            for key in [k for k in self._cache if k[1] == user_id]:
                del self._cache[key]

    @property
    def cached_answers(self) -> int:
        """How many membership answers are held (expired ones are swept once per ttl, so the
        cache holds at most the answers of the last two ttl periods)."""
        return len(self._cache)

    async def _member_of(self, chat_id: int, user_id: int) -> bool:
        now = self._monotonic()
        key = (chat_id, user_id)
        cached = self._cache.get(key)
        if cached and cached[0] > now:
            return cached[1]
        # One question to Telegram at a time per person and chat: a burst of someone's posts
        # waits for the same answer instead of asking again for each.
        asking = self._asking.get(key)
        if asking is None:
            asking = asyncio.ensure_future(self._ask(chat_id, user_id, now))
            self._asking[key] = asking
            asking.add_done_callback(lambda _: self._asking.pop(key, None))
        return await asyncio.shield(asking)

    async def _ask(self, chat_id: int, user_id: int, now: float) -> bool:
        try:
            member = await self._bot.get_chat_member(chat_id, user_id)
        except ChatMigrated as exc:
            self.chat_migrated(chat_id, exc.new_chat_id)
            if self._current(chat_id) == chat_id:
                return False  # not a staff chat of ours: no rights from it
            return await self._member_of(self._current(chat_id), user_id)
        except (BadRequest, Forbidden) as exc:
            # Unknown user, or the bot is not in that chat: no rights, and say why in the log.
            log.warning("role check in chat %d failed: %s", chat_id, exc)
            result = False
        except TelegramError as exc:
            log.warning("role check in chat %d could not reach Telegram: %s", chat_id, exc)
            return False  # not cached: try again next time
        else:
            result = member.status in PRESENT or (
                isinstance(member, ChatMemberRestricted) and member.is_member
            )
        if now >= self._next_sweep:
            self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
            self._next_sweep = now + self._ttl
        self._cache[(chat_id, user_id)] = (now + self._ttl, result)
        return result
