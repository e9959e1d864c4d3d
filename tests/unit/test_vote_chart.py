"""The result's chart: a PNG, the same bytes each time it is drawn."""

from __future__ import annotations

import pytest

from bot.services.votes import chart


def test_the_chart_is_a_png_drawn_the_same_every_time() -> None:
    if not chart.can_draw():
        pytest.skip("no matplotlib or no CJK font here")
    first = chart.bar_chart("第 1 号投票结果", ["米黄", "浅灰", "砖红"], [2, 0, 1], "票数")
    assert first.startswith(b"\x89PNG") and len(first) > 5000
    assert chart.bar_chart("第 1 号投票结果", ["米黄", "浅灰", "砖红"], [2, 0, 1], "票数") == first
    assert chart.bar_chart("第 1 号投票结果", ["米黄", "浅灰", "砖红"], [1, 0, 1], "票数") != first
