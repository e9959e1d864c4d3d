"""The benchmarks still run (tiny sizes; the figures come from `python -m benchmarks`)."""

from __future__ import annotations

from benchmarks.broadcast import linli_outbox, ptb_rate_limiter


async def test_the_broadcast_benchmark_delivers_everything_without_refusals() -> None:
    run = await linli_outbox(5, enforce=True)
    assert (run.delivered, run.refused) == (5, 0)
    baseline = await ptb_rate_limiter(5, enforce=True)
    assert baseline.delivered == 5
