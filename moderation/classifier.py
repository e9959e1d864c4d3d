"""The shipped rumour classifier: logistic regression over idf-weighted character n-grams, in a
numpy .npz (no pickle). See moderation/model/MODEL_CARD.md for what it was trained on and how
well it does."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np

from moderation.features import N_FEATURES, slots, weighted

MODEL_FILE = "rumour_lr.npz"


@dataclass(frozen=True)
class RumourModel:
    weights: np.ndarray  # float32, N_FEATURES
    idf: np.ndarray  # float32, N_FEATURES
    bias: float
    threshold: float  # the probability from which a post is worth a moderator's look
    meta: dict

    @classmethod
    def load(cls) -> RumourModel:
        with resources.files("moderation.model").joinpath(MODEL_FILE).open("rb") as f:
            data = np.load(f, allow_pickle=False)
            weights, idf = data["weights"], data["idf"]
            bias, threshold = float(data["bias"][0]), float(data["threshold"][0])
            meta = json.loads(str(data["meta"]))
        if weights.shape != (N_FEATURES,) or idf.shape != (N_FEATURES,):
            raise ValueError("the model was trained with other features")
        return cls(weights, idf, bias, threshold, meta)

    def probability(self, normalised: str) -> float:
        """How likely the (normalised) text is a rumour, 0-1."""
        found = slots(normalised)
        if not found.size:
            return 0.0
        z = float(weighted(found, self.idf) @ self.weights[found]) + self.bias
        return 1.0 / (1.0 + math.exp(-z))
