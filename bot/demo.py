"""`python -m bot demo`: the sandbox and the real bot in one process, a short scripted scene,
and a readable transcript in Chinese. Each feature adds its scene here."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import Linli
from bot.clock import ManualClock
from bot.config import Settings
from sandbox import Sandbox

SHANGHAI = ZoneInfo("Asia/Shanghai")

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
            building5 = sb.add_group("5号楼业主群", owner=secretary, members=[neighbour, auntie])
            volunteer = sb.add_user("党员小李")
            volunteers = sb.add_group("邻里志愿者群", owner=secretary, members=[volunteer])
            await sb.add_bot(committee, secretary, admin=True)

            settings = Settings(
                bot_token=sb.token,
                bot_api_base_url=sb.base_url,
                database_url=f"sqlite:///{Path(tmp) / 'demo.db'}",
                committee_chat_id=committee.id,
                volunteer_chat_id=volunteers.id,
                admin_user_ids=frozenset({secretary.id}),
                _env_file=None,
            )
            # The scene plays on Monday 14 December 2026, from 18:00 in Shanghai.
            clock = ManualClock(datetime(2026, 12, 14, 18, 0, tzinfo=SHANGHAI))
            # The script drives reminders and the digest itself, so they come where it says.
            linli = Linli(settings, clock=clock, poll_timeout=1.0, clock_tick=None)
            await linli.start()
            try:
                await sb.next_message(committee)
                await sb.add_bot(volunteers, secretary)
                await sb.next_message(volunteers)

                await sb.send(auntie, None, "/start")
                menu = await sb.next_message(auntie)
                await sb.send(auntie, None, "/help")
                await sb.next_message(auntie)

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
                card = await sb.next_message(committee, containing="#1")
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
                card = await sb.next_message(committee, containing="#2")
                await sb.send(neighbour, None, "/start t2")
                await sb.next_message(neighbour)
                await sb.press(director, card, "受理")
                card = await sb.wait_for_edit(card, "处理中")
                await sb.next_message(neighbour)
                await sb.press(director, card, "完成")
                rating = await sb.next_message(neighbour)
                await sb.callback_answer(await sb.press(neighbour, rating, "基本满意"))
                await sb.settle()

                # A voice note in private: asked which kind it is, filed; staff get the voice.
                await sb.send(auntie, None, voice_seconds=15)
                asked = await sb.next_message(auntie)
                await sb.press(auntie, asked, "投诉/报修")
                await sb.press(auntie, await sb.next_message(auntie), "不加照片")
                await sb.press(auntie, await sb.next_message(auntie), "确认提交")
                await sb.next_message(auntie, containing="#3")
                await sb.next_message(committee, containing="#3 的语音")

                # An emergency: the numbers to call at once, an urgent card for staff.
                await sb.send(neighbour, building, "#报修 5号楼电梯里困人了！快来人")
                await sb.next_message(building, containing="先打电话")
                card = await sb.next_message(committee, containing="紧急")
                await sb.press(director, card, "受理")
                await sb.wait_for_edit(card, "处理中")
                await sb.settle()

                # 接待日: staff set the rule once; residents ask; the evening-before reminder
                # reaches every resident group; the 日报 arrives the next morning.
                await sb.add_bot(building5, secretary)
                await sb.next_message(building5)
                await sb.send(
                    director, committee, "/reception add 每月15日 09:00-11:00 居委会一楼 联合接待日"
                )
                await sb.next_message(committee, containing="已添加")
                await sb.press(auntie, menu, "接待日")
                await sb.next_message(auntie)
                await sb.send(neighbour, building5, "/reception")
                await sb.next_message(building5)

                # Screening: ordinary chat is untouched; a rumour goes to the moderators, who
                # confirm it and leave a clarification; its repeat elsewhere is answered at once.
                await sb.send(auntie, building, "谁家今晚有空？帮我收一下快递，谢谢啦")
                await sb.send(
                    neighbour, building, "紧急通知！内部消息，明天全小区停水三天，赶紧转发给家里人"
                )
                review = await sb.next_message(committee, containing="待审核")
                await sb.press(director, review, "确认谣言")
                await sb.next_message(building, containing="不实")
                prompt = await sb.next_message(committee, containing="谣言#")
                await sb.send(
                    director,
                    committee,
                    "经向自来水公司核实，近期没有停水计划。",
                    reply_to=prompt.message_id,
                )
                await sb.next_message(building, containing="澄清")
                await sb.send(auntie, building5, "内部消息：明天全小区停水3天！！赶紧转发")
                await sb.next_message(building5, containing="核实过")
                await sb.settle()

                assert linli.services is not None
                clock.set(datetime(2026, 12, 14, 19, 0, tzinfo=SHANGHAI))
                await linli.services.reception.tick()
                await sb.next_message(building, containing="明天")
                await sb.next_message(building5, containing="明天")
                clock.set(datetime(2026, 12, 15, 8, 0, tzinfo=SHANGHAI))
                await linli.services.digest.tick()
                await sb.next_message(committee, containing="日报")
                await sb.settle()

                # Volunteers: a new wish reaches their chat without the resident's name; one
                # of them claims it, gets her contact in private, and finishes it.
                await sb.send(volunteer, None, "/start")
                await sb.next_message(volunteer)
                await sb.send(auntie, None, "/wish 想请人周末陪我去社区医院复查")
                card = await sb.next_message(volunteers, containing="微心愿 #5")
                await sb.callback_answer(await sb.press(volunteer, card, "认领"))
                details = await sb.next_message(volunteer, containing="#5")
                await sb.next_message(auntie, containing="有人认领了")
                await sb.callback_answer(await sb.press(volunteer, details, "完成"))
                rating = await sb.next_message(auntie, containing="评价")
                await sb.callback_answer(await sb.press(auntie, rating, "满意"))
                await sb.settle()

                # The facade vote: households register, groups are tied to their buildings,
                # the committee asks, one ballot per household, the result with a chart.
                for person, home in ((auntie, "3号楼502"), (neighbour, "5号楼101")):
                    await sb.send(person, None, f"/home {home}")
                    offer = await sb.next_message(person, containing="对吗")
                    await sb.callback_answer(await sb.press(person, offer, "对，就是这里"))
                    await sb.wait_for_edit(offer, "已登记")
                for group, tie in ((building, "3号楼"), (building5, "5号楼")):
                    await sb.send(secretary, group, f"/bind {tie}")
                    await sb.next_message(group, containing="本群对应")
                await sb.send(
                    director,
                    committee,
                    "/vote 外墙颜色选哪种？ | 米黄 | 浅灰 | 砖红 | 截止 2026-12-20 18:00"
                    " | 范围 3号楼,5号楼",
                )
                await sb.next_message(committee, containing="号投票")
                for person, choice in ((auntie, "米黄"), (neighbour, "浅灰")):
                    await sb.send(person, None, "/start vote_1")
                    ballot = await sb.next_message(person, containing="外墙颜色")
                    await sb.callback_answer(await sb.press(person, ballot, choice))
                clock.set(datetime(2026, 12, 20, 18, 1, tzinfo=SHANGHAI))
                await linli.services.votes.tick()
                # The chart is drawn as it is sent: matplotlib may first build its font cache.
                await sb.next_message(committee, containing="投票结果", timeout=60)
                await sb.settle()

                # The month's report for the committee: two charts (when the machine has a
                # CJK font; without one, the figures alone) and the workbook, sent last.
                await sb.send(director, committee, "/report 2026-12")
                await sb.next_message(committee, containing="工单明细", timeout=60)
                await sb.settle()
            finally:
                await linli.stop()
    print(TITLE)
    print("=" * 40)
    print(sb.format_transcript())
    print("=" * 40)
    print("演示结束。")
    return 0
