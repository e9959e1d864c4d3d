"""The entities Telegram attaches to a user's message: commands, hashtags, mentions, links.

Offsets and lengths are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re

from sandbox.telegram_html import utf16_len

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("bot_command", re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")),
    (
        "url",
        re.compile(
            r"(?<![\w@.])(?:https?://[^\s<>\"]+|(?:[A-Za-z0-9-]+\.)+"
            r"(?:com|cn|net|org|me|io|info|top|xyz|vip|cc|co|app|link|ru|hk|tw)(?:/[^\s<>\"]*)?)"
            r"(?![\w.])"
        ),
    ),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{4,31}(?!\w)")),
    ("hashtag", re.compile(r"(?<![\w#&])#\w*[^\W\d]\w*")),
]


def detect_entities(text: str) -> list[dict]:
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, int, str]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            found.append((start, end, kind))
    found.sort()
    return [
        {"type": kind, "offset": utf16_len(text[:start]), "length": utf16_len(text[start:end])}
        for start, end, kind in found
    ]
