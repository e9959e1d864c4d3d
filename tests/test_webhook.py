"""Webhook mode, one worker: Telegram posts updates with the secret, the bot stores each before
answering and handles it from the inbox; a post without the secret is refused and changes
nothing; an update posted twice is handled once; polling is refused while the webhook is set."""

from __future__ import annotations

import aiohttp
import pytest
from telegram import Bot
from telegram.error import Conflict

from bot.app import Linli
from sandbox import Sandbox
from sandbox.postgres import free_port
from tests.conftest import Community, StartLinli

SECRET = "s3cret_token-1"


@pytest.fixture
async def hooked(start_linli: StartLinli, community: Community) -> Linli:
    port = free_port()
    linli = await start_linli(
        loose=True,
        webhook_url=f"http://127.0.0.1:{port}/telegram",
        webhook_listen=f"127.0.0.1:{port}",
        webhook_secret=SECRET,
    )
    await community.sb.add_bot(community.building, community.admin, admin=True)
    await community.sb.next_message(community.building)
    return linli


def webhook_url(sb: Sandbox) -> str:
    assert sb.webhook is not None
    return sb.webhook.url


async def test_residents_and_staff_use_the_bot_as_before_through_the_webhook(
    hooked: Linli, community: Community
) -> None:
    sb, c = community.sb, community
    assert webhook_url(sb).endswith("/telegram") and sb.webhook and sb.webhook.secret == SECRET
    await sb.send(c.auntie, None, "/start")
    assert "邻里小助手" in (await sb.next_message(c.auntie)).text
    await sb.send(c.auntie, c.building, "#投诉 3号楼电梯坏了一周")
    assert "#1" in (await sb.next_message(c.building)).text
    card = await sb.next_message(c.committee)
    await sb.press(c.staff, card, "受理")
    assert "处理中" in (await sb.wait_for_edit(card, "处理中")).text
    assert "已受理" in (await sb.next_message(c.auntie, containing="已受理")).text
    async with Bot(sb.token, base_url=sb.base_url) as bot:
        with pytest.raises(Conflict):
            await bot.get_updates(timeout=0)


async def test_a_post_without_the_secret_is_refused_and_changes_nothing(
    hooked: Linli, community: Community
) -> None:
    sb, c = community.sb, community
    forged = {
        "update_id": 999_001,
        "message": {
            "message_id": 77,
            "date": 1_796_000_000,
            "chat": c.building.to_api(),
            "from": c.auntie.to_api(),
            "text": "/wish 假冒的请求",
        },
    }
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}):
            async with http.post(webhook_url(sb), json=forged, headers=headers) as response:
                assert response.status == 401
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with http.post(webhook_url(sb), data="not json", headers=headers) as response:
            assert response.status == 400
    await sb.settle()
    assert hooked.db
    async with hooked.db.read() as tx:
        assert await tx.tickets.all() == []
        assert await tx.inbox.count_waiting() == 0
    assert hooked.receiver and hooked.receiver.refused == 2
    assert not any("假冒" in m.text for m in sb.sent_to(c.building))


async def test_an_update_posted_twice_is_handled_once(hooked: Linli, community: Community) -> None:
    sb, c = community.sb, community
    await sb.send(c.auntie, c.building, "#微心愿 想请人教孩子下围棋")
    assert "#1" in (await sb.next_message(c.building)).text
    await sb.redeliver(sb.last_update_id)
    await sb.settle()
    assert hooked.db
    async with hooked.db.read() as tx:
        assert len(await tx.tickets.all()) == 1
    assert [m for m in sb.sent_to(c.building) if "#1" in m.text][1:] == []
    assert sb.webhook and sb.webhook.delivered.count(sb.last_update_id) == 2
