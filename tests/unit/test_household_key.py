"""Household keys as people type addresses, /vote's words, and the ballot key's hashes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.services.households.address import (
    looks_like_floor_only,
    parse_building,
    parse_buildings,
    parse_household,
)
from bot.services.votes.command import BadVote, CloseVote, ListVotes, NewVote, parse_vote_command
from bot.services.votes.secrecy import BallotKey

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "text",
    ["3号楼502", "3栋502", "3幢502室", "3号楼5楼502", "３号楼５０２", "三号楼五零二", "3-502",
     "3 号楼 502 室", "3號樓502", "3号502", "3#502", "3座502号", "3号楼5层502"],
)  # fmt: skip
def test_one_household_however_it_is_written(text: str) -> None:
    household = parse_household(text)
    assert household is not None and household.key == "3-502"
    assert household.label == "3号楼502室"


@pytest.mark.parametrize(
    ("text", "key"),
    [("3号楼2单元502", "3-2-502"), ("3-2-502", "3-2-502"), ("三号楼二单元五零二", "3-2-502"),
     ("十二栋1201", "12-1201"), ("A栋1201", "A-1201"), ("b座302室", "B-302"),
     ("103号楼101", "103-101")],
)  # fmt: skip
def test_entrances_and_other_buildings_keep_their_parts(text: str, key: str) -> None:
    household = parse_household(text)
    assert household is not None and household.key == key


@pytest.mark.parametrize(
    "text",
    ["3楼502", "3502", "502", "3号楼6楼502", "3号楼", "0号楼502", "3号楼050", "3号楼5",
     "我家在3号楼502", "3号楼502和601", "", "3号楼0单元502"],
)  # fmt: skip
def test_anything_that_could_be_read_two_ways_is_refused(text: str) -> None:
    assert parse_household(text) is None


def test_a_floor_or_a_building_is_asked_about() -> None:
    assert looks_like_floor_only("3楼502") and not looks_like_floor_only("3号楼502")


def test_buildings_for_scopes_and_groups() -> None:
    assert parse_buildings("3号楼,5号楼") == ["3", "5"]
    assert parse_buildings("三号楼、5栋，7 3") == ["3", "5", "7"]
    assert parse_buildings("3号楼,x") is None and parse_buildings("") is None
    assert parse_building("A栋") == "A" and parse_building("A") is None


def test_the_vote_command() -> None:
    parsed = parse_vote_command(
        "外墙颜色选哪种？ | 米黄 | 浅灰 | 砖红 | 截止 2026-12-20 18:00 | 范围 3号楼,5号楼", SHANGHAI
    )
    assert parsed == NewVote(
        "外墙颜色选哪种？",
        ["米黄", "浅灰", "砖红"],
        datetime(2026, 12, 20, 18, 0, tzinfo=SHANGHAI),
        ["3", "5"],
        False,
    )
    per_person = parse_vote_command(
        "停车？｜开放｜不开放｜截止 2026-12-20 18:00｜每人一票", SHANGHAI
    )
    assert isinstance(per_person, NewVote) and per_person.per_person and per_person.scope is None
    assert parse_vote_command("close 3", SHANGHAI) == CloseVote(3)
    assert parse_vote_command("", SHANGHAI) == ListVotes()


@pytest.mark.parametrize(
    ("text", "reason"),
    [("问题 | 甲 | 截止 2026-12-20 18:00", "options"),
     ("问题 | 甲 | 甲 | 截止 2026-12-20 18:00", "options"),
     ("问题 | 甲 | 乙", "deadline"),
     ("问题 | 甲 | 乙 | 截止 明天", "deadline"),
     ("问题 | 甲 | 乙 | 截止 2026-02-30 18:00", "deadline"),
     ("问题 | 甲 | 乙 | 截止 2026-12-20 18:00 | 范围 东边", "scope"),
     (" | 甲 | 乙 | 截止 2026-12-20 18:00", "question")],
)  # fmt: skip
def test_a_bad_vote_says_what_is_wrong(text: str, reason: str) -> None:
    assert parse_vote_command(text, SHANGHAI) == BadVote(reason)


def test_ballot_hashes_name_nobody_and_cannot_be_joined() -> None:
    key = BallotKey("123:token")
    voter = key.voter_of(7, 1001, per_person=False)
    hashes = {key.voter(1, voter), key.ballot(1, voter), key.caster(1, 1001)}
    assert len(hashes) == 3 and not any("1001" in h or "h7" in h for h in hashes)
    assert key.voter(2, voter) != key.voter(1, voter)  # votes do not share hashes
    assert BallotKey("other").voter(1, voter) != key.voter(1, voter)
    assert BallotKey("other").check != key.check


def test_ballot_codes_differ_between_voters_and_decode_back() -> None:
    key = BallotKey("123:token")
    for user in range(1000, 1050):
        codes = [key.code(1, user, option, 4) for option in range(4)]
        assert sorted(codes) == [1, 2, 3, 4]
        assert [key.option(1, user, c, 4) for c in codes] == [0, 1, 2, 3]
    firsts = {key.code(1, user, 0, 4) for user in range(1000, 1050)}
    assert len(firsts) > 1  # the same option is not the same data for everyone
    assert key.option(1, 1000, 5, 4) is None and key.option(1, 1000, 0, 4) is None
