"""The committee's daily digest (日报): what happened since the previous one, and what is late.

Sent once a day at DIGEST_TIME (recorded, so a restart does not send it again; a bot that was
down at that time sends it when it comes back the same day), and on demand with /digest.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.services.digest.views import DigestFacts, digest_text
from bot.services.messaging import text_message
from bot.services.reception import ReceptionService
from bot.services.roles import Roles
from storage import Database, Tx

log = logging.getLogger(__name__)


class DigestService:
    def __init__(
        self,
        db: Database,
        roles: Roles,
        reception: ReceptionService,
        *,
        zone: ZoneInfo,
        digest_time: time,
        unclaimed_wish_days: int = 3,
    ) -> None:
        self._db = db
        self._roles = roles
        self._reception = reception
        self._zone = zone
        self._at = digest_time
        self._unclaimed_days = unclaimed_wish_days

    async def tick(self) -> bool:
        """Send today's digest if its time has come and it has not gone yet."""
        async with self._db.read() as tx:
            local = tx.now.astimezone(self._zone)
            if local.time() < self._at or await tx.digests.sent_on(local.date().isoformat()):
                return False
        async with self._db.transaction() as tx:
            day = tx.now.astimezone(self._zone).date().isoformat()
            start = await tx.digests.last_period_end() or tx.now - timedelta(days=1)
            if not await tx.digests.record(day, start, tx.now):
                return False
            await tx.outbox.enqueue(
                text_message(
                    self._roles.committee_chat_id,
                    await self.compose(tx, start),
                    dedupe_key=f"digest:{day}",
                )
            )
        log.info("daily digest for %s queued", day)
        return True

    async def on_demand(
        self, update_id: int, user_id: int, chat_id: int, reply_to: int | None
    ) -> None:
        """/digest: committee staff get the figures since the last daily digest, now, in the
        committee chat or in private (never where others would read them)."""
        allowed = await self._roles.is_committee(user_id)
        async with self._db.transaction(update_id=update_id, what="digest") as tx:
            if not allowed:
                text = texts.DIGEST_ONLY_STAFF
            elif not self._roles.is_committee_place(chat_id, user_id):
                text = texts.STAFF_COMMAND_ELSEWHERE
            else:
                start = await tx.digests.last_period_end() or tx.now - timedelta(days=1)
                text = await self.compose(tx, start)
            await tx.outbox.enqueue(text_message(chat_id, text, reply_to=reply_to))

    async def compose(self, tx: Tx, start: datetime) -> str:
        """The digest of [start, now): the facts gathered here, the text built by
        views."""
        now = tx.now
        overdue, overdue_total = await tx.digests.overdue(now)
        unclaimed, unclaimed_total = await tx.digests.unclaimed_wishes(
            now - timedelta(days=self._unclaimed_days)
        )
        facts = DigestFacts(
            start=start,
            now=now,
            tickets=await tx.digests.ticket_figures(start, now),
            overdue=overdue,
            overdue_total=overdue_total,
            unclaimed=unclaimed,
            unclaimed_total=unclaimed_total,
            unclaimed_days=self._unclaimed_days,
            flags=await tx.flags.figures(start),
            next_reception=await self._reception.next_reception_line(tx),
        )
        return digest_text(facts, self._zone)
