"""The sandbox's HTTP layer: the Bot API's URL shape, token, parameters (query, JSON or form),
injected faults, and Telegram's error bodies."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Self

from aiohttp import web

from sandbox.spec import ApiError, validate_call
from sandbox.state import SandboxState


class HttpServer(SandboxState):
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://{host}:{bound}/bot"
        return self.base_url

    async def stop(self) -> None:
        # End pending long polls now: aiohttp keeps a handler running after its client is gone
        # (say, a bot killed with SIGKILL), and cleanup would wait for it.
        self._closing = True
        async with self._changed:
            self._changed.notify_all()
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self._last_call = time.monotonic()
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        method = self.spec.method_name(request.match_info["method"])
        if method is None:
            return _error(ApiError(404, "Not Found"))
        try:
            params = await _read_params(request)
        except ValueError:
            return _error(ApiError(400, "Bad Request: can't parse request body"))
        self.calls.append((method, params))
        fault = self.faults.take(method, params.get("chat_id"))
        if fault:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.drop:
                if request.transport:
                    request.transport.close()
                raise ConnectionResetError("sandbox dropped the connection")
            if fault.status != 200:
                extra = {"retry_after": fault.retry_after} if fault.retry_after else {}
                return _error(ApiError(fault.status, fault.description, **extra))
        try:
            decoded = validate_call(self.spec, method, params)
            handler = self._methods.get(method)
            if handler is None:
                raise ApiError(400, f"Bad Request: method {method} is not supported by the sandbox")
            result = await handler(decoded)
        except ApiError as exc:
            return _error(exc)
        finally:
            self._last_call = time.monotonic()
        return web.json_response({"ok": True, "result": result}, dumps=_dumps)


async def _read_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return params
    ctype = request.content_type
    if ctype == "application/json":
        body = await request.json()
        if not isinstance(body, dict):
            raise ValueError("JSON body must be an object")
        params.update(body)
    else:
        form = await request.post()
        for key, value in form.items():
            # A file part stays aiohttp's FileField: its file name is part of what was sent.
            params[key] = value
    return params


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _error(exc: ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return web.json_response(body, status=exc.code, dumps=_dumps)
