"""Time for the whole bot: one injectable clock, always timezone-aware UTC.

Production uses SystemClock; tests pass a ManualClock so no test waits for real minutes.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from storage.db import Clock

__all__ = ["Clock", "ManualClock", "ShiftedClock", "SystemClock"]


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)


class ShiftedClock:
    """Real time passing, from a chosen start: a known date with working timeouts."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ShiftedClock needs an aware datetime")
        self._start = start.astimezone(UTC)
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0)

    def set(self, moment: datetime) -> None:
        """Jump to `moment`; time goes on passing from there."""
        self._start, self._t0 = moment.astimezone(UTC), time.monotonic()
