"""Webhook mode: Telegram posts each update; several workers may run behind a load balancer.

The receiver (any worker) checks Telegram's secret header, stores the update in the inbox (one
row per update id, so a repeat is stored once) and only then answers 200: a worker killed after
that loses nothing, one killed before it makes Telegram post the update again.

The inbox worker (every worker) handles stored updates: it takes a chat (a lock held in the
database, see storage.ChatLocks), handles that chat's updates oldest first, one at a time,
marks each handled, and lets the chat go when none is left. So each chat's updates are
handled in order and never two at once, whichever worker received them; a worker that dies
lets go of its chats at once and the others carry on where it stopped (a half-handled update
is handled again, harmlessly: every state change claims its update id).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.processing import current_update, handled, raw_chat_key
from storage import Database, StorageError
from storage.db import ChatLocks

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20  # an update is a few kB; Telegram's own limit for a message is far below
IDLE_POLL_S = 0.5  # how soon another worker's stored updates are noticed without a wake
RETRY_AFTER_S = 2.0  # an update whose handling failed on storage waits this long
WINDOW = 500  # waiting chats looked at per round


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


class WebhookReceiver:
    """POST <path of WEBHOOK_URL>: Telegram's updates. Anything without the secret is refused
    with 401 and stored nowhere."""

    def __init__(
        self,
        db: Database,
        *,
        path: str,
        secret: str,
        on_stored: Callable[[], None],
    ) -> None:
        self._db = db
        self._path = path
        self._secret = secret.encode()
        self._on_stored = on_stored
        self.refused = 0

    def routes(self) -> list[web.RouteDef]:
        return [web.post(self._path, self.receive)]

    async def receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, self._secret):
            self.refused += 1
            log.warning("webhook: a post without the right secret from %s", request.remote)
            return web.Response(status=401, text="unauthorized")
        if request.content_length is not None and request.content_length > MAX_BODY:
            return web.Response(status=413, text="too large")
        try:
            body = await request.text()
            data = json.loads(body)
            update_id = data["update_id"]
            if not isinstance(update_id, int) or isinstance(update_id, bool):
                raise TypeError("update_id is not an integer")
            if not 0 <= update_id < 2**63:
                raise ValueError("update_id out of range")
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            log.warning("webhook: not an update (%s)", type(exc).__name__)
            return web.Response(status=400, text="not an update")
        key = raw_chat_key(data)
        try:
            async with self._db.transaction(serial=False) as tx:
                stored = await tx.inbox.store(update_id, key if key is not None else 0, body)
        except StorageError as exc:
            # Not acknowledged: Telegram posts it again later, so nothing is lost.
            log.error("webhook: update %d could not be stored (%s)", update_id, exc)
            return web.Response(status=503, text="try again")
        if stored:
            self._on_stored()
        return web.Response(text="ok")


class InboxWorker:
    """Handles the inbox's updates: each chat by one worker at a time, oldest update first."""

    def __init__(
        self,
        db: Database,
        application: Application,
        *,
        concurrency: int,
        failed: Callable[[int], bool],
        locks: ChatLocks,
        on_handled: Callable[[object, float], None] | None = None,
    ) -> None:
        """failed(update_id): did handling that update fail on storage (then it is kept and
        tried again)?"""
        self._db = db
        self._app = application
        self._concurrency = concurrency
        self._failed = failed
        self._locks = locks
        self._on_handled = on_handled
        self._wake = asyncio.Event()
        self._chats: dict[int, asyncio.Task[None]] = {}
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._resting: dict[int, float] = {}  # chat -> monotonic time to try again
        self._failing = False

    def wake(self) -> None:
        self._wake.set()

    @property
    def healthy(self) -> bool:
        """False while the database or the chat locks fail (updates wait in the inbox)."""
        return not self._failing and self._locks.healthy

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="inbox")

    async def stop(self) -> None:
        """Finish the update in hand in each chat, then let every chat go."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await asyncio.gather(*self._chats.values(), return_exceptions=True)
        await self._locks.close()

    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self._take_chats()
                self._failing = False
            except StorageError as exc:
                self._failing = True
                log.error("inbox: the database failed (%s); trying again in 1 s", exc)
                await asyncio.sleep(1.0)
            except Exception:
                self._failing = True
                log.exception("inbox: the loop failed; trying again in 1 s")
                await asyncio.sleep(1.0)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(IDLE_POLL_S):
                    await self._wake.wait()

    async def _take_chats(self) -> None:
        free = self._concurrency - len(self._chats)
        if free <= 0:
            return
        async with self._db.read() as tx:
            waiting = await tx.inbox.waiting_chats(limit=WINDOW)
        now = time.monotonic()
        # The longest waiting first, but a few picked at random from further back too: with
        # several workers the oldest chats are mostly held by the others already.
        head, rest = waiting[: 2 * free], waiting[2 * free :]
        candidates = head + random.sample(rest, min(len(rest), 2 * free))
        for key in candidates:
            if len(self._chats) >= self._concurrency or self._stopping:
                return
            if key in self._chats or self._resting.get(key, 0.0) > now:
                continue
            self._resting.pop(key, None)
            if await self._locks.try_take(key):  # else another worker has it
                task = asyncio.create_task(self._drain(key), name=f"inbox-chat-{key}")
                self._chats[key] = task
                task.add_done_callback(functools.partial(self._chat_done, key))

    def _chat_done(self, key: int, _: asyncio.Task[None]) -> None:
        self._chats.pop(key, None)
        self._wake.set()

    async def _drain(self, key: int) -> None:
        """This chat's updates, oldest first, until none is left; then the chat is let go."""
        try:
            async with self._db.read() as tx:
                stored = await tx.inbox.next_of(key)
            while stored is not None and not self._stopping and self._locks.holds(key):
                if not await self._handle(stored.update_id, stored.body):
                    self._resting[key] = time.monotonic() + RETRY_AFTER_S
                    return
                # Only this worker holds the chat: marking its row needs no writers' turn.
                async with self._db.transaction(serial=False) as tx:
                    await tx.inbox.handled(stored.update_id)
                    stored = await tx.inbox.next_of(key)
        except StorageError as exc:
            log.error("inbox: chat %d paused (%s)", key, exc)
            self._resting[key] = time.monotonic() + RETRY_AFTER_S
        finally:
            with contextlib.suppress(StorageError):
                await self._locks.release(key)

    async def _handle(self, update_id: int, body: str) -> bool:
        try:
            update = Update.de_json(json.loads(body), self._app.bot)
        except Exception as exc:  # it can never be handled: skipped, not retried for ever
            log.error("inbox: update %d cannot be read (%s); skipped", update_id, exc)
            return True
        started = time.perf_counter()
        token = current_update.set(update)
        try:
            await self._app.process_update(update)
        finally:
            current_update.reset(token)
        if self._failed(update_id):
            log.error("inbox: update %d failed on storage; it is kept and tried again", update_id)
            return False
        handled(update, time.perf_counter() - started, self._on_handled)
        return True


async def serve_http(
    routes: list[web.RouteDef], host: str, port: int
) -> Callable[[], Awaitable[None]]:
    """Start an HTTP server with these routes; returns its stop()."""
    app = web.Application(client_max_size=MAX_BODY)
    app.add_routes(routes)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    return runner.cleanup
