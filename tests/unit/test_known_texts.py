"""Normalisation and the known-rumour memory (pure library: no Telegram)."""

from __future__ import annotations

import pytest

from moderation.known import KnownTexts
from moderation.normalize import chinese_number, normalize

STOP_WATER = "紧急通知！内部消息，明天全小区停水三天，赶紧转发"


@pytest.mark.parametrize(
    ("run", "value"),
    [
        ("三", 3),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十五", 25),
        ("一百零八", 108),
        ("三千", 3000),
        ("一万二千", 12000),
        ("两", 2),
        ("二零二六", 2026),
    ],
)
def test_chinese_numbers(run: str, value: int) -> None:
    assert chinese_number(run) == value


def test_the_same_words_however_dressed_normalise_alike() -> None:
    plain = normalize("内部消息明天停水3天赶紧转发")
    for dressed in [
        "【內部消息】明天停水３天！！趕緊轉發",
        "内部消息 明天停水三天 赶紧转发 🙏🙏",
        "★内部消息★：明天停水 三 天，赶紧转发！！！",
    ]:
        assert normalize(dressed) == plain


@pytest.fixture
def known() -> KnownTexts:
    return KnownTexts.build(
        [
            (1, STOP_WATER),
            (2, "听说物业下个月要把物业费涨一倍，大家千万别交，转给邻居"),
            (3, "喝板蓝根可以预防新冠，家里有老人的赶紧去买"),
        ]
    )


@pytest.mark.parametrize(
    "repeat",
    [
        "【内部消息】明天全小区停水3天！！赶紧转发给家人",
        "內部消息，明天全小區停水三天，趕緊轉發",
        "紧急通知 内部消息 明天全小区停水三天 赶紧转发",
    ],
)
def test_a_reworded_repeat_matches_the_confirmed_rumour(known: KnownTexts, repeat: str) -> None:
    found = known.match(repeat)
    assert found is not None and found.rumour_id == 1


@pytest.mark.parametrize(
    "ordinary",
    [
        "停水通知：明天9点到12点3号楼停水，请提前储水",  # a real notice on the same topic
        "明天下午三点在居委会开业主大会，欢迎参加",
        "谁家的猫跑丢了？在3号楼楼下",
        "",
    ],
)
def test_ordinary_posts_match_nothing(known: KnownTexts, ordinary: str) -> None:
    assert known.match(ordinary) is None


def test_a_rumour_added_later_is_matched_and_the_rest_still_are(known: KnownTexts) -> None:
    assert known.match("小区要拆迁了，每户补偿两百万，内部消息") is None
    assert known.add(4, "内部消息：小区要拆迁了，每户补偿200万")
    assert len(known) == 4
    found = known.match("小区要拆迁了，每户补偿两百万，内部消息")
    assert found is not None and found.rumour_id == 4
    found = known.match("喝板蓝根能预防新冠，家里有老人的赶紧去买")
    assert found is not None and found.rumour_id == 3


FILLERS = (
    "\u3164\uffa0\u115f\u1160\u200b\u200c\u200d\u200e\u202e\u2066\u2069\u2060\ufeff\u00ad\ufe0f"
)


@pytest.mark.parametrize("filler", list(FILLERS))
def test_filler_and_default_ignorable_characters_are_dropped(filler: str) -> None:
    padded = filler.join("内部消息明天停水3天赶紧转发")
    assert normalize(padded) == normalize("内部消息明天停水3天赶紧转发")


# Letters that read as a dot or a bar between Chinese characters, and other scripts' letters.
DOTS = "\ua78f\u318d\u01c0\ua4f8\uff70\u3021\u1427\u30fb\u00b7\u0430\u03bf"


@pytest.mark.parametrize("dot", list(DOTS))
def test_letters_that_look_like_dots_between_the_characters_are_dropped(dot: str) -> None:
    assert normalize(dot.join("内部消息明天停水3天赶紧转发")) == normalize(
        "内部消息明天停水3天赶紧转发"
    )


def test_accents_come_off_latin_letters_and_han_and_digits_stay() -> None:
    assert normalize("tíng shuǐ 通知") == "tingshui通知"
    assert normalize("𠮷野家 VX号 38元") == "𠮷野家vx号38元"


def test_a_confirmed_rumour_padded_with_fillers_is_still_a_known_repeat(known: KnownTexts) -> None:
    for filler in ("\u3164", "\uffa0", "\u115f", "\u200b", "\u202e"):
        padded = filler.join(STOP_WATER)
        found = known.match(padded)
        assert found is not None and found.rumour_id == 1
    # And a rumour confirmed in its padded form matches its plain repeats.
    index = KnownTexts.build([(9, "\u3164".join("喝醋能软化血管，家里老人赶紧试试"))])
    found = index.match("喝醋能软化血管，家里老人赶紧试试！")
    assert found is not None and found.rumour_id == 9


def test_the_nearest_confirmed_rumour_is_found_below_the_match_bar(known: KnownTexts) -> None:
    reworded = "听说物业下个月物业费要翻倍，大家先别交，告诉邻居"
    assert known.match(reworded) is None
    nearest = known.nearest(reworded)
    assert nearest is not None and nearest.rumour_id == 2 and nearest.score < 75
    assert known.nearest("谁家的猫跑丢了？在3号楼楼下") is None
    assert known.text_of(2) == normalize("听说物业下个月要把物业费涨一倍，大家千万别交，转给邻居")
