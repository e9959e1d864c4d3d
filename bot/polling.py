"""Long polling that confirms an update to Telegram only after it has been handled.

PTB's Updater asks for the next offset as soon as it has queued a batch, which tells Telegram
the batch is done before any handler ran: a crash then loses those messages. Here the next
getUpdates (which is what confirms) waits until PTB has processed the whole batch, so a crash
means redelivery instead, and idempotency by update id makes redelivery harmless.

An update whose handling failed on storage (the database refused a write) is not confirmed
either: polling pauses, backing off, and asks for it again, so a resident's request waits for
the database instead of being lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence

from telegram.error import Conflict, InvalidToken, NetworkError, TimedOut
from telegram.ext import Application

log = logging.getLogger(__name__)


class ConfirmingPoller:
    def __init__(
        self,
        application: Application,
        *,
        timeout: float,
        allowed_updates: Sequence[str],
        failed_updates: Callable[[], set[int]] = set,
    ) -> None:
        """failed_updates: the ids of updates whose handling failed on storage since the last
        call (they are asked for again)."""
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
            for update in updates:
                await self._app.update_queue.put(update)
            await self._app.update_queue.join()
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
