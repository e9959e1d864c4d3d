"""Features of a normalised text for the rumour classifier: hashed character 1-3-grams,
sublinear term frequency, unit length. The same code serves training and screening, so the
shipped weights need nothing but numpy at run time."""

from __future__ import annotations

import math
import zlib

N_FEATURES = 2 ** 18
NGRAMS = (1, 2, 3)


def features(normalised: str) -> dict[int, float]:
    counts: dict[int, int] = {}
    for n in NGRAMS:
        for i in range(len(normalised) - n + 1):
            slot = zlib.crc32(normalised[i:i + n].encode()) % N_FEATURES
            counts[slot] = counts.get(slot, 0) + 1
    weighted = {slot: 1.0 + math.log(c) for slot, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in weighted.values())) or 1.0
    return {slot: v / norm for slot, v in weighted.items()}
