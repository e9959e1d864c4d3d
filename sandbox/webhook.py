"""The sandbox's webhook, as Telegram's: setWebhook / deleteWebhook / getWebhookInfo, and the
updates posted to the URL with the secret header, each until it is answered with a 2xx.

Like Telegram: getUpdates is refused (409) while a webhook is set; a post that fails (no
connection, a timeout, any non-2xx status) is retried after a pause and the error shows in
getWebhookInfo; several posts are in flight at once (up to max_connections), but one chat's
next update waits until its previous one was accepted, so a chat's order survives.
(Telegram does not document the last point; it is how its delivery behaves, and the bot relies
on no more than that.) A local server takes http:// URLs too, as a self-hosted Bot API server
started with --local does.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from sandbox.spec import ApiError
from sandbox.state import SandboxState

SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
RETRY_S = 0.3  # Telegram waits longer; the tests need not
POST_TIMEOUT_S = 10.0


@dataclass
class Webhook:
    url: str
    secret: str | None
    max_connections: int
    allowed: set[str] | None
    last_error_date: int | None = None
    last_error_message: str | None = None
    delivered: list[int] = field(default_factory=list)  # update ids, in the order accepted
    posts: int = 0


def _chat_of(update: dict[str, Any]) -> object:
    for kind, payload in update.items():
        if kind == "update_id" or not isinstance(payload, dict):
            continue
        if kind == "callback_query":
            message = payload.get("message") or {}
            return (message.get("chat") or {}).get("id") or (payload.get("from") or {}).get("id")
        chat = payload.get("chat") or {}
        return chat.get("id") or (payload.get("from") or {}).get("id")
    return None


class WebhookDelivery(SandboxState):
    _webhook_task: asyncio.Task[None] | None = None

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url", ""))
        if not url:
            await self._drop_webhook()
            return True
        if not re.match(r"^https?://[^/\s]+", url):
            raise ApiError(400, "Bad Request: bad webhook: invalid URL")
        secret = params.get("secret_token")
        if secret is not None and not SECRET.match(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        connections = int(params.get("max_connections", 40))
        if not 1 <= connections <= 100:
            raise ApiError(400, "Bad Request: bad webhook: max_connections must be 1-100")
        if params.get("allowed_updates") is not None:
            self._allowed = set(params["allowed_updates"]) or self._allowed
        if params.get("drop_pending_updates"):
            self._pending.clear()
        await self._drop_webhook()
        self.webhook = Webhook(url, secret, connections, None)
        self._webhook_task = asyncio.create_task(self._deliver_posts(self.webhook))
        return True

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        if params.get("drop_pending_updates"):
            self._pending.clear()
        await self._drop_webhook()
        return True

    async def _drop_webhook(self) -> None:
        task, self._webhook_task, self.webhook = self._webhook_task, None, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        hook = self.webhook
        info: dict[str, Any] = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info

    def _refuse_polling(self) -> None:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )

    async def _deliver_posts(self, hook: Webhook) -> None:
        in_flight: dict[int, asyncio.Task[None]] = {}  # update id -> its post
        busy: set[object] = set()  # chats with a post in flight
        async with aiohttp.ClientSession() as session:
            try:
                while True:
                    async with self._changed:
                        # Updates the bot did not ask for are dropped, as Telegram does.
                        self._pending = [u for u in self._pending if self._wanted(u)]
                        ready = [
                            u
                            for u in self._pending
                            if u["update_id"] not in in_flight and _chat_of(u) not in busy
                        ]
                        if not ready or len(in_flight) >= hook.max_connections:
                            with contextlib.suppress(TimeoutError):
                                async with asyncio.timeout(0.2):
                                    await self._changed.wait()
                            continue
                    for update in ready:
                        chat = _chat_of(update)
                        if len(in_flight) >= hook.max_connections or chat in busy:
                            continue
                        busy.add(chat)

                        def finished(uid: int = update["update_id"], c: object = chat) -> None:
                            in_flight.pop(uid, None)
                            busy.discard(c)

                        in_flight[update["update_id"]] = asyncio.create_task(
                            self._post(session, hook, update, finished)
                        )
            finally:
                for task in in_flight.values():
                    task.cancel()

    async def _post(
        self,
        session: aiohttp.ClientSession,
        hook: Webhook,
        update: dict[str, Any],
        finished: Callable[[], None],
    ) -> None:
        """Post until accepted; `finished` frees its chat before the delivery loop is woken."""
        try:
            await self._post_until_accepted(session, hook, update)
        finally:
            finished()
            async with self._changed:
                self._changed.notify_all()

    async def _post_until_accepted(
        self, session: aiohttp.ClientSession, hook: Webhook, update: dict[str, Any]
    ) -> None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": hook.secret} if hook.secret else {}
        while self.webhook is hook:
            hook.posts += 1
            try:
                async with session.post(
                    hook.url,
                    json=update,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=POST_TIMEOUT_S),
                ) as response:
                    if 200 <= response.status < 300:
                        break
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                error = f"Connection failed: {type(exc).__name__}"
            hook.last_error_date, hook.last_error_message = int(time.time()), error
            await asyncio.sleep(RETRY_S)
        else:
            return
        hook.delivered.append(update["update_id"])
        async with self._changed:
            self._pending = [u for u in self._pending if u["update_id"] != update["update_id"]]
            self._fetched_up_to = max(self._fetched_up_to, update["update_id"])
