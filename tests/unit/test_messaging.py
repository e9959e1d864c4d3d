"""Texts as Telegram measures them, and cards that always fit."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.services.messaging import fit, local_time, shorten, utf16_len, visible_len
from bot.services.tickets.views import card_text, ticket_view
from storage.models import Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_emoji_outside_the_basic_plane_count_twice() -> None:
    assert utf16_len("电梯") == 2
    assert utf16_len("😡" * 2000) == 4000


def test_shorten_never_splits_an_emoji_and_stays_within_the_limit() -> None:
    cut = shorten("😡" * 10, 7)
    assert cut == "😡😡😡…" and utf16_len(cut) <= 7
    assert shorten("  电梯\n坏了  ", 10) == "电梯 坏了"


def test_visible_length_ignores_tags_and_counts_entities_once() -> None:
    assert visible_len("<b>#1</b> &lt;电梯&gt;") == len("#1 <电梯>")


def test_fit_shortens_only_the_quoted_text() -> None:
    message = fit(lambda quoted: f"<b>标题</b>\n{quoted}", "<" * 5000, limit=100)
    assert visible_len(message) <= 100 and message.startswith("<b>标题</b>\n&lt;")


def test_local_time_is_shanghai_time() -> None:
    assert local_time(datetime(2026, 12, 1, 0, 30, tzinfo=UTC), SHANGHAI) == "12月1日 08:30"


def legacy_ticket(**fields: object) -> Ticket:
    """A ticket as one filed before texts were measured in UTF-16 could be: 4,000 units."""
    now = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    values: dict[str, object] = {
        "id": 7,
        "kind": "complaint",
        "text": "😡" * 2000,
        "photo_file_id": None,
        "category": "其他",
        "party": "residents",
        "status": "rejected",
        "reporter_id": 1,
        "reporter_name": "🏠" * 64,
        "source_chat_id": -100,
        "source_message_id": 3,
        "source_update_id": 9,
        "assignee_id": 2,
        "assignee_name": "📋" * 64,
        "created_at": now,
        "due_at": now,
        "overdue_at": now,
        "done_at": None,
        "rating": None,
        "rated_at": None,
        "reject_reason": "🙏" * 500,
        "card_chat_id": -200,
        "card_outbox_id": 1,
    }
    values.update(fields)
    return Ticket.model_validate(values)


def test_a_card_of_a_ticket_stored_before_utf16_limits_still_fits() -> None:
    ticket = legacy_ticket()
    card = card_text(ticket, where="🏢" * 128, followers=3, zone=SHANGHAI, note="\n已转派给街道")
    assert visible_len(card) <= 4096 and "原因：🙏" in card and card.endswith("已转派给街道")
    assert "😡…" in card  # the resident's words, shortened


def test_a_ticket_view_of_such_a_ticket_fits_too() -> None:
    view = ticket_view(
        legacy_ticket(status="new", reject_reason=None), [], full=True, zone=SHANGHAI
    )
    assert visible_len(view) <= 4096 and "🏠" in view
