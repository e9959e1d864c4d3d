"""Long polling keeps each getUpdates answer before confirming it: what a killed process had
confirmed but not handled is handled at the next start, once."""

from __future__ import annotations

import json

from bot import texts
from bot.clock import SystemClock
from storage import Database
from tests.conftest import Community, StartLinli, stopped


async def test_an_answer_kept_but_not_handled_is_handled_at_the_next_start(
    start_linli: StartLinli, community: Community, database_url: str
) -> None:
    sb, c = community.sb, community
    linli = await start_linli(loose=True)
    await sb.add_bot(c.building, c.admin, admin=True)
    await sb.next_message(c.building)
    await stopped(linli)
    # As a process killed right after confirming would leave it: Telegram will not give
    # this complaint again, the database has it.
    message = sb._store_user_message(
        c.building, c.auntie, text="#投诉 3号楼电梯又坏了", caption=None, reply_to=None, extra={}
    )
    answer = {
        "ok": True,
        "result": [{"update_id": 900_001, "message": sb._message_to_api(message)}],
    }
    db = await Database.open(database_url, SystemClock())
    async with db.transaction() as tx:
        await tx.polled.keep(900_001, json.dumps(answer, ensure_ascii=False))
    await db.close()

    linli = await start_linli(loose=True)
    ack = await sb.next_message(c.building, containing="#1")
    assert "已登记为 #1" in ack.text
    card = await sb.next_message(c.committee, containing="#1")
    assert "电梯" in card.text
    await sb.settle()
    assert linli.db
    async with linli.db.read() as tx:
        assert await tx.polled.waiting() == []  # handled, so forgotten
    await stopped(linli)
    linli = await start_linli(loose=True)  # and not handled again
    await sb.settle()
    assert sum("#1" in s.text for s in sb.sent_to(c.building)) == 1
    assert not any(texts.TRY_LATER == s.text for s in sb.sent_to(c.building))
