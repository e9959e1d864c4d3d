"""Telegram's side of benchmarks/workers.py, in a process of its own: the sandbox and a load
balancer that sends each webhook post to the next worker in turn (no health checks).

`python -m benchmarks.remote_hook` prints the world as one JSON line, then answers one line of
JSON per command read from stdin:
  targets URL,URL       the workers the balancer sends to
  posts N               N group posts (ordinary chat, 2 in 100 suspicious); answers when pushed
  confirmed             (long polling) answers when every update was handled and confirmed
  ask M RATE            M people send /help in private, RATE a second; answers their waits (s)
  broadcast_groups N    N more groups with the bot in them; answers their ids
  flood on              enforce Telegram's limits (429 with retry_after) from now on
  wait_sent N SINCE     answers when N messages went to the broadcast groups: seconds from
                        the first, and the 429s returned
  stop
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from typing import Any

from sandbox import Sandbox
from sandbox.balancer import Alternating
from sandbox.postgres import free_port
from sandbox.world import Chat, Member


async def main() -> None:
    from benchmarks.remote import world_line
    from benchmarks.throughput import posts, world

    async with Sandbox(self_check=False) as sb:
        committee, chats, people = world(sb)
        balancer = Alternating()
        async with balancer.serving(free_port()) as public_url:
            print(world_line(sb, committee, chats, public_url=public_url), flush=True)
            loop = asyncio.get_running_loop()
            reader = asyncio.StreamReader()
            await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
            rng = random.Random(9)
            extra: list[Chat] = []
            asked = 0
            while (line := (await reader.readline()).decode().split()) and line[0] != "stop":
                command, args = line[0], line[1:]
                answer: Any = "ok"
                if command == "targets":
                    balancer.send_to(args[0].split(","))
                elif command == "posts":
                    for text in posts(int(args[0]), 0.02):
                        await sb.send(rng.choice(people), rng.choice(chats), text)
                elif command == "confirmed":
                    await sb.until_confirmed()
                elif command == "ask":
                    answer = await ask(sb, int(args[0]), float(args[1]), first=asked)
                    asked += int(args[0])
                elif command == "broadcast_groups":
                    admin = sb.add_user("街道管理员")
                    for _ in range(int(args[0])):
                        group = sb.add_group(f"{len(extra)}号楼通知群", owner=admin)
                        group.members[sb.bot.id] = Member("member")
                        extra.append(group)
                    answer = [g.id for g in extra]
                elif command == "flood":
                    sb.flood.enabled = args[0] == "on"
                elif command == "wait_sent":
                    answer = await wait_sent(sb, {g.id for g in extra}, int(args[0]))
                print(json.dumps(answer), flush=True)


async def ask(sb: Sandbox, m: int, rate: float, *, first: int) -> list[float]:
    """Each of m new people sends /help in private; how long until the bot's answer came."""
    people = [sb.add_user(f"问路人{first + i}") for i in range(m)]

    async def one(i: int) -> float:
        await asyncio.sleep(i / rate)
        started = time.perf_counter()
        await sb.send(people[i], None, "/help")
        await sb.next_message(people[i], timeout=60)
        return time.perf_counter() - started

    return list(await asyncio.gather(*(one(i) for i in range(m))))


async def wait_sent(sb: Sandbox, chats: set[int], n: int) -> dict[str, float]:
    await sb.until_sent_to(chats, n)
    return {"refused": sb.flood.refused}


if __name__ == "__main__":
    asyncio.run(main())
