"""Long polling that never confirms an update to Telegram before it is safe.

PTB's Updater asks for the next offset as soon as it has queued a batch, which tells Telegram
the batch is done before any handler ran: a crash then loses those messages. Here each
getUpdates answer is first kept in the database as Telegram sent it (one row), and only then
confirmed by the next getUpdates, while its updates are being handled: fetching and handling
overlap. The row is deleted once all its updates are handled; what a killed process leaves
is handled at the next start (an update handled twice is harmless: every state change claims
its update id).

When the database refuses writes, an answer cannot be kept: its updates are handled from
memory and confirmed only after, except those whose handling failed on storage, which
Telegram gives again (polling backs off meanwhile). An update that was kept but whose
handling failed is handled again after the same back-off. Either way a resident's request
waits for the database instead of being lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TimedOut
from telegram.ext import Application

from storage import Database, StorageError

log = logging.getLogger(__name__)

AHEAD = 200  # updates fetched but not yet handled, at most (Telegram gives 100 per answer)
FORGET_EVERY_S = 0.2  # how often the answers whose updates are all handled are deleted


class ConfirmingPoller:
    def __init__(
        self,
        application: Application,
        db: Database,
        *,
        timeout: float,
        allowed_updates: Sequence[str],
        failed: Callable[[int], bool] = lambda update_id: False,
        last_answer: Callable[[], bytes] = bytes,
    ) -> None:
        """failed(update_id): did handling that update fail on storage (asked once, right
        after it)? last_answer(): the last getUpdates answer as Telegram sent it (see
        bot.request.UpdatesRequest), kept as it came."""
        self._app = application
        self._db = db
        self._timeout = timeout
        self._allowed = list(allowed_updates)
        self._failed = failed
        self._last_answer = last_answer
        self._offset: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._forgetter: asyncio.Task[None] | None = None
        self._handling: dict[int, asyncio.Task[None]] = {}
        self._room = asyncio.Event()  # fewer than AHEAD updates in hand
        self._idle = asyncio.Event()  # none in hand
        self._room.set()
        self._idle.set()
        self._failures: dict[int, Update] = {}  # kept updates whose handling failed on storage
        self._unkept_failures: set[int] = set()  # the same, of an answer not kept
        self._kept_up_to = 0  # every kept answer's updates are below this id
        self._forgotten_below = 0
        self._backoff = 1.0  # after getUpdates failed
        self._storage_backoff = 1.0  # after the database failed
        self._waiting = False  # in getUpdates or a back-off: stop() may end it at once
        self._stopping = False
        self._stopped = asyncio.Event()
        self.failed = asyncio.Event()  # set when polling cannot go on (e.g. a refused token)

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="poller")
        self._forgetter = asyncio.create_task(self._forget_loop(), name="poller-forget")

    async def _loop(self) -> None:
        await self._handle_left_over()
        while not self._stopping:
            if self._failures:
                await self._retry_failures()
                continue
            await self._room.wait()
            updates = await self._fetch()
            if not updates:
                continue
            if await self._keep(updates):
                self._offset = updates[-1].update_id + 1  # the next getUpdates confirms them
                self._kept_up_to = self._offset
                self._begin(updates, kept=True)
            else:
                await self._handle_unkept(updates)

    async def _fetch(self) -> tuple[Update, ...] | None:
        """The next answer; None (or empty) when there is none for now, or polling stops."""
        self._last_answer()  # forget the answer before: a failed call leaves it
        try:
            updates = await self._wait(
                self._app.bot.get_updates(
                    offset=self._offset, timeout=int(self._timeout), allowed_updates=self._allowed
                )
            )
        except TimedOut:
            return None
        except InvalidToken:
            log.error("the Bot API server refused the token; polling stops")
            self.failed.set()
            self._stopping = True
            return None
        except (Conflict, NetworkError) as exc:
            log.warning("getUpdates failed (%s); retrying in %.0f s", exc, self._backoff)
            await self._wait(asyncio.sleep(self._backoff))
            self._backoff = min(self._backoff * 2, 30.0)
            return None
        self._backoff = 1.0
        return updates

    async def _wait(self, awaitable: Any) -> Any:
        """Await something stop() may cut short (then None)."""
        self._waiting = True
        try:
            return await awaitable
        except asyncio.CancelledError:
            if self._stopping:
                return None
            raise
        finally:
            self._waiting = False

    async def _keep(self, updates: Sequence[Update]) -> bool:
        raw = self._last_answer()
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            body = ""
        if not body:  # not from the request that keeps answers
            body = json.dumps({"ok": True, "result": [u.to_dict() for u in updates]})
        try:
            async with self._db.transaction(serial=False) as tx:
                await tx.polled.keep(updates[-1].update_id, body)
        except StorageError as exc:
            log.error("polling: %d update(s) could not be kept (%s)", len(updates), exc)
            return False
        return True

    async def _handle_left_over(self) -> None:
        """What a previous run kept but did not handle (and webhook mode's unhandled inbox,
        after a switch to polling), oldest first; wait until it is handled."""
        try:
            async with self._db.read() as tx:
                answers = await tx.polled.waiting()
                inbox = await tx.inbox.unhandled(limit=10_000)
        except StorageError as exc:
            log.error("polling: kept updates cannot be read (%s)", exc)
            return
        updates: dict[int, Update] = {}
        for body in answers:
            try:
                result = json.loads(body)["result"]
            except (ValueError, KeyError, TypeError) as exc:
                log.error("polling: a kept answer cannot be read (%s); skipped", exc)
                continue
            for data in result:
                self._read(data, updates)
        for stored in inbox:
            self._read(json.loads(stored.body), updates)
        if not updates:
            return
        log.info("polling: handling %d kept update(s) first", len(updates))
        self._kept_up_to = max(updates) + 1
        self._begin([updates[k] for k in sorted(updates)], kept=True)
        await self._idle.wait()
        if inbox and not self._failures:
            try:
                async with self._db.transaction(serial=False) as tx:
                    for stored in inbox:
                        await tx.inbox.handled(stored.update_id)
            except StorageError as exc:  # handled again next time, harmlessly
                log.warning("polling: inbox rows not marked handled (%s)", exc)

    def _read(self, data: Any, into: dict[int, Update]) -> None:
        try:
            update = Update.de_json(data, self._app.bot)
        except Exception as exc:  # it can never be handled: skipped, not retried for ever
            log.error("polling: a kept update cannot be read (%s); skipped", exc)
            return
        into[update.update_id] = update

    async def _retry_failures(self) -> None:
        """After a back-off, the kept updates whose handling failed on storage, again."""
        await self._wait(self._idle.wait())
        await self._wait(asyncio.sleep(self._storage_backoff))
        if self._stopping:
            return
        log.info("handling again %d update(s) that failed on storage", len(self._failures))
        again = [self._failures[k] for k in sorted(self._failures)]
        self._failures.clear()
        self._begin(again, kept=True)
        await self._idle.wait()
        self._storage_backoff = min(self._storage_backoff * 2, 30.0) if self._failures else 1.0

    async def _handle_unkept(self, updates: Sequence[Update]) -> None:
        """An answer the database refused: handled from memory, confirmed only once handled,
        but for the updates that failed on storage: Telegram gives them (and what follows)
        again."""
        self._begin(updates, kept=False)
        await self._idle.wait()
        failed, self._unkept_failures = self._unkept_failures, set()
        self._offset = min(failed) if failed else updates[-1].update_id + 1
        if not failed:
            self._storage_backoff = 1.0
            return
        log.error(
            "%d update(s) could not be stored; asking Telegram for them again in %.0f s "
            "(first: %d)",
            len(failed),
            self._storage_backoff,
            self._offset,
        )
        await self._wait(asyncio.sleep(self._storage_backoff))
        self._storage_backoff = min(self._storage_backoff * 2, 30.0)

    def _begin(self, updates: Iterable[Update], *, kept: bool) -> None:
        """Handle these (in order: PTB's processor keeps each chat's order)."""
        for update in updates:
            if update.update_id in self._handling:
                continue
            task = asyncio.create_task(self._handle(update, kept), name="update")
            self._handling[update.update_id] = task
        if self._handling:
            self._idle.clear()
        if len(self._handling) >= AHEAD:
            self._room.clear()

    async def _handle(self, update: Update, kept: bool) -> None:
        app = self._app
        try:
            await app.update_processor.process_update(update, app.process_update(update))
            failed = self._failed(update.update_id)
        except Exception:
            log.exception("update %d: handling failed", update.update_id)
            failed = False  # PTB's error handler has seen it; retrying would fail alike
        finally:
            del self._handling[update.update_id]
            if len(self._handling) < AHEAD:
                self._room.set()
            if not self._handling:
                self._idle.set()
        if failed and kept:
            self._failures[update.update_id] = update
        elif failed:
            self._unkept_failures.add(update.update_id)

    def _all_handled_below(self) -> int:
        pending = [*self._handling, *self._failures]
        return min(pending) if pending else self._kept_up_to

    async def _forget_loop(self) -> None:
        # Ended by stop() between rounds, never cancelled inside a transaction.
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(FORGET_EVERY_S):
                    await self._stopped.wait()
            await self._forget()

    async def _forget(self) -> None:
        """Delete the kept answers whose updates are all handled."""
        below = self._all_handled_below()
        if below <= self._forgotten_below:
            return
        try:
            async with self._db.transaction(serial=False) as tx:
                await tx.polled.handled_before(below)
        except StorageError as exc:  # next round; handled twice at worst
            log.warning("polling: handled answers not forgotten yet (%s)", exc)
            return
        self._forgotten_below = below

    async def stop(self) -> None:
        """Finish the updates in hand, stop, and confirm what was kept or handled."""
        if self._task is None:
            return
        self._stopping = True
        self._stopped.set()
        if self._waiting:
            self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        await asyncio.gather(*self._handling.values(), return_exceptions=True)
        if self._forgetter is not None:
            await self._forgetter
            self._forgetter = None
        await self._forget()  # what was handled meanwhile
        if self._offset is not None:
            try:
                await self._app.bot.get_updates(offset=self._offset, limit=1, timeout=0)
            except Exception as exc:  # kept or handled; Telegram will resend, harmlessly
                log.warning("could not confirm the last updates: %s", exc)
