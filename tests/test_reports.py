"""The monthly report (民情月报) as the committee uses it: /report sends two chart images and the
Excel workbook, /export the workbook alone, the report comes by itself on the first working day
of the month, /inspection enters the property company's score and /rating shows 三维四色."""

from __future__ import annotations

import io
import struct
from datetime import datetime

import pytest
from openpyxl import load_workbook

from bot.app import Linli
from bot.clock import ManualClock
from sandbox import Sandbox, Sent
from sandbox.state import Upload
from tests.conftest import SHANGHAI, Community, StartLinli

RULES = """
name = "西二居民区"

[households]
count = 200
"""


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def upload_of(sb: Sandbox, sent: Sent) -> Upload:
    media = sent.raw.get("document") or sent.raw["photo"][-1]
    return sb.uploads[media["file_id"]]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def complain(sb: Sandbox, c: Community, text: str) -> Sent:
    """A resident's #投诉 in the building group; the card the committee gets."""
    await sb.send(c.auntie, c.building, f"#投诉 {text}")
    await sb.next_message(c.building)
    return await sb.next_message(c.committee)


@pytest.fixture
async def month(
    sb: Sandbox, community: Community, start_linli: StartLinli
) -> tuple[Linli, ManualClock]:
    """November: three complaints (one accepted and finished, rated 满意), then one in
    December, which November's report must not hold."""
    c = community
    clock = ManualClock(at(2026, 11, 10, 9, 0))
    linli = await start_linli(clock=clock, rules=RULES, loose=True)
    await sb.add_bot(c.building, c.admin, admin=True)
    await sb.next_message(c.building)
    card = await complain(sb, c, "3号楼电梯坏了")
    await sb.press(c.staff, card, "受理")
    card = await sb.wait_for_edit(card, "处理中")
    clock.set(at(2026, 11, 11, 10, 0))
    await sb.press(c.staff, card, "完成")
    await sb.wait_for_edit(card, "已办结")
    await sb.settle()
    await complain(sb, c, "楼道灯不亮了")
    await complain(sb, c, "地下车库乱停车")
    clock.set(at(2026, 12, 1, 7, 0))
    await complain(sb, c, "垃圾桶满了没人清运")
    await sb.settle()
    return linli, clock


async def test_report_sends_two_charts_and_the_months_workbook(
    month: tuple[Linli, ManualClock], community: Community
) -> None:
    sb, c = community.sb, community
    await sb.send(c.staff, c.committee, "/report 2026-11")
    first = await sb.next_message(c.committee, timeout=60)
    second = await sb.next_message(c.committee, timeout=30)
    document = await sb.next_message(c.committee, timeout=30)
    assert first.method == second.method == "sendPhoto"
    assert "民情月报" in first.text and "2026年11月" in first.text
    assert "新工单 3 件" in first.text and "三维四色" not in first.text  # the line says 物业
    assert "物业" in first.text
    for photo in (first, second):
        width, height = png_size(upload_of(sb, photo).data)
        assert 900 <= width <= 1400 and 1200 <= height <= 2000  # portrait, a phone's screen
    assert document.method == "sendDocument"
    book = load_workbook(io.BytesIO(upload_of(sb, document).data))
    assert book.sheetnames == ["工单", "各方统计", "舆情审核"]
    tickets = book["工单"]
    assert tickets.freeze_panes == "A2"
    header = [cell.value for cell in tickets[1]]
    assert header[:3] == ["编号", "类型", "类别"] and "提交人" not in header
    numbers = [row[0] for row in tickets.iter_rows(min_row=2, values_only=True)]
    assert numbers == [1, 2, 3]  # November's, not December's #4
    created = tickets.cell(row=2, column=header.index("提交时间") + 1).value
    assert isinstance(created, datetime) and created.date().isoformat() == "2026-11-10"
    parties = book["各方统计"]
    property_row = next(r for r in parties.iter_rows(min_row=2, values_only=True) if r[1] == "物业")
    assert property_row[2] == 3 and property_row[5] == 1  # three filed, one finished


async def test_export_sends_only_the_workbook_and_bad_input_gets_an_example(
    month: tuple[Linli, ManualClock], community: Community
) -> None:
    sb, c = community.sb, community
    await sb.send(c.staff, c.committee, "/export")  # last month: November
    document = await sb.next_message(c.committee, timeout=60)
    assert document.method == "sendDocument"
    book = load_workbook(io.BytesIO(upload_of(sb, document).data))
    assert book["工单"].max_row == 4  # the header and November's three
    await sb.send(c.staff, c.committee, "/export 十一月")
    assert "/export 2026-11" in (await sb.next_message(c.committee)).text
    await sb.send(c.staff, c.committee, "/report 2027-05")
    assert "还没到" in (await sb.next_message(c.committee)).text


