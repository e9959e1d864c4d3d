"""Routing rules: built-in defaults, the optional TOML file, and working days."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.community import CommunityRules, Party, RulesError, load_communities
from bot.workdays import add_working_days

ROOT = Path(__file__).resolve().parents[2]

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "category", "party"),
    [
        ("3号楼电梯坏了一周", "电梯", Party.PROPERTY),
        ("楼道灯坏了好几天", "维修", Party.PROPERTY),
        ("厨房天花板漏水", "漏水", Party.PROPERTY),
        ("垃圾桶满了没人清运", "垃圾", Party.PROPERTY),
        ("维修资金怎么申请使用", "维修资金", Party.OWNERS),
        ("物业费为什么又涨了", "物业费", Party.OWNERS),
        ("想问问什么时候开业主大会", "业主大会", Party.OWNERS),
        ("楼上装修电钻太吵", "装修扰民", Party.RESIDENTS),
        ("邻居家的狗半夜一直叫", "宠物", Party.RESIDENTS),
        ("隔壁是群租房住了十几个人", "群租", Party.RESIDENTS),
        ("有人在消防通道停电动车", "消防通道", Party.STREET),
        ("小区门口有人摆摊占道", "占道", Party.STREET),
        ("今天心情不太好", "其他", Party.RESIDENTS),
    ],
)
def test_default_routing(text: str, category: str, party: Party) -> None:
    found, routing = CommunityRules.defaults().categorise(text)
    assert (found, routing.party) == (category, party)


def test_a_file_overrides_adds_and_sets_party_chats(tmp_path: Path) -> None:
    rules_file = tmp_path / "community.toml"
    rules_file.write_text(
        '[party_chats]\n"物业" = -100555\n'
        '[wishes]\nparty = "居委会"\nsla_days = 5\n'
        '[[categories]]\nname = "电梯"\nkeywords = ["电梯"]\nparty = "物业"\nsla_days = 1\n'
        '[[categories]]\nname = "快递"\nkeywords = ["快递柜"]\nparty = "物业"\nsla_days = 2\n',
        encoding="utf-8",
    )
    rules = CommunityRules.load(rules_file)
    assert rules.categorise("电梯坏了")[1].sla_days == 1
    assert rules.categorise("快递柜打不开")[0] == "快递"
    assert rules.categorise("物业费太贵")[0] == "物业费"  # defaults kept
    assert rules.wishes.sla_days == 5
    assert rules.party_chats[Party.PROPERTY] == -100555
    assert Party.STREET not in rules.party_chats


def test_the_shipped_example_file_loads() -> None:
    rules = CommunityRules.load(ROOT / "community.example.toml")
    assert rules.categorise("快递丢件了")[0] == "快递"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('[[categories]]\nname = "x"\nkeywords = ["x"]\nparty = "物管"\nsla_days = 1\n', "party"),
        ('[wishes]\nparty = "居委会"\nsla_days = 0\n', "sla_days"),
        ("this is not toml", "not valid TOML"),
    ],
)
def test_a_bad_file_is_one_clear_error(tmp_path: Path, content: str, words: str) -> None:
    rules_file = tmp_path / "community.toml"
    rules_file.write_text(content, encoding="utf-8")
    with pytest.raises(RulesError) as info:
        CommunityRules.load(rules_file)
    assert words in str(info.value) and "\n" not in str(info.value)


def test_working_days_skip_weekends_and_holidays_and_count_adjusted_weekends() -> None:
    friday = datetime(2026, 11, 20, 15, 0, tzinfo=ZONE)
    assert add_working_days(friday, 1, ZONE) == datetime(2026, 11, 23, 15, 0, tzinfo=ZONE)
    before_national_day = datetime(2026, 9, 30, 9, 0, tzinfo=ZONE)
    # 1-7 October 2026 are off; Saturday 10 October is a 调休 working day.
    assert add_working_days(before_national_day, 1, ZONE).date().isoformat() == "2026-10-08"
    friday_after = datetime(2026, 10, 9, 9, 0, tzinfo=ZONE)
    assert add_working_days(friday_after, 1, ZONE).date().isoformat() == "2026-10-10"


# several communities ---------------------------------------------------------------------

TWO = """
name = "西二居民区"
[reminders]
evening_time = "18:30"
minutes_before = 30
[tickets]
unclaimed_wish_days = 5
[[categories]]
name = "快递"
keywords = ["快递柜"]
party = "物业"
sla_days = 2

