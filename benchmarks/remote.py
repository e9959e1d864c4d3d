"""The sandbox in a process of its own, for throughput figures: Telegram's work (storing and
serialising posts, answering getUpdates) is not the bot's, so it should not share the bot's
CPU. `python -m benchmarks.remote N SUSPICIOUS LATENCY` builds the world, prints it as one
JSON line, pushes N posts when it reads `go`, and exits when it reads `stop`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sys

from sandbox import Sandbox
from sandbox.world import Chat


async def stop_remote(proc: asyncio.subprocess.Process) -> None:
    """Tell a remote world to stop (its stdin says `stop`); kill it if it does not."""
    assert proc.stdin
    with contextlib.suppress(Exception):
        proc.stdin.write(b"stop\n")
        await proc.stdin.drain()
    try:
        await asyncio.wait_for(proc.wait(), 10)
    except TimeoutError:
        proc.kill()
        await proc.wait()


def world_line(sb: Sandbox, committee: Chat, chats: list[Chat], **extra: object) -> str:
    """The world as the benchmark process needs it, as one JSON line."""
    return json.dumps(
        {
            "base_url": sb.base_url,
            "token": sb.token,
            "committee": committee.id,
            "groups": [[c.id, c.title] for c in chats],
            **extra,
        }
    )


async def main(n: int, suspicious: float, latency: float) -> None:
    from benchmarks.throughput import posts, world

    async with Sandbox(self_check=False) as sb:
        committee, chats, people = world(sb)
        if latency:  # Telegram far away: every call a handler waits for takes this long
            for method in ("getChatMember", "answerCallbackQuery"):
                sb.faults.fail_next(method, status=200, delay=latency, times=10**9)
        print(world_line(sb, committee, chats), flush=True)
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        assert (await reader.readline()).strip() == b"go"
        rng = random.Random(9)
        for text in posts(n, suspicious):
            await sb.send(rng.choice(people), rng.choice(chats), text)
        await reader.readline()  # stop


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])))
