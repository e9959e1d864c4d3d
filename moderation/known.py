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
# A flagged post that matches nothing is shown the closest confirmed rumour from this
# similarity up: alike enough for a moderator to compare, not a repeat.
NEAREST_FLOOR = 40.0
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
# A second, looser banding for nearest(): bands of two rows find texts that share only a
# third of their bigrams (a band of four finds them about one time in ten).
NEAR_BANDS = 16
NEAR_ROWS = 2
# Two-row bands are shared by more entries: fewer rows of each are taken.
NEAR_ROWS_PER_KEY = 6
_NEAR_MIX = _RNG.integers(1, 1 << 62, size=NEAR_ROWS, dtype=np.uint64) | np.uint64(1)
_NEAR_SALT = _RNG.integers(1, 1 << 63, size=NEAR_BANDS, dtype=np.uint64)


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


def _signature(normalised: str) -> np.ndarray:
    hashes = (_A * _shingles(normalised) + _B) % _PRIME  # (PERMUTATIONS, shingles)
    return hashes.min(axis=1)


def band_keys(normalised: str) -> np.ndarray:
    """One uint64 key per band of the text's MinHash signature (the band mixed in, so the keys
    of all bands can share one sorted array)."""
    signature = _signature(normalised).reshape(BANDS, ROWS)
    # Sums wrap modulo 2**64 on purpose.
    return (signature * _MIX).sum(axis=1, dtype=np.uint64) + _BAND_SALT


def _near(signature: np.ndarray) -> np.ndarray:
    near = signature[: NEAR_BANDS * NEAR_ROWS].reshape(NEAR_BANDS, NEAR_ROWS)
    # 32 bits are enough here: a key shared by chance only adds a candidate to verify.
    keys = (near * _NEAR_MIX).sum(axis=1, dtype=np.uint64) + _NEAR_SALT
    return (keys >> np.uint64(32)).astype(np.uint32)


def near_keys(normalised: str) -> np.ndarray:
    """The keys of the looser banding (the first NEAR_BANDS * NEAR_ROWS permutations)."""
    return _near(_signature(normalised))


def _both_keys(normalised: str) -> tuple[np.ndarray, np.ndarray]:
    signature = _signature(normalised)
    band = (signature.reshape(BANDS, ROWS) * _MIX).sum(axis=1, dtype=np.uint64) + _BAND_SALT
    return band, _near(signature)


class _Bands:
    """Band keys of every entry in one sorted array, and the entry each belongs to."""

    def __init__(self, dtype: type[np.unsignedinteger]) -> None:
        self.keys = np.empty(0, dtype=dtype)
        self.rows = np.empty(0, dtype=np.int32)

    def fill(self, keys: np.ndarray) -> None:
        """keys: (entries, bands), one row per entry."""
        if not keys.size:
            return
        table = keys.ravel()
        rows = np.repeat(np.arange(keys.shape[0], dtype=np.int32), keys.shape[1])
        order = np.argsort(table, kind="stable")
        self.keys, self.rows = table[order], rows[order]

    def insert(self, row: int, keys: np.ndarray) -> None:
        keys = np.sort(keys)
        at = np.searchsorted(self.keys, keys)
        self.keys = np.insert(self.keys, at, keys)
        self.rows = np.insert(self.rows, at, np.int32(row))

    def candidates(self, keys: np.ndarray, limit: int = MAX_ROWS_PER_KEY) -> list[int]:
        """Rows sharing a band with the keys, those sharing the most first (at most
        MAX_VERIFIED): the same cost at 1k and at 100k entries."""
        lows = self.keys.searchsorted(keys, side="left")
        highs = self.keys.searchsorted(keys, side="right")
        hits = [
            self.rows[lo : min(hi, lo + limit)]
            for lo, hi in zip(lows.tolist(), highs.tolist(), strict=True)
            if hi > lo
        ]
        if not hits:
            return []
        shared = Counter(np.concatenate(hits).tolist())
        return [row for row, _ in shared.most_common(MAX_VERIFIED)]


class KnownTexts:
    def __init__(self, *, min_score: float = MATCH_SCORE) -> None:
        self._min_score = min_score
        self._bands = _Bands(np.uint64)  # for match(): near-duplicates
        self._near = _Bands(np.uint32)  # for nearest(): texts alike enough to compare
        self._texts: list[str] = []
        self._ids: list[int] = []

    def __len__(self) -> int:
        return len(self._ids)

    @classmethod
    def build(
        cls, items: Iterable[tuple[int, str]], *, min_score: float = MATCH_SCORE
    ) -> KnownTexts:
        index = cls(min_score=min_score)
        for rumour_id, text in items:
            normalised = normalize(text)
            if normalised:
                index._ids.append(rumour_id)
                index._texts.append(normalised)
        # Keys go straight into two preallocated tables: no array per entry is kept alive.
        keys = np.empty((len(index._texts), BANDS), dtype=np.uint64)
        near = np.empty((len(index._texts), NEAR_BANDS), dtype=np.uint32)
        for row, normalised in enumerate(index._texts):
            keys[row], near[row] = _both_keys(normalised)
        index._bands.fill(keys)
        index._near.fill(near)
        return index

    def add(self, rumour_id: int, text: str) -> bool:
        """Remember one more confirmed rumour (rare: a moderator's decision)."""
        normalised = normalize(text)
        if not normalised:
            return False
        row = len(self._ids)
        self._ids.append(rumour_id)
        self._texts.append(normalised)
        band, loose = _both_keys(normalised)
        self._bands.insert(row, band)
        self._near.insert(row, loose)
        return True

    def match(self, text: str) -> KnownMatch | None:
        """The confirmed rumour this text repeats, if any (the closest one)."""
        return self.match_normalised(normalize(text))

    def match_normalised(self, normalised: str) -> KnownMatch | None:
        """match() for a text already passed through normalize() (screening does that once)."""
        if not normalised or not self._ids:
            return None
        rows = self._bands.candidates(band_keys(normalised))
        if not rows:
            return None
        query = _bigrams(normalised)
        best: KnownMatch | None = None
        for row in rows:
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

    def nearest(self, text: str, *, floor: float = NEAREST_FLOOR) -> KnownMatch | None:
        """The closest entry of those alike enough to be found (similarity() at least
        `floor`, below the match bar too): what a flagged post that repeats nothing resembles."""
        return self.nearest_normalised(normalize(text), floor=floor)

    def nearest_normalised(
        self, normalised: str, *, floor: float = NEAREST_FLOOR
    ) -> KnownMatch | None:
        """nearest() for a text already passed through normalize()."""
        if not normalised or not self._ids:
            return None
        query = _bigrams(normalised)
        best: KnownMatch | None = None
        for row in self._near.candidates(near_keys(normalised), limit=NEAR_ROWS_PER_KEY):
            text = self._texts[row]
            score = fuzz.ratio(normalised, text)  # in C; the overlap only when it falls short
            if score < floor:
                other = _bigrams(text)
                score = max(score, 100.0 * len(query & other) / len(query | other))
            if score >= floor and (best is None or score > best.score):
                best = KnownMatch(self._ids[row], score)
        return best

    def text_of(self, rumour_id: int) -> str | None:
        """The normalised text remembered under an id (for showing what was matched)."""
        try:
            return self._texts[self._ids.index(rumour_id)]
        except ValueError:
            return None
