"""Votes over the sandbox: the facade vote of 朱家门 from start to result, and each rule (one
ballot per household, scope, secrecy, the deadline, nothing changes after close)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import Linli
from bot.clock import ManualClock
from sandbox import Sandbox
from sandbox.state import Sent
from sandbox.world import Chat, User
from tests.conftest import Community, StartLinli

SHANGHAI = ZoneInfo("Asia/Shanghai")
FACADE = "/vote 外墙颜色选哪种？ | 米黄 | 浅灰 | 砖红 | 截止 2026-12-20 18:00 | 范围 3号楼,5号楼"


@dataclass
class Town:
    sb: Sandbox
    c: Community
    linli: Linli
    clock: ManualClock
    uncle: User  # lives with 王阿姨 in 3号楼502
    lady5: User  # 5号楼101
    man7: User  # 7号楼302: outside the facade vote
    group5: Chat
    group7: Chat


async def register(sb: Sandbox, user: User, address: str) -> None:
    await sb.send(user, None, f"/home {address}")
    offer = await sb.next_message(user, containing="对吗")
    await sb.callback_answer(await sb.press(user, offer, "对，就是这里"))
    await sb.wait_for_edit(offer, "已登记")


async def group_of(sb: Sandbox, c: Community, title: str, members: list[User], tie: str) -> Chat:
    group = sb.add_group(title, owner=c.admin, members=members)
    await sb.add_bot(group, c.admin, admin=True)
    await sb.next_message(group)
    await sb.send(c.admin, group, f"/bind {tie}")
    assert "本群对应" in (await sb.next_message(group)).text
    return group


@pytest.fixture
async def town(start_linli: StartLinli, community: Community) -> Town:
    sb = community.sb
    clock = ManualClock(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI))
    linli = await start_linli(clock=clock, loose=True)
    uncle, lady5, man7 = sb.add_user("王叔叔"), sb.add_user("刘阿姨"), sb.add_user("陈师傅")
    sb.join(community.building, uncle)
    await sb.add_bot(community.building, community.admin, admin=True)
    await sb.next_message(community.building)
    await sb.send(community.admin, community.building, "/bind 3号楼")
    assert "3号楼" in (await sb.next_message(community.building)).text
    group5 = await group_of(sb, community, "5号楼业主群", [lady5], "5号楼")
    group7 = await group_of(sb, community, "7号楼业主群", [man7], "7栋")
    await register(sb, community.auntie, "3号楼502")
    await register(sb, uncle, "3栋502室")  # the same household, written another way
    await register(sb, community.neighbour, "三号楼601")
    await register(sb, lady5, "5号楼101")
    await register(sb, man7, "7号楼302")
    return Town(sb, community, linli, clock, uncle, lady5, man7, group5, group7)


async def start_vote(t: Town, command: str = FACADE) -> Sent:
    await t.sb.send(t.c.staff, t.c.committee, command)
    return await t.sb.next_message(t.c.committee, containing="号投票")


async def ballot_of(t: Town, user: User, vote: int = 1) -> Sent:
    await t.sb.send(user, None, f"/start vote_{vote}")
    return await t.sb.next_message(user)


async def choose(t: Town, user: User, ballot: Sent, option: str) -> str:
    answer = await t.sb.callback_answer(await t.sb.press(user, ballot, option))
    return str(answer.get("text"))


async def test_the_facade_vote(town: Town) -> None:
    t, sb = town, town.sb
    started = await start_vote(t)
    assert "第 1 号投票已发出，发到了 2 个居民群" in started.text
    for group in (t.c.building, t.group5):
        post = await sb.next_message(group, containing="居民投票")
        assert "外墙颜色选哪种" in post.text and "不记名" in post.text
        assert post.markup is not None
        url = post.markup["inline_keyboard"][0][0]["url"]
        assert url.endswith("?start=vote_1")
    assert not [s for s in sb.sent_to(t.group7) if "居民投票" in s.text]  # 7号楼 is not asked

    ballot = await ballot_of(t, t.c.auntie)
    assert ballot.button_texts == ["米黄", "浅灰", "砖红", "我投了哪项？"]
    assert "已记下您的选择：浅灰" in await choose(t, t.c.auntie, ballot, "浅灰")
    # Her husband: the household has voted; he is not told what, nor by whom.
    refused = await ballot_of(t, t.uncle)
    assert refused.text == "您家已经投过票了，一户只能投一票。" and not refused.buttons
    assert "浅灰" not in refused.text and "王阿姨" not in refused.text
    refusal = await ballot_of(t, t.man7)
    assert "只请3号楼、5号楼的住户参加" in refusal.text and not refusal.buttons
    assert "米黄" in await choose(t, t.c.neighbour, await ballot_of(t, t.c.neighbour), "米黄")
    assert "砖红" in await choose(t, t.lady5, await ballot_of(t, t.lady5), "砖红")
    # She changes her mind before the deadline.
    again = await ballot_of(t, t.c.auntie)
    assert "您已经投过票了" in again.text
    assert "已改成：米黄" in await choose(t, t.c.auntie, again, "米黄")
    assert "您投的是：米黄" in await choose(t, t.c.auntie, again, "我投了哪项？")

    # Staff see turnout by building while it runs, never the counts.
    await sb.send(t.c.staff, t.c.committee, "/vote")
    listing = (await sb.next_message(t.c.committee, containing="进行中")).text
    assert "3/3 户（100%）" in listing and "3号楼：2/2" in listing and "5号楼：1/1" in listing
    assert "米黄：" not in listing and "票" not in listing.replace("投票", "")

    t.clock.set(datetime(2026, 12, 20, 18, 0, 30, tzinfo=SHANGHAI))
    assert await t.linli.services.votes.tick() == 1
    for chat in (t.c.committee, t.c.building, t.group5):
        result = await sb.next_message(chat, containing="投票结果")
        assert result.method == "sendPhoto"
        assert "米黄：2 票（67%）" in result.text and "浅灰：0 票（0%）" in result.text
        assert "砖红：1 票（33%）" in result.text
        assert "共 3 户投票，投票率 100%" in result.text
    assert not [s for s in sb.sent_to(t.group7) if "投票结果" in s.text]
    uploads = [p for m, p in sb.calls if m == "sendPhoto"]
    assert len(uploads) == 3 and all(not isinstance(p["photo"], str) for p in uploads)


async def test_no_ballot_counts_after_the_deadline_or_after_close(town: Town) -> None:
    t, sb = town, town.sb
    await start_vote(t)
    ballot = await ballot_of(t, t.c.auntie)
    await choose(t, t.c.auntie, ballot, "浅灰")
    # Past the deadline but before the tick closed it: refused all the same.
    t.clock.set(datetime(2026, 12, 20, 18, 0, tzinfo=SHANGHAI))
    assert "已经结束" in await choose(t, t.c.auntie, ballot, "米黄")
    assert "已经结束" in (await ballot_of(t, t.c.neighbour)).text
    await sb.send(t.c.staff, t.c.committee, "/vote close 1")
    result = await sb.next_message(t.c.committee, containing="投票结果")
    assert "浅灰：1 票（100%）" in result.text and "工作人员于" in result.text
    # Closing is once: the deadline's tick and a second close change nothing.
    assert await t.linli.services.votes.tick() == 0
    await sb.send(t.c.staff, t.c.committee, "/vote close 1")
    assert "结果不会再变" in (await sb.next_message(t.c.committee)).text
    assert "已经结束" in await choose(t, t.c.auntie, ballot, "砖红")
    async with t.linli.services.db.read() as tx:
        vote = await tx.votes.get(1)
    assert vote is not None and vote.result is not None
    assert vote.result["counts"] == [0, 1, 0]
    await sb.settle()
    assert len([s for s in sb.sent_to(t.c.committee) if "投票结果" in s.text]) == 1


async def test_ballots_are_secret(town: Town) -> None:
    t = town
    await start_vote(t)
    await choose(t, t.c.auntie, await ballot_of(t, t.c.auntie), "浅灰")
    await choose(t, t.lady5, await ballot_of(t, t.lady5), "砖红")
    db = t.linli.services.db
    async with db.read() as tx:
        secret = await tx.fetchone("SELECT turnout, choices FROM vote_ballots WHERE vote_id = 1")
        events = await tx.fetchall("SELECT * FROM events WHERE action LIKE 'ballot%'")
        members = await tx.fetchall("SELECT id, user_id, household_id FROM household_members")
        to_voters = await tx.fetchall(
            "SELECT params FROM outbox WHERE chat_id IN (?, ?) ORDER BY id",
            (t.c.auntie.id, t.lady5.id),
        )
    assert secret is not None
    stored = str(secret["turnout"]) + str(secret["choices"])
    # Whole words: the secret part holds salted hashes, whose hex may contain any digits.
    words = set(re.findall(r"[0-9A-Za-z]+", stored))
    for row in members:  # no person and no household is named in the secret part
        assert str(row["user_id"]) not in words
        assert f"h{row['household_id']}" not in stored and f"p{row['user_id']}" not in stored
    assert set(json.loads(secret["choices"]).values()) <= {0, 1, 2}
    assert len(events) == 2 and all(e["actor_id"] is None for e in events)
    assert all(json.loads(e["detail"]) == {} for e in events)
    # What voters were sent is the ballot, never their choice (answers are not stored).
    assert not [p for p in to_voters if "已记下" in p["params"] or "您投的是" in p["params"]]
    # Staff's commands show turnout only.
    await t.sb.send(t.c.staff, t.c.committee, "/vote")
    listing = (await t.sb.next_message(t.c.committee, containing="进行中")).text
    assert "浅灰" not in listing and "砖红" not in listing
    # After close only the counts remain: nothing left to link anyone to a choice.
    await t.sb.send(t.c.staff, t.c.committee, "/vote close 1")
    await t.sb.next_message(t.c.committee, containing="投票结果")
    async with db.read() as tx:
        secret = await tx.fetchone("SELECT turnout, choices FROM vote_ballots WHERE vote_id = 1")
    assert secret is not None and secret["turnout"] == "{}" and secret["choices"] == "{}"


async def test_only_staff_start_votes_in_the_committee_chat(town: Town) -> None:
    t, sb = town, town.sb
    await sb.send(t.c.auntie, t.c.building, FACADE)
    await sb.send(t.c.auntie, None, FACADE)
    assert "只有工作人员" in (await sb.next_message(t.c.auntie)).text
    await sb.settle()
    assert not [s for s in sb.sent_to(t.c.building) if "居民投票" in s.text]
    await sb.send(t.c.staff, t.c.committee, "/vote 选哪个？ | 只有一个 | 截止 2026-12-20 18:00")
    assert "2 到 10 个" in (await sb.next_message(t.c.committee)).text
    await sb.send(t.c.staff, t.c.committee, "/vote 选哪个？ | 甲 | 乙 | 截止 2026-11-20 18:00")
    assert "现在之后" in (await sb.next_message(t.c.committee)).text


async def test_without_a_scope_every_group_is_asked_and_a_home_is_needed(
    town: Town, community: Community
) -> None:
    t, sb = town, town.sb
    stranger = sb.add_user("路人")
    sb.join(community.building, stranger)
    started = await start_vote(t, "/vote 要不要装充电桩？ | 要 | 不要 | 截止 2026-12-10 20:00")
    assert "发到了 3 个居民群" in started.text
    await sb.send(stranger, None, "/start vote_1")
    assert "要先登记住址" in (await sb.next_message(stranger)).text
    assert "已记下" in await choose(t, t.man7, await ballot_of(t, t.man7), "要")
    t.clock.advance(timedelta(days=10))
    assert await t.linli.services.votes.tick() == 1
    result = await sb.next_message(t.group7, containing="投票结果")
    assert "要：1 票（100%）" in result.text and "共 1 户投票，投票率 25%" in result.text


async def test_one_vote_per_person_under_the_per_person_rule(town: Town) -> None:
    t = town
    await start_vote(t, "/vote 晚上停车开放吗？ | 开放 | 不开放 | 截止 2026-12-10 20:00 | 每人一票")
    assert "已记下" in await choose(t, t.c.auntie, await ballot_of(t, t.c.auntie), "开放")
    assert "已记下" in await choose(t, t.uncle, await ballot_of(t, t.uncle), "不开放")
