"""The shipped rumour classifier: safe to load, small, and a signal screen() uses."""

from __future__ import annotations

import math

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


def test_the_shipped_thresholds_and_their_data_are_recorded() -> None:
    model = RumourModel.load()
    assert 0 < model.cue_threshold <= model.threshold < 1
    assert "Weibo21" in model.meta["not_used"]
    assert not any("weibo21" in source.lower() for source in model.meta["data"])


def test_markup_that_marks_news_is_not_read_by_the_classifier() -> None:
    from moderation.classifier import model_text
    from moderation.features import STYLE

    dressed = "#城事# @小王 今天天气不错[哈哈] https://t.cn/abc 展开全文"
    assert model_text(dressed).partition(STYLE)[0] == normalize("今天天气不错")


def test_sentences_are_cut_from_ordinary_posts_only() -> None:
    from moderation.datasets import Post
    from moderation.train import cut_sentences

    posts = [
        Post("ordinary", "ced", "a", "今天小区门口新开了一家面馆。味道很不错，价格也公道！"),
        Post("rumour", "chain", "b", "明天全市停水三天。赶紧转发给家人！"),
        Post("ordinary", "chat", "c", "谢谢物业师傅"),
    ]
    assert cut_sentences(posts) == ["今天小区门口新开了一家面馆", "味道很不错，价格也公道"]


def test_the_development_split_is_whole_families_and_stable() -> None:
    from moderation.datasets import is_dev, load

    posts = load(ced=None)
    by_family: dict[str, set[bool]] = {}
    for post in posts:
        by_family.setdefault(post.family, set()).add(post.dev)
    assert all(len(flags) == 1 for flags in by_family.values())
    assert 0.15 < sum(p.dev for p in posts) / len(posts) < 0.35
    assert is_dev("r-water1") == is_dev("r-water1")


def test_thresholds_are_chosen_under_the_caps() -> None:
    import numpy as np

    from moderation.datasets import Post
    from moderation.train import RuleEvidence, Scored, choose_thresholds, flagged, rates

    posts = [Post("ordinary", "chat", str(i), "x") for i in range(400)]
    posts += [Post("ordinary", "hard", f"h{i}", "x") for i in range(40)]
    posts += [Post("rumour", "chain", f"r{i}", "x") for i in range(40)]
    p = np.concatenate([np.linspace(0, 0.6, 400), np.linspace(0, 0.7, 40), np.linspace(0.3, 1, 40)])
    n = len(posts)
    yes = np.ones(n, dtype=bool)
    rules = RuleEvidence(np.zeros(n), ~yes, yes, ~yes, ~yes)
    scored = Scored(p, np.full(n, np.nan), np.full(n, np.nan))
    th = choose_thresholds(posts, rules, scored)
    figures = rates(posts, flagged(rules, scored, th))
    assert figures["chat_flagged"] <= 0.005 and figures["hard_flagged"] <= 0.05
    assert figures["chain_recall"] > 0.4  # as many as the hard negatives allow


def test_a_strong_cue_needs_at_least_even_odds_from_the_main_model() -> None:
    import numpy as np

    from moderation.datasets import Post
    from moderation.train import CUE_FLOOR, RuleEvidence, Scored, choose_thresholds, flagged

    # Chat (no cue) scores up to 0.7 on this split; chain rumours with a forwarding plea score
    # 0.3-0.6. Without the floor, the split would choose 0.3 for a cue and catch them all.
    posts = [Post("ordinary", "chat", f"c{i}", "x") for i in range(400)]
    posts += [Post("rumour", "chain", f"r{i}", "x") for i in range(40)]
    p = np.concatenate([np.linspace(0, 0.7, 400), np.linspace(0.3, 0.6, 40)])
    n = len(posts)
    yes = np.ones(n, dtype=bool)
    plea = np.arange(n) >= 400
    rules = RuleEvidence(np.zeros(n), plea, yes, ~yes, ~yes)
    scored = Scored(p, np.full(n, np.nan), np.full(n, np.nan))
    th = choose_thresholds(posts, rules, scored)
    assert CUE_FLOOR == 0.5 and th.cue == 0.5
    caught = flagged(rules, scored, th)[400:]
    assert not caught[p[400:] < 0.5].any() and caught[p[400:] >= 0.5].all()


