"""Text normalisation for screening: the same rumour, however it is dressed, reads the same.

Full-width → half-width (NFKC), traditional → simplified (OpenCC), lower case, Chinese numerals
→ digits (三天 and 3天 match), and everything that is not a letter or digit (spacing,
punctuation, emoji, 【】★ decoration) removed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import opencc

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_NUMERAL_RUN = re.compile(r"(\d+)?([零〇一二两三四五六七八九十百千万]+)")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def chinese_number(run: str) -> int | None:
    """The value of a run like 三, 十二, 二十五, 一百零八, 三千; None if it is not a number."""
    if all(c in _DIGITS for c in run):
        return int("".join(str(_DIGITS[c]) for c in run)) if len(run) > 1 else _DIGITS[run]
    total, section, digit = 0, 0, None
    for c in run:
        if c in _DIGITS:
            if digit not in (None, 0) and _DIGITS[c] != 0:  # 零 only holds a place
                return None  # two digits in a row without a unit: not a number we read
            digit = _DIGITS[c]
        else:
            unit = _UNITS[c]
            if unit == 10_000:
                total += (section + (digit or 0)) * unit
                section, digit = 0, None
                continue
            section += (1 if digit is None else digit) * unit
            digit = None
    return total + section + (digit or 0)


def _numerals(text: str) -> str:
    def convert(m: re.Match[str]) -> str:
        digits, run = m.group(1), m.group(2)
        if digits and run in _UNITS:  # 200万 is 2000000
            return str(int(digits) * _UNITS[run])
        value = chinese_number(run)
        return (digits or "") + (run if value is None else str(value))

    return _NUMERAL_RUN.sub(convert, text)


def normalize(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    folded = _t2s().convert(folded).lower()
    return _NOT_WORD.sub("", _numerals(folded))
