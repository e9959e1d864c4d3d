"""The committee's daily digest (日报): what happened since the previous one, and what is late.

Sent once a day at DIGEST_TIME (recorded, so a restart does not send it again; a bot that was
down at that time sends it when it comes back the same day), and on demand with /digest.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.services.messaging import local_time, month_day, text_message, truncate, weekday
from bot.services.reception import ReceptionService
from bot.services.roles import Roles
from storage import Database, Tx
from storage.models import from_db

log = logging.getLogger(__name__)

MAX_TEXT = 4096


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
        now = tx.now
        local = now.astimezone(self._zone)
        figures = await tx.digests.ticket_figures(start, now)
        lines = [
            texts.DIGEST_TITLE.format(date=month_day(local), weekday=weekday(local)),
            texts.DIGEST_PERIOD.format(start=self._stamp(start), end=self._stamp(now)),
            "",
        ]
        new = figures.new
        lines.append(texts.DIGEST_NEW.format(total=sum(n for _, _, n in new)))
        for kind in ("complaint", "wish"):
            parties = [
                texts.DIGEST_PARTY_COUNT.format(party=p, n=n) for k, p, n in new if k == kind
            ]
            if parties:
                lines.append(
                    texts.DIGEST_NEW_LINE.format(kind=texts.KIND[kind], parties="，".join(parties))
                )
        lines.append(texts.DIGEST_RESOLVED.format(n=figures.resolved))
        ratings = figures.ratings
        good, fair, bad = (ratings.get(r, 0) for r in texts.RATINGS)
        rated = good + fair + bad
        average = (
            texts.DIGEST_AVERAGE.format(score=f"{(3 * good + 2 * fair + bad) / rated:.1f}")
            if rated
            else ""
        )
        lines.append(texts.DIGEST_RATINGS.format(good=good, fair=fair, bad=bad, average=average))

        overdue, total = await tx.digests.overdue(now)
        items = (
            "："
            + "、".join(
                texts.DIGEST_OVERDUE_ITEM.format(
                    n=n, days=max(1, math.ceil((now - from_db(due)).total_seconds() / 86400))
                )
                for n, due in overdue
            )
            if overdue
            else ""
        )
        if total > len(overdue):
            items += texts.DIGEST_MORE.format(n=total)
        lines.append(texts.DIGEST_OVERDUE.format(n=total, items=items))

        wishes, waiting = await tx.digests.unclaimed_wishes(
            now - timedelta(days=self._unclaimed_days)
        )
        items = "：" + "、".join(f"#{n}" for n in wishes) if wishes else ""
        if waiting > len(wishes):
            items += texts.DIGEST_MORE.format(n=waiting)
        lines.append(
            texts.DIGEST_UNCLAIMED.format(days=self._unclaimed_days, n=waiting, items=items)
        )

        flags = await tx.flags.figures(start)
        lines.append(
            texts.DIGEST_FLAGS.format(
                pending=flags.pending,
                confirmed=flags.confirmed,
                dismissed=flags.dismissed,
                hits=flags.known_hits,
            )
        )
        reception = await self._reception.next_reception_line(tx)
        lines.append(
            texts.DIGEST_NEXT_RECEPTION.format(line=reception)
            if reception
            else texts.DIGEST_NO_RECEPTION
        )
        return truncate("\n".join(lines), MAX_TEXT)

    def _stamp(self, moment: datetime) -> str:
        return local_time(moment, self._zone)
