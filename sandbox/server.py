"""A local Bot API server that is as strict as Telegram, plus a driving API for tests and the demo.

The bot talks to it over real HTTP (``BOT_API_BASE_URL=http://127.0.0.1:PORT/bot``). Tests and the
demo drive it in-process: make people and groups, post messages, press buttons, add the bot to a
group, and wait for what the bot sent. Its parts: sandbox/http.py (the HTTP layer),
sandbox/methods.py (the Bot API methods), sandbox/driving.py (the driving API), over the state in
sandbox/state.py.
"""

from __future__ import annotations

from sandbox.driving import DrivingApi
from sandbox.http import HttpServer
from sandbox.methods import BotApiMethods
from sandbox.state import Fault, Faults, Sent, TranscriptEntry

__all__ = ["Fault", "Faults", "Sandbox", "Sent", "TranscriptEntry"]


class Sandbox(DrivingApi, BotApiMethods, HttpServer):
    """The local Bot API server and its driving API."""

    def __init__(
        self,
        *,
        bot_username: str = "linli_sandbox_bot",
        bot_name: str = "邻里小助手",
        self_check: bool = True,
    ) -> None:
        super().__init__(bot_username=bot_username, bot_name=bot_name, self_check=self_check)
        self._methods = self.method_table()

    async def stop(self) -> None:
        await self._drop_webhook()
        await super().stop()
