"""The shipped rumour classifier: logistic regression over idf-weighted hashed character
1-3-grams, with a naive-Bayes term beside it, in a numpy .npz (no pickle). See
moderation/model/MODEL_CARD.md for what it was trained on and how well it does.

Three linear models share the features: the main one (every set, weighted towards group
chat), a register model that tells a Weibo-style news post from a group-chat message, and a
news model trained on Weibo posts alone (CED). A post the register model reads as a news post
is read by the news model too, with a threshold of its own: one model for both registers has
to keep chat below its cap and so misses most news-style rumours; the main model still reads
every post, so a rumour given a Weibo look is not let off by the news model.

The main model's score also adds a naive-Bayes term: the sum of the log-count ratios (how
much likelier in a rumour than in an ordinary post) of the slots a post contains, divided by
the square root of their number. Logistic regression alone leans on few n-grams; the ratios give
every n-gram seen in training its say, and posts in voices the model never saw were caught
more often with them (see the model card).

A long group-chat post is also read by the main model in windows (moderation.features.readings),
with a threshold of its own for the highest window's score: padding a rumour with ordinary
sentences dilutes the whole post's score but not its window's."""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

from moderation.features import N_FEATURES, readings, style_marks, weighted
from moderation.normalize import normalize, strip_markup

MODEL_FILE = "rumour_lr.npz"
# From this register probability up, a post is read as a Weibo-style news post. Not tuned:
# the even odds of a model trained with balanced classes.
NEWS_AT = 0.5


def model_text(text: str) -> str:
    """What the classifier reads of a raw post: its words without Weibo markup, normalised,
    and the marks of its style (moderation.features)."""
    plain = unicodedata.normalize("NFKC", strip_markup(text)).strip()
    return normalize(plain) + style_marks(plain)


def sigmoid(z: float) -> float:
    if not math.isfinite(z):
        raise ValueError("the model's weights are broken: a score is not a number")
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


@dataclass(frozen=True)
class Scores:
    """The classifier's reading of one post."""

    probability: float  # the main model's: how likely a rumour, 0-1
    news: float | None  # the news model's, when the post reads as a news post; else None
    # The main model's highest for a window of a long group-chat post (features.readings);
    # None for a short post or a news post.
    window: float | None = None


@dataclass(frozen=True)
class RumourModel:
    weights: np.ndarray  # float32, N_FEATURES: the main model
    idf: np.ndarray  # float32, N_FEATURES
    bias: float
    threshold: float  # from this probability up, a post is worth a moderator's look alone
    cue_threshold: float  # from this one up, together with one strong rumour cue
    meta: dict
    register_weights: np.ndarray  # news post (1) or group-chat message (0)
    register_bias: float
    news_weights: np.ndarray  # rumour or not, for news posts
    news_bias: float
    news_threshold: float  # the news model's probability from which a news post is a look
    # From this main-model probability up, debunking words (辟谣, 别上当) no longer excuse a
    # post: "…赶紧去抢购，别信那些辟谣" is still the rumour. Infinity: they always excuse.
    debunk_threshold: float = math.inf
    # Log-count ratio of each slot, already multiplied by the term's weight (moderation.train).
    nb_weights: np.ndarray | None = None
    # From this main-model probability of one of its windows up, a long post is a look.
    window_threshold: float = math.inf

    @classmethod
    def load(cls) -> RumourModel:
        with resources.files("moderation.model").joinpath(MODEL_FILE).open("rb") as f:
            data = np.load(f, allow_pickle=False)
            required = {"news_weights", "debunk_threshold", "nb_weights", "window_threshold"}
            if required - set(data.files):
                raise ValueError(
                    "the model file predates its windows' threshold: retrain"
                    " (python -m moderation.train)"
                )
            # Stored as float16 to keep the file small; computed in float32.
            weights, idf, register_weights, news_weights, nb_weights = (
                data[name].astype(np.float32)
                for name in ("weights", "idf", "register_weights", "news_weights", "nb_weights")
            )

            def scalar(name: str) -> float:
                return float(data[name][0])

            meta = json.loads(str(data["meta"]))
            model = cls(
                weights=weights,
                idf=idf,
                bias=scalar("bias"),
                threshold=scalar("threshold"),
                cue_threshold=scalar("cue_threshold"),
                meta=meta,
                register_weights=register_weights,
                register_bias=scalar("register_bias"),
                news_weights=news_weights,
                news_bias=scalar("news_bias"),
                news_threshold=scalar("news_threshold"),
                debunk_threshold=scalar("debunk_threshold"),
                nb_weights=nb_weights,
                window_threshold=scalar("window_threshold"),
            )
        arrays = (weights, idf, register_weights, news_weights, nb_weights)
        if any(a.shape != (N_FEATURES,) for a in arrays):
            raise ValueError("the model was trained with other features")
        return model

    def scores(self, prepared: str) -> Scores:
        """The main model's probability of a text already passed through model_text(), and
        the news model's when the text reads as a news post."""
        return self.read(*readings(prepared))

    def _main(self, found: np.ndarray) -> tuple[np.ndarray, float]:
        x = weighted(found, self.idf)
        z = float(x @ self.weights[found]) + self.bias
        if self.nb_weights is not None:
            z += float(self.nb_weights[found].sum()) / math.sqrt(found.size)
        return x, z

    def read(self, found: np.ndarray, windows: Sequence[np.ndarray] = ()) -> Scores:
        """scores() of a text's feature slots and its windows' (moderation.features.readings).
        The register and news models read the whole text; the main model reads the windows
        of a group-chat post too (a news post is read whole, by the news model as well)."""
        if not found.size:
            return Scores(0.0, None)
        x, z = self._main(found)
        p = sigmoid(z)
        if sigmoid(float(x @ self.register_weights[found]) + self.register_bias) >= NEWS_AT:
            return Scores(p, sigmoid(float(x @ self.news_weights[found]) + self.news_bias))
        if not windows:
            return Scores(p, None)
        return Scores(p, None, sigmoid(max(self._main(w)[1] for w in windows)))

    def probability(self, prepared: str) -> float:
        """The main model's probability that a prepared text is a rumour, 0-1."""
        return self.scores(prepared).probability

    def score(self, text: str) -> float:
        """probability() of a raw post."""
        return self.probability(model_text(text))
