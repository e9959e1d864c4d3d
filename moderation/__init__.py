"""Screening of group posts for rumours and ads: a pure library that imports nothing from
Telegram or the handlers. Build a Screener once; screen() says what to do and why."""

from __future__ import annotations

from functools import cache

from moderation.known import KnownMatch, KnownRumours
from moderation.normalize import normalize
from moderation.screen import Screener, Verdict

__all__ = ["KnownMatch", "KnownRumours", "Screener", "Verdict", "normalize", "screen"]


@cache
def _default() -> Screener:
    return Screener()


def screen(text: str, *, forwarded_from_channel: bool = False) -> Verdict:
    """Screen with the built-in rules and no known rumours (the bot uses its own Screener)."""
    return _default().screen(text, forwarded_from_channel=forwarded_from_channel)
