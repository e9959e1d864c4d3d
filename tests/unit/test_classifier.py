"""The shipped rumour classifier: safe to load, small, and a signal screen() uses."""

from __future__ import annotations

from moderation import RumourModel, Screener, normalize, screen
from tests.conftest import ROOT

MODEL = ROOT / "moderation" / "model" / "rumour_lr.npz"


def test_the_model_is_small_and_loads_without_pickle() -> None:
    assert MODEL.stat().st_size < 5 * 1024 * 1024
    model = RumourModel.load()  # np.load(allow_pickle=False) inside
    assert model.meta["n_features"] == model.weights.shape[0]
    assert "CED" in " ".join(model.meta["data"])
    assert (ROOT / "moderation" / "model" / "MODEL_CARD.md").exists()


def test_probabilities_are_probabilities() -> None:
    model = RumourModel.load()
    for text in ["", "你好", "紧急扩散！！！某地发生大地震，死亡上千人，政府封锁消息，速转！"]:
        assert 0.0 <= model.probability(normalize(text)) <= 1.0


def test_a_weibo_style_rumour_is_reviewed_because_of_the_model() -> None:
    rumour = (
        "【紧急扩散】今天上午某小学门口有人用面包车抢孩子，已经有三个孩子失踪了，"
        "有孩子的家长注意了，看到的都转发"
    )
    with_model = screen(rumour)
    without = Screener().screen(rumour)
    assert with_model.action == "review" and "内容像常见谣言" in with_model.reasons
    assert with_model.score > without.score
