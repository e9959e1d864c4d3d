"""The memory of confirmed rumours: near-duplicate lookup that stays fast at 100k entries.

Each text (normalised) becomes a MinHash signature over its character bigrams; signatures are
cut into bands, and the keys of every band (the band mixed into the key) sit in one sorted
numpy array, so a lookup is two vectorised binary searches whatever the size. Candidates that
share a band are confirmed by edit similarity (rapidfuzz) or bigram overlap on the normalised
text, so rewording, reordering, punctuation and numbers written differently still match, and a
different message on the same topic does not.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from moderation.normalize import normalize

PERMUTATIONS = 64
BANDS = 16
ROWS = PERMUTATIONS // BANDS
MATCH_SCORE = 75.0
# Candidates sharing the most bands (the highest estimated similarity) are verified first, and
# no more than this many: a lookup costs the same at 1k and at 100k entries.
MAX_VERIFIED = 8
# A band key shared by very many entries says little (texts that share it are alike anyway):
# take at most this many of its rows, so crowded keys do not make large indexes slower.
MAX_ROWS_PER_KEY = 16
_PRIME = np.uint64((1 << 61) - 1)
_RNG = np.random.default_rng(20261124)  # fixed: signatures must agree across processes
_A = _RNG.integers(1, 1 << 32, size=(PERMUTATIONS, 1), dtype=np.uint64)
_B = _RNG.integers(0, 1 << 32, size=(PERMUTATIONS, 1), dtype=np.uint64)
_MIX = _RNG.integers(1, 1 << 62, size=ROWS, dtype=np.uint64) | np.uint64(1)
_BAND_SALT = _RNG.integers(1, 1 << 63, size=BANDS, dtype=np.uint64)


@dataclass(frozen=True)
class KnownMatch:
    rumour_id: int
    score: float  # 0-100: see similarity()


def _bigrams(normalised: str) -> set[str]:
    return {normalised[i : i + 2] for i in range(len(normalised) - 1)} or {normalised}


def similarity(a: str, b: str) -> float:
    """Of two normalised texts, 0-100: edit similarity, or bigram overlap (Jaccard) when that
    is higher, so a phrase moved from the end to the front still reads as the same text."""
    x, y = _bigrams(a), _bigrams(b)
    return max(fuzz.ratio(a, b), 100.0 * len(x & y) / len(x | y))


def _shingles(normalised: str) -> np.ndarray:
    grams = [normalised[i : i + 2] for i in range(len(normalised) - 1)] or [normalised]
    return np.fromiter((zlib.crc32(g.encode()) for g in set(grams)), dtype=np.uint64)


def band_keys(normalised: str) -> np.ndarray:
    """One uint64 key per band of the text's MinHash signature (the band mixed in, so the keys
    of all bands can share one sorted array)."""
    hashes = (_A * _shingles(normalised) + _B) % _PRIME  # (PERMUTATIONS, shingles)
    signature = hashes.min(axis=1).reshape(BANDS, ROWS)
    # Sums wrap modulo 2**64 on purpose.
    return (signature * _MIX).sum(axis=1, dtype=np.uint64) + _BAND_SALT


class KnownTexts:
    def __init__(self, *, min_score: float = MATCH_SCORE) -> None:
        self._min_score = min_score
        self._keys = np.empty(0, dtype=np.uint64)  # every band key of every entry, sorted
        self._rows = np.empty(0, dtype=np.int32)  # the entry each key belongs to
        self._texts: list[str] = []
        self._ids: list[int] = []

    def __len__(self) -> int:
        return len(self._ids)

    @classmethod
    def build(
        cls, items: Iterable[tuple[int, str]], *, min_score: float = MATCH_SCORE
    ) -> KnownTexts:
        index = cls(min_score=min_score)
        keys: list[np.ndarray] = []
        for rumour_id, text in items:
            normalised = normalize(text)
            if not normalised:
                continue
            index._ids.append(rumour_id)
            index._texts.append(normalised)
            keys.append(band_keys(normalised))
        if keys:
            table = np.concatenate(keys)  # entries * BANDS
            rows = np.repeat(np.arange(len(keys), dtype=np.int32), BANDS)
            order = np.argsort(table, kind="stable")
            index._keys, index._rows = table[order], rows[order]
        return index

    def add(self, rumour_id: int, text: str) -> bool:
        """Remember one more confirmed rumour (rare: a moderator's decision)."""
        normalised = normalize(text)
        if not normalised:
            return False
        row = len(self._ids)
        self._ids.append(rumour_id)
        self._texts.append(normalised)
        keys = np.sort(band_keys(normalised))
        at = np.searchsorted(self._keys, keys)
        self._keys = np.insert(self._keys, at, keys)
        self._rows = np.insert(self._rows, at, np.int32(row))
        return True

    def match(self, text: str) -> KnownMatch | None:
        """The confirmed rumour this text repeats, if any (the closest one)."""
        return self.match_normalised(normalize(text))

    def match_normalised(self, normalised: str) -> KnownMatch | None:
        """match() for a text already passed through normalize() (screening does that once)."""
        if not normalised or not self._ids:
            return None
        keys = band_keys(normalised)
        lows = self._keys.searchsorted(keys, side="left")
        highs = self._keys.searchsorted(keys, side="right")
        hits = [
            self._rows[lo : min(hi, lo + MAX_ROWS_PER_KEY)]
            for lo, hi in zip(lows.tolist(), highs.tolist(), strict=True)
            if hi > lo
        ]
        if not hits:
            return None
        shared = Counter(np.concatenate(hits).tolist())
        query = _bigrams(normalised)
        best: KnownMatch | None = None
        for row, _ in shared.most_common(MAX_VERIFIED):
            text = self._texts[row]
            # Edit similarity first (fast, in C); bigram overlap only when that falls short.
            score = fuzz.ratio(normalised, text, score_cutoff=self._min_score)
            # Overlap can reach the bar only if the shorter text has enough bigrams at all.
            if not score and 100.0 * max(1, len(text) - 1) >= self._min_score * len(query):
                other = _bigrams(text)
                score = 100.0 * len(query & other) / len(query | other)
            if score >= self._min_score and (best is None or score > best.score):
                best = KnownMatch(self._ids[row], score)
        return best