def test_the_windows_threshold_is_the_lowest_that_flags_at_most_one_more_ordinary_post() -> None:
    import dataclasses

    import numpy as np

    from moderation.datasets import Post
    from moderation.train import RuleEvidence, Scored, choose_thresholds, flagged

    posts = [Post("ordinary", "chat", f"c{i}", "x") for i in range(400)]
    posts += [Post("rumour", "chain", f"r{i}", "x") for i in range(40)]
    p = np.concatenate([np.linspace(0, 0.6, 400), np.linspace(0.3, 1, 40)])
    # Three long chat messages whose windows score 0.7, 0.84 and 0.88, and ten long chain
    # rumours that the whole post's score misses, whose windows score 0.9 to 1.
    window = np.full(440, np.nan)
    window[[10, 20, 30]] = [0.7, 0.84, 0.88]
    window[400:410] = np.linspace(0.9, 1, 10)
    n = len(posts)
    yes = np.ones(n, dtype=bool)
    rules = RuleEvidence(np.zeros(n), ~yes, yes, ~yes, ~yes)
    scored = Scored(p, np.full(n, np.nan), window)
    th = choose_thresholds(posts, rules, scored)
    assert th.alone < 0.84 and th.window == 0.85
    without = flagged(rules, scored, dataclasses.replace(th, window=math.inf))
    assert (flagged(rules, scored, th) & ~without)[:400].sum() == 1  # the one allowed
    lower = flagged(rules, scored, dataclasses.replace(th, window=0.84))
    assert (lower & ~without)[:400].sum() == 2
    assert flagged(rules, scored, th)[400:410].all()  # the long rumours, by their windows


def test_news_posts_get_the_news_models_threshold_under_the_same_caps() -> None:
    import numpy as np

    from moderation.datasets import Post
    from moderation.train import (
        RuleEvidence,
        Scored,
        Thresholds,
        choose_thresholds,
        flagged,
        macro_f1,
        rates,
    )

    # Group posts the main model reads perfectly; news posts only the news model can sort
    # (rumours from 0.4 up), and two chat messages that read as news posts with news scores
    # of 0.3 and 0.9.
    posts = [Post("ordinary", "chat", f"c{i}", "x") for i in range(400)]
    posts += [Post("rumour", "chain", f"r{i}", "x") for i in range(40)]
    posts += [Post("rumour", "ced", f"cr{i}", "x") for i in range(50)]
    posts += [Post("ordinary", "ced", f"co{i}", "x") for i in range(50)]
    p = np.concatenate([np.zeros(400), np.ones(40), np.full(100, 0.5)])
    news = np.concatenate(
        [
            [0.3, 0.9],
            np.full(398, np.nan),
            np.full(40, np.nan),
            np.linspace(0.4, 1, 50),
            np.linspace(0, 0.39, 50),
        ]
    )
    n = len(posts)
    yes = np.ones(n, dtype=bool)
    rules = RuleEvidence(np.zeros(n), ~yes, yes, ~yes, ~yes)
    scored = Scored(p, news, np.full(n, np.nan))
    th = choose_thresholds(posts, rules, scored)
    flags = flagged(rules, scored, th)
    figures = rates(posts, flags)
    assert figures["chat_flagged"] <= 0.005 and figures["chain_recall"] == 1.0
    assert 0.3 < th.news <= 0.4 and figures["ced_macro_f1"] == 1.0
    # Without the news model's threshold the news posts are not sorted at all.
    one = Thresholds(th.alone, th.cue, math.inf)
    y = np.array([q.rumour for q in posts[440:]])
    assert macro_f1(y, flagged(rules, scored, one)[440:]) < 0.5


def test_the_screen_reads_a_post_as_the_classifier_was_trained_to() -> None:
    from moderation.classifier import model_text

    model = RumourModel.load()
    screener = Screener(model=model)
    for text in [
        "谁家的猫丢了？在3号楼楼下",
        "#城事# 紧急扩散！@小王 明天停水 https://t.cn/x",
        "  好的  ",
    ]:
        assert screener.evidence(text).probability == model.probability(model_text(text))


