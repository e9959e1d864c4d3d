"""Running `python -m bot` as a real process in tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class BotProcess:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc.stderr
        async for raw in self.proc.stderr:
            self.lines.append(raw.decode(errors="replace").rstrip())

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    async def wait(self, timeout: float = 20.0) -> int:
        code = await asyncio.wait_for(self.proc.wait(), timeout)
        await self._reader
        return code


async def until(
    condition: Callable[[], bool], bot: BotProcess | None = None, timeout: float = 20.0
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if bot and bot.proc.returncode is not None:
            raise AssertionError(f"the bot exited early:\n{bot.log}")
        if loop.time() > deadline:
            raise AssertionError("timed out" + (f"\n{bot.log}" if bot else ""))
        await asyncio.sleep(0.05)
