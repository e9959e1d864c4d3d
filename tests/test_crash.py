"""kill -9 in the middle of the work that matters most: a burst of complaints, a reminder
broadcast, the digest. After a restart every complaint is exactly one ticket and everything is
delivered; a message can come twice only if Telegram accepted it in the instant before the bot
could record that (each message at most once more)."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from sandbox import Sandbox
from tests.conftest import Community
from tests.processes import until
from tests.test_shifted_clock import LIBFAKETIME, at

CJK = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 600))
FAST = {"GROUP_MESSAGES_PER_MINUTE": "1000"}  # the sandbox enforces no flood limit here


def sends(sb: Sandbox, to: set[int] | None = None) -> int:
    return sum(
        1
        for m, p in sb.calls
        if m == "sendMessage" and (to is None or int(p.get("chat_id", 0)) in to)
    )


async def test_kill_9_in_a_burst_of_60_complaints_files_each_once_and_delivers_all(
    spawn, sb: Sandbox, community: Community, database_url: str
) -> None:
    rng = random.Random(60)
    residents = [sb.add_user(f"居民{i}") for i in range(60)]
    bot = await spawn(**FAST)
    for i, person in enumerate(residents):
        await sb.send(person, None, f"/complain 第{i}户：" + "".join(rng.sample(CJK, 14)))
    await until(lambda: sends(sb) >= 20, bot)
    bot.proc.kill()  # SIGKILL mid-burst: no cleanup at all
    await bot.wait()

    await spawn(**FAST)
    for person in residents:
        assert (
            "已收到您的投诉"
            in (await sb.next_message(person, containing="已收到", timeout=30)).text
        )
    await until(
        lambda: (
            len(
                {
                    m.group(1)
                    for s in sb.sent_to(community.committee)
                    if (m := re.match(r"^\S+ #(\d+) ", s.text))
                }
            )
            >= 60
        ),
        timeout=60,
    )
    await sb.settle(quiet=2.5)  # longer than the 1/s pacing of a private chat

    acks = [sum("已收到" in s.text for s in sb.sent_to(p)) for p in residents]
    numbers = Counter(
        m.group(1)
        for s in sb.sent_to(community.committee)
        if (m := re.match(r"^\S+ #(\d+) ", s.text))
    )
    # 60 tickets: none lost, none twice. PostgreSQL's sequences are not transactional: a number
    # taken by a transaction the kill cut off is skipped (#61 may exist), so there only the
    # count is exact; SQLite numbers them 1-60.
    filed = sorted(map(int, numbers))
    assert len(filed) == 60
    if database_url.startswith("postgresql"):
        assert filed[-1] <= 60 + 5
    else:
        assert filed == list(range(1, 61))
    assert all(1 <= n <= 2 for n in acks), acks
    assert all(1 <= n <= 2 for n in numbers.values()), numbers
    # The acknowledgement names the resident's own ticket, whichever order they were filed in.
    for person in residents:
        ack = next(s for s in sb.sent_to(person) if "已收到" in s.text)
        number = re.search(r"#(\d+)", ack.text)
        assert number and number.group(1) in numbers


@pytest.mark.skipif(LIBFAKETIME is None, reason="libfaketime is not installed")
async def test_kill_9_during_a_reminder_broadcast_and_the_digest(
    spawn, sb: Sandbox, community: Community
) -> None:
    groups = [sb.add_group(f"{i}号楼业主群", owner=community.admin) for i in range(30)]
    bot = await spawn(**at("2026-12-14 18:00:00"), **FAST)
    for group in groups:
        await sb.add_bot(group, community.admin)
    await until(lambda: all(sb.sent_to(g) for g in groups), bot)
    await sb.send(
        community.staff,
        community.committee,
        "/reception add 每月15日 09:00-11:00 居委会一楼 联合接待日",
    )
    await sb.next_message(community.committee, containing="已添加")
    await sb.settle(quiet=1.0)
    bot.proc.kill()
    await bot.wait()

    # 19:00: the evening-before reminder to 30 groups; killed once a few are out.
    ids = {g.id for g in groups}
    before = sends(sb, ids)
    bot = await spawn(**at("2026-12-14 19:00:00"), **FAST)
    await until(lambda: sends(sb, ids) >= before + 8, bot, timeout=40)
    bot.proc.kill()
    await bot.wait()
    bot = await spawn(**at("2026-12-14 19:02:00"), **FAST)
    for group in groups:
        await sb.next_message(group, containing="明天", timeout=30)
    await sb.settle(quiet=1.5)
    reminders = [sum("明天（12月15日" in s.text for s in sb.sent_to(g)) for g in groups]
    assert all(1 <= n <= 2 for n in reminders), reminders
    bot.proc.terminate()  # the evening's process ends before the morning's starts
    assert await bot.wait() == 0

    # 08:00 next morning: the digest, killed as it goes out, comes once (or once more).
    digest_sent = sends(sb, {community.committee.id})
    bot = await spawn(**at("2026-12-15 07:59:58"), **FAST)
    await until(lambda: sends(sb, {community.committee.id}) > digest_sent, bot, timeout=40)
    bot.proc.kill()
    await bot.wait()
    await spawn(**at("2026-12-15 08:01:00"), **FAST)
    await sb.settle(quiet=2.0)
    digests = [
        s
        for s in sb.sent_to(community.committee)
        if "12月15日 星期二" in s.text and "社区日报" in s.text
    ]
    assert 1 <= len(digests) <= 2
