"""The shipped rumour classifier: logistic regression over idf-weighted hashed character
1-4-grams, in a numpy .npz (no pickle). See moderation/model/MODEL_CARD.md for what it was
trained on and how well it does."""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass
from importlib import resources

import numpy as np

from moderation.features import N_FEATURES, slots, style_marks, weighted
from moderation.normalize import normalize, strip_markup

MODEL_FILE = "rumour_lr.npz"


def model_text(text: str) -> str:
    """What the classifier reads of a raw post: its words without Weibo markup, normalised,
    and the marks of its style (moderation.features)."""
    plain = unicodedata.normalize("NFKC", strip_markup(text)).strip()
    return normalize(plain) + style_marks(plain)


@dataclass(frozen=True)
class RumourModel:
    weights: np.ndarray  # float32, N_FEATURES
    idf: np.ndarray  # float32, N_FEATURES
    bias: float
    threshold: float  # from this probability up, a post is worth a moderator's look alone
    cue_threshold: float  # from this one up, together with one strong rumour cue
    meta: dict

    @classmethod
    def load(cls) -> RumourModel:
        with resources.files("moderation.model").joinpath(MODEL_FILE).open("rb") as f:
            data = np.load(f, allow_pickle=False)
            # Stored as float16 to keep the file small; computed in float32.
            weights = data["weights"].astype(np.float32)
            idf = data["idf"].astype(np.float32)
            bias, threshold = float(data["bias"][0]), float(data["threshold"][0])
            cue_threshold = float(data["cue_threshold"][0])
            meta = json.loads(str(data["meta"]))
        if weights.shape != (N_FEATURES,) or idf.shape != (N_FEATURES,):
            raise ValueError("the model was trained with other features")
        return cls(weights, idf, bias, threshold, cue_threshold, meta)

    def probability(self, prepared: str) -> float:
        """How likely a text already passed through model_text() is a rumour, 0-1."""
        found = slots(prepared)
        if not found.size:
            return 0.0
        z = float(weighted(found, self.idf) @ self.weights[found]) + self.bias
        return 1.0 / (1.0 + math.exp(-z))

    def score(self, text: str) -> float:
        """probability() of a raw post."""
        return self.probability(model_text(text))