[[communities]]
code = "dongyi"
name = "东一居民区"
committee_chat = -100200
moderator_chat = -100201
[communities.party_chats]
"物业" = -100202
[communities.tickets]
unclaimed_wish_days = 2
[communities.reminders]
evening_time = "20:00"
[[communities.categories]]
name = "电梯"
keywords = ["电梯"]
party = "物业"
sla_days = 1
"""


def test_each_community_has_its_chats_and_inherits_what_it_does_not_set(
    tmp_path: Path,
) -> None:
    rules_file = tmp_path / "community.toml"
    rules_file.write_text(TWO, encoding="utf-8")
    default, east = load_communities(rules_file, committee_chat_id=-1001, moderator_chat_id=-1001)
    assert (default.code, default.name, default.committee_chat) == ("default", "西二居民区", -1001)
    assert (east.code, east.name, east.committee_chat, east.moderator_chat) == (
        "dongyi",
        "东一居民区",
        -100200,
        -100201,
    )
    assert east.party_chats == {Party.PROPERTY: -100202} and default.party_chats == {}
    assert east.rules.tickets.unclaimed_wish_days == 2  # its own
    assert default.rules.tickets.unclaimed_wish_days == 5
    # A section it gives changes only the fields it names.
    assert east.rules.reminders.evening_time == "20:00"
    assert east.rules.reminders.minutes_before == 30  # the top level's
    assert default.rules.reminders.evening_time == "18:30"
    # Categories: the defaults, the top level's, then its own.
    assert east.rules.categorise("快递柜坏了")[0] == "快递"
    assert east.rules.categorise("电梯坏了")[1].sla_days == 1
    assert default.rules.categorise("电梯坏了")[1].sla_days == 2
    assert east.rules.categorise("物业费太贵")[0] == "物业费"


def test_one_community_without_a_file_is_the_default_one() -> None:
    (only,) = load_communities(None, committee_chat_id=-1001, moderator_chat_id=-1002)
    assert (only.code, only.committee_chat, only.moderator_chat) == ("default", -1001, -1002)


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ('[[communities]]\ncode = "dongyi"\nname = "又一个"\ncommittee_chat = -100300\n', "twice"),
        ('[[communities]]\ncode = "nanyi"\nname = "南一"\ncommittee_chat = -1001\n', "both"),
        ('[[communities]]\ncode = "Nan Yi"\nname = "南一"\ncommittee_chat = -100400\n', "code"),
        (
            '[[communities]]\ncode = "nanyi"\nname = "南一"\ncommitee_chat = -100400\n',
            "committee_chat",
        ),
        ('[[community]]\ncode = "nanyi"\nname = "南一"\ncommittee_chat = -100400\n', "community"),
    ],
)
def test_a_bad_community_is_one_clear_error(tmp_path: Path, extra: str, words: str) -> None:
    rules_file = tmp_path / "community.toml"
    rules_file.write_text(TWO + extra, encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_communities(rules_file, committee_chat_id=-1001, moderator_chat_id=-1001)
    assert words in str(info.value) and "\n" not in str(info.value)


def test_the_street_office_chat_cannot_be_a_communitys_chat(tmp_path: Path) -> None:
    rules_file = tmp_path / "community.toml"
    rules_file.write_text(TWO, encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_communities(
            rules_file, committee_chat_id=-1001, moderator_chat_id=-1001, street_chat_id=-100200
        )
    assert "STREET_CHAT_ID" in str(info.value)
