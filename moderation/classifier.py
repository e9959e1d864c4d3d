"""The shipped rumour classifier: logistic regression weights in a numpy .npz (no pickle).
See moderation/model/MODEL_CARD.md for what it was trained on and how well it does."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np

from moderation.features import N_FEATURES, features

MODEL_FILE = "rumour_lr.npz"


@dataclass(frozen=True)
class RumourModel:
    weights: np.ndarray  # float32, N_FEATURES
    bias: float
    meta: dict

    @classmethod
    def load(cls) -> RumourModel:
        with resources.files("moderation.model").joinpath(MODEL_FILE).open("rb") as f:
            data = np.load(f, allow_pickle=False)
            weights, bias = data["weights"], float(data["bias"][0])
            meta = json.loads(str(data["meta"]))
        if weights.shape != (N_FEATURES,):
            raise ValueError("the model was trained with other features")
        return cls(weights, bias, meta)

    def probability(self, normalised: str) -> float:
        """How likely the (normalised) text is a rumour, 0-1."""
        found = features(normalised)
        if not found:
            return 0.0
        slots = np.fromiter(found.keys(), dtype=np.int64)
        values = np.fromiter(found.values(), dtype=np.float32)
        z = float(values @ self.weights[slots]) + self.bias
        return 1.0 / (1.0 + math.exp(-z))
