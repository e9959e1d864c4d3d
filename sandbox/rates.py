"""Sliding-window counters for Telegram's flood limits, as the sandbox enforces them."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class Window:
    limit: int
    period: float
    stamps: deque[float] = field(default_factory=deque)

    def wait_needed(self, now: float) -> float:
        while self.stamps and now - self.stamps[0] >= self.period:
            self.stamps.popleft()
        if len(self.stamps) < self.limit:
            return 0.0
        return self.period - (now - self.stamps[0])


@dataclass
class FloodLimits:
    """Telegram's published limits: ~30 messages/s overall, 20/min per group, ~1/s per chat."""

    overall: int = 30
    per_group: int = 20
    per_private: int = 1
    group_period: float = 60.0
    private_period: float = 1.0
    enabled: bool = False
    refused: int = 0
    _windows: dict[object, Window] = field(default_factory=dict)

    def _window(self, key: object, limit: int, period: float) -> Window:
        if key not in self._windows:
            self._windows[key] = Window(limit, period)
        return self._windows[key]

    def check(self, chat_id: int, now: float | None = None) -> int:
        """Count one message to chat_id; return 0, or the retry_after (s) Telegram would give."""
        if not self.enabled:
            return 0
        now = time.monotonic() if now is None else now
        windows = [self._window("overall", self.overall, 1.0)]
        if chat_id < 0:
            windows.append(self._window(chat_id, self.per_group, self.group_period))
        else:
            windows.append(self._window(chat_id, self.per_private, self.private_period))
        wait = max(w.wait_needed(now) for w in windows)
        if wait > 0:
            self.refused += 1
            return max(1, math.ceil(wait))
        for w in windows:
            w.stamps.append(now)
        return 0
