"""A load balancer with no health checks, for the several-workers scene and benchmark: each post
goes to the next worker in turn; a dead one's turn answers 502, and the sandbox (like Telegram)
posts that update again later."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web


class Alternating:
    def __init__(self, targets: list[str] | None = None) -> None:
        self.send_to(targets or [])
        self._session: aiohttp.ClientSession | None = None

    def send_to(self, targets: list[str]) -> None:
        """The workers' URLs, in turn from now on; `by_target` counts the posts each accepted."""
        self.targets = targets
        self.sent = 0
        self.by_target = dict.fromkeys(targets, 0)

    async def handle(self, request: web.Request) -> web.Response:
        if not self.targets or self._session is None:
            return web.Response(status=502, text="no worker")
        target = self.targets[self.sent % len(self.targets)]
        self.sent += 1
        try:
            async with self._session.post(
                target, data=await request.read(), headers=dict(request.headers)
            ) as response:
                if response.status == 200:
                    self.by_target[target] += 1
                return web.Response(status=response.status, body=await response.read())
        except (aiohttp.ClientError, OSError):
            return web.Response(status=502, text="worker gone")

    @contextlib.asynccontextmanager
    async def serving(self, port: int) -> AsyncIterator[str]:
        """Listen on 127.0.0.1:port; yields the URL Telegram is to post to."""
        self._session = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_post("/telegram", self.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            yield f"http://127.0.0.1:{port}/telegram"
        finally:
            await runner.cleanup()
            await self._session.close()
