"""Holidays the committee can add ([[holidays]] in the community file): reception dates and
working-day deadlines follow them, and a year the bot knows nothing of is told to the
committee once, with the form to add it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import workdays
from bot.app import Linli
from bot.clock import ManualClock
from bot.community import RulesError, load_communities
from bot.schedule import occurrences, parse_schedule
from bot.workdays import Calendar, Holiday
from tests.conftest import Community, StartLinli

SHANGHAI = ZoneInfo("Asia/Shanghai")
SPRING_2027 = Holiday(
    "春节",
    tuple(date(2027, 2, d) for d in range(6, 14)),
    (date(2027, 2, 14), date(2027, 2, 20)),
)
FILE_2027 = """
[[holidays]]
name = "元旦"
off = "2027-01-01..2027-01-03"

[[holidays]]
name = "春节"
off = "2027-02-06..2027-02-13"
work = ["2027-02-14", "2027-02-20"]
"""
Start = Callable[..., Awaitable[Linli]]


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


# the calendar -----------------------------------------------------------------------------


def test_the_files_holidays_and_working_weekends_count() -> None:
    calendar = Calendar([SPRING_2027])
    assert not calendar.is_workday(date(2027, 2, 8))  # a Monday of 春节
    assert calendar.is_workday(date(2027, 2, 14))  # a Sunday worked instead (调休)
    assert calendar.holiday_name(date(2027, 2, 10)) == "春节"
    # Friday 5 February, one working day on: Sunday 14th.
    assert calendar.add_working_days(at(2027, 2, 5, 9), 1, SHANGHAI) == at(2027, 2, 14, 9)
    assert calendar.knows(2027) and calendar.missing == set()


def test_the_file_wins_over_chinese_calendar() -> None:
    # As if the State Council moved a day: 2026-10-08 off, 2026-10-10 not worked.
    calendar = Calendar([Holiday("国庆节", (date(2026, 10, 8),), ())])
    assert not calendar.is_workday(date(2026, 10, 8))
    assert calendar.holiday_name(date(2026, 10, 8)) == "国庆节"
    assert calendar.holiday_name(date(2026, 10, 1)) == "国庆节"  # chinese-calendar's still


def test_a_year_without_data_counts_weekdays_and_is_remembered() -> None:
    calendar = Calendar()
    assert calendar.is_workday(date(2027, 2, 8)) and not calendar.knows(2027)
    assert calendar.holiday_name(date(2027, 1, 1)) is None
    assert calendar.missing == {2027}


def test_rules_follow_the_files_holidays() -> None:
    [moved] = occurrences(
        parse_schedule("每月第一个周六"), "shift", date(2027, 2, 1), date(2027, 2, 28),
        Calendar([SPRING_2027]),
    )  # fmt: skip
    assert moved.day == date(2027, 2, 14) and moved.moved_from == date(2027, 2, 6)
    assert moved.holiday == "春节"
    unknown = Calendar()
    [kept] = occurrences(
        parse_schedule("每月第一个周六"), "shift", date(2027, 2, 1), date(2027, 2, 28), unknown
    )
    assert kept.day == date(2027, 2, 6) and unknown.missing == {2027}


def test_add_working_days_is_called_as_before_and_uses_the_installed_calendar() -> None:
    start = at(2027, 2, 5, 9)
    assert workdays.add_working_days(start, 1, SHANGHAI) == at(2027, 2, 8, 9)  # Mon-Fri
    workdays.install(Calendar([SPRING_2027]))
    try:
        assert workdays.add_working_days(start, 1, SHANGHAI) == at(2027, 2, 14, 9)
        assert workdays.add_working_days(start, 1, SHANGHAI, Calendar()) == at(2027, 2, 8, 9)
    finally:
        workdays.install(None)


def test_the_community_file_gives_holidays_to_every_community(tmp_path: Path) -> None:
    path = tmp_path / "community.toml"
    path.write_text(
        FILE_2027 + '\n[[communities]]\ncode = "dongyi"\nname = "东一"\ncommittee_chat = -5\n',
        encoding="utf-8",
    )
    default, dongyi = load_communities(path, committee_chat_id=-1, moderator_chat_id=-1)
    assert [h.name for h in default.rules.holidays] == ["元旦", "春节"]
    assert dongyi.rules.holidays == default.rules.holidays
    assert default.rules.holidays[1].work == (date(2027, 2, 14), date(2027, 2, 20))
    assert len(default.rules.holidays[1].off) == 8


@pytest.mark.parametrize(
    "off", ['"2027-02-13..2027-02-06"', '"2027年2月6日"', '"2027-02-06..2027-05-06"']
)
def test_a_bad_holiday_is_refused_when_the_file_is_read(tmp_path: Path, off: str) -> None:
    path = tmp_path / "community.toml"
    path.write_text(f'[[holidays]]\nname = "春节"\noff = {off}\n', encoding="utf-8")
    with pytest.raises(RulesError, match=r"holidays\.0"):
        load_communities(path, committee_chat_id=-1, moderator_chat_id=-1)


# scenes -----------------------------------------------------------------------------------


@pytest.fixture
def start(start_linli: StartLinli) -> Start:
    async def start_bot(clock: ManualClock, **settings: object) -> Linli:
        return await start_linli(clock=clock, **settings)

    return start_bot


async def ask(c: Community, command: str) -> str:
    await c.sb.send(c.staff, c.committee, command)
    return (await c.sb.next_message(c.committee)).text


async def test_a_rule_in_a_year_without_holidays_tells_the_committee_once(
    start: Start, community: Community
) -> None:
    clock = ManualClock(at(2026, 12, 20, 10, 0))
    linli = await start(clock, digest_time="08:00")
    added = await ask(community, "/reception add 2027-01-01 09:00-11:00 居委会一楼")
    assert "下一次：1月1日 星期五 09:00-11:00" in added  # not moved: nobody knows 元旦 2027
    assert "我还没有 2027 年的法定节假日安排" in added
    assert '[[holidays]]\nname = "春节"\noff = "2027-02-06..2027-02-13"' in added
    again = await ask(community, "/reception add 每月第一个周六 09:00-11:00 居委会一楼")
    assert "下一次：1月2日 星期六" in again and "2027 年" not in again
    assert linli.services
    clock.set(at(2026, 12, 21, 8, 0))
    assert await linli.services.digest.tick()
    assert "2027 年" not in (await community.sb.next_message(community.committee)).text


async def test_the_files_holidays_move_reception_days_without_a_warning(
    start: Start, community: Community
) -> None:
    await start(ManualClock(at(2026, 12, 20, 10, 0)), rules=FILE_2027)
    added = await ask(community, "/reception add 2027-01-01 09:00-11:00 居委会一楼")
    assert "下一次：1月4日 星期一 09:00-11:00" in added and "因元旦顺延" in added
    assert "还没有" not in added
    await ask(community, "/reception del 1")
    skipped = await ask(
        community, "/reception add 每月第一个周六 09:00-11:00 居委会一楼 遇节假日取消"
    )
    assert "下一次：3月6日 星期六" in skipped  # 2 January (元旦) and 6 February (春节) are off
    assert workdays.add_working_days(at(2027, 2, 5, 9), 1, SHANGHAI) == at(2027, 2, 14, 9)


async def test_a_deadline_in_a_year_without_holidays_is_told_in_the_digest(
    start: Start, community: Community
) -> None:
    clock = ManualClock(at(2026, 12, 30, 10, 0))
    linli = await start(clock, digest_time="08:00")
    sb = community.sb
    await sb.send(community.auntie, None, "/complain 电梯坏了")  # due in 2 working days: 2027
    await sb.next_message(community.auntie)
    await sb.next_message(community.committee)
    assert linli.services
    clock.set(at(2026, 12, 31, 8, 0))
    assert await linli.services.digest.tick()
    digest = (await sb.next_message(community.committee)).text
    assert "社区日报" in digest and "我还没有 2027 年的法定节假日安排" in digest
    clock.set(at(2027, 1, 1, 8, 0))
    assert await linli.services.digest.tick()
    assert "2027 年" not in (await sb.next_message(community.committee)).text
