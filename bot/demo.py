"""`python -m bot demo`: the sandbox and the real bot in one process, a short scripted scene,
and a readable transcript in Chinese. Each feature adds its scene here."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bot.app import Linli
from bot.config import Settings
from sandbox import Sandbox

TITLE = "邻里小助手 · 演示（本地模拟的 Telegram，不联网）"


async def run_demo() -> int:
    with tempfile.TemporaryDirectory(prefix="linli-demo-") as tmp:
        async with Sandbox(bot_username="linli_demo_bot") as sb:
            secretary = sb.add_user("李书记")
            director = sb.add_user("张主任")
            auntie = sb.add_user("王阿姨")
            neighbour = sb.add_user("赵师傅")
            committee = sb.add_group("社区工作群", owner=secretary, members=[director])
            building = sb.add_group("3号楼业主群", owner=secretary, members=[auntie, neighbour])
            hobby = sb.add_group("广场舞交流群", owner=neighbour, members=[auntie])
            await sb.add_bot(committee, secretary, admin=True)

            settings = Settings(
                bot_token=sb.token,
                bot_api_base_url=sb.base_url,
                database_url=f"sqlite:///{Path(tmp) / 'demo.db'}",
                committee_chat_id=committee.id,
                admin_user_ids=frozenset({secretary.id}),
                _env_file=None,  # type: ignore[call-arg]
            )
            linli = Linli(settings, poll_timeout=1.0)
            await linli.start()
            try:
                await sb.next_message(committee)

                await sb.send(auntie, None, "/start")
                menu = await sb.next_message(auntie)
                await sb.send(auntie, None, "/help")
                await sb.next_message(auntie)
                query = await sb.press(auntie, menu, "提交微心愿")
                await sb.callback_answer(query)

                await sb.add_bot(building, director, admin=True)
                await sb.next_message(building)
                await sb.send(auntie, building, "/help")
                await sb.next_message(building)

                await sb.add_bot(hobby, neighbour)
                await sb.next_message(hobby)
                await sb.send(neighbour, hobby, "/bind")
                await sb.next_message(hobby)
                await sb.send(auntie, hobby, "大家晚上七点广场见！")
                await sb.settle()
            finally:
                await linli.stop()
    print(TITLE)
    print("=" * 40)
    print(sb.format_transcript())
    print("=" * 40)
    print("演示结束。")
    return 0
