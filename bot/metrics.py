"""What an operator watches: Prometheus metrics and a health check, on METRICS_LISTEN.

GET /metrics (prometheus-client's text format) and GET /healthz (200 "ok" when the database
answers and updates are being taken, 503 with the reason otherwise). Counters are kept in this
process; what the database knows (the outbox's depth and the age of its oldest message, the
inbox, flags by kind) is read at each scrape, so every worker reports the same figures for
them. One registry per bot, not prometheus-client's global one, so tests can run several.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from telegram import Update

from bot.processing import kind_of
from storage import Database, StorageError

log = logging.getLogger(__name__)

HANDLER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.updates = Counter("linli_updates", "Telegram updates handled", ["kind"], registry=r)
        self._updates_by_kind: dict[str, Counter] = {}
        self.handler_seconds = Histogram(
            "linli_handler_seconds",
            "Time to handle one update",
            buckets=HANDLER_BUCKETS,
            registry=r,
        )
        self.sends = Counter(
            "linli_sends", "Outbox deliveries by outcome", ["method", "outcome"], registry=r
        )
        self.flood_waits = Counter(
            "linli_flood_waits", "429 answers (Telegram's flood control) waited out", registry=r
        )
        self.retries = Counter(
            "linli_send_retries", "Deliveries tried again later (5xx, timeouts, 429)", registry=r
        )
        self.outbox_depth = Gauge(
            "linli_outbox_depth", "Messages waiting in the outbox", registry=r
        )
        self.outbox_oldest = Gauge(
            "linli_outbox_oldest_seconds", "Age of the oldest waiting message", registry=r
        )
        self.inbox_waiting = Gauge(
            "linli_inbox_waiting", "Webhook updates stored, not yet handled", registry=r
        )
        self.flags = Gauge(
            "linli_flags", "Flagged posts by kind and status", ["kind", "status"], registry=r
        )

    def handled(self, update: object, seconds: float) -> None:
        kind = kind_of(update) if isinstance(update, Update) else "other"
        counter = self._updates_by_kind.get(kind)
        if counter is None:  # labels() takes a lock and a lookup: once per kind
            counter = self._updates_by_kind[kind] = self.updates.labels(kind)
        counter.inc()
        self.handler_seconds.observe(seconds)

    def sent(self, method: str, outcome: str) -> None:
        self.sends.labels(method, outcome).inc()

    async def refresh(self, db: Database, now: Callable[[], float] = time.time) -> None:
        """Read the figures the database holds."""
        async with db.read() as tx:
            depth, oldest = await tx.outbox.backlog()
            waiting = await tx.inbox.count_waiting()
            flags = await tx.flags.by_kind_and_status()
        self.outbox_depth.set(depth)
        self.outbox_oldest.set(max(0.0, now() - oldest.timestamp()) if oldest else 0.0)
        self.inbox_waiting.set(waiting)
        for (kind, status), n in flags.items():
            self.flags.labels(kind, status).set(n)


class Monitor:
    """The HTTP routes of METRICS_LISTEN."""

    def __init__(self, metrics: Metrics, db: Database, taking_updates: Callable[[], bool]) -> None:
        self._metrics = metrics
        self._db = db
        self._taking_updates = taking_updates

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/metrics", self.metrics), web.get("/healthz", self.healthz)]

    async def metrics(self, request: web.Request) -> web.Response:
        try:
            await self._metrics.refresh(self._db)
        except StorageError as exc:  # the counters still tell something
            log.warning("metrics: the database did not answer (%s)", exc)
        body = generate_latest(self._metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def healthz(self, request: web.Request) -> web.Response:
        try:
            async with self._db.read() as tx:
                await tx.fetchone("SELECT 1")
        except StorageError as exc:
            return web.Response(status=503, text=f"database: {exc}")
        if not self._taking_updates():
            return web.Response(status=503, text="not taking updates")
        return web.Response(text="ok")
