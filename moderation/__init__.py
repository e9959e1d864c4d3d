"""Screening of group posts for rumours and ads: a pure library that imports nothing from
Telegram or the handlers (its entry point, screen(), arrives with the moderation issue)."""
