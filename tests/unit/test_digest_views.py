"""The daily digest as the committee secretary reads it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.digest.views import DigestFacts, digest_text
from storage.models import Backlog, FlagFigures, TicketFigures, to_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 15, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai, a Tuesday


def facts(**fields: object) -> DigestFacts:
    values: dict[str, object] = {
        "start": NOW - timedelta(days=1),
        "now": NOW,
        "tickets": TicketFigures(
            new=[
                ("complaint", "property", 3),
                ("complaint", "residents", 1),
                ("wish", "residents", 2),
            ],
            resolved=4,
            ratings={"satisfied": 2, "fair": 1, "unsatisfied": 1},
        ),
        "overdue": [(7, to_db(NOW - timedelta(days=2, hours=1)))],
        "overdue_total": 9,
        "unclaimed": [3, 5],
        "unclaimed_total": 2,
        "unclaimed_days": 5,
        "flags": FlagFigures(flagged=3, confirmed=1, dismissed=1, pending=1, known_hits=2),
        "next_reception": "12月15日 星期二 09:00-11:00 联合接待日 · 居委会一楼",
    }
    values.update(fields)
    return DigestFacts(**values)  # type: ignore[arg-type]


def test_the_digest_counts_what_happened_and_what_is_late() -> None:
    text = digest_text(facts(), SHANGHAI)
    assert "社区日报 · 12月15日 星期二" in text
    assert "【新工单】6 件" in text and "物业 3 件，居委会 1 件" in text
    assert "满意 2 · 基本满意 1 · 不满意 1，平均 2.2 分" in text
    assert "【超时未办】9 件：#7 超 3 天，等9件" in text
    assert "【微心愿超 5 天没人认领】2 件：#3、#5" in text
    assert "待审核 1 · 确认 1 · 误报 1 · 自动处理重复 2" in text
    assert "联合接待日 · 居委会一楼" in text


def test_a_quiet_day_says_so_plainly() -> None:
    empty = facts(
        tickets=TicketFigures(new=[], resolved=0, ratings={}),
        overdue=[],
        overdue_total=0,
        unclaimed=[],
        unclaimed_total=0,
        next_reception=None,
    )
    text = digest_text(empty, SHANGHAI)
    assert "【新工单】0 件" in text and "平均" not in text and "暂无安排" in text


def test_the_backlog_per_party_and_the_oldest_open_ticket() -> None:
    backlog = Backlog(
        by_party={"residents": 3, "property": 12, "owners": 3},
        oldest=(4, NOW - timedelta(days=20, hours=2)),
    )
    text = digest_text(facts(backlog=backlog), SHANGHAI)
    assert "【待办】18 件：物业 12 件，业委会 3 件，居委会 3 件" in text
    assert "【最久未办】#4，已 21 天" in text
    empty = digest_text(facts(backlog=Backlog(by_party={}, oldest=None)), SHANGHAI)
    assert "【待办】0 件" in empty and "最久未办" not in empty


def test_a_partys_digest_is_its_own_figures_without_moderation() -> None:
    backlog = Backlog(by_party={"property": 5}, oldest=(9, NOW - timedelta(days=3)))
    text = digest_text(facts(backlog=backlog, party="物业", flags=None), SHANGHAI)
    assert text.startswith("📋 <b>物业日报 · 12月15日 星期二</b>")
    assert "【待办】5 件\n" in text and "【最久未办】#9，已 3 天" in text
    assert "群消息审核" not in text
