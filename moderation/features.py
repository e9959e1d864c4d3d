"""Features of a normalised text for the rumour classifier: which hashed character 1-3-grams
it contains (presence, not counts), each weighted by its inverse document frequency in the
training posts, unit length. The same code serves training and screening, so the shipped
weights need nothing but numpy at run time."""

from __future__ import annotations

import zlib

import numpy as np

N_FEATURES = 2**18
NGRAMS = (1, 2, 3)


def slots(normalised: str) -> np.ndarray:
    """The distinct hashed n-gram slots of a text (int64, sorted)."""
    found = {
        zlib.crc32(normalised[i : i + n].encode()) % N_FEATURES
        for n in NGRAMS
        for i in range(len(normalised) - n + 1)
    }
    return np.fromiter(sorted(found), dtype=np.int64, count=len(found))


def weighted(found: np.ndarray, idf: np.ndarray) -> np.ndarray:
    """The idf weights of a text's slots, scaled to unit length (float32)."""
    values = idf[found].astype(np.float32)
    norm = float(np.sqrt(values @ values))
    return values / norm if norm else values
