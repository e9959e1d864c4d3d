"""`python -m moderation.train`: train the rumour classifier and write moderation/model/.

Data: ../shared/rumours/ced.tsv (rumour / ordinary Weibo posts) and
moderation/data/resident_chat.tsv (ordinary group chat). One post in five is held out by a
stable hash of its text and never trained on; the figures printed are on that held-out part.
Needs the `train` extra (scikit-learn, scipy); screening itself needs only numpy.
"""

from __future__ import annotations

import argparse
import json
import zlib
from datetime import date
from pathlib import Path

import numpy as np

from moderation.evaluate import read
from moderation.features import N_FEATURES, NGRAMS, features
from moderation.normalize import normalize

ROOT = Path(__file__).resolve().parent
DEFAULT_CED = ROOT.parent.parent / "shared" / "rumours" / "ced.tsv"
CHAT = ROOT / "data" / "resident_chat.tsv"
OUT = ROOT / "model" / "rumour_lr.npz"


def held_out(text: str) -> bool:
    """One post in five, the same ones on every machine."""
    return zlib.crc32(text.encode()) % 5 == 0


def matrix(texts: list[str]):
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    for i, text in enumerate(texts):
        for slot, value in features(normalize(text)).items():
            rows.append(i)
            cols.append(slot)
            vals.append(value)
    return csr_matrix((vals, (rows, cols)), shape=(len(texts), N_FEATURES), dtype=np.float32)


def main() -> int:
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ced", type=Path, default=DEFAULT_CED)
    parser.add_argument("--c", type=float, default=8.0)
    args = parser.parse_args()
    rows = read(args.ced) + read(CHAT)
    train = [(label, text) for label, text in rows if not held_out(text)]
    model = LogisticRegression(C=args.c, max_iter=3000, class_weight="balanced")
    model.fit(matrix([t for _, t in train]), np.array([label == "rumour" for label, _ in train]))
    meta = {"trained": date.today().isoformat(), "posts": len(train), "ngrams": list(NGRAMS),
            "n_features": N_FEATURES, "C": args.c,
            "data": ["CED (thunlp/Chinese_Rumor_Dataset), shared/rumours/ced.tsv",
                     "moderation/data/resident_chat.tsv"]}
    np.savez_compressed(OUT, weights=model.coef_[0].astype(np.float32),
                        bias=np.array([model.intercept_[0]], dtype=np.float32),
                        meta=np.array(json.dumps(meta, ensure_ascii=False)))
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB) from {len(train)} posts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
