"""The one wiring point: builds the database, the PTB Application, the services and handlers,
and runs them in the right order (and stops them in the reverse order)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram.error import ChatMigrated, TelegramError
from telegram.ext import Application, ContextTypes, ExtBot
from telegram.request import HTTPXRequest

import handlers
from bot import commands, workdays
from bot.clock import Clock, SystemClock
from bot.community import Community, RulesError, load_communities
from bot.config import Settings, host_port
from bot.metrics import Metrics, Monitor
from bot.outbox import OutboxSender
from bot.pacing import FloodPacer
from bot.polling import ConfirmingPoller
from bot.request import RetryingRequest
from bot.services import FailedUpdates, Replies, Services
from bot.services.digest import DigestService
from bot.services.groups import GroupService
from bot.services.households import HouseholdService
from bot.services.people import PeopleService
from bot.services.prompts import PromptAnswers
from bot.services.reception import ReceptionService
from bot.services.report import ReportService
from bot.services.roles import Roles
from bot.services.screening import ModerationActions, ReviewService, ScreeningService
from bot.services.tickets import DraftService, TicketCards, TicketIntake, TicketService
from bot.services.volunteers import VolunteerService
from bot.services.votes import CHART_KIND, BallotKey, VoteService
from bot.webhook import InboxWorker, WebhookReceiver, serve_http, webhook_path
from bot.workdays import Calendar
from handlers.context import SERVICES_KEY, LinliContext
from moderation import RumourModel
from storage import Database
from storage.models import ChatKind

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")
HANDLED_UPDATES_KEPT = timedelta(days=2)  # Telegram resends an update for at most 24 hours
OVERDUE_CHECK_EVERY = timedelta(minutes=10)
CLOCK_TICK_EVERY = timedelta(seconds=15)  # reminders and the digest: at most this late
UPDATES_AT_ONCE = 16  # different chats' updates in parallel (see bot/polling.py)
WEBHOOK_CONNECTIONS = 40  # Telegram's default: its posts in flight to us at once


def file_url(base_url: str) -> str:
    """Telegram serves files from /file/bot<token>/ beside /bot<token>/."""
    if base_url.endswith("/bot"):
        return base_url[: -len("/bot")] + "/file/bot"
    return base_url


class Linli:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        poll_timeout: float = 10.0,
        flush_timeout: float = 5.0,
        pacer: FloodPacer | None = None,
        clock_tick: timedelta | None = CLOCK_TICK_EVERY,
        concurrency: int = UPDATES_AT_ONCE,
    ) -> None:
        """clock_tick: how often reminders and the digest are checked; None when the caller
        drives services.reception.tick() and services.digest.tick() itself (the demo).
        concurrency: updates handled at once (never two of one chat)."""
        self._concurrency = concurrency
        self.settings = settings
        self.clock = clock or SystemClock()
        self._poll_timeout = poll_timeout
        self._flush_timeout = flush_timeout
        self._pacer = pacer
        self._clock_tick = clock_tick
        self.db: Database | None = None
        self.application: Application | None = None
        self.services: Services | None = None
        self.poller: ConfirmingPoller | None = None
        self.inbox: InboxWorker | None = None
        self.receiver: WebhookReceiver | None = None
        self._stop_http: Callable[[], Awaitable[None]] | None = None
        self._stop_monitor: Callable[[], Awaitable[None]] | None = None
        self.metrics = Metrics()

    async def start(self) -> None:
        settings = self.settings
        # RulesError before anything
        communities = load_communities(
            settings.community_config,
            committee_chat_id=settings.committee_chat_id,
            moderator_chat_id=settings.moderators_chat,
            street_chat_id=settings.street_chat_id,
            volunteer_chat_id=settings.volunteer_chat_id,
        )
        self.db = await Database.open(settings.database_url, self.clock)
        await self._check_communities_in_use(communities)
        self.application = self._build_application()
        await self.application.initialize()  # getMe: fails fast on a bad token or URL
        self.services = await self._build_services(self.application.bot, communities)
        self.application.bot_data[SERVICES_KEY] = self.services
        await self.services.groups.check_staff_chats()
        handlers.register(self.application)
        await self._register_staff_chats()
        roles = self.services.roles
        await commands.publish(
            self.application.bot,
            staff_chat_ids={chat for chat, kind, _ in roles.staff_chats() if kind != "party"},
        )
        await self._forget_old_updates()
        self._schedule_jobs()
        sender = self.services.outbox
        sender.lead_with(await self.db.leadership("outbox", on_notify=sender.wake))
        sender.start()
        await self.application.start()
        if settings.webhook_url:
            await self._start_webhook(settings.webhook_url)
        else:
            await self._start_polling()
        if settings.metrics_listen:
            monitor = Monitor(self.metrics, self.db, self._taking_updates)
            host, port = host_port(settings.metrics_listen)
            self._stop_monitor = await serve_http(monitor.routes(), host, port)
            log.info("metrics: /metrics and /healthz on %s", settings.metrics_listen)
        log.info("Linli is running as @%s", self.application.bot.username)

    async def _check_communities_in_use(self, communities: list[Community]) -> None:
        """A community the data names but the rules file no longer does would leave its
        groups, tickets and flags to nobody's staff (or worse, to another's): refuse to start
        and say which, so the operator restores or renames it in the file."""
        assert self.db
        async with self.db.read() as tx:
            named = await tx.chats.communities_named()
        missing = sorted(named - {c.code for c in communities})
        if missing:
            await self.db.close()
            self.db = None
            raise RulesError(
                "the database has groups, tickets or rules of communit"
                + ("ies " if len(missing) > 1 else "y ")
                + ", ".join(repr(m) for m in missing)
                + ", which COMMUNITY_CONFIG does not name: put [[communities]] entries with "
                "those codes back (a community's code cannot change)"
            )

    def _build_application(self) -> Application:
        settings = self.settings
        return (
            Application.builder()
            .token(settings.bot_token.get_secret_value())
            .base_url(settings.bot_api_base_url)
            .base_file_url(file_url(settings.bot_api_base_url))
            .request(
                RetryingRequest(
                    connection_pool_size=64,
                    connect_timeout=5.0,
                    read_timeout=10.0,
                    write_timeout=10.0,
                    pool_timeout=10.0,
                )
            )
            .get_updates_request(
                HTTPXRequest(
                    connection_pool_size=2,
                    connect_timeout=5.0,
                    read_timeout=self._poll_timeout + 5.0,
                )
            )
            .updater(None)  # see bot/polling.py: confirm updates only once handled
            .context_types(ContextTypes(context=LinliContext))
            .build()
        )

    async def _build_services(self, bot: ExtBot[None], communities: list[Community]) -> Services:
        """Every service, wired once; the outbox's fallbacks registered with their owners."""
        settings = self.settings
        db = self.db
        assert db is not None
        rules = communities[0].rules  # the default community's: screening is deployment-wide
        by_code = {c.code: c.rules for c in communities}
        roles = Roles(
            bot,
            admin_ids=settings.admin_user_ids,
            communities=communities,
            street_chat_id=settings.street_chat_id,
            volunteer_chat_id=settings.volunteer_chat_id,
        )
        pacer = self._pacer or FloodPacer(per_group=settings.group_messages_per_minute)
        sender = OutboxSender(
            db,
            bot,
            self.clock,
            pacer=pacer,
            on_chat_migrated=roles.chat_migrated,
            metrics=self.metrics,
        )
        groups = GroupService(db, roles, bot.username)
        sender.register_fallback("group_link", groups.private_refused)
        cards = TicketCards(roles, zone=settings.tz)
        intake = TicketIntake(
            db, roles, by_code, cards, zone=settings.tz, bot_username=bot.username
        )
        sender.register_fallback("card_refused", intake.card_refused)
        sender.register_fallback("offer_refused", intake.offer_refused)
        sender.register_fallback("notice_refused", intake.notice_refused)
        tickets = TicketService(db, roles, cards, zone=settings.tz, rules=by_code)
        volunteers = VolunteerService(db, roles, cards, tickets, rules=by_code, zone=settings.tz)
        intake.volunteers = volunteers  # new wishes go to the volunteers' chat too
        # Working days with the file's [[holidays]]: passed where the services take it, and
        # installed for add_working_days() callers that pass none (deadlines).
        calendar = Calendar(rules.holidays)
        workdays.install(calendar)
        reception = ReceptionService(
            db,
            roles,
            zone=settings.tz,
            reminders={c: r.reminders for c, r in by_code.items()},
            calendar=calendar,
        )
        digest = DigestService(
            db,
            roles,
            reception,
            zone=settings.tz,
            digest_time=settings.digest_time,
            rules=by_code,
            calendar=calendar,
        )
        actions = ModerationActions(roles, rules.screening, zone=settings.tz)
        screening = ScreeningService(
            db, roles, rules.screening, groups, actions, model=RumourModel.load()
        )
        known = await screening.load()
        log.info("screening: %d decided texts remembered", known)
        sender.register_fallback("delete_failed", actions.delete_failed)
        review = ReviewService(db, roles, screening, actions)
        households = HouseholdService(db, roles, by_code, bot.username)
        votes = VoteService(
            db,
            roles,
            households,
            BallotKey(settings.bot_token.get_secret_value()),
            zone=settings.tz,
            bot_username=bot.username,
        )
        sender.register_uploader(CHART_KIND, votes.chart_file)
        replies = Replies(db)
        await replies.load()
        return Services(
            settings=settings,
            db=db,
            clock=self.clock,
            bot_username=bot.username,
            roles=roles,
            groups=groups,
            people=PeopleService(db),
            replies=replies,
            outbox=sender,
            intake=intake,
            tickets=tickets,
            drafts=DraftService(db, intake, cards, tickets),
            reception=reception,
            digest=digest,
            screening=screening,
            review=review,
            prompts=PromptAnswers(db, tickets, review),
            retries=FailedUpdates(),
            reports=ReportService(
                db,
                roles,
                bot,
                zone=settings.tz,
                digest_time=settings.digest_time,
                rules=by_code,
                pacer=pacer,
            ),
            households=households,
            votes=votes,
            volunteers=volunteers,
        )

    def _schedule_jobs(self) -> None:
        assert self.application and self.application.job_queue is not None
        jobs = self.application.job_queue
        jobs.run_repeating(
            self._forget_old_updates_job,
            interval=timedelta(hours=6),
            first=21600,
            name="forget-old-updates",
        )
        jobs.run_repeating(
            self._escalate_overdue_job,
            interval=OVERDUE_CHECK_EVERY,
            first=5,
            name="escalate-overdue",
        )
        if self._clock_tick is not None:
            jobs.run_repeating(
                self._clock_tick_job, interval=self._clock_tick, first=1, name="clock-tick"
            )

    def _taking_updates(self) -> bool:
        if self.settings.webhook_url:
            return self._stop_http is not None and self.inbox is not None and self.inbox.healthy
        return self.poller is not None and not self.poller.failed.is_set()

    async def _start_polling(self) -> None:
        assert self.application and self.services
        bot = self.application.bot
        if (
            await bot.get_webhook_info()
        ).url:  # switched from webhook mode: getUpdates needs it gone
            await bot.delete_webhook(drop_pending_updates=False)
        self.poller = ConfirmingPoller(
            self.application,
            timeout=self._poll_timeout,
            allowed_updates=ALLOWED_UPDATES,
            failed_updates=self.services.retries.take,
            concurrency=self._concurrency,
            on_handled=self.metrics.handled,
        )
        self.poller.start()

    async def _start_webhook(self, url: str) -> None:
        """Store what Telegram posts, handle it from the inbox (see bot/webhook.py)."""
        assert self.application and self.services and self.db
        settings = self.settings
        assert settings.webhook_secret is not None
        secret = settings.webhook_secret.get_secret_value()
        self.inbox = InboxWorker(
            self.db,
            self.application,
            concurrency=self._concurrency,
            failed=self.services.retries.did_fail,
            locks=await self.db.chat_locks(),
            on_handled=self.metrics.handled,
        )
        self.receiver = WebhookReceiver(
            self.db,
            path=webhook_path(url),
            secret=secret,
            on_stored=self.inbox.wake,
        )
        self.inbox.start()
        host, port = host_port(settings.webhook_listen)
        self._stop_http = await serve_http(self.receiver.routes(), host, port)
        await self.application.bot.set_webhook(
            url,
            secret_token=secret,
            allowed_updates=list(ALLOWED_UPDATES),
            max_connections=WEBHOOK_CONNECTIONS,
        )
        log.info("webhook: %s, listening on %s", url, settings.webhook_listen)

    async def _forget_old_updates(self) -> None:
        assert self.db
        async with self.db.transaction() as tx:
            await tx.updates.forget_before(tx.now - HANDLED_UPDATES_KEPT)
            await tx.inbox.forget_before(tx.now - HANDLED_UPDATES_KEPT)
        if self.services:
            await self.services.replies.load()

    async def _forget_old_updates_job(self, context: object) -> None:
        await self._forget_old_updates()

    async def _escalate_overdue_job(self, context: object) -> None:
        assert self.services
        await self.services.tickets.escalate_overdue()
        await self.services.intake.file_unanswered_offers()

    async def _clock_tick_job(self, context: object) -> None:
        assert self.services
        await self.services.reception.tick()
        await self.services.digest.tick()
        await self.services.reports.tick()
        await self.services.screening.tick()
        await self.services.volunteers.tick()
        await self.services.votes.tick()

    async def _register_staff_chats(self) -> None:
        assert self.application and self.db and self.services
        roles = self.services.roles
        chats: dict[int, ChatKind] = {}
        for chat_id, kind, _ in roles.staff_chats():
            if kind in ("committee", "moderator"):
                chats.setdefault(chat_id, kind)  # type: ignore[arg-type]
        for chat_id, kind in chats.items():
            try:
                chat = await self.application.bot.get_chat(chat_id)
            except ChatMigrated as exc:
                roles.chat_migrated(chat_id, exc.new_chat_id)
                try:
                    chat = await self.application.bot.get_chat(exc.new_chat_id)
                except TelegramError as again:
                    log.warning("cannot see the %s chat %d (%s)", kind, exc.new_chat_id, again)
                    continue
            except TelegramError as exc:
                log.warning("cannot see the %s chat %d (%s): add the bot to it", kind, chat_id, exc)
                continue
            async with self.db.transaction() as tx:
                await tx.chats.register_staff_chat(chat.id, kind, chat.title)

    async def stop(self) -> None:
        """Finish the update in hand, flush the outbox, close the database."""
        if self.poller:
            await self.poller.stop()
            self.poller = None
        if self._stop_http is not None:  # no more posts taken; Telegram keeps what is unsent
            await self._stop_http()
            self._stop_http = None
        if self.inbox is not None:
            await self.inbox.stop()
            self.inbox = None
        if self._stop_monitor is not None:
            await self._stop_monitor()
            self._stop_monitor = None
        if self.application and self.application.running:
            await self.application.stop()
        if self.services:
            await self.services.reports.drain()
            await self.services.outbox.stop(self._flush_timeout)
        if self.application:
            await self.application.shutdown()
            self.application = None
        if self.db:
            await self.db.close()
            self.db = None
        workdays.install(None)
