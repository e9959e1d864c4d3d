"""The HTTP layer to the Bot API: a few quick retries for calls a handler makes while a person
waits (who is this, answer the button), when Telegram stumbles (5xx, dropped connection,
timeout, a short 429). Calls that change a chat are not retried here: they go through the
outbox, which has its own retries and knows what was already delivered.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from telegram.error import NetworkError
from telegram.request import HTTPXRequest, RequestData

log = logging.getLogger(__name__)

# Reading, or answering a button press: doing them twice changes nothing a person sees.
RETRIED = frozenset(
    {"getChatMember", "getChat", "getMe", "getChatAdministrators", "answerCallbackQuery"}
)
ATTEMPTS = 3
PAUSE_S = 0.2
MAX_WAIT_S = 3.0  # a 429 asking for longer is left to the caller


def _retry_after(payload: bytes) -> float | None:
    try:
        body: Any = json.loads(payload)
        return float(body["parameters"]["retry_after"])
    except (ValueError, KeyError, TypeError):
        return None


class RetryingRequest(HTTPXRequest):
    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        if name not in RETRIED:
            return await super().do_request(url, method, request_data, *args, **kwargs)
        for attempt in range(1, ATTEMPTS + 1):
            last = attempt == ATTEMPTS
            try:
                code, payload = await super().do_request(url, method, request_data, *args, **kwargs)
            except NetworkError as exc:  # TimedOut included
                if last:
                    raise
                log.info("%s failed (%s); trying again", name, exc)
                await asyncio.sleep(PAUSE_S * attempt)
                continue
            if code >= 500 and not last:
                log.info("%s answered %d; trying again", name, code)
                await asyncio.sleep(PAUSE_S * attempt)
                continue
            if code == 429 and not last:
                wait = _retry_after(payload)
                if wait is not None and wait <= MAX_WAIT_S:
                    await asyncio.sleep(wait)
                    continue
            return code, payload
        raise AssertionError("unreachable")
