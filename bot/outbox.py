"""The outbox sender: delivers what transactions queued, once, in order per chat, within limits.

Every message a state change causes is written to the outbox in the same transaction as the
change; this task is the only thing that sends them. A row stays 'pending' until Telegram has
accepted it and its message id is recorded, so a kill -9 at any point loses nothing (at worst the
one message in flight is sent again after a restart).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from telegram import Bot, InputFile, Message
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning, PTBUserWarning

from bot.clock import Clock
from bot.pacing import FloodPacer
from storage import Database, StorageError, Tx
from storage.db import Leadership
from storage.models import OutboxMessage

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger(__name__)

FallbackHook = Callable[[Tx, OutboxMessage], Awaitable[None]]
# An uploader gives (file name, bytes) for a key, or None when there is nothing to send.
Uploader = Callable[[int], Awaitable[tuple[str, bytes] | None]]
# A row may ask for a file drawn when it is sent: params[UPLOAD] = {"field": "photo", "kind":
# an uploader's name, "key": an id}. Rows stay plain JSON; the bytes are never stored.
UPLOAD = "_upload"
# Methods that put a new message in a chat count against Telegram's flood limits.
PACED_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVoice",
        "sendLocation",
        "forwardMessage",
        "copyMessage",
    }
)
RETURNS_MESSAGE = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVoice",
        "sendLocation",
        "forwardMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
    }
)
MAX_ATTEMPTS = 50
# An edit or delete may name the outbox row of the message it changes instead of a Telegram
# message id, which is unknown until that row is sent; one chat's rows go out in order.
TARGET_ROW = "_outbox_row"
MAX_BACKOFF_S = 300.0
FOLLOWER_POLL_S = 1.0  # how soon a worker notices that the sending one died


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that retry_after will become a timedelta; both forms are handled here.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class OutboxSender:
    def __init__(
        self,
        db: Database,
        bot: Bot,
        clock: Clock,
        *,
        pacer: FloodPacer | None = None,
        concurrency: int = 32,
        idle_poll_s: float = 5.0,
        on_chat_migrated: Callable[[int, int], None] | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._db = db
        self._bot = bot
        self._clock = clock
        self._pacer = pacer or FloodPacer()
        self._concurrency = concurrency
        self._idle_poll_s = idle_poll_s
        self._fallbacks: dict[str, FallbackHook] = {}
        self._uploaders: dict[str, Uploader] = {}
        self._inflight: dict[int, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._on_chat_migrated = on_chat_migrated
        # Rows Telegram accepted whose recording failed (the database refused the write):
        # row id -> Telegram message id. Kept in memory and recorded before anything else is
        # sent, so an accepted message is never sent twice while the process lives.
        self._unrecorded: dict[int, int | None] = {}
        self.delivered = 0
        self._leadership: Leadership | None = None
        self._metrics = metrics
        db.on_commit(self._on_commit)
        # Rows hold raw Bot API parameters (replayable, independent of PTB's classes), so they
        # are sent with do_api_request on purpose, which PTB would otherwise warn about.
        warnings.filterwarnings("ignore", message=r"Please use 'Bot\.", category=PTBUserWarning)

    def register_fallback(self, name: str, hook: FallbackHook) -> None:
        """hook(tx, message) runs when a private chat refuses `message` (403), in the same
        transaction that marks it undeliverable, so whatever it queues is not lost either."""
        self._fallbacks[name] = hook

    def register_uploader(self, kind: str, uploader: Uploader) -> None:
        """uploader(key) draws the file a row names in params[UPLOAD] when it is sent."""
        self._uploaders[kind] = uploader

    async def _attach(self, row: OutboxMessage, params: dict) -> dict | None:
        """The row's parameters with its upload drawn in; None (and the row given up) when
        there is no such file."""
        upload = params.pop(UPLOAD, None)
        if upload is None:
            return params
        uploader = self._uploaders.get(str(upload.get("kind")))
        try:
            found = await uploader(int(upload["key"])) if uploader is not None else None
        except Exception:
            log.exception("outbox %d: drawing its file failed", row.id)
            found = None
        if found is None:
            async with self._db.transaction() as tx:
                await tx.outbox.give_up(row.id, f"no file for {upload!r}")
            log.error("outbox %d: no file for %r", row.id, upload)
            return None
        name, data = found
        params[str(upload["field"])] = InputFile(data, filename=name)
        return params

    def _on_commit(self, tx: Tx) -> None:
        if tx.queued_messages:
            self._wake.set()

    def wake(self) -> None:
        self._wake.set()

    def lead_with(self, leadership: Leadership) -> None:
        """Send only while holding `leadership`: of several workers on one database, one
        sends, so the pacing (30/s, 20/min a group) holds for all of them together."""
        self._leadership = leadership

    async def _leading(self) -> bool:
        return self._leadership is None or await self._leadership.acquire()

    def _cancel_deliveries(self) -> None:
        """Deliveries waiting for their turn (pacing, a retry) end; their rows stay pending for
        the worker that sends now. One already on the wire may still arrive: the same at most
        once more as after a kill -9."""
        for task in list(self._inflight.values()):
            task.cancel()

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self, flush_timeout: float = 5.0) -> None:
        """Deliver what is due (for at most flush_timeout seconds), then stop; the rest waits
        in the database for the next start."""
        if self._task is None:
            return
        # A worker that does not send waits for nobody: the sending one flushes.
        leading = self._leadership is None or self._leadership.held
        flushed = await self.flush(flush_timeout) if leading else True
        if not flushed:
            log.warning("outbox: stopping with messages still queued; they go out after restart")
        self._stopping = True  # the loop ends even if a cancel were lost on the way
        self._wake.set()
        self._task.cancel()
        for task in list(self._inflight.values()):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await asyncio.gather(*self._inflight.values(), return_exceptions=True)
        self._task = None
        if self._leadership is not None:  # another worker may send from now on
            await self._leadership.close()

    async def flush(self, timeout: float) -> bool:
        """Wait until nothing due is queued, in flight or unrecorded; False if time ran out."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            async with self._db.read() as tx:
                due = await tx.outbox.due_heads(self._clock.now(), busy_chats=set(), limit=1)
            due = [row for row in due if row.id not in self._unrecorded]
            if not due and not self._inflight and not self._unrecorded:
                return True
            if loop.time() >= deadline:
                return False
            self._wake.set()
            await asyncio.sleep(0.02)

    async def _record_unrecorded(self) -> bool:
        """Record the sends Telegram accepted but the database did not take; False (and the
        sender waits) while it still refuses."""
        try:
            async with self._db.transaction() as tx:
                for row_id, message_id in self._unrecorded.items():
                    await tx.outbox.mark_sent(row_id, message_id)
        except StorageError as exc:
            log.error(
                "outbox: %d sent message(s) still cannot be recorded (%s); nothing more "
                "is sent until the database takes writes again",
                len(self._unrecorded),
                exc,
            )
            return False
        log.warning(
            "outbox: the database takes writes again; %d sent message(s) recorded, sending resumes",
            len(self._unrecorded),
        )
        self._unrecorded.clear()
        return True

    async def _wait_for_recording(self, paused: float) -> float:
        """Sends Telegram accepted but the database did not record: wait for the deliveries
        in flight, then record them before anything else is sent. Returns the next pause."""
        if self._inflight:
            await asyncio.sleep(0.05)
            return paused
        if await self._record_unrecorded():
            return 0.5
        await asyncio.sleep(paused)
        return min(paused * 2, 10.0)

    async def _run(self) -> None:
        paused = 0.5
        while not self._stopping:
            self._wake.clear()
            try:
                if self._unrecorded:  # sent, leading or not: record before anything else
                    paused = await self._wait_for_recording(paused)
                    continue
                if not await self._leading():
                    # Another worker sends (or will, after its grace period); nothing of ours
                    # may still go out beside it.
                    self._cancel_deliveries()
                    await asyncio.sleep(FOLLOWER_POLL_S)
                    continue
                timeout = self._idle_poll_s
                free = self._concurrency - len(self._inflight)
                if free > 0:
                    async with self._db.read() as tx:
                        heads = await tx.outbox.due_heads(
                            self._clock.now(), busy_chats=set(self._inflight), limit=free
                        )
                        next_at = None if heads else await tx.outbox.next_attempt_at()
                    for row in heads:
                        self._start_delivery(row)
                    if heads:
                        continue  # other chats may have messages due too
                    if next_at is not None:
                        # Rows of chats in flight count here too; their end wakes us anyway.
                        wait = (next_at - self._clock.now()).total_seconds()
                        timeout = min(timeout, max(0.05, wait))
                # asyncio.timeout, not wait_for: in Python 3.11 wait_for swallows a cancel
                # that arrives as the event is set (flush sets it often), and stop() then
                # waited for this loop for ever.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(timeout):
                        await self._wake.wait()
            except asyncio.CancelledError:
                raise
            except StorageError as exc:
                log.error("outbox: the database failed (%s); trying again in 1 s", exc)
                await asyncio.sleep(1.0)
            except Exception:
                log.exception("outbox: the sender loop failed; trying again in 1 s")
                await asyncio.sleep(1.0)

    def _start_delivery(self, row: OutboxMessage) -> None:
        task = asyncio.create_task(self._deliver(row), name=f"outbox-{row.id}")
        self._inflight[row.chat_id] = task

        def done(_: asyncio.Task[None], chat_id: int = row.chat_id) -> None:
            self._inflight.pop(chat_id, None)
            self._wake.set()

        task.add_done_callback(done)

    async def _resolve_target(self, row: OutboxMessage) -> dict | None:
        """The row's parameters with TARGET_ROW replaced by that row's Telegram message id;
        None (and the row given up) when that message was never sent."""
        params = dict(row.params)
        target_id = params.pop(TARGET_ROW, None)
        if target_id is None:
            return params
        async with self._db.read() as tx:
            target = await tx.outbox.get(int(target_id))
        if target is None or target.telegram_message_id is None:
            async with self._db.transaction() as tx:
                await tx.outbox.give_up(row.id, f"outbox row {target_id} was never sent")
            log.warning(
                "outbox %d: the message it changes (row %s) was never sent", row.id, target_id
            )
            return None
        params["message_id"] = target.telegram_message_id
        return params

    async def _deliver(self, row: OutboxMessage) -> None:
        try:
            await self._deliver_row(row)
        except StorageError as exc:
            # Whatever Telegram said is not recorded; a sent row is in _unrecorded, any other
            # stays pending and is tried again.
            log.error("outbox %d: the database failed (%s)", row.id, exc)

    async def _deliver_row(self, row: OutboxMessage) -> None:
        params = await self._resolve_target(row)
        if params is not None and UPLOAD in params:
            params = await self._attach(row, params)
        if params is None:
            return
        try:
            if row.method in PACED_METHODS:
                await self._pacer.acquire(row.chat_id)
            result = await self._bot.do_api_request(
                row.method,
                api_kwargs={"chat_id": row.chat_id, **params},
                return_type=Message if row.method in RETURNS_MESSAGE else None,
            )
        except RetryAfter as exc:
            seconds = retry_seconds(exc)
            self._pacer.hold(row.chat_id, seconds)
            log.info("outbox %d: flood limit, retrying in %.0f s", row.id, seconds)
            await self._retry(row, str(exc), seconds, count_attempt=False)
            self._count(row.method, "flood_wait")
        except ChatMigrated as exc:
            await self._moved(row, exc.new_chat_id)
            self._count(row.method, "chat_migrated")
        except Forbidden as exc:
            await self._forbidden(row, exc)
            self._count(row.method, "forbidden")
        except BadRequest as exc:
            await self._bad_request(row, exc)
            self._count(row.method, "bad_request")
        except (NetworkError, InvalidToken, TelegramError) as exc:
            # Timeouts, 5xx, dropped connections: Telegram may be back in a moment.
            await self._retry(row, f"{type(exc).__name__}: {exc}", self._backoff(row.attempts))
            self._count(row.method, "retry")
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("outbox %d: unexpected error", row.id)
            await self._retry(row, repr(exc), self._backoff(row.attempts))
            self._count(row.method, "retry")
        else:
            await self._sent(row, result.message_id if isinstance(result, Message) else None)
            self._count(row.method, "sent")

    def _count(self, method: str, outcome: str) -> None:
        if self._metrics is None:
            return
        self._metrics.sent(method, outcome)
        if outcome == "flood_wait":
            self._metrics.flood_waits.inc()
        if outcome in ("flood_wait", "retry"):
            self._metrics.retries.inc()

    async def _sent(self, row: OutboxMessage, message_id: int | None) -> None:
        self.delivered += 1
        try:
            async with self._db.transaction() as tx:
                await tx.outbox.mark_sent(row.id, message_id)
        except StorageError as exc:
            self._unrecorded[row.id] = message_id
            log.error(
                "outbox %d: Telegram accepted it, but recording that failed (%s); "
                "sending stops until the database takes writes again",
                row.id,
                exc,
            )

    @staticmethod
    def _backoff(attempts: int) -> float:
        base = min(MAX_BACKOFF_S, 0.5 * 2**attempts)
        return base * random.uniform(0.8, 1.2)

    async def _retry(
        self, row: OutboxMessage, error: str, seconds: float, *, count_attempt: bool = True
    ) -> None:
        async with self._db.transaction() as tx:
            if count_attempt and row.attempts + 1 >= MAX_ATTEMPTS:
                log.error(
                    "outbox %d: giving up after %d attempts: %s", row.id, row.attempts + 1, error
                )
                await tx.outbox.give_up(row.id, error)
                return
            await tx.outbox.retry_later(
                row.id, tx.now + timedelta(seconds=seconds), error, count_attempt=count_attempt
            )

    async def _moved(self, row: OutboxMessage, new_chat_id: int) -> None:
        log.info("outbox %d: chat %d became %d", row.id, row.chat_id, new_chat_id)
        if self._on_chat_migrated is not None:
            self._on_chat_migrated(row.chat_id, new_chat_id)
        async with self._db.transaction() as tx:
            if await tx.chats.get(new_chat_id) is None:
                await tx.chats.migrate(row.chat_id, new_chat_id)
            await tx.outbox.move_chat(row.chat_id, new_chat_id)

    async def _forbidden(self, row: OutboxMessage, exc: Forbidden) -> None:
        async with self._db.transaction() as tx:
            if row.chat_id > 0:
                # A person who never opened the bot, or blocked it.
                await tx.outbox.give_up(row.id, str(exc), undeliverable=True)
                await tx.people.set_private_chat_open(row.chat_id, False)
                hook = self._fallbacks.get(row.fallback or "")
                if row.fallback and hook is None:
                    log.error("outbox %d: no fallback named %r", row.id, row.fallback)
                if hook is not None:
                    await hook(tx, row)
            else:
                await tx.outbox.give_up(row.id, str(exc))
                await self._chat_lost(tx, row, str(exc))
        log.info("outbox %d: refused by Telegram (%s)", row.id, exc)

    async def _chat_lost(self, tx: Tx, row: OutboxMessage, reason: str) -> None:
        """A group refused the bot (it was removed, or the group deleted): it is no longer
        served, and a message with a fallback (a staff card) goes where it can still be read."""
        if await tx.chats.deactivate(row.chat_id):
            await tx.events.append(
                "chat_lost", actor_id=None, subject=f"chat:{row.chat_id}", detail={"reason": reason}
            )
            log.warning("chat %d refused the bot (%s); it is no longer served", row.chat_id, reason)
        hook = self._fallbacks.get(row.fallback or "")
        if hook is not None:
            await hook(tx, row.model_copy(update={"last_error": reason}))

    async def _bad_request(self, row: OutboxMessage, exc: BadRequest) -> None:
        text = str(exc).lower()
        async with self._db.transaction() as tx:
            if "message is not modified" in text:
                await tx.outbox.mark_sent(row.id, None)
                return
            await tx.outbox.give_up(row.id, str(exc))
            if row.chat_id < 0 and "chat not found" in text:
                await self._chat_lost(tx, row, str(exc))
                return
            hook = self._fallbacks.get(row.fallback or "")
            if hook is not None and row.chat_id < 0:
                # e.g. a delete the bot no longer has the right to make
                await hook(tx, row.model_copy(update={"last_error": str(exc)}))
        log.warning(
            "outbox %d: %s to chat %d refused, not retried: %s",
            row.id,
            row.method,
            row.chat_id,
            exc,
        )
