"""Outgrowing one process: group posts handled per second by one SQLite process (long polling,
the baseline) beside one and two webhook workers on PostgreSQL, in the same run; the time from
a private message's arrival to the bot's answer (p50, p99); and a 300-group broadcast sent by
two workers against the sandbox enforcing Telegram's limits (goal: ≤ 1.1 × N/30 s, 0 refused).

The bots are real `python -m bot` processes; Telegram's side (the sandbox and a load balancer
that alternates between workers) runs in a process of its own (benchmarks/remote_hook.py), and
PostgreSQL is the one LINLI_TEST_POSTGRES names or a throwaway cluster (sandbox/postgres.py).
On this 2-core machine all of them share two cores: two workers cannot be twice one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.remote import stop_remote
from bot.services.messaging import text_message
from sandbox import postgres
from storage import Database

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench_secret"
BROADCAST = 300


class Remote:
    def __init__(self, proc: asyncio.subprocess.Process, world: dict[str, Any]) -> None:
        self.proc = proc
        self.world = world

    async def ask(self, *command: object) -> Any:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write((" ".join(map(str, command)) + "\n").encode())
        await self.proc.stdin.drain()
        return json.loads(await asyncio.wait_for(self.proc.stdout.readline(), 600))


@contextlib.asynccontextmanager
async def remote() -> AsyncIterator[Remote]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks.remote_hook", cwd=ROOT,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout and proc.stdin
    try:
        yield Remote(proc, json.loads(await asyncio.wait_for(proc.stdout.readline(), 60)))
    finally:
        await stop_remote(proc)


@dataclass
class Figures:
    posts_per_s: float
    waits: list[float]
    broadcast_s: float | None = None
    refused: int | None = None


async def start_worker(env: dict[str, str], workdir: Path) -> asyncio.subprocess.Process:
    workdir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, before the run
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", env=env, cwd=workdir,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stderr
    while b"Linli is running" not in (line := await asyncio.wait_for(proc.stderr.readline(), 60)):
        if not line:
            raise RuntimeError("a worker exited before it ran")
    asyncio.create_task(drain(proc))  # noqa: RUF006 - ends with the process
    return proc


async def drain(proc: asyncio.subprocess.Process) -> None:
    assert proc.stderr
    while await proc.stderr.readline():
        pass


async def handled(db: Database) -> int:
    async with db.read() as tx:
        return await tx.inbox.count_handled()


async def measure(url: str, workers: int, n: int, tmp: Path, *, broadcast: bool = False) -> Figures:
    async with remote() as world:
        info = world.world
        db = await Database.open(url)
        try:
            async with db.transaction() as tx:
                for chat_id, title in info["groups"]:
                    await tx.chats.bind_resident(chat_id, title, 1, True)
            hooked = url.startswith("postgresql")
            ports = [postgres.free_port() for _ in range(workers)]
            env = {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "BOT_TOKEN": info["token"],
                "BOT_API_BASE_URL": info["base_url"],
                "DATABASE_URL": url,
                "COMMITTEE_CHAT_ID": str(info["committee"]),
            }
            procs = []
            for i, port in enumerate(ports):
                if hooked:
                    env |= {
                        "WEBHOOK_URL": info["public_url"],
                        "WEBHOOK_LISTEN": f"127.0.0.1:{port}",
                        "WEBHOOK_SECRET": SECRET,
                    }
                procs.append(await start_worker(dict(env), tmp / f"w{i}"))
            try:
                if hooked:
                    await world.ask(
                        "targets", ",".join(f"http://127.0.0.1:{p}/telegram" for p in ports)
                    )
                started = time.perf_counter()
                await world.ask("posts", n)
                if hooked:
                    while await handled(db) < n:  # noqa: ASYNC110 - other processes write it
                        await asyncio.sleep(0.01)
                else:
                    await world.ask("confirmed")
                rate = n / (time.perf_counter() - started)
                waits = await world.ask("ask", 100, 20)
                figures = Figures(rate, waits)
                if broadcast:
                    figures.broadcast_s, figures.refused = await send_broadcast(world, db)
            finally:
                for proc in procs:
                    proc.terminate()
                for proc in procs:
                    await proc.wait()
        finally:
            await db.close()
    return figures


async def send_broadcast(world: Remote, db: Database) -> tuple[float, int]:
    groups = await world.ask("broadcast_groups", BROADCAST)
    await world.ask("flood", "on")
    await asyncio.sleep(1.5)  # the windows of what was sent before are clear
    started = time.perf_counter()
    async with db.transaction() as tx:
        for group in groups:
            await tx.outbox.enqueue(text_message(group, "【提醒】明天上午联合接待日，欢迎参加。"))
    answer = await world.ask("wait_sent", BROADCAST)
    return time.perf_counter() - started, int(answer["refused"])


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(n: int = 1000, rounds: int = 2) -> list[str]:
    runs: dict[str, list[Figures]] = {"sqlite": [], "pg1": [], "pg2": []}
    with postgres.server() as server, tempfile.TemporaryDirectory() as tmp:
        if server is None:
            with postgres.throwaway_cluster() as started:
                return await run_on(started, n, rounds, runs, Path(tmp))
        return await run_on(server, n, rounds, runs, Path(tmp))


async def run_on(
    server: str, n: int, rounds: int, runs: dict[str, list[Figures]], tmp: Path
) -> list[str]:
    for r in range(rounds):
        runs["sqlite"].append(await measure(f"sqlite:///{tmp / f'r{r}.db'}", 1, n, tmp / f"s{r}"))
        async with postgres.fresh_database(server) as url:
            runs["pg1"].append(await measure(url, 1, n, tmp / f"p{r}"))
        async with postgres.fresh_database(server) as url:
            runs["pg2"].append(await measure(url, 2, n, tmp / f"q{r}", broadcast=True))
    rate = {k: statistics.median(f.posts_per_s for f in v) for k, v in runs.items()}
    waits = {k: [w for f in v for w in f.waits] for k, v in runs.items()}
    base = rate["sqlite"]
    names = {
        "sqlite": "SQLite, one process, long polling (baseline)",
        "pg1": "PostgreSQL, one webhook worker",
        "pg2": "PostgreSQL, two webhook workers, a balancer alternating",
    }
    lines = [
        f"group posts handled per second, and a private message's wait for its answer ({n} "
        f"posts in 10 groups, 2 in 100 suspicious; then 100 people send /help, 20 a second; "
        f"real `python -m bot` processes; median of {rounds} rounds)",
        "| run | posts/s | ÷ baseline | answer p50 | answer p99 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for key, name in names.items():
        lines.append(
            f"| {name} | {rate[key]:.0f} | {rate[key] / base:.2f} | "
            f"{p(waits[key], 0.5) * 1000:.0f} ms | {p(waits[key], 0.99) * 1000:.0f} ms |"
        )
    casts = [f for f in runs["pg2"] if f.broadcast_s is not None]
    floor = BROADCAST / 30
    seconds = statistics.median(f.broadcast_s or 0.0 for f in casts)
    lines += [
        "",
        f"a {BROADCAST}-group broadcast queued at once, two workers on PostgreSQL, the sandbox "
        f"enforcing Telegram's limits (median of {len(casts)})",
        "| run | seconds | ÷ floor (N/30 s) | refused (429) |",
        "| --- | ---: | ---: | ---: |",
        f"| one outbox sender among two workers | {seconds:.2f} | {seconds / floor:.3f} "
        f"(goal ≤ 1.1) | {max(f.refused or 0 for f in casts)} |",
    ]
    return lines


if __name__ == "__main__":
    for line in asyncio.run(run()):
        print(line)
