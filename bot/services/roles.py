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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from telegram import Bot, ChatMemberRestricted
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot.community import DEFAULT_COMMUNITY, DEFAULT_NAME, Community, Party
from storage import Tx

log = logging.getLogger(__name__)

PRESENT = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}


@dataclass
class _Place:
    """One community's staff chats (party chats may be dropped at run time, see
    not_a_party_chat)."""

    code: str
    name: str
    committee: int
    moderators: int
    party_chats: dict[Party, int]


class Roles:
    def __init__(
        self,
        bot: Bot,
        *,
        admin_ids: frozenset[int],
        committee_chat_id: int | None = None,
        moderator_chat_id: int | None = None,
        party_chats: Mapping[Party, int] | None = None,
        communities: Sequence[Community] = (),
        street_chat_id: int | None = None,
        volunteer_chat_id: int | None = None,
        ttl_s: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """Either `communities` (every community, the default one first) or the default
        community's chats alone."""
        self._bot = bot
        self.admin_ids = admin_ids
        if communities:
            places = [
                _Place(c.code, c.name, c.committee_chat, c.moderator_chat, dict(c.party_chats))
                for c in communities
            ]
        else:
            assert committee_chat_id is not None
            places = [
                _Place(
                    DEFAULT_COMMUNITY,
                    DEFAULT_NAME,
                    committee_chat_id,
                    moderator_chat_id if moderator_chat_id is not None else committee_chat_id,
                    dict(party_chats or {}),
                )
            ]
        self._places = {p.code: p for p in places}
        self._street = street_chat_id
        self._volunteers = volunteer_chat_id
        self._moved: dict[int, int] = {}  # old chat id -> new id (a group became a supergroup)
        self._ttl = ttl_s
        self._monotonic = monotonic
        self._cache: dict[tuple[int, int], tuple[float, bool]] = {}
        self._asking: dict[tuple[int, int], asyncio.Future[bool]] = {}
        self._next_sweep = monotonic() + ttl_s

    # ------------------------------------------------------------------ the communities

    @property
    def communities(self) -> list[str]:
        """Every community's code, the default one first."""
        return list(self._places)

    @property
    def several(self) -> bool:
        return len(self._places) > 1

    def name_of(self, community: str) -> str:
        place = self._places.get(community)
        return place.name if place else community

    def known(self, community: str) -> bool:
        return community in self._places

    def _place(self, community: str) -> _Place:
        # The data never names a community the file does not (the bot refuses to start, see
        # Linli._check_communities_in_use); the default one only answers for "@street" & co.
        return self._places.get(community) or self._places[DEFAULT_COMMUNITY]

    async def community_of(self, tx: Tx, chat_id: int, user_id: int) -> str:
        """Whose a request or a question is: a group's community; from private, the community
        of the resident group the person last wrote in (the default one if none)."""
        if chat_id != user_id:
            chat = await tx.chats.get(chat_id)
            found = chat.community if chat else None
        else:
            person = await tx.people.get(user_id)
            found = person.community if person else None
        return found if found is not None and self.known(found) else DEFAULT_COMMUNITY

    # ------------------------------------------------------------------ the staff chats

    @property
    def committee_chat_id(self) -> int:
        """The default community's committee chat."""
        return self.committee_chat(DEFAULT_COMMUNITY)

    @property
    def moderator_chat_id(self) -> int:
        return self.moderator_chat(DEFAULT_COMMUNITY)

    def committee_chat(self, community: str) -> int:
        return self._current(self._place(community).committee)

    def moderator_chat(self, community: str) -> int:
        return self._current(self._place(community).moderators)

    @property
    def volunteer_chat_id(self) -> int | None:
        """The volunteers' chat (VOLUNTEER_CHAT_ID), if set."""
        return self._current(self._volunteers) if self._volunteers is not None else None

    async def is_volunteer(self, user_id: int) -> bool:
        """Members of the volunteers' chat (admins too)."""
        chat = self.volunteer_chat_id
        return self.is_admin(user_id) or (chat is not None and await self._member_of(chat, user_id))

    @property
    def street_chat_id(self) -> int | None:
        """The street office's chat (STREET_CHAT_ID), if set."""
        return self._current(self._street) if self._street is not None else None

    def staff_chats(self) -> list[tuple[int, str, str]]:
        """(chat, "committee"/"moderator"/"party"/"street", community) of every staff chat."""
        found: list[tuple[int, str, str]] = []
        for place in self._places.values():
            found.append((self._current(place.committee), "committee", place.code))
            if place.moderators != place.committee:
                found.append((self._current(place.moderators), "moderator", place.code))
            found += [(self._current(c), "party", place.code) for c in place.party_chats.values()]
        if self._street is not None:
            found.append((self._current(self._street), "street", DEFAULT_COMMUNITY))
        return found

    def community_of_staff_chat(self, chat_id: int) -> str | None:
        """The community whose committee, moderators' or party chat this is."""
        for place in self._places.values():
            chats = {place.committee, place.moderators, *place.party_chats.values()}
            if chat_id in {self._current(c) for c in chats}:
                return place.code
        return None

    def chat_for(self, party: Party, community: str = DEFAULT_COMMUNITY) -> int:
        """Where a party's ticket cards go: its own chat, or the committee chat."""
        place = self._place(community)
        chat = place.party_chats.get(party)
        return self._current(chat) if chat is not None else self.committee_chat(place.code)

    def party_of_chat(self, chat_id: int) -> Party | None:
        """The party whose own chat this is (None for a committee chat and any other)."""
        found = self._party_chat(chat_id)
        return found[1] if found else None

    def _party_chat(self, chat_id: int) -> tuple[_Place, Party] | None:
        for place in self._places.values():
            for party, chat in place.party_chats.items():
                if self._current(chat) == chat_id and chat_id != self._current(place.committee):
                    return place, party
        return None

    def is_staff_chat(self, chat_id: int) -> bool:
        """A committee, moderators' or party's chat, or the street office's: where internal
        things may be shown to everyone present."""
        return self.community_of_staff_chat(chat_id) is not None or chat_id == self.street_chat_id

    def is_committee_place(
        self, chat_id: int, user_id: int, community: str = DEFAULT_COMMUNITY
    ) -> bool:
        """Where a community's committee-wide things (the digest, reception rules) may be
        shown: its committee chat, or the asking person's own private chat; never a party's
        or a residents' chat."""
        return chat_id in (self.committee_chat(community), user_id)

    def _current(self, chat_id: int) -> int:
        for _ in range(len(self._moved)):  # bounded: a cycle of migrations cannot hang us
            if chat_id not in self._moved:
                break
            chat_id = self._moved[chat_id]
        return chat_id

    def not_a_party_chat(self, chat_id: int) -> Party | None:
        """A chat set as a party's chat turned out to be a residents' group: its cards (with
        reporters' names) must not go there. The party's cards go to the committee chat."""
        found = self._party_chat(chat_id)
        if found is None:
            return None
        place, party = found
        del place.party_chats[party]
        log.error(
            "[party_chats] %s = %d is a residents' group: its cards go to the committee chat "
            "instead; set the party's own staff chat in the community file",
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
        for place in self._places.values():
            where = "" if place.code == DEFAULT_COMMUNITY else f" of community {place.code}"
            if self._current(place.committee) == old_id:
                names.append(("COMMITTEE_CHAT_ID" if not where else "committee_chat") + where)
            if self._current(place.moderators) == old_id and place.moderators != place.committee:
                names.append(("MODERATOR_CHAT_ID" if not where else "moderator_chat") + where)
            names += [
                f"[party_chats] {party.label}{where}"
                for party, chat in place.party_chats.items()
                if self._current(chat) == old_id
            ]
        if self._street is not None and self._current(self._street) == old_id:
            names.append("STREET_CHAT_ID")
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

    async def is_committee(self, user_id: int, community: str = DEFAULT_COMMUNITY) -> bool:
        """Committee staff of a community: admins and members of its committee chat."""
        return self.is_admin(user_id) or await self._member_of(
            self.committee_chat(community), user_id
        )

    async def is_moderator(self, user_id: int, community: str = DEFAULT_COMMUNITY) -> bool:
        return self.is_admin(user_id) or await self._member_of(
            self.moderator_chat(community), user_id
        )

    async def committees_of(self, user_id: int) -> list[str]:
        """The communities whose committee this person is on (admins: every one)."""
        if self.is_admin(user_id):
            return self.communities
        return [c for c in self._places if await self._member_of(self.committee_chat(c), user_id)]

    async def is_street_staff(self, user_id: int) -> bool:
        """Members of the street office's chat (and admins)."""
        street = self.street_chat_id
        return self.is_admin(user_id) or (
            street is not None and await self._member_of(street, user_id)
        )

    async def may_handle_ticket(
        self, user_id: int, party: str, chat_id: int, community: str = DEFAULT_COMMUNITY
    ) -> bool:
        """May this person act on (or see the reporter of) a ticket of `party` in `community`,
        from `chat_id`? From the community's committee chat its members may, for every party;
        from a party's own chat only its members, and only for that party's tickets. In
        private, the person's own memberships decide: the community's committee, or that
        party's chat. Admins need no membership, but the place still counts: a party's chat
        never shows another party's ticket, nor any chat another community's."""
        admin = self.is_admin(user_id)
        place = self._place(community)
        committee = self.committee_chat(place.code)
        if chat_id == committee:
            return admin or await self._member_of(chat_id, user_id)
        if chat_id != user_id:
            if self.community_of_staff_chat(chat_id) != place.code:
                return False
            chat_party = self.party_of_chat(chat_id)
            return (
                chat_party is not None
                and chat_party.value == party
                and (admin or await self._member_of(chat_id, user_id))
            )
        # The person's private chat with the bot.
        if admin or await self._member_of(committee, user_id):
            return True
        own = next((c for p, c in place.party_chats.items() if p.value == party), None)
        return own is not None and await self._member_of(self._current(own), user_id)

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
