"""An update Telegram hands out again causes no second side effect."""

from __future__ import annotations

from bot.app import Linli
from tests.conftest import Community


async def test_a_redelivered_command_is_answered_once(linli: Linli, community: Community) -> None:
    sb = community.sb
    await sb.send(community.auntie, None, "/start")
    await sb.next_message(community.auntie)
    first_update = sb.last_update_id
    await sb.redeliver(first_update)
    await sb.send(community.auntie, None, "/id")  # a fresh update after the redelivered one
    assert "用户 ID" in (await sb.next_message(community.auntie)).text
    await sb.settle()
    assert [s.text.startswith("王阿姨，您好") for s in sb.sent_to(community.auntie)] == [
        True,
        False,
    ]


async def test_a_redelivered_bot_added_update_binds_and_welcomes_once(
    linli: Linli, community: Community
) -> None:
    sb = community.sb
    await sb.add_bot(community.building, community.admin)
    await sb.next_message(community.building)
    added = next(uid for uid in sb.update_ids if "my_chat_member" in sb.update(uid))
    await sb.redeliver(added)
    await sb.settle()
    assert linli.services and await linli.services.outbox.flush(timeout=5)
    assert len(sb.sent_to(community.building)) == 1
    assert linli.db
    async with linli.db.read() as tx:
        events = await tx.events.for_subject(f"chat:{community.building.id}")
    assert [e.action for e in events] == ["chat_bound"]