def test_a_news_style_rumour_is_judged_by_the_news_model() -> None:
    import dataclasses

    from moderation.classifier import model_text

    rumour = (
        "【某市副市长被曝包养情妇】有网友爆料，某市分管城建的副市长长期包养多名情妇，"
        "并在海外购置多套豪宅，其妻儿早已移民加拿大。目前相关部门尚未回应。"
    )
    model = RumourModel.load()
    scores = model.scores(model_text(rumour))
    assert scores.news is not None and scores.probability < model.threshold
    assert screen(rumour).action == "review"
    one_model = Screener(model=dataclasses.replace(model, news_threshold=math.inf))
    assert one_model.screen(rumour).action == "none"
    for chat in ["谁家的猫丢了？在3号楼楼下", "明天上午九点物业在南门发放门禁卡，请带好身份证"]:
        assert model.scores(model_text(chat)).news is None


def test_a_news_post_that_calls_a_claim_false_is_not_flagged_by_its_score() -> None:
    from moderation.screen import REVIEW_AT, Evidence, calls_false, debunks, decide

    debunking = normalize("【警方辟谣】网传菜市场有人扎针系谣言，请勿转发")
    warning = normalize("【新骗局】最近有骗子冒充快递员，千万别上当")
    assert debunks(debunking) and calls_false(debunking)
    assert debunks(warning) and not calls_false(warning)

    def score(text: str, news: float | None) -> float:
        evidence = Evidence(
            (), 0.9, 20, debunks(text), news_probability=news, calls_false=calls_false(text)
        )
        return decide(evidence, 0.6, 0.4, 0.4)[0]

    assert score(debunking, 0.9) < REVIEW_AT
    # A rumour dressed as news is still read by the main model; the news model adds its own
    # threshold for news posts only.
    assert decide(Evidence((), 0.9, 20, news_probability=0.1), 0.6, 0.4, 0.4)[0] >= REVIEW_AT
    assert decide(Evidence((), 0.1, 20, news_probability=0.5), 0.6, 0.4, 0.4)[0] >= REVIEW_AT
    assert decide(Evidence((), 0.5, 20), 0.6, 0.4, 0.4)[0] < REVIEW_AT
    # A warning in a news post is weighed by the news model, which learnt from CED that
    # many such scares are false; in group chat it stays a debunking.
    assert score(warning, 0.9) >= REVIEW_AT
    assert score(warning, None) < REVIEW_AT


def test_debunking_words_tacked_onto_a_rumour_do_not_hide_it() -> None:
    rumour = "内部消息，下周全市封控，超市要关门，赶紧去抢购米面油"
    for tail in ["别上当", "小心骗子", "我可没造谣", "别信那些辟谣", "官方说是谣言，其实是真的"]:
        assert screen(f"{rumour}，{tail}").action == "review", tail
    # True debunkings and warnings in a neighbour's words are still left alone.
    for notice in [
        "网上说下周全市封控是谣言，居委会刚核实过，大家别信，也别去抢购",
        "小心骗子！有人冒充物业打电话让交燃气费，物业从来不打电话收费，大家别上当",
        "【警方辟谣】网传“城西菜市场有人用针扎人”系谣言，经核查，近期辖区未接到此类警情。",
    ]:
        assert screen(notice).action == "none", notice


def test_saying_something_is_not_a_scam_is_no_debunking() -> None:
    from moderation.screen import debunks

    assert debunks(normalize("这是诈骗，别转账"))
    assert not debunks(normalize("放心，这不是诈骗，是社区正规的补贴，扫码就能领"))


def test_the_ways_neighbours_call_a_claim_baseless_are_debunkings() -> None:
    from moderation.screen import calls_false

    for notice in [
        "洋葱泡红酒治糖尿病没有根据，医生说了别乱吃",
        "问了居委会，拆迁补偿的数字都是瞎传的",
        "家属说了是阑尾炎住院，大家别乱传",
        "经查，该消息不属实",
        "网上那个视频是编造的",
        "截图没有文号也没有发文单位，一看就是中介编的",
        "问了社区医生，那都是瞎编的",
        "纯属胡编乱造，大家别信",
        "这是谣言，不是我说的，是派出所说的",
    ]:
        assert calls_false(normalize(notice)), notice
    for claim in [
        "这可不是瞎传，我表哥就在水厂上班",
        "也有谣传说明天要停水",
        "这不是乱传的",
        "不是编的，我亲眼看见的",
        "这真不是胡编，物业的人说的",
        "明天全小区停水三天，不是我编的，快转告家里人",
        "这事可不是谁瞎传的，银行下月要冻结存款",
        "别以为是编的，隔夜菜真的致癌",
        "不要当成谣言，是真的",
    ]:
        assert not calls_false(normalize(claim)), claim


