"""Features of a text for the rumour classifier: which hashed character 1-3-grams its
normalised words contain (presence, not counts) and a few marks of style read before
punctuation is dropped (length, exclamations, questions, clock times, emoji), each weighted by
its inverse document frequency in the training posts, unit length. The same code serves
training and screening, so the shipped weights need nothing but numpy at run time. readings()
adds the slots of the windows of a long text."""

from __future__ import annotations

import re
import zlib

import numpy as np

N_FEATURES = 2**19
NGRAMS = (1, 2, 3)
# Separates the normalised words from the style marks in a prepared text (a private-use
# character: normalisation never leaves one in the words).
STYLE = "\ue000"
_CLOCK = re.compile(r"\d{1,2}[:：]\d{2}|\d{1,2}点")
_DATE = re.compile(r"\d{1,2}月\d{1,2}[日号]")
_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
# Windows of a long post (readings()): letters per window and between window starts, and the
# length mark a window carries (style_marks: 30-59 characters).
WINDOW = 40
STRIDE = 10
WINDOW_LENGTH = "d"
# A text's slots and its windows' (readings()).
Reading = tuple[np.ndarray, tuple[np.ndarray, ...]]


def style_marks(plain: str) -> str:
    """Marks of a raw (NFKC) post's style, one letter each, appended after STYLE."""
    n = len(plain)
    marks = ["a" if n < 8 else "b" if n < 16 else "c" if n < 30 else "d" if n < 60 else "e"]
    bangs = plain.count("!") + plain.count("！")
    marks.append("f" if bangs == 0 else "g" if bangs == 1 else "h")
    if "?" in plain or "？" in plain or plain.rstrip().endswith(("吗", "呢")):
        marks.append("i")
    if _CLOCK.search(plain):
        marks.append("j")
    if _DATE.search(plain):
        marks.append("k")
    if _EMOJI.search(plain):
        marks.append("l")
    return STYLE + "".join(marks)


def _grams(words: str) -> list[np.ndarray]:
    """For each n of NGRAMS, the hashed slot of the n-gram starting at each position."""
    return [
        np.fromiter(
            (zlib.crc32(words[i : i + n].encode()) % N_FEATURES for i in range(len(words) - n + 1)),
            dtype=np.int64,
        )
        for n in NGRAMS
    ]


def _mark_slots(marks: str) -> np.ndarray:
    return np.array([zlib.crc32((STYLE + m).encode()) % N_FEATURES for m in marks], dtype=np.int64)


def slots(prepared: str) -> np.ndarray:
    """The distinct hashed feature slots of a prepared text (int64, sorted)."""
    words, _, marks = prepared.partition(STYLE)
    # A set, not numpy: for a chat message's few dozen n-grams it is twice as fast.
    found = {
        zlib.crc32(words[i : i + n].encode()) % N_FEATURES
        for n in NGRAMS
        for i in range(len(words) - n + 1)
    }
    found.update(zlib.crc32((STYLE + m).encode()) % N_FEATURES for m in marks)
    return np.fromiter(sorted(found), dtype=np.int64, count=len(found))


def readings(prepared: str) -> Reading:
    """slots() of a prepared text, and of each window of WINDOW letters (every STRIDE letters,
    the last one flush with the end) when the text is longer than WINDOW + STRIDE. A window is
    read as if it were posted alone (its marks of style are the post's, with the length of a
    window): a rumour padded with ordinary sentences before and after is still one in its
    window, where the whole post's score is diluted."""
    words, _, marks = prepared.partition(STYLE)
    if len(words) <= WINDOW + STRIDE:
        return slots(prepared), ()
    grams = _grams(words)
    whole = np.unique(np.concatenate([*grams, _mark_slots(marks)]))
    window_marks = _mark_slots(WINDOW_LENGTH + marks[1:])
    last = len(words) - WINDOW
    starts = [*range(0, last, STRIDE), last]
    windows = tuple(
        np.unique(
            np.concatenate(
                [
                    *(g[s : s + WINDOW - n + 1] for g, n in zip(grams, NGRAMS, strict=True)),
                    window_marks,
                ]
            )
        )
        for s in starts
    )
    return whole, windows


def weighted(found: np.ndarray, idf: np.ndarray) -> np.ndarray:
    """The idf weights of a text's slots, scaled to unit length (float32)."""
    values = idf[found].astype(np.float32)
    norm = float(np.sqrt(values @ values))
    return values / norm if norm else values
