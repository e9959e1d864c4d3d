"""Screening of group posts for rumours and ads: a pure library that imports nothing from
Telegram or the handlers. Build a Screener once; screen() says what to do and why."""

from __future__ import annotations

from functools import cache

from moderation.classifier import RumourModel
from moderation.known import KnownMatch, KnownTexts
from moderation.normalize import normalize
from moderation.screen import Screener, Verdict

__all__ = ["KnownMatch", "KnownTexts", "RumourModel", "Screener", "Verdict", "normalize", "screen"]


@cache
def _default() -> Screener:
    return Screener(model=RumourModel.load())


def screen(text: str, *, forwarded_from_channel: bool = False) -> Verdict:
    """Screen with the built-in rules, the shipped classifier and no known rumours (the bot
    builds its own Screener with its known rumours)."""
    return _default().screen(text, forwarded_from_channel=forwarded_from_channel)
