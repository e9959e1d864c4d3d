"""The committee's daily digest (日报): what happened since the previous one, and what is late.

Sent once a day at DIGEST_TIME (recorded, so a restart does not send it again; a bot that was
down at that time sends it when it comes back the same day), and on demand with /digest.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.community import DEFAULT_COMMUNITY, CommunityRules, Party
from bot.services.digest.rating import assess, rating_line
from bot.services.digest.views import (
    MAX_TEXT,
    CommunityLine,
    DigestFacts,
    digest_text,
    street_digest_text,
)
from bot.services.messaging import text_message, truncate
from bot.services.reception import ReceptionService
from bot.services.roles import Roles
from bot.workdays import Calendar
from storage import Database, Tx

log = logging.getLogger(__name__)

RATING_WINDOW = timedelta(days=30)  # 三维四色 in the street digest: the last 30 days
STREET = "@street"  # the street office's digest, recorded beside the communities' (never a code)


class DigestService:
    def __init__(
        self,
        db: Database,
        roles: Roles,
        reception: ReceptionService,
        *,
        zone: ZoneInfo,
        digest_time: time,
        rules: Mapping[str, CommunityRules] | None = None,
        calendar: Calendar | None = None,
    ) -> None:
        """rules: each community's (unclaimed-wish days, household count, 三维四色
        thresholds); the built-in defaults without. calendar: working days with the file's
        [[holidays]]."""
        self._calendar = calendar
        self._rules = dict(rules or {})
        self._defaults = CommunityRules.defaults()
        self._db = db
        self._roles = roles
        self._reception = reception
        self._zone = zone
        self._at = digest_time

    def _rules_of(self, community: str) -> CommunityRules:
        return self._rules.get(community) or self._defaults

    def _unclaimed_days(self, community: str) -> int:
        return self._rules_of(community).tickets.unclaimed_wish_days

    async def tick(self) -> bool:
        """Send today's digests whose time has come and that have not gone yet: each
        community's to its committee, then the street office's (STREET_CHAT_ID)."""
        sent = False
        for community in self._roles.communities:
            sent = await self._daily(community) or sent
        if self._roles.street_chat_id is not None:
            sent = await self._daily(STREET) or sent
        return sent

    async def _daily(self, community: str) -> bool:
        async with self._db.read() as tx:
            local = tx.now.astimezone(self._zone)
            if local.time() < self._at or await tx.digests.sent_on(
                local.date().isoformat(), community
            ):
                return False
        async with self._db.transaction() as tx:
            day = tx.now.astimezone(self._zone).date().isoformat()
            start = await tx.digests.last_period_end(community) or tx.now - timedelta(days=1)
            if not await tx.digests.record(day, start, tx.now, community):
                return False
            if community == STREET:
                chat_id = self._roles.street_chat_id
                assert chat_id is not None
                text = await self.compose_street(tx, start, self._roles.communities)
            else:
                chat_id = self._roles.committee_chat(community)
                text = await self.compose(tx, start, community)
                # Told once, where the committee reads every day (a rule's reply may have).
                missing = await self._reception.holidays_missing(tx, community)
                text = truncate("\n\n".join([text, *missing]), MAX_TEXT)
            await tx.outbox.enqueue(
                text_message(chat_id, text, dedupe_key=f"digest:{community}:{day}")
            )
        log.info("daily digest of %s for %s queued", community, day)
        return True

    async def on_demand(
        self, update_id: int, user_id: int, chat_id: int, reply_to: int | None
    ) -> None:
        """/digest: committee staff get their community's figures since its last daily
        digest, now, in its committee chat or in private (never where others would read
        them); in a party's own chat ([party_chats]) its members get that party's; in the
        street office's chat, or in private for staff of several communities, the figures of
        every community they may see."""
        street = chat_id == self._roles.street_chat_id
        here = self._roles.community_of_staff_chat(chat_id)
        party = self._roles.party_of_chat(chat_id) if here is not None else None
        communities: list[str] = []
        if street:
            allowed = await self._roles.is_street_staff(user_id)
            communities = self._roles.communities
        elif chat_id == user_id:
            communities = await self._roles.committees_of(user_id)
            allowed = bool(communities)
        elif here is not None and chat_id == self._roles.committee_chat(here):
            allowed = await self._roles.is_committee(user_id, here)
            communities = [here]
        elif here is not None and party is not None:
            allowed = await self._roles.may_handle_ticket(user_id, party.value, chat_id, here)
            communities = [here]
        else:  # staff are told where to ask; anyone else that it is for staff
            allowed = bool(await self._roles.committees_of(user_id))
        async with self._db.transaction(update_id=update_id, what="digest") as tx:
            if not allowed:
                text = texts.DIGEST_ONLY_STAFF
            elif not communities:
                text = texts.STAFF_COMMAND_ELSEWHERE
            elif street or len(communities) > 1:
                start = await tx.digests.last_period_end(STREET) or tx.now - timedelta(days=1)
                text = await self.compose_street(tx, start, communities)
            else:
                start = await tx.digests.last_period_end(communities[0]) or tx.now - timedelta(
                    days=1
                )
                text = await self.compose(tx, start, communities[0], party)
            await tx.outbox.enqueue(text_message(chat_id, text, reply_to=reply_to))

    async def compose(
        self,
        tx: Tx,
        start: datetime,
        community: str = DEFAULT_COMMUNITY,
        party: Party | None = None,
    ) -> str:
        """A community's digest of [start, now) (of one party's tickets, for its chat): the
        facts gathered here, the text built by views."""
        now = tx.now
        code = party.value if party is not None else None
        overdue, overdue_total = await tx.digests.overdue(now, community=community, party=code)
        unclaimed, unclaimed_total = await tx.digests.unclaimed_wishes(
            now - timedelta(days=self._unclaimed_days(community)), community=community, party=code
        )
        facts = DigestFacts(
            start=start,
            now=now,
            tickets=await tx.digests.ticket_figures(start, now, community, code),
            overdue=overdue,
            overdue_total=overdue_total,
            unclaimed=unclaimed,
            unclaimed_total=unclaimed_total,
            unclaimed_days=self._unclaimed_days(community),
            # Flagged posts are the moderators' and the committee's, not a party's.
            flags=await tx.flags.figures(start, community) if party is None else None,
            next_reception=await self._reception.next_reception_line(tx, community),
            community_name=self._roles.name_of(community) if self._roles.several else None,
            backlog=await tx.digests.backlog(community, code),
            party=party.label if party is not None else None,
        )
        return digest_text(facts, self._zone)

    async def compose_street(self, tx: Tx, start: datetime, communities: list[str]) -> str:
        """The street office's digest of [start, now): a line per community."""
        now = tx.now
        lines = []
        ratings = []
        for community in communities:
            _, overdue = await tx.digests.overdue(now, limit=0, community=community)
            flags = await tx.flags.figures(start, community)
            lines.append(
                CommunityLine(
                    self._roles.name_of(community),
                    await tx.digests.ticket_figures(start, now, community),
                    overdue,
                    flags.pending,
                )
            )
            rules = self._rules_of(community)
            figures = await tx.digests.party_figures(
                now - RATING_WINDOW, now, community, Party.PROPERTY.value
            )
            ratings.append(
                rating_line(
                    self._roles.name_of(community),
                    assess(
                        figures,
                        households=rules.households.count,
                        days=RATING_WINDOW.days,
                        now=now,
                        zone=self._zone,
                        rules=rules.rating,
                        calendar=self._calendar,
                    ),
                )
            )
        text = street_digest_text(lines, start, now, self._zone)
        title = texts.RATING_TITLE.format(party=Party.PROPERTY.label, days=RATING_WINDOW.days)
        return truncate("\n".join([text, "", title, *ratings]), MAX_TEXT)