def test_the_naive_bayes_term_favours_what_rumours_say() -> None:
    import numpy as np

    from moderation.train import NB_WEIGHT, log_count_ratio

    rumour_only, ordinary_only, both = 11, 22, 33
    found = [np.array([rumour_only, both]), np.array([ordinary_only, both])] * 3
    y = np.array([True, False] * 3)
    ratio = log_count_ratio(found, y, np.ones(len(y)))
    assert ratio[rumour_only] > 0 > ratio[ordinary_only]
    assert abs(ratio[both]) < 1e-6
    assert ratio[rumour_only] == -ratio[ordinary_only]
    # A slot never seen says nothing either way, even when the classes' posts differ in length.
    longer = [np.array([rumour_only, both, 55, 66]), np.array([ordinary_only, both])] * 3
    assert log_count_ratio(longer, y, np.ones(len(y)))[44] == 0 and NB_WEIGHT > 0
    assert not log_count_ratio(found, np.ones(len(y), dtype=bool), np.ones(len(y))).any()


def test_letters_nobody_writes_do_not_talk_a_rumour_down() -> None:
    import numpy as np

    model = RumourModel.load()
    assert model.nb_weights is not None
    # A slot no training post has weighs nothing: the commonest weight is 0, not the small
    # negative ratio smoothing alone gives it (a rumour padded with letters nobody writes
    # would sink by it).
    values, counts = np.unique(model.nb_weights, return_counts=True)
    assert values[counts.argmax()] == 0


def test_the_main_score_adds_the_naive_bayes_term() -> None:
    import dataclasses

    import numpy as np

    from moderation.classifier import model_text, sigmoid
    from moderation.features import slots, weighted

    model = RumourModel.load()
    assert model.nb_weights is not None
    text = "下个月起水费要翻倍了，赶紧告诉家里人"
    found = slots(model_text(text))
    by_hand = sigmoid(
        float(weighted(found, model.idf) @ model.weights[found])
        + model.bias
        + float(model.nb_weights[found].sum()) / np.sqrt(found.size)
    )
    assert math.isclose(model.score(text), by_hand, rel_tol=1e-6)
    without = dataclasses.replace(model, nb_weights=None)
    assert model.score(text) > without.score(text)


def test_a_long_post_is_also_read_in_windows() -> None:
    import numpy as np

    from moderation.classifier import model_text
    from moderation.features import STRIDE, STYLE, WINDOW, WINDOW_LENGTH, readings, slots

    short = model_text("明天上午九点物业在南门发放门禁卡，请带好身份证")
    whole, windows = readings(short)
    assert np.array_equal(whole, slots(short)) and windows == ()

    long = model_text(
        "早上好，今天天气真不错。楼下的桂花开了，好香啊。谁家的快递放错了，在3号楼门口。"
        "听说下个月起水费要翻倍了，赶紧告诉家里人。我先去买菜了，晚上广场见。大家注意保暖。"
    )
    words, _, marks = long.partition(STYLE)
    whole, windows = readings(long)
    assert np.array_equal(whole, slots(long)) and len(words) > WINDOW + STRIDE
    # Every STRIDE letters a window of WINDOW letters, the last one flush with the end, each
    # read as a post of a window's length with the post's other marks of style.
    expected = [
        slots(words[s : s + WINDOW] + STYLE + WINDOW_LENGTH + marks[1:])
        for s in [*range(0, len(words) - WINDOW, STRIDE), len(words) - WINDOW]
    ]
    assert len(windows) == len(expected)
    assert all(np.array_equal(w, e) for w, e in zip(windows, expected, strict=True))

    model = RumourModel.load()
    scores = model.read(whole, windows)
    assert scores.news is None and scores.probability == model.read(whole).probability
    assert scores.window is not None
    assert math.isclose(scores.window, max(model.read(w).probability for w in windows))
    assert scores.window > scores.probability
    assert 0 < model.window_threshold < 1 and model.window_threshold >= model.threshold
