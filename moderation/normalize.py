"""Text normalisation for screening: the same rumour, however it is dressed, reads the same.

Default-ignorable and filler characters dropped (zero-width letters, Hangul fillers, bidi
marks, variation selectors: a rumour padded with them reads as the rumour), full-width →
half-width (NFKC), traditional → simplified (OpenCC), lower case, Chinese numerals → digits (三天
and 3天 match), accents off Latin letters, and everything that is not a Han ideograph, a Latin
letter or a digit removed: spacing, punctuation, emoji, 【】★ decoration, and the other scripts'
letters, among them the dot-like ones (ꞏ, ㆍ) put between a rumour's characters; a letter, digit
or character woven between every two of them (紧1急1通1知, 刚丶得丶到) is dropped too.
strip_markup() also drops what marks a Weibo post as news or a repost (#话题#, @names, links,
展开全文, [表情]), for the classifier.
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
# From the start of a run of digits only: tried from inside one too, a long run took a third of
# a second.
_NUMERAL_RUN = re.compile(r"(?<!\d)(\d+)?([零〇一二两三四五六七八九十百千万]+)")
# What a rumour is written in: Han ideographs, Latin letters and digits. Everything else is
# dropped, letters included: kana, Hangul, Greek, Cyrillic, Yi and the many letters that look
# like a dot or a bar (ꞏ U+A78F, ㆍ U+318D, ǀ U+01C0, ꓸ U+A4F8, ｰ U+FF70, 〡 U+3021) are read
# past by eye, so between a rumour's letters they must not break its words apart.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_WORD = f"0-9a-z{_HAN}"
_NOT_WORD = re.compile(f"[^{_WORD}]+")

# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt, Unicode 15): characters
# that render as nothing. Some are letters (U+3164 HANGUL FILLER is Lo), so the \W rule keeps
# them; they are dropped here by code point.
DEFAULT_IGNORABLE: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),  # Arabic letter mark
    (0x115F, 0x1160),  # Hangul choseong / jungseong fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian variation selectors and vowel separator
    (0x200B, 0x200F),  # zero-width space, (non-)joiner, LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x206F),  # word joiner, invisible operators, bidi isolates, deprecated formats
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),  # zero-width no-break space (BOM)
    (0xFFA0, 0xFFA0),  # half-width Hangul filler
    (0xFFF0, 0xFFF8),  # unassigned specials
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical symbol format controls
    (0xE0000, 0xE0FFF),  # tags and variation selectors supplement
)
_IGNORABLE = re.compile(
    "[" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in DEFAULT_IGNORABLE) + "]+"
)

# Markup of Weibo posts: it says "news" or "repost", not "rumour", so the classifier must not
# learn it (group chat never carries it). A link with its scheme is markup; a bare host name is
# not: a lure's name (shuifei-tuihuan.cc) says what it offers, and the classifier reads it.
_MARKUP = re.compile(
    # Links (the screen's link rules read them from the raw text).
    r"(?:https?://|www\.)[\x21-\x7e]+"
    r"|#[^#\n]{1,40}#"  # #话题#
    r"|@[\w\u4e00-\u9fff-]{1,30}"  # @names
    r"|\[[\w\u4e00-\u9fff]{1,8}\]"  # [哈哈] emoticons
    r"|展开全文|(?:\.{3}|…)?全文|O?网页链接|转发微博|(?:的)?秒拍视频",
    re.IGNORECASE,
)


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
        if digits and len(digits) > 18:
            # No sum anyone writes (and int() refuses over 4,300 digits: "⑳" x 2160 + "万"
            # raised, and the post went unscreened).
            return m.group(0)
        if digits and run in _UNITS:  # 200万 is 2000000
            return str(int(digits) * _UNITS[run])
        value = chinese_number(run)
        return (digits or "") + (run if value is None else str(value))

    return _NUMERAL_RUN.sub(convert, text)


def strip_ignorable(text: str) -> str:
    """The text without default-ignorable characters (what renders as nothing)."""
    return _IGNORABLE.sub("", text)


def strip_markup(text: str) -> str:
    """The text without Weibo markup (links, #话题#, @names, [表情], 展开全文)."""
    return _MARKUP.sub(" ", strip_ignorable(text))


# A letter or digit woven between the characters of a text (紧1急1通1知, 停l水l通l知): five
# Han characters or more, each followed by one to three Latin letters or digits (two where
# punctuation between them was dropped, three round a digit of the text's own, which goes too).
_WOVEN_ASCII = re.compile(f"(?:[{_HAN}][0-9a-z]{{1,3}}){{4,}}(?=[{_HAN}]|$)")
# One Han character woven the same way (刚丶得丶到丶可丶靠), between any letters or digits.
_WOVEN_HAN = re.compile(f"[{_WORD}]([{_HAN}])\\1?(?:[{_WORD}]\\1\\1?){{3,}}(?=[{_WORD}]|$)")
_ASCII_CHAR = re.compile("[0-9a-z]")
_HAN_CHAR = re.compile(f"[{_HAN}]")


def unweave(words: str) -> str:
    """Normalised words without a letter, digit or character woven between every two of
    them: read by eye past the filler, so the screen must read past it too. Needs four
    fillers in a row, between at least three different characters: "1号楼2单元",
    "周1周2周3周4", "好的好的好的" stay as they are."""

    def drop_ascii(m: re.Match[str]) -> str:
        kept = _ASCII_CHAR.sub("", m.group())
        return kept if len(set(kept)) >= 3 else m.group()

    def drop_han(m: re.Match[str]) -> str:
        kept = m.group().replace(m.group(1), "")
        return kept if len(set(_HAN_CHAR.findall(kept))) >= 3 else m.group()

    return _WOVEN_HAN.sub(drop_han, _WOVEN_ASCII.sub(drop_ascii, words))


def normalize(text: str) -> str:
    folded = unicodedata.normalize("NFKC", strip_ignorable(text))
    folded = strip_ignorable(folded)  # NFKC maps some fillers onto others (U+3164 → U+1160)
    folded = _t2s().convert(folded).lower()
    # Accents come off Latin letters (pinyin tone marks: tíng → ting) before what is not a
    # letter or digit goes.
    folded = unicodedata.normalize("NFD", _numerals(folded))
    return unweave(_NOT_WORD.sub("", folded))
