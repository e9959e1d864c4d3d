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
                await sb.press(auntie, menu, "接待日")

                await sb.add_bot(building, director, admin=True)
                await sb.next_message(building)
                await sb.send(auntie, building, "/help")
                await sb.next_message(building)

                await sb.add_bot(hobby, neighbour)
                await sb.next_message(hobby)
                await sb.send(neighbour, hobby, "/bind")
                await sb.next_message(hobby)
                await sb.send(auntie, hobby, "大家晚上七点广场见！")

                # 微心愿: written in a private conversation, claimed, done, rated.
                await sb.press(auntie, menu, "提交微心愿")
                await sb.next_message(auntie)
                await sb.send(auntie, None, "想请人帮忙换一下楼道的灯泡，我够不着")
                question = await sb.next_message(auntie)
                await sb.press(auntie, question, "不加照片")
                confirm = await sb.next_message(auntie)
                await sb.press(auntie, confirm, "确认提交")
                await sb.next_message(auntie)
                card = await sb.next_message(committee)
                await sb.press(director, card, "认领")
                card = await sb.wait_for_edit(card, "已认领")
                await sb.next_message(auntie)
                await sb.press(director, card, "完成")
                rating = await sb.next_message(auntie)
                await sb.callback_answer(await sb.press(auntie, rating, "满意"))
                await sb.settle()

                # 投诉 in a group: routed to 物业, the resident opens the link, 受理, 完成.
                await sb.send(neighbour, building, "#投诉 3号楼电梯坏了一周了，老人上下楼很难")
                await sb.next_message(building)
                card = await sb.next_message(committee)
                await sb.send(neighbour, None, "/start t2")
                await sb.next_message(neighbour)
                await sb.press(director, card, "受理")
                card = await sb.wait_for_edit(card, "处理中")
                await sb.next_message(neighbour)
                await sb.press(director, card, "完成")
                rating = await sb.next_message(neighbour)
                await sb.callback_answer(await sb.press(neighbour, rating, "基本满意"))
                await sb.settle()
            finally:
                await linli.stop()
    print(TITLE)
    print("=" * 40)
    print(sb.format_transcript())
    print("=" * 40)
    print("演示结束。")
    return 0
