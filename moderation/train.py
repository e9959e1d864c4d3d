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
from typing import Any

import numpy as np

from moderation.evaluate import read
from moderation.features import N_FEATURES, NGRAMS, slots, weighted
from moderation.normalize import normalize

ROOT = Path(__file__).resolve().parent
DEFAULT_CED = ROOT.parent.parent / "shared" / "rumours" / "ced.tsv"
CHAT = ROOT / "data" / "resident_chat.tsv"
OUT = ROOT / "model" / "rumour_lr.npz"


def held_out(text: str) -> bool:
    """One post in five, the same ones on every machine."""
    return zlib.crc32(text.encode()) % 5 == 0


def inverse_frequency(found: list[np.ndarray]) -> np.ndarray:
    """Smoothed idf of every slot over the training posts (unseen slots get the maximum)."""
    df = np.zeros(N_FEATURES, dtype=np.float64)
    for f in found:
        df[f] += 1
    return (np.log((1 + len(found)) / (1 + df)) + 1).astype(np.float32)


def matrix(found: list[np.ndarray], idf: np.ndarray) -> Any:
    from scipy.sparse import csr_matrix

    rows = np.repeat(np.arange(len(found)), [f.size for f in found])
    cols = np.concatenate(found) if found else np.empty(0, dtype=np.int64)
    vals = np.concatenate([weighted(f, idf) for f in found]) if found else np.empty(0)
    return csr_matrix((vals, (rows, cols)), shape=(len(found), N_FEATURES), dtype=np.float32)


def pick_threshold(p: np.ndarray, y: np.ndarray, min_recall: float) -> float:
    """The highest threshold that keeps rumour recall at min_recall (out-of-fold scores)."""
    ranked = np.sort(p[y])[::-1]
    return float(ranked[min(len(ranked) - 1, int(np.ceil(min_recall * len(ranked))) - 1)])


def main() -> int:
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ced", type=Path, default=DEFAULT_CED)
    parser.add_argument("--c", type=float, default=32.0)
    parser.add_argument(
        "--recall",
        type=float,
        default=0.86,
        help="rumour recall the decision threshold keeps in cross-validation",
    )
    args = parser.parse_args()
    from sklearn.model_selection import cross_val_predict

    rows = read(args.ced) + read(CHAT)
    train = [(label, text) for label, text in rows if not held_out(text)]
    found = [slots(normalize(text)) for _, text in train]
    y = np.array([label == "rumour" for label, _ in train])
    idf = inverse_frequency(found)
    x = matrix(found, idf)
    model = LogisticRegression(C=args.c, max_iter=5000, class_weight="balanced")
    # The threshold comes from out-of-fold scores on the training part only: the held-out
    # fifth stays unseen by every choice made here.
    oof = cross_val_predict(model, x, y, cv=5, method="predict_proba")[:, 1]
    threshold = pick_threshold(oof, y, args.recall)
    model.fit(x, y)
    meta = {
        "trained": date.today().isoformat(),
        "posts": len(train),
        "ngrams": list(NGRAMS),
        "n_features": N_FEATURES,
        "C": args.c,
        "threshold": threshold,
        "features": "binary character n-grams, idf-weighted, unit length",
        "data": [
            "CED (thunlp/Chinese_Rumor_Dataset), shared/rumours/ced.tsv",
            "moderation/data/resident_chat.tsv",
        ],
    }
    np.savez_compressed(
        OUT,
        weights=model.coef_[0].astype(np.float32),
        idf=idf,
        bias=np.array([model.intercept_[0]], dtype=np.float32),
        threshold=np.array([threshold], dtype=np.float32),
        meta=np.array(json.dumps(meta, ensure_ascii=False)),
    )
    print(
        f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB) from {len(train)} posts;"
        f" threshold {threshold:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
