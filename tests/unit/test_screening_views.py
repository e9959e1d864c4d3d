"""What moderators and the committee read on review cards."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.services.screening.views import modstats, review_buttons, review_card
from storage.models import Flag, FlagFigures

SHANGHAI = ZoneInfo("Asia/Shanghai")


def flag(**fields: object) -> Flag:
    values: dict[str, object] = {
        "id": 3,
        "kind": "rumour",
        "chat_id": -100,
        "message_id": 7,
        "author_id": 5,
        "author_name": "<赵师傅>",
        "text": "内部消息，明天停水 " * 100,
        "score": 0.87,
        "reasons": ["无来源的内部消息", "催促转发"],
        "source_update_id": 1,
        "status": "open",
        "decided_by": None,
        "decided_by_name": None,
        "decided_at": None,
        "card_chat_id": -200,
        "card_outbox_id": 1,
        "check_chat_id": None,
        "check_outbox_id": None,
        "created_at": datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
    }
    values.update(fields)
    return Flag.model_validate(values)


def test_a_card_names_the_author_escaped_and_quotes_the_post_shortened() -> None:
    card = review_card(flag(), group="3号楼业主群", zone=SHANGHAI)
    assert "待审核#3" in card and "&lt;赵师傅&gt;" in card and "87%" in card
    assert "无来源的内部消息、催促转发" in card and "…" in card and "确认前不会删除" in card
    assert [label for label, _ in review_buttons(flag())[0]] == ["确认谣言", "误报/放行", "需核实"]


def test_the_committees_copy_never_names_the_author() -> None:
    card = review_card(flag(), group="3号楼业主群", zone=SHANGHAI, for_committee=True)
    assert "赵师傅" not in card and "请帮忙核实" in card


def test_a_decided_card_says_who_and_when_and_has_no_buttons() -> None:
    decided = flag(
        status="confirmed",
        decided_by=9,
        decided_by_name="陈管理",
        decided_at=datetime(2026, 12, 1, 2, 30, tzinfo=UTC),
    )
    card = review_card(decided, group="3号楼", zone=SHANGHAI, note="，消息已删除")
    assert card.endswith("陈管理 于 12月1日 10:30 确认为谣言，消息已删除")
    assert review_buttons(decided) == []


def test_modstats_shows_precision_or_a_dash() -> None:
    week = FlagFigures(flagged=4, confirmed=3, dismissed=1, pending=0, known_hits=2)
    month = FlagFigures(flagged=0, confirmed=0, dismissed=0, pending=0, known_hits=0)
    text = modstats(week, month)
    assert "准确率 75%" in text and "准确率 —" in text
