"""Reception days: rules, holidays, reminders exactly once, and the committee's daily digest."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import Linli
from bot.clock import ManualClock
from sandbox.world import Member
from tests.conftest import Community, StartLinli

SHANGHAI = ZoneInfo("Asia/Shanghai")
RULE = "/reception add 每月15日 09:00-11:00 居委会一楼 联合接待日"
Start = Callable[..., Awaitable[Linli]]


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def start(start_linli: StartLinli) -> Start:
    async def start_bot(clock: ManualClock, **settings: object) -> Linli:
        return await start_linli(clock=clock, **settings)

    return start_bot


async def two_groups(c: Community) -> None:
    for group in (c.building, c.hobby):
        c.sb.join(group, c.admin)
        await c.sb.add_bot(group, c.admin, admin=True)  # may delete: nothing more to ask
        await c.sb.next_message(group)


async def add_rule(c: Community, command: str = RULE) -> str:
    await c.sb.send(c.staff, c.committee, command)
    return (await c.sb.next_message(c.committee)).text


# 1. rules ---------------------------------------------------------------------------------


async def test_staff_add_list_and_delete_rules(start: Start, community: Community) -> None:
    await start(ManualClock(at(2026, 12, 1, 10, 0)))
    sb = community.sb
    added = await add_rule(community)
    assert "1 号安排" in added and "每月15日 09:00-11:00 联合接待日 · 居委会一楼" in added
    assert "12月15日 星期二 09:00-11:00" in added
    await add_rule(community, "/reception add 每周一 14:00-16:00 居委会会议室 三驾马车例会 内部")
    await sb.send(community.staff, community.committee, "/reception list")
    listing = (await sb.next_message(community.committee)).text
    assert "1. 每月15日" in listing and "2. 每周一 14:00-16:00 三驾马车例会" in listing
    assert "（内部）" in listing
    await sb.send(community.staff, community.committee, "/reception del 2")
    assert "已删除 2 号" in (await sb.next_message(community.committee)).text
    await sb.send(community.staff, community.committee, "/reception del 2")
    assert "没有找到 2 号" in (await sb.next_message(community.committee)).text


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/reception add 每天 09:00-11:00 居委会一楼", "规则「每天」看不懂。例如：每月15日"),
        (
            "/reception add 每月15日 9点到11点 居委会一楼",
            "时间「9点到11点」看不懂。例如：09:00-11:00",
        ),
        ("/reception add 每月15日 11:00-09:00 居委会一楼", "时间「11:00-09:00」结束得比开始还早"),
        (
            "/reception add 每月15日 09:00-11:00",
            "请在时间后面写上地点，例如：/reception add 每月15日",
        ),
        ("/reception add 每月15日", "请在规则后面写上时间"),
        ("/reception add 2026-02-30 09:00-11:00 居委会一楼", "没有「2026-02-30」这一天"),
        ("/reception add 2026-11-30 09:00-11:00 居委会一楼", "11月30日已经过去了"),
        ("/reception add 2026-12-01 08:00-09:30 居委会一楼", "12月1日已经过去了"),  # ended
        (
            "/reception edit 每月15日 09:00-11:00 居委会一楼",
            "请写上安排的编号，例如：/reception edit 1",
        ),
        ("/reception skip 1 明天", "没有「明天」这一天"),
        ("/reception move 1", "可以用：/reception add"),
    ],
)
async def test_a_bad_rule_is_answered_with_the_part_that_is_wrong(
    start: Start, community: Community, command: str, answer: str
) -> None:
    linli = await start(ManualClock(at(2026, 12, 1, 10, 0)))
    if "skip" in command:
        await add_rule(community)
    got = await add_rule(community, command)
    assert answer in got
    assert "规则可以写" not in got and len(got.splitlines()) == 1  # not the whole usage
    assert linli.db
    async with linli.db.read() as tx:
        assert len(await tx.reception.active()) == (1 if "skip" in command else 0)


async def test_the_whole_usage_only_when_nothing_was_written(
    start: Start, community: Community
) -> None:
    await start(ManualClock(at(2026, 12, 1, 10, 0)))
    usage = await add_rule(community, "/reception add")
    assert "每月第一个周六" in usage and "/reception skip 编号 2026-12-15" in usage
    assert '"居委会 一楼 大厅"' in usage


@pytest.mark.parametrize(
    "quoted", ['"居委会 一楼 大厅"', "“居委会 一楼 大厅”", "「居委会 一楼 大厅」"]
)
async def test_a_place_with_spaces_is_one_place_when_quoted(
    start: Start, community: Community, quoted: str
) -> None:
    await start(ManualClock(at(2026, 12, 1, 10, 0)))
    added = await add_rule(community, f"/reception add 每月15日 09:00-11:00 {quoted} 联合接待日")
    assert "每月15日 09:00-11:00 联合接待日 · 居委会 一楼 大厅" in added


async def test_residents_see_next_occurrences_but_cannot_change_rules(
    start: Start, community: Community
) -> None:
    await start(ManualClock(at(2026, 12, 1, 10, 0)))
    sb = community.sb
    await two_groups(community)
    await add_rule(community)
    await add_rule(community, "/reception add 每周一 14:00-16:00 会议室 三驾马车例会 内部")
    await sb.send(community.auntie, community.building, "/reception")
    shown = (await sb.next_message(community.building)).text
    assert "12月15日 星期二 09:00-11:00 联合接待日 · 居委会一楼" in shown
    assert "2027年" not in shown and "三驾马车" not in shown  # staff meetings stay internal
    await sb.send(community.auntie, community.building, "/reception add 每月1日 09:00-10:00 x")
    assert "只有社区工作人员" in (await sb.next_message(community.building)).text


# 2. holidays --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "shown"),
    [
        ("", "10月8日 星期四 09:00-11:00 联合接待日 · 居委会一楼（原定10月1日，因国庆节顺延）"),
        ("遇节假日照常", "10月1日 星期四 09:00-11:00"),
        ("遇节假日取消", "11月1日 星期日 09:00-11:00"),
    ],
)
async def test_a_date_on_a_public_holiday_moves_is_skipped_or_kept(
    start: Start, community: Community, words: str, shown: str
) -> None:
    await start(ManualClock(at(2026, 9, 20, 10, 0)))
    answer = await add_rule(community, f"/reception add 每月1日 09:00-11:00 居委会一楼 {words}")
    assert f"下一次：{shown}" in answer


# 3-4. reminders ------------------------------------------------------------------------


async def test_reminders_the_evening_before_and_an_hour_before_in_every_group_once(
    start: Start, community: Community
) -> None:
    clock = ManualClock(at(2026, 12, 14, 18, 0))
    linli = await start(clock)
    sb = community.sb
    await two_groups(community)
    await add_rule(community)
    assert linli.services
    await linli.services.reception.tick()
    assert all(len(sb.sent_to(g)) == 1 for g in (community.building, community.hobby))

    clock.set(at(2026, 12, 14, 19, 0))
    await linli.services.reception.tick()
    for group in (community.building, community.hobby):
        evening = await sb.next_message(group)
        assert "明天（12月15日 星期二）09:00-11:00" in evening.text
        assert "联合接待日" in evening.text and "地点：居委会一楼" in evening.text
        assert "居委会、业委会、物业" in evening.text
    assert await linli.services.reception.tick() == 0

    clock.set(at(2026, 12, 15, 8, 0))
    await linli.services.reception.tick()
    before = await sb.next_message(community.building)
    assert "一小时后开始：今天 09:00-11:00" in before.text
    assert await linli.services.outbox.flush(timeout=5)
    assert len(sb.sent_to(community.building)) == 3  # welcome, evening, an hour before


async def test_a_staff_only_meeting_reminds_the_committee_chat_only(
    start: Start, community: Community
) -> None:
    clock = ManualClock(at(2026, 12, 13, 12, 0))
    linli = await start(clock)
    sb = community.sb
    await two_groups(community)
    await add_rule(community, "/reception add 每周一 14:00-16:00 居委会会议室 三驾马车例会 内部")
    clock.set(at(2026, 12, 13, 19, 0, 30))
    assert linli.services
    await linli.services.reception.tick()
    reminder = await sb.next_message(community.committee)
    assert "三驾马车例会" in reminder.text and "12月14日 星期一" in reminder.text
    assert await linli.services.outbox.flush(timeout=5)
    assert len(sb.sent_to(community.building)) == 1


async def test_a_missed_reminder_goes_if_under_two_hours_late_else_is_skipped(
    start: Start, community: Community
) -> None:
    clock = ManualClock(at(2026, 12, 14, 12, 0))
    linli = await start(clock)
    sb = community.sb
    await two_groups(community)
    await add_rule(community)
    assert linli.services
    clock.set(at(2026, 12, 14, 20, 50))  # down from 19:00 to 20:50: 1 h 50 min late
    await linli.services.reception.tick()
    assert "明天" in (await sb.next_message(community.building)).text
    clock.set(at(2026, 12, 15, 8, 1))
    await linli.services.reception.tick()
    await sb.next_message(community.building)

    # The next month: down from 18:00 to 21:30 on the evening before; back well after 08:00.
    clock.set(at(2027, 1, 14, 21, 30))
    await linli.services.reception.tick()
    clock.set(at(2027, 1, 15, 10, 30))
    await linli.services.reception.tick()
    assert await linli.services.outbox.flush(timeout=5)
    assert len(sb.sent_to(community.building)) == 3  # nothing for January: all too late


async def test_reminders_survive_a_restart_without_repeating(
    start: Start, community: Community
) -> None:
    clock = ManualClock(at(2026, 12, 14, 18, 59))
    first = await start(clock)
    sb = community.sb
    await two_groups(community)
    await add_rule(community)
    clock.set(at(2026, 12, 14, 19, 0))
    assert first.services
    await first.services.reception.tick()
    await sb.next_message(community.building)
    await first.stop()

    second = await start(clock)  # same database, rules rebuilt from it
    assert second.services
    assert await second.services.reception.tick() == 0
    clock.set(at(2026, 12, 15, 8, 0))
    await second.services.reception.tick()
    assert "一小时后" in (await sb.next_message(community.building)).text
    assert await second.services.outbox.flush(timeout=5)
    assert len(sb.sent_to(community.building)) == 3


# 6. the digest --------------------------------------------------------------------------


async def file(c: Community, text: str) -> None:
    await c.sb.send(c.auntie, None, text)
    await c.sb.next_message(c.auntie)
    await c.sb.next_message(c.committee)


async def test_the_daily_digest_once_a_day_with_figures(start: Start, community: Community) -> None:
    clock = ManualClock(at(2026, 12, 14, 9, 0))
    linli = await start(clock, digest_time="08:00")
    sb = community.sb
    await sb.send(community.auntie, None, "/start")
    await sb.next_message(community.auntie)
    await add_rule(community)
    assert linli.services
    await linli.services.digest.tick()  # 09:00: today's first digest (the bot was down at 8)
    first = await sb.next_message(community.committee)
    assert "日报" in first.text and "12月14日" in first.text
    await file(community, "/complain 电梯坏了")
    await file(community, "/complain 楼上装修太吵")
    await file(community, "/wish 想请人帮忙搬柜子")
    clock.set(at(2026, 12, 18, 8, 0))
    assert await linli.services.digest.tick()
    digest = (await sb.next_message(community.committee)).text
    assert "社区日报 · 12月18日 星期五" in digest
    assert "统计时段：12月14日 09:00 至 12月18日 08:00" in digest
    assert "【新工单】3 件" in digest
    assert "投诉/报修：物业 1 件，居委会 1 件" in digest and "微心愿：居委会 1 件" in digest
    # 电梯 was due 16 Dec 09:00 (2 working days), 装修扰民 17 Dec 09:00 (3)
    assert "【超时未办】2 件：#1 超 2 天、#2 超 1 天" in digest
    assert "【微心愿超 3 天没人认领】1 件：#3" in digest
    assert "待审核 0 · 确认 0 · 误报 0" in digest
    assert "【下次接待日】12月15日" not in digest and "1月15日 星期五" in digest
    assert not await linli.services.digest.tick()
    clock.set(at(2026, 12, 18, 20, 0))
    assert not await linli.services.digest.tick()


async def test_a_digest_is_not_sent_twice_across_a_restart(
    start: Start, community: Community
) -> None:
    clock = ManualClock(at(2026, 12, 14, 8, 0))
    first = await start(clock)
    assert first.services and await first.services.digest.tick()
    await community.sb.next_message(community.committee)
    await first.stop()
    second = await start(clock)
    assert second.services and not await second.services.digest.tick()


async def test_digest_on_demand_is_for_staff_only(start: Start, community: Community) -> None:
    await start(ManualClock(at(2026, 12, 14, 7, 0)))
    sb = community.sb
    await sb.send(community.staff, community.committee, "/digest")
    assert "日报" in (await sb.next_message(community.committee)).text
    await sb.send(community.auntie, None, "/digest")
    assert "只发给社区工作人员" in (await sb.next_message(community.auntie)).text


async def test_the_digest_stays_short_with_many_overdue_tickets(
    start: Start, community: Community
) -> None:
    clock = ManualClock(at(2026, 12, 1, 9, 0))
    linli = await start(clock)
    assert linli.db and linli.services
    async with linli.db.transaction() as tx:
        for i in range(40):
            await tx.tickets.create(
                kind="complaint",
                text="电梯坏了" * 400,
                photo_file_id=None,
                category="电梯",
                party="property",
                reporter_id=community.auntie.id,
                reporter_name="王阿姨",
                source_chat_id=community.auntie.id,
                source_message_id=None,
                source_update_id=10_000 + i,
                due_at=tx.now - timedelta(days=40 - i),
            )
    clock.set(at(2026, 12, 2, 8, 0))
    await linli.services.digest.tick()
    digest = (await community.sb.next_message(community.committee)).text
    assert "【超时未办】40 件：#1 超 41 天、#2 超 40 天" in digest and "，等40件" in digest
    assert len(digest) < 1000


async def test_the_clock_job_is_scheduled(start: Start, community: Community) -> None:
    linli = await start(ManualClock(at(2026, 12, 1, 9, 0)))
    assert linli.application and linli.application.job_queue
    assert linli.application.job_queue.get_jobs_by_name("clock-tick")


async def test_a_reminder_says_when_a_holiday_moved_the_date(
    start: Start, community: Community
) -> None:
    clock = ManualClock(at(2026, 9, 20, 10, 0))
    linli = await start(clock)
    await two_groups(community)
    await add_rule(community, "/reception add 每月1日 09:00-11:00 居委会一楼")
    clock.set(at(2026, 10, 7, 19, 0))  # the evening before 8 October, where 1 October moved
    assert linli.services
    await linli.services.reception.tick()
    reminder = await community.sb.next_message(community.building)
    assert "明天（10月8日 星期四）" in reminder.text
    assert "原定10月1日，因国庆节顺延" in reminder.text


async def test_reminder_times_come_from_the_community_file(
    start: Start, community: Community, tmp_path: Path
) -> None:
    rules = tmp_path / "community.toml"
    rules.write_text('[reminders]\nevening_time = "20:30"\nminutes_before = 30\n', encoding="utf-8")
    clock = ManualClock(at(2026, 12, 14, 19, 0))
    linli = await start(clock, community_config=str(rules))
    await two_groups(community)
    await add_rule(community)
    assert linli.services
    await linli.services.reception.tick()  # 19:00 is not the evening time any more
    clock.set(at(2026, 12, 14, 20, 30))
    await linli.services.reception.tick()
    assert "明天" in (await community.sb.next_message(community.building)).text
    clock.set(at(2026, 12, 15, 8, 10))  # an hour before: nothing, the file says 30 minutes
    await linli.services.reception.tick()
    clock.set(at(2026, 12, 15, 8, 30))
    await linli.services.reception.tick()
    assert "30分钟后开始" in (await community.sb.next_message(community.building)).text
    assert await linli.services.outbox.flush(timeout=5)
    assert len(community.sb.sent_to(community.building)) == 3


async def test_staff_commands_show_nothing_internal_in_a_resident_group(
    start: Start, community: Community
) -> None:
    await start(ManualClock(at(2026, 12, 1, 7, 0)))
    sb = community.sb
    await two_groups(community)
    await add_rule(community, "/reception add 每周一 14:00-16:00 会议室 三驾马车例会 内部")
    for command in ("/digest", "/reception list", "/reception add 每月1日 09:00-10:00 x"):
        await sb.send(community.admin, community.building, command)  # an admin, but in public
        answer = (await sb.next_message(community.building)).text
        assert "工作群" in answer and "日报" not in answer and "三驾马车" not in answer
    await sb.send(community.admin, None, "/reception list")  # in private it works
    assert "三驾马车例会" in (await sb.next_message(community.admin)).text


# 7. rules people can manage --------------------------------------------------------------------


async def test_staff_edit_a_rule_and_the_reminded_groups_hear_of_the_change(
    start: Start, community: Community
) -> None:
    clock = ManualClock(at(2026, 12, 14, 18, 0))
    linli = await start(clock)
    sb = community.sb
    await two_groups(community)
    await add_rule(community)
    edited = await add_rule(
        community, '/reception edit 1 每月15日 14:00-16:00 "社区 二楼" 联合接待日'
    )
    assert "已修改 <b>1</b> 号安排" in edited or "已修改 1 号安排" in edited
    assert "每月15日 14:00-16:00 联合接待日 · 社区 二楼" in edited
    assert "12月15日 星期二 14:00-16:00" in edited
    await sb.settle()
    assert all(len(sb.sent_to(g)) == 1 for g in (community.building, community.hobby))  # quiet

    assert linli.services
    clock.set(at(2026, 12, 14, 19, 0))
    await linli.services.reception.tick()
    assert "14:00-16:00" in (await sb.next_message(community.building)).text
    assert "14:00-16:00" in (await sb.next_message(community.hobby)).text
    await add_rule(community, "/reception edit 1 每月16日 14:00-16:00 社区二楼 联合接待日")
    for group in (community.building, community.hobby):
        notice = await sb.next_message(group)
        assert "原定12月15日 星期二 14:00-16:00" in notice.text and "取消" in notice.text
        assert "下一次：12月16日 星期三 14:00-16:00" in notice.text


async def test_skipping_one_date_tells_the_groups_already_reminded(
    start: Start, community: Community
) -> None:
    clock = ManualClock(at(2026, 12, 14, 19, 0))
    linli = await start(clock)
    sb = community.sb
    await two_groups(community)
    await add_rule(community)
    assert linli.services
    await linli.services.reception.tick()
    for group in (community.building, community.hobby):
        assert "明天" in (await sb.next_message(group)).text

    answer = await add_rule(community, "/reception skip 1 2026-12-15")
    assert "1 号安排12月15日那一次取消了" in answer and "2 个群都发了取消通知" in answer
    for group in (community.building, community.hobby):
        notice = await sb.next_message(group)
        assert "原定12月15日 星期二 09:00-11:00的联合接待日（居委会一楼）取消了" in notice.text
        assert "下一次：1月15日 星期五 09:00-11:00" in notice.text
    assert "已经取消过了" in await add_rule(community, "/reception skip 1 2026-12-15")

    clock.set(at(2026, 12, 15, 8, 0))  # no "an hour before" for a cancelled date
    assert await linli.services.reception.tick() == 0
    await sb.send(community.auntie, community.building, "/reception")
    shown = (await sb.next_message(community.building)).text
    assert "12月15日" not in shown and "1月15日 星期五" in shown


async def test_skipping_a_date_nobody_was_reminded_of_is_quiet(
    start: Start, community: Community
) -> None:
    clock = ManualClock(at(2026, 12, 1, 10, 0))
    linli = await start(clock)
    sb = community.sb
    await two_groups(community)
    await add_rule(community)
    answer = await add_rule(community, "/reception skip 1 2027-01-15")
    assert "取消了" in answer and "还没有提醒过" in answer
    wrong = await add_rule(community, "/reception skip 1 2026-12-16")
    assert "1 号安排12月16日没有活动" in wrong and "12月15日" in wrong
    assert "已经过去了" in await add_rule(community, "/reception skip 1 2026-11-15")
    assert linli.services
    clock.set(at(2027, 1, 14, 19, 0))
    assert await linli.services.reception.tick() == 0
    await sb.settle()
    assert len(sb.sent_to(community.building)) == 1  # the welcome only


async def dates_of(linli: Linli, count: int = 20) -> list[str]:
    assert linli.db and linli.services
    async with linli.db.read() as tx:
        found = await linli.services.reception.upcoming(
            tx, "default", include_staff=True, count=count
        )
    return [f"{u.occurrence.day:%m-%d}" for u in found]


async def test_weekly_meetings_stay_on_their_weekday_around_national_day(
    start: Start, community: Community
) -> None:
    linli = await start(ManualClock(at(2026, 9, 25, 10, 0)))
    added = await add_rule(community, "/reception add 每周一三五 14:00-15:00 会议室 例会 内部")
    assert "（遇节假日取消）" in added
    dates = await dates_of(linli)
    # 25 September (中秋) and 1-7 October are off: those meetings are cancelled, none moves
    # onto 8 October.
    assert [d for d in dates if d < "10-13"] == ["09-28", "09-30", "10-09", "10-12"]


async def test_a_weekly_rule_told_to_move_never_passes_its_next_date(
    start: Start, community: Community
) -> None:
    linli = await start(ManualClock(at(2026, 9, 25, 10, 0)))
    added = await add_rule(
        community, "/reception add 每周一三五 14:00-15:00 会议室 例会 内部 遇节假日顺延"
    )
    assert "（遇节假日顺延）" in added
    dates = await dates_of(linli)
    # Only Wednesday 7 October moves (to Thursday 8th, before Friday's meeting); 25 September
    # and the others of the holiday would reach the next meeting and are cancelled.
    assert [d for d in dates if d < "10-13"] == [
        "09-28",
        "09-30",
        "10-08",
        "10-09",
        "10-12",
    ]


async def test_residents_see_the_next_joint_reception_among_many_weekly_events(
    start: Start, community: Community
) -> None:
    await start(ManualClock(at(2026, 12, 1, 10, 0)))
    sb = community.sb
    await two_groups(community)
    await add_rule(community)
    for n, day in enumerate("一二三四五六日"):
        await add_rule(community, f"/reception add 每周{day} 19:00-20:00 小广场 活动{n}")
    await sb.send(community.auntie, community.building, "/reception")
    shown = (await sb.next_message(community.building)).text
    assert shown.startswith("下一次联合接待日：12月15日 星期二 09:00-11:00")
    assert "其他安排：" in shown and "……还有 3 项安排" in shown
    assert len(shown.splitlines()) <= 7


# 8. volume in the digest -------------------------------------------------------------------


async def test_the_digest_shows_the_backlog_per_party_and_the_oldest_ticket(
    start: Start, community: Community
) -> None:
    clock = ManualClock(at(2026, 12, 14, 9, 0))
    linli = await start(clock)
    await file(community, "/complain 电梯坏了")
    clock.set(at(2026, 12, 15, 9, 0))
    await file(community, "/complain 楼上装修太吵")
    await file(community, "/complain 垃圾没人清运")
    clock.set(at(2026, 12, 18, 10, 0))
    await community.sb.send(community.staff, community.committee, "/digest")
    digest = (await community.sb.next_message(community.committee, containing="日报")).text
    assert "【待办】3 件：物业 2 件，居委会 1 件" in digest
    assert "【最久未办】#1，已 5 天" in digest
    assert linli.db


async def test_digest_in_a_partys_chat_shows_that_partys_figures(
    start: Start, community: Community
) -> None:
    sb = community.sb
    property_chat = sb.add_group("物业客服群", owner=community.admin)
    worker = sb.add_user("钱经理")
    property_chat.members[worker.id] = Member("member")
    property_chat.members[sb.bot.id].status = "member"
    clock = ManualClock(at(2026, 12, 14, 9, 0))
    await start(clock, rules=f'[party_chats]\n"物业" = {property_chat.id}\n')
    for text in ("/complain 电梯坏了", "/complain 楼上装修太吵"):
        await sb.send(community.auntie, None, text)
        await sb.next_message(community.auntie)
    await sb.next_message(property_chat)  # the lift's card
    await sb.next_message(community.committee)  # the noise's (居委会 has no chat)
    clock.set(at(2026, 12, 17, 10, 0))
    await sb.send(worker, property_chat, "/digest")
    own = (await sb.next_message(property_chat)).text
    assert "物业日报" in own and "【新工单】1 件" in own and "居委会" not in own
    assert "【待办】1 件" in own and "【最久未办】#1，已 4 天" in own
    assert "群消息审核" not in own
    await sb.send(community.staff, community.committee, "/digest")
    everyone = (await sb.next_message(community.committee)).text
    assert "【待办】2 件：物业 1 件，居委会 1 件" in everyone


async def test_help_in_the_staff_chat_lists_the_staff_commands(
    start: Start, community: Community
) -> None:
    await start(ManualClock(at(2026, 12, 1, 10, 0)))
    await community.sb.send(community.staff, community.committee, "/help")
    shown = (await community.sb.next_message(community.committee)).text
    assert "/digest" in shown and "/reception" in shown
