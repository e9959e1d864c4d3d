"""`python -m moderation.train`: train the rumour classifier and write moderation/model/.

Data (moderation/datasets.py): CED's Weibo posts (../shared/rumours/ced.tsv) and the project's
own group-chat sets (moderation/data/: chain rumours, ordinary chat, hard negatives). The
development split (a quarter of the families, by a stable hash) is never trained on: it only
chooses the two decision thresholds, under caps on the ordinary chat and hard negatives it may
flag. Sentences cut from the ordinary training posts are added as more ordinary examples, so
a short factual sentence does not look like a rumour because ordinary posts are long news.
Weibo21 is not used (see the model card). Needs the `train` extra (scikit-learn, scipy);
screening itself needs only numpy.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from moderation.classifier import model_text
from moderation.datasets import Post, load
from moderation.features import N_FEATURES, NGRAMS, slots, weighted
from moderation.normalize import strip_markup
from moderation.screen import REVIEW_AT, SHORT, Screener, _combined

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "model" / "rumour_lr.npz"

# Caps the thresholds must meet on the development split.
CHAT_CAP = 0.005  # ordinary chat flagged
HARD_CAP = 0.05  # hard negatives (true notices that look like rumours) flagged
C = 16.0
# How much CED's macro-F1 counts beside chain-rumour recall when choosing the thresholds.
CED_WEIGHT = 1.0
# Per-kind sample weights: the group-chat sets are few beside CED and cut sentences, and
# they are the register the bot sees.
KIND_WEIGHT = {"chain": 5.0, "hard": 5.0, "chat": 3.0, "ced": 1.0, "cut": 0.3}
_SENTENCE_END = re.compile(r"[。！？!?；;\n]+")


def cut_sentences(posts: Sequence[Post]) -> list[str]:
    """Sentences (6-60 characters, markup removed) of the ordinary posts, as extra ordinary
    examples; posts that are one sentence already add nothing."""
    out: list[str] = []
    for post in posts:
        if post.rumour:
            continue
        pieces = [p.strip() for p in _SENTENCE_END.split(strip_markup(post.text))]
        pieces = [p for p in pieces if 6 <= len(p) <= 60]
        if len(pieces) > 1:
            out.extend(pieces)
    return list(dict.fromkeys(out))


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


@dataclass(frozen=True)
class Fitted:
    weights: np.ndarray
    idf: np.ndarray
    bias: float

    def probabilities(self, found: list[np.ndarray]) -> np.ndarray:
        # The same arithmetic as RumourModel.probability, with float16-rounded weights as
        # shipped.
        w = self.weights.astype(np.float16).astype(np.float32)
        idf = self.idf.astype(np.float16).astype(np.float32)
        z = np.array([float(weighted(f, idf) @ w[f]) if f.size else -np.inf for f in found])
        return 1.0 / (1.0 + np.exp(-(z + self.bias)))


def fit(posts: Sequence[Post], *, c: float = C) -> Fitted:
    """Logistic regression on the posts and the sentences cut from their ordinary ones."""
    from sklearn.linear_model import LogisticRegression

    cuts = cut_sentences(posts)
    texts = [p.text for p in posts] + cuts
    found = [slots(model_text(t)) for t in texts]
    y = np.array([p.rumour for p in posts] + [False] * len(cuts))
    kinds = [p.kind for p in posts] + ["cut"] * len(cuts)
    weight = np.array([KIND_WEIGHT[k] for k in kinds])
    # Balanced classes, after the kind weights.
    for label in (True, False):
        weight[y == label] *= len(y) / (2 * weight[y == label].sum())
    idf = inverse_frequency(found)
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit(matrix(found, idf), y, sample_weight=weight)
    return Fitted(model.coef_[0].astype(np.float32), idf, float(model.intercept_[0]))


@dataclass(frozen=True)
class RuleEvidence:
    """Per post, what the rules alone say: score without the classifier, any strong cue."""

    base: np.ndarray  # combined weight of the rules' signals
    strong: np.ndarray  # bool
    long: np.ndarray  # bool: the classifier alone may flag it (long enough, not a debunking)

    @classmethod
    def of(cls, posts: Sequence[Post]) -> RuleEvidence:
        screener = Screener()
        base, strong, long = [], [], []
        for post in posts:
            evidence = screener.evidence(post.text)
            base.append(_combined(evidence.signals))
            strong.append(evidence.strong)
            long.append(evidence.length >= SHORT and not evidence.debunking)
        return cls(np.array(base), np.array(strong), np.array(long))

    def subset(self, rows: np.ndarray) -> RuleEvidence:
        return RuleEvidence(self.base[rows], self.strong[rows], self.long[rows])


def flagged(
    rules: RuleEvidence, p: np.ndarray, threshold: float, cue_threshold: float
) -> np.ndarray:
    """What screen() decides (see moderation.screen.decide), for many posts at once."""
    return (
        (np.round(rules.base, 3) >= REVIEW_AT)
        | (rules.long & (p >= threshold))
        | (rules.strong & (p >= cue_threshold))
    )


def rates(posts: Sequence[Post], flags: np.ndarray) -> dict[str, float]:
    """The figures the goals name, for posts and their flags."""
    kinds = np.array([p.kind for p in posts])
    rumour = np.array([p.rumour for p in posts])

    def share(mask: np.ndarray) -> float:
        return float(flags[mask].mean()) if mask.any() else float("nan")

    out = {
        "chain_recall": share(kinds == "chain"),
        "hard_flagged": share(kinds == "hard"),
        "chat_flagged": share(kinds == "chat"),
        "ced_recall": share((kinds == "ced") & rumour),
        "ced_ordinary_flagged": share((kinds == "ced") & ~rumour),
    }
    ced = kinds == "ced"
    out["ced_macro_f1"] = macro_f1(rumour[ced], flags[ced]) if ced.any() else float("nan")
    return out


def macro_f1(y: np.ndarray, flags: np.ndarray) -> float:
    def f1(truth: np.ndarray, guess: np.ndarray) -> float:
        tp = float((truth & guess).sum())
        denominator = float(truth.sum() + guess.sum())
        return 2 * tp / denominator if denominator else 0.0

    return (f1(y, flags) + f1(~y, ~flags)) / 2


def choose_thresholds(
    posts: Sequence[Post], rules: RuleEvidence, p: np.ndarray
) -> tuple[float, float]:
    """The thresholds that, on these (development) posts, flag at most CHAT_CAP of ordinary
    chat and HARD_CAP of hard negatives, and among those catch the most chain rumours and
    give the best CED macro-F1 (ties: the higher thresholds, flagging less)."""
    best: tuple[float, float, float] | None = None
    grid = np.round(np.arange(0.2, 0.996, 0.01), 3)
    for threshold in grid:
        for cue_threshold in grid[grid <= threshold]:
            figures = rates(posts, flagged(rules, p, threshold, cue_threshold))
            if figures["chat_flagged"] > CHAT_CAP or figures["hard_flagged"] > HARD_CAP:
                continue
            gain = figures["chain_recall"] + CED_WEIGHT * figures["ced_macro_f1"]
            if best is None or gain > best[0] + 1e-9:
                best = (gain, float(threshold), float(cue_threshold))
            elif abs(gain - best[0]) <= 1e-9 and threshold + cue_threshold > best[1] + best[2]:
                best = (gain, float(threshold), float(cue_threshold))
    if best is None:
        return 1.0, 1.0
    return best[1], best[2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--c", type=float, default=C)
    args = parser.parse_args()
    posts = load()
    train = [p for p in posts if not p.dev]
    dev = [p for p in posts if p.dev]
    fitted = fit(train, c=args.c)
    dev_p = fitted.probabilities([slots(model_text(p.text)) for p in dev])
    threshold, cue_threshold = choose_thresholds(dev, RuleEvidence.of(dev), dev_p)
    meta = {
        "trained": date.today().isoformat(),
        "posts": len(train),
        "sentences_cut": len(cut_sentences(train)),
        "ngrams": list(NGRAMS),
        "n_features": N_FEATURES,
        "C": args.c,
        "kind_weight": KIND_WEIGHT,
        "threshold": threshold,
        "cue_threshold": cue_threshold,
        "caps": {"chat_flagged": CHAT_CAP, "hard_flagged": HARD_CAP},
        "features": "binary character 1-4-grams, idf-weighted, unit length; markup stripped",
        "data": [
            "CED (thunlp/Chinese_Rumor_Dataset), shared/rumours/ced.tsv",
            "moderation/data/resident_chat.tsv",
            "moderation/data/resident_chat_more.tsv",
            "moderation/data/resident_chat_2.tsv",
            "moderation/data/resident_chat_3.tsv",
            "moderation/data/hard_negatives.tsv",
            "moderation/data/hard_negatives_2.tsv",
            "moderation/data/hard_negatives_3.tsv",
            "moderation/data/chain_rumours.tsv",
            "moderation/data/chain_rumours_2.tsv",
            "moderation/data/chain_rumours_3.tsv",
        ],
        "not_used": "Weibo21 (its terms allow research use only)",
    }
    np.savez_compressed(
        OUT,
        weights=fitted.weights.astype(np.float16),
        idf=fitted.idf.astype(np.float16),
        bias=np.array([fitted.bias], dtype=np.float32),
        threshold=np.array([threshold], dtype=np.float32),
        cue_threshold=np.array([cue_threshold], dtype=np.float32),
        meta=np.array(json.dumps(meta, ensure_ascii=False)),
    )
    print(
        f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KiB) from {len(train)} posts;"
        f" thresholds {threshold:.2f} alone, {cue_threshold:.2f} with a strong cue"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
