"""Whatever residents type or are called, the bot neither fails nor sends Telegram anything it
would refuse (property-based: hypothesis generates the posts and the names)."""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.app import Linli
from tests.conftest import Community

NASTY = st.sampled_from(
    [
        "<b>",
        "</i>",
        "&",
        "&amp;",
        "<a href='x'>",
        "\u202e",
        "\u200f",
        "\x00",
        "\x1b[31m",
        "\n",
        "😀",
        "👨‍👩‍👧",
        "#投诉",
        "#微心愿",
        "#报修",
        "/wish",
        "/complain",
        "/start t1",
        "@someone",
        "https://t.cn/x",
        "电梯坏了",
        "內部消息",
        "赶紧转发",
        "　",
        "\t",
        "\ufeff",
        "ｆｕｌｌ",
    ]
)
REQUESTS = st.tuples(
    st.sampled_from(["#投诉 ", "#微心愿 ", "#报修", "/wish ", "/complain "]),
    st.lists(st.one_of(NASTY, st.text(max_size=8)), max_size=6).map("".join),
).map("".join)
TEXTS = st.one_of(
    REQUESTS,
    st.lists(st.one_of(NASTY, st.text(min_size=1, max_size=12)), min_size=1, max_size=12).map(
        "".join
    ),
    st.text(min_size=1, max_size=40),
    st.integers(1990, 5000).map(lambda n: "#投诉 " + "楼" * n),
)
NAMES = st.one_of(
    st.sampled_from(["<b>王</b>", "A&B", "\u202e阿姨", "😀😀", "x" * 64, "李"]),
    st.text(min_size=1, max_size=20),
)


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(posts=st.lists(st.tuples(NAMES, TEXTS, st.booleans()), min_size=15, max_size=15))
@example(
    posts=[
        ("<b>王</b>", "#投诉 电梯<坏了>&", True),
        ("A&B", "/wish 换灯泡 </i>", True),
        ("\u202e阿姨", "#微心愿 \x00\u202e", False),
        ("李", "#投诉 " + "楼" * 2001, True),
    ]
    + [("李", "你好", False)] * 11
)
async def test_hostile_posts_and_names_never_fail_the_bot(
    loose_linli: Linli,
    community: Community,
    posts: list[tuple[str, str, bool]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    sb = community.sb
    caplog.set_level(logging.WARNING)
    for name, text, in_group in posts:
        person = sb.add_user(name)
        sb.join(community.building, person)
        await sb.send(person, community.building if in_group else None, text)
    await sb.settle(quiet=0.5)
    assert loose_linli.services and await loose_linli.services.outbox.flush(timeout=20)
    failures = [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith(("handlers", "bot", "telegram.ext")) and r.levelno >= logging.WARNING
    ]
    assert failures == []
    assert loose_linli.db
    async with loose_linli.db.read() as tx:
        refused = await tx.outbox.not_sent(("failed", "pending"))
    assert [(r.method, r.last_error) for r in refused] == []
