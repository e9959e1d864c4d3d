"""The benchmarks still run (tiny sizes; the figures come from `python -m benchmarks`)."""

from __future__ import annotations

from benchmarks.broadcast import linli_outbox, ptb_rate_limiter


async def test_the_broadcast_benchmark_delivers_everything_without_refusals() -> None:
    run = await linli_outbox(5, enforce=True)
    assert (run.delivered, run.refused) == (5, 0)
    baseline = await ptb_rate_limiter(5, enforce=True)
    assert baseline.delivered == 5


def test_the_screen_benchmark_times_every_post() -> None:
    from benchmarks.known_rumours import screens
    from moderation import RumourModel

    result = screens(50, RumourModel.load(), queries=30, rounds=1)
    assert result["size"] == 50 and 0 < result["p50_ms"] <= result["p99_ms"]


def test_the_hostile_posts_benchmark_times_each_against_an_ordinary_post() -> None:
    from benchmarks.known_rumours import HOSTILE, hostile_posts
    from moderation import RumourModel

    result = hostile_posts(RumourModel.load(), size=20, rounds=1)
    assert result["worst"] in HOSTILE
    assert 0 < float(result["ordinary_ms"]) and float(result["ratio"]) > 0
