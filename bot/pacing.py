"""Pacing outgoing messages within Telegram's flood limits, with exact sliding windows.

Telegram allows about 30 messages a second overall, 20 a minute in one group and about one a
second in one private chat. A leaky bucket (aiolimiter, which AIORateLimiter uses) lets a group
receive 21 messages within some 60-second span; a sliding window never does. The windows are a
little longer than Telegram's (`margin`) because the server counts arrival, not departure.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable


class SlidingWindow:
    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.stamps: deque[float] = deque()
        self.blocked_until = 0.0

    def wait_needed(self, now: float) -> float:
        while self.stamps and now - self.stamps[0] >= self.period:
            self.stamps.popleft()
        wait = self.blocked_until - now
        if len(self.stamps) >= self.limit:
            wait = max(wait, self.period - (now - self.stamps[0]))
        return max(0.0, wait)


class FloodPacer:
    def __init__(
        self,
        *,
        overall: int = 30,
        per_group: int = 20,
        group_period: float = 60.0,
        per_private: int = 1,
        private_period: float = 1.0,
        margin: float = 0.1,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._overall = SlidingWindow(overall, 1.0 + margin)
        self._group = (per_group, group_period + margin)
        self._private = (per_private, private_period + margin)
        self._chats: dict[int, SlidingWindow] = {}
        self._monotonic = monotonic

    def _window(self, chat_id: int) -> SlidingWindow:
        window = self._chats.get(chat_id)
        if window is None:
            if len(self._chats) > 4096:
                self._forget_idle()
            limit, period = self._group if chat_id < 0 else self._private
            window = self._chats[chat_id] = SlidingWindow(limit, period)
        return window

    def _forget_idle(self) -> None:
        now = self._monotonic()
        for chat_id, window in list(self._chats.items()):
            if window.wait_needed(now) == 0 and not window.stamps:
                del self._chats[chat_id]

    async def acquire(self, chat_id: int) -> None:
        """Wait until one more message to chat_id keeps within every limit, and count it."""
        chat = self._window(chat_id)
        while True:
            now = self._monotonic()
            wait = max(self._overall.wait_needed(now), chat.wait_needed(now))
            if wait <= 0:
                self._overall.stamps.append(now)
                chat.stamps.append(now)
                return
            await asyncio.sleep(wait)

    def hold(self, chat_id: int, seconds: float) -> None:
        """Telegram said retry_after: send nothing more to this chat until then."""
        window = self._window(chat_id)
        window.blocked_until = max(window.blocked_until, self._monotonic() + seconds)