async def test_residents_and_other_groups_get_no_report(
    month: tuple[Linli, ManualClock], community: Community
) -> None:
    sb, c = community.sb, community
    await sb.send(c.auntie, None, "/start")
    await sb.next_message(c.auntie)
    await sb.send(c.auntie, None, "/report")
    assert "只给社区工作人员" in (await sb.next_message(c.auntie)).text
    await sb.send(c.staff, c.building, "/report")
    assert await sb.next_message(c.building, containing="工作群")
    await sb.settle()
    assert not [m for m in sb.sent_to(c.building) if m.method in ("sendPhoto", "sendDocument")]


async def test_the_report_comes_by_itself_once_on_the_first_working_day(
    month: tuple[Linli, ManualClock], community: Community
) -> None:
    sb, c = community.sb, community
    linli, clock = month
    assert not await linli.services.reports.tick()  # 07:00: not yet
    clock.set(at(2026, 12, 1, 8, 0))
    assert await linli.services.reports.tick()  # sent when it returns
    sent = [m for m in sb.sent_to(c.committee) if m.method != "sendMessage"]
    assert [m.method for m in sent] == ["sendPhoto", "sendPhoto", "sendDocument"]
    assert "2026年11月" in sent[0].text
    clock.set(at(2026, 12, 2, 8, 0))
    assert not await linli.services.reports.tick()  # once a month


async def test_inspection_score_joins_the_rating_with_its_trend(
    month: tuple[Linli, ManualClock], community: Community
) -> None:
    sb, c = community.sb, community
    await sb.send(c.staff, c.committee, "/inspection 2026-11 92")
    assert "92 分" in (await sb.next_message(c.committee)).text
    await sb.send(c.staff, c.committee, "/inspection 2026-11 95")
    assert "从 92 分改为 95 分" in (await sb.next_message(c.committee)).text
    await sb.send(c.staff, c.committee, "/inspection 九十")
    assert "/inspection 92" in (await sb.next_message(c.committee)).text
    await sb.send(c.auntie, None, "/start")
    await sb.next_message(c.auntie)
    await sb.send(c.auntie, None, "/inspection 10")
    assert "只给社区工作人员" in (await sb.next_message(c.auntie)).text
    await sb.send(c.staff, c.committee, "/rating 2026-11")
    rating = (await sb.next_message(c.committee)).text
    assert "三维四色" in rating and "物业" in rating and "巡查 95" in rating
    assert "分" in rating and "百户" in rating


async def test_the_workbook_gives_buildings_names_when_allowed_and_volunteers_claims(
    sb: Sandbox, community: Community, start_linli: StartLinli
) -> None:
    """[export] reporter_names = true puts names in the workbook; 王阿姨 registered her home
    (3号楼), 赵师傅 did not; a volunteer claimed her 微心愿, which the report counts apart."""
    c = community
    li = sb.add_user("党员小李")
    volunteers = sb.add_group("邻里志愿者群", owner=c.admin, members=[li])
    volunteers.members[sb.bot.id].status = "member"
    clock = ManualClock(at(2026, 11, 10, 9, 0))
    await start_linli(
        clock=clock,
        rules=RULES + "\n[export]\nreporter_names = true\n",
        loose=True,
        volunteer_chat_id=volunteers.id,
    )
    await sb.add_bot(c.building, c.admin, admin=True)
    await sb.next_message(c.building)
    for user in (c.auntie, li):
        await sb.send(user, None, "/start")
        await sb.next_message(user)
    await sb.send(c.auntie, None, "/home 3号楼502")
    offer = await sb.next_message(c.auntie, containing="对吗")
    await sb.press(c.auntie, offer, "对，就是这里")
    await sb.wait_for_edit(offer, "已登记")
    await complain(sb, c, "电梯坏了")  # #1, 王阿姨's
    await sb.send(c.neighbour, c.building, "#投诉 楼道灯不亮了")  # #2, 赵师傅's
    await sb.next_message(c.building)
    await sb.next_message(c.committee)
    await sb.send(c.auntie, None, "/wish 想请人帮忙换一下厨房的灯泡")  # #3
    await sb.next_message(c.auntie, containing="#3")
    card = await sb.next_message(volunteers, containing="微心愿 #3")
    await sb.press(li, card, "认领")
    await sb.wait_for_edit(card, "党员小李")
    await sb.settle()

    await sb.send(c.staff, c.committee, "/report 2026-11")
    first = await sb.next_message(c.committee, containing="民情月报", timeout=60)
    assert first.method == "sendPhoto"
    assert "微心愿认领：工作人员 0 件 · 志愿者 1 件" in first.text
    # The committee's other messages (its daily digest, the cards) go through the outbox and
    # may land between the report's own sends: wait for the workbook by its caption.
    document = await sb.next_message(c.committee, containing="工单明细", timeout=30)
    assert document.method == "sendDocument"
    sheet = load_workbook(io.BytesIO(upload_of(sb, document).data))["工单"]
    header = [cell.value for cell in sheet[1]]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    building, name = header.index("楼栋"), header.index("提交人")
    assert [rows[n][building] for n in (1, 2, 3)] == ["3号楼", None, "3号楼"]
    assert [rows[n][name] for n in (1, 2, 3)] == ["王阿姨", "赵师傅", "王阿姨"]
