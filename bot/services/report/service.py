"""The monthly report (民情月报): /report and /export on demand, the report sent by itself on
the first working day of each month at DIGEST_TIME, /rating (三维四色 now) and /inspection (the
month's inspection score of the property company).

The images and the workbook are uploaded directly with the Bot API, not queued in the outbox:
an outbox row holds JSON parameters, and a report is megabytes of bytes that can be built again
from the database at any time. What the outbox gives (nothing lost, nothing twice) is kept the
other way round: an on-demand report claims its update first (a redelivered /report sends
nothing twice; one cut off by a crash is asked again), and the monthly one claims its month
(monthly_reports), like the digest its day; a claim whose sending failed is taken again after a
quarter of an hour. Sends go through the outbox's pacer, so Telegram's limits hold for both.

Building (matplotlib, openpyxl) runs in a worker thread: the event loop goes on handling other
chats meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from telegram import Bot, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import RetryAfter, TelegramError

from bot import texts as shared
from bot.community import CommunityRules, Party
from bot.outbox import retry_seconds
from bot.pacing import FloodPacer
from bot.services.digest.rating import assess
from bot.services.messaging import html, text_message
from bot.services.report import charts, texts, views, workbook
from bot.services.report.figures import PARTIES, Month, Rated, ReportFacts, month_figures
from bot.services.roles import Roles
from bot.workdays import is_workday
from storage import AlreadyHandled, Database, Tx
from storage.reports import ReportRepository

log = logging.getLogger(__name__)

STREET = "@street"  # the street office's monthly report, recorded beside the communities'
STREET_TITLE = "全街道"
SEND_ATTEMPTS = 3
_T = TypeVar("_T")


@dataclass(frozen=True)
class Scope:
    """Whose figures a report shows, and to whom."""

    communities: list[str]
    title: str
    party: str | None = None  # a party's chat: its own tickets only


@dataclass(frozen=True)
class Report:
    caption: str
    images: list[bytes]  # PNG; none without a CJK font
    workbook: bytes | None
    filename: str
    second_caption: str = ""
    workbook_caption: str = ""


class ReportService:
    def __init__(
        self,
        db: Database,
        roles: Roles,
        bot: Bot,
        *,
        zone: ZoneInfo,
        digest_time: time,
        rules: Mapping[str, CommunityRules],
        pacer: FloodPacer | None = None,
    ) -> None:
        """rules: each community's (households, 三维四色 thresholds, and [export]: whether
        the workbook names reporters; none does by default)."""
        self._db = db
        self._roles = roles
        self._bot = bot
        self._zone = zone
        self._at = digest_time
        self._rules = dict(rules)
        self._defaults = CommunityRules.defaults()
        self._pacer = pacer
        self._reporter_names = frozenset(
            c for c, r in self._rules.items() if r.export.reporter_names
        )
        self._done: set[tuple[str, str]] = set()  # monthly reports known to be sent
        self._tasks: set[asyncio.Task[None]] = set()  # on-demand reports on their way

    def _rules_of(self, community: str) -> CommunityRules:
        return self._rules.get(community) or self._defaults

    # ---------------------------------------------------------------- the monthly report

    def due(self, moment: datetime) -> bool:
        """From DIGEST_TIME of the month's first working day on, last month's report is due."""
        local = moment.astimezone(self._zone)
        first = local.date().replace(day=1)
        while not is_workday(first):
            first += timedelta(days=1)
        return local.date() > first or (local.date() == first and local.time() >= self._at)

    async def tick(self) -> bool:
        """Send last month's report to each committee (and the street office) once, when due."""
        now = self._db.clock.now()
        if not self.due(now):
            return False
        month = Month.of(now, self._zone).previous()
        sent = False
        targets = [(c, [c], self._roles.committee_chat(c)) for c in self._roles.communities]
        street = self._roles.street_chat_id
        if street is not None:
            targets.append((STREET, self._roles.communities, street))
        for key, communities, chat_id in targets:
            if (key, month.key) in self._done:
                continue
            async with self._db.read() as tx:
                if await ReportRepository(tx).monthly_done(key, month.key):
                    self._done.add((key, month.key))
                    continue
            async with self._db.transaction() as tx:
                if not await ReportRepository(tx).claim_monthly(key, month.key):
                    continue
            title = STREET_TITLE if key == STREET else self._roles.name_of(key)
            sent = await self._send_monthly(key, Scope(communities, title), month, chat_id) or sent
        return sent

    async def _send_monthly(self, key: str, scope: Scope, month: Month, chat_id: int) -> bool:
        facts = await self.gather(scope, month)
        quiet = not facts.tickets and not facts.flags
        if not quiet:
            report = await self.build(facts)
            try:
                await self._send(chat_id, report)
            except TelegramError as exc:
                # The claim stays: the next try comes when it expires (see storage/reports.py).
                log.warning("monthly report of %s for %s not sent: %s", key, month.key, exc)
                return False
        async with self._db.transaction() as tx:
            await ReportRepository(tx).mark_monthly_sent(key, month.key)
        self._done.add((key, month.key))
        if quiet:  # a community that does not use the bot yet gets no empty report
            log.info("monthly report of %s for %s: nothing to report", key, month.key)
        else:
            log.info("monthly report of %s for %s sent", key, month.key)
        return not quiet

    # ---------------------------------------------------------------- commands

    async def command(
        self,
        update_id: int,
        user_id: int,
        chat_id: int,
        reply_to: int | None,
        command: str,
        args: list[str],
    ) -> None:
        """/report [YYYY-MM] (charts and workbook), /export [YYYY-MM] (the workbook),
        /rating [YYYY-MM] (三维四色 as text). Reports default to last month, /rating to this."""
        scope = await self._scope(user_id, chat_id)
        now = self._db.clock.now()
        this_month = Month.of(now, self._zone)
        month: Month | None = this_month if command == "rating" else this_month.previous()
        problem = scope if isinstance(scope, str) else None
        if problem is None and args:
            month = Month.parse(args[0])
            if month is None or len(args) > 1:
                problem = texts.BAD_MONTH.format(command=command)
            elif month > this_month:
                problem = texts.FUTURE_MONTH.format(
                    month=texts.MONTH.format(year=month.year, month=month.month),
                    command=command,
                )
        if problem is not None or isinstance(scope, str) or month is None:
            await self._reply(update_id, chat_id, problem or "", reply_to, command)
            return
        if command == "rating":
            facts = await self.gather(scope, month)
            community = scope.communities[0]
            text = views.rating_text(facts, self._rules_of(community).rating)
            await self._reply(update_id, chat_id, text, reply_to, command)
            return
        try:  # claimed first: a redelivered /report sends nothing twice
            async with self._db.transaction(update_id=update_id, what=command):
                pass
        except AlreadyHandled:
            return
        # Built and sent beside the updates: a batch of updates is confirmed to Telegram once
        # all of it is handled, and other chats' next updates should not wait for a chart.
        task = asyncio.create_task(self._answer(scope, month, command, chat_id, reply_to))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(
        self, scope: Scope, month: Month, command: str, chat_id: int, reply_to: int | None
    ) -> None:
        try:
            facts = await self.gather(scope, month)
            report = await self.build(facts, charts=command == "report")
            if command == "export":
                report = Report(
                    "", [], report.workbook, report.filename, "", report.workbook_caption
                )
            await self._send(chat_id, report, reply_to)
        except TelegramError as exc:
            log.warning("%s for chat %d not sent: %s", command, chat_id, exc)
            async with self._db.transaction() as tx:
                await tx.outbox.enqueue(text_message(chat_id, texts.REPORT_FAILED))
        except Exception:
            log.exception("%s for chat %d failed", command, chat_id)
            async with self._db.transaction() as tx:
                await tx.outbox.enqueue(text_message(chat_id, texts.REPORT_FAILED))

    async def drain(self, timeout: float = 10.0) -> None:
        """Let reports being built or sent finish (for at most `timeout`), then stop them."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    async def inspection(
        self, update_id: int, user_id: int, chat_id: int, reply_to: int | None, args: list[str]
    ) -> None:
        """/inspection [社区简码] [YYYY-MM] 92: the property company's inspection score of a
        month (this month by default), entered by that community's committee."""
        now = self._db.clock.now()
        this_month = Month.of(now, self._zone)
        parsed = inspection_args(args, self._roles.communities)
        answer: str | None = None
        community: str | None = None
        code, month, score = parsed or (None, this_month, 0.0)
        month = month or this_month
        if parsed is None:
            answer = texts.BAD_SCORE
        elif month > this_month:
            answer = texts.FUTURE_MONTH.format(
                month=texts.MONTH.format(year=month.year, month=month.month), command="inspection"
            )
        else:
            community, answer = await self._inspection_place(user_id, chat_id, code)
        if answer is not None or community is None:
            await self._reply(
                update_id, chat_id, answer or texts.ONLY_STAFF, reply_to, "inspection"
            )
            return
        name = self._roles.name_of(community)
        label = texts.MONTH.format(year=month.year, month=month.month)
        try:
            async with self._db.transaction(update_id=update_id, what="inspection") as tx:
                before = await ReportRepository(tx).set_inspection(
                    community, month.key, score, user_id
                )
                await tx.events.append(
                    "inspection",
                    actor_id=user_id,
                    subject=f"community:{community}",
                    detail={"month": month.key, "score": score, "before": before},
                )
                text = (
                    texts.INSPECTION_SAVED.format(name=html(name), month=label, score=f"{score:g}")
                    if before is None
                    else texts.INSPECTION_REPLACED.format(
                        name=html(name), month=label, before=f"{before:g}", score=f"{score:g}"
                    )
                )
                await tx.outbox.enqueue(text_message(chat_id, text, reply_to=reply_to))
        except AlreadyHandled:
            return

    async def _inspection_place(
        self, user_id: int, chat_id: int, code: str | None
    ) -> tuple[str | None, str | None]:
        """(the community, None) where this person may enter its score here, else (None, why).
        Only a committee scores its property company: never a party's own chat."""
        roles = self._roles
        here = roles.community_of_staff_chat(chat_id)
        if here is not None and chat_id == roles.committee_chat(here):
            if code not in (None, here) or not await roles.is_committee(user_id, here):
                return None, texts.ONLY_STAFF
            return here, None
        if chat_id == roles.street_chat_id:
            if not await roles.is_street_staff(user_id):
                return None, texts.ONLY_STAFF
            if code is None:
                return None, texts.INSPECTION_WHICH.format(code=roles.communities[-1])
            return code, None
        if chat_id == user_id:
            mine = await roles.committees_of(user_id)
            if code is not None:
                return (code, None) if code in mine else (None, texts.ONLY_STAFF)
            if len(mine) == 1:
                return mine[0], None
            if mine:
                return None, texts.INSPECTION_WHICH.format(code=mine[-1])
            return None, texts.ONLY_STAFF
        if here is not None:
            return None, texts.INSPECTION_WHERE
        return None, texts.ONLY_STAFF

    async def _scope(self, user_id: int, chat_id: int) -> Scope | str:
        """Whose figures this person may see here, or why not. A committee chat: its
        community's; a party's chat: that party's; the street office's chat (and in private,
        someone on several committees): every community they may see."""
        roles = self._roles
        if chat_id == roles.street_chat_id:
            if not await roles.is_street_staff(user_id):
                return texts.ONLY_STAFF
            return Scope(roles.communities, STREET_TITLE)
        here = roles.community_of_staff_chat(chat_id)
        if here is not None and chat_id == roles.committee_chat(here):
            if not await roles.is_committee(user_id, here):
                return texts.ONLY_STAFF
            return Scope([here], roles.name_of(here))
        party = roles.party_of_chat(chat_id)
        if here is not None and party is not None:
            if not await roles.may_handle_ticket(user_id, party.value, chat_id, here):
                return texts.ONLY_STAFF
            return Scope([here], roles.name_of(here), party.value)
        if chat_id == user_id:
            mine = await roles.committees_of(user_id)
            if len(mine) == 1:
                return Scope(mine, roles.name_of(mine[0]))
            if mine:
                return Scope(mine, STREET_TITLE)
            return texts.ONLY_STAFF
        if await roles.committees_of(user_id):
            return shared.STAFF_COMMAND_ELSEWHERE
        return texts.ONLY_STAFF

    async def _reply(
        self, update_id: int, chat_id: int, text: str, reply_to: int | None, what: str
    ) -> None:
        try:
            async with self._db.transaction(update_id=update_id, what=what) as tx:
                await tx.outbox.enqueue(text_message(chat_id, text, reply_to=reply_to))
        except AlreadyHandled:
            return

    # ---------------------------------------------------------------- facts and building

    async def gather(self, scope: Scope, month: Month) -> ReportFacts:
        """Everything a report of `month` shows, read in one consistent read."""
        start, end = month.bounds(self._zone)
        prev_start, _ = month.previous().bounds(self._zone)
        async with self._db.read() as tx:
            now = tx.now
            repo = ReportRepository(tx)
            tickets = []
            flags = []
            inspections: dict[str, float] = {}
            ratings: list[Rated] = []
            for community in scope.communities:
                tickets += await repo.tickets(community, start, end, scope.party)
                flags += [(community, f) for f in await repo.flag_counts(community, start, end)]
                found = await repo.inspection(community, month.key)
                earlier = await repo.inspection(community, month.previous().key)
                if found is not None:
                    inspections[community] = found.score
                if scope.party:
                    parties = [scope.party]
                elif len(scope.communities) > 1:
                    parties = [Party.PROPERTY.value]  # the street office compares companies
                else:
                    parties = list(PARTIES)
                for party in parties:
                    score = found.score if found and party == Party.PROPERTY.value else None
                    before = earlier.score if earlier and party == Party.PROPERTY.value else None
                    ratings.append(
                        Rated(
                            community,
                            party,
                            await self._assess(tx, community, party, start, min(end, now), score),
                            await self._assess(tx, community, party, prev_start, start, before),
                        )
                    )
        return ReportFacts(
            month=month,
            now=now.astimezone(self._zone),
            title=scope.title,
            communities={c: self._roles.name_of(c) for c in scope.communities},
            tickets=sorted(tickets, key=lambda t: t.id),
            flags=flags,
            ratings=ratings,
            inspections=inspections,
            party=scope.party,
            reporter_names=self._reporter_names,
        )

    async def _assess(
        self,
        tx: Tx,
        community: str,
        party: str,
        start: datetime,
        end: datetime,
        inspection: float | None,
    ) -> views.Assessment:
        rules = self._rules_of(community)
        figures = await tx.digests.party_figures(start, end, community, party)
        return assess(
            figures,
            households=rules.households.count,
            days=max((end - start).total_seconds() / 86400, 1.0),
            now=end,
            zone=self._zone,
            rules=rules.rating,
            inspection=inspection,
        )

    async def build(self, facts: ReportFacts, *, charts: bool = True) -> Report:
        """The images, the caption and the workbook, built in a worker thread."""
        return await asyncio.to_thread(self.build_now, facts, charts)

    def build_now(self, facts: ReportFacts, with_charts: bool = True) -> Report:
        figures = month_figures(facts, self._zone)
        font = charts.cjk_font() if with_charts else None
        images = charts.render(facts, figures, font) if font else []
        month = views.month_label(facts)
        name = facts.title if not facts.party else f"{facts.title} {shared.PARTY[facts.party]}"
        code = "street" if len(facts.communities) > 1 else next(iter(facts.communities))
        return Report(
            caption=views.caption(facts, figures, charts=bool(images) or not with_charts),
            images=images,
            workbook=workbook.build(facts, figures, self._zone),
            filename=texts.WORKBOOK_NAME.format(
                code=code if not facts.party else f"{code}-{facts.party}", month=facts.month.key
            ),
            second_caption=texts.CAPTION_SECOND.format(month=month),
            workbook_caption=texts.CAPTION_WORKBOOK.format(name=html(name), month=month),
        )

    # ---------------------------------------------------------------- sending

    async def _send(self, chat_id: int, report: Report, reply_to: int | None = None) -> None:
        reply = (
            ReplyParameters(message_id=reply_to, allow_sending_without_reply=True)
            if reply_to
            else None
        )
        bot = self._bot
        if report.images:
            for i, image in enumerate(report.images):
                await self._call(chat_id, self._photo(chat_id, image, report, i, reply))
        elif report.caption:
            await self._call(
                chat_id,
                lambda: bot.send_message(
                    chat_id, report.caption, parse_mode=ParseMode.HTML, reply_parameters=reply
                ),
            )
        if report.workbook is None:
            return
        if len(report.workbook) > workbook.MAX_DOCUMENT:
            await self._call(chat_id, lambda: bot.send_message(chat_id, texts.EXPORT_TOO_BIG))
            return
        document = report.workbook
        await self._call(
            chat_id,
            lambda: bot.send_document(
                chat_id,
                document=document,
                filename=report.filename,
                caption=report.workbook_caption,
                parse_mode=ParseMode.HTML,
                reply_parameters=None if report.images or report.caption else reply,
            ),
        )

    def _photo(
        self, chat_id: int, image: bytes, report: Report, index: int, reply: ReplyParameters | None
    ) -> Callable[[], Awaitable[object]]:
        def send() -> Awaitable[object]:
            return self._bot.send_photo(
                chat_id,
                photo=image,
                caption=report.caption if index == 0 else report.second_caption,
                parse_mode=ParseMode.HTML,
                reply_parameters=reply if index == 0 else None,
            )

        return send

    async def _call(self, chat_id: int, send: Callable[[], Awaitable[_T]]) -> _T:
        """One send within the outbox's pacing; Telegram's "retry after" is waited out."""
        for attempt in range(SEND_ATTEMPTS):
            if self._pacer is not None:
                await self._pacer.acquire(chat_id)
            try:
                return await send()
            except RetryAfter as exc:
                seconds = retry_seconds(exc)
                if self._pacer is not None:
                    self._pacer.hold(chat_id, seconds)
                if attempt == SEND_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(seconds)
        raise AssertionError("unreachable")


_SCORE = re.compile(r"^(\d{1,3}(?:\.\d{1,2})?)分?$")


def inspection_args(
    args: list[str], communities: list[str]
) -> tuple[str | None, Month | None, float] | None:
    """[code] [YYYY-MM] score, in any order: (code, month, score), a month of None meaning
    this one; None for anything else."""
    code: str | None = None
    month: Month | None = None
    score: float | None = None
    for arg in args:
        if arg in communities and code is None:
            code = arg
        elif (m := Month.parse(arg)) is not None and month is None:
            month = m
        elif (s := _SCORE.match(arg)) is not None and score is None:
            score = float(s.group(1))
        else:
            return None
    if score is None or not 0 <= score <= 100:
        return None
    return code, month, score
