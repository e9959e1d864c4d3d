"""Long polling that confirms an update to Telegram only after it has been handled.

PTB's Updater asks for the next offset as soon as it has queued a batch, which tells Telegram
the batch is done before any handler ran: a crash then loses those messages. Here the next
getUpdates (which is what confirms) waits until the whole batch is handled, so a crash means
redelivery instead, and idempotency by update id makes redelivery harmless. A batch is handled
with one task per chat: each chat's updates in Telegram's order, chats side by side.

An update whose handling failed on storage (the database refused a write) is not confirmed
either: polling pauses, backing off, and asks for it again, so a resident's request waits for
the database instead of being lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TimedOut
from telegram.ext import Application

from bot.processing import chat_key, current_update, handled

log = logging.getLogger(__name__)


class ConfirmingPoller:
    def __init__(
        self,
        application: Application,
        *,
        timeout: float,
        allowed_updates: Sequence[str],
        failed_updates: Callable[[], set[int]] = set,
        concurrency: int = 16,
        on_handled: Callable[[object, float], None] | None = None,
    ) -> None:
        """failed_updates: the ids of updates whose handling failed on storage since the last
        call (they are asked for again). concurrency: chats handled at once; on_handled(update,
        seconds) after each update (the metrics)."""
        self._slots = asyncio.Semaphore(concurrency)
        self._on_handled = on_handled
        self._app = application
        self._timeout = timeout
        self._allowed = list(allowed_updates)
        self._offset: int | None = None
        self._failed_updates = failed_updates
        self._task: asyncio.Task[None] | None = None
        self._fetching = False
        self._stopping = False
        self.failed = asyncio.Event()  # set when polling cannot go on (e.g. a refused token)

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="poller")

    async def _loop(self) -> None:
        backoff = storage_backoff = 1.0
        bot = self._app.bot
        while not self._stopping:
            self._fetching = True
            try:
                updates = await bot.get_updates(
                    offset=self._offset, timeout=int(self._timeout), allowed_updates=self._allowed
                )
            except TimedOut:
                continue
            except InvalidToken:
                log.error("the Bot API server refused the token; polling stops")
                self.failed.set()
                return
            except (Conflict, NetworkError) as exc:
                log.warning("getUpdates failed (%s); retrying in %.0f s", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            finally:
                self._fetching = False
            backoff = 1.0
            await self._handle_batch(updates)
            if updates:
                self._offset = updates[-1].update_id + 1
            failed = self._failed_updates()
            if failed:
                self._offset = min(failed)  # it and what came after it come again
                log.error(
                    "%d update(s) could not be stored; asking Telegram for them again "
                    "in %.0f s (first: %d)",
                    len(failed),
                    storage_backoff,
                    self._offset,
                )
                self._fetching = True  # stop() may end this wait at once
                try:
                    await asyncio.sleep(storage_backoff)
                finally:
                    self._fetching = False
                storage_backoff = min(storage_backoff * 2, 30.0)
            else:
                storage_backoff = 1.0

    async def _handle_batch(self, updates: Sequence[Update]) -> None:
        """Each chat's updates in order, different chats at once (up to `concurrency`): one
        task per chat in the batch rather than one per update, which costs a fifth of the
        CPU of handling a post."""
        by_chat: dict[int | None, list[Update]] = {}
        for update in updates:
            by_chat.setdefault(chat_key(update), []).append(update)

        async def chat(its: list[Update]) -> None:
            async with self._slots:
                for update in its:
                    await self._process(update)

        if len(by_chat) == 1:
            await chat(next(iter(by_chat.values())))
        else:
            await asyncio.gather(*(chat(its) for its in by_chat.values()))

    async def _process(self, update: Update) -> None:
        started = time.perf_counter()
        token = current_update.set(update)
        try:
            await self._app.process_update(update)
        except Exception:  # PTB's error handler saw what a handler raised; this is PTB's own
            log.exception("update %d could not be processed", update.update_id)
        finally:
            current_update.reset(token)
            handled(update, time.perf_counter() - started, self._on_handled)

    async def stop(self) -> None:
        """Finish the batch in hand, stop, and confirm what was handled."""
        if self._task is None:
            return
        self._stopping = True
        if self._fetching:
            self._task.cancel()
        # else a batch is being handled: the loop ends after it, before the next fetch.
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        if self._offset is not None:
            try:
                await self._app.bot.get_updates(offset=self._offset, limit=1, timeout=0)
            except Exception as exc:  # the updates are handled; Telegram will resend, harmlessly
                log.warning("could not confirm the last updates: %s", exc)
