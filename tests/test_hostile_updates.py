"""Updates a real group produces besides ordinary posts, in any order (property-based):
edits, the bot removed, demoted and re-added, and button presses with data that is unknown,
replayed from another chat, oversized or forged. Nothing fails, nothing invalid changes state,
and whatever the bot sends is accepted by the strict sandbox."""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import Linli
from tests.conftest import Community

FORGED = st.one_of(
    st.sampled_from(
        [
            "t:done:1",
            "t:accept:1",
            "t:reject:1",
            "t:to:1:STREET",
            "r:0:1",
            "r:unsolved:1",
            "m:confirm:1",
            "m:dismiss:1",
            "m:check:1",
            "d:ok:1",
            "menu:wish",
            "t:claim:999999999",
            "m:confirm:0",
            "x" * 64,
            "t:done:1" + "9" * 60,
            "<b>",
            "m:confirm:-1",
            "\u202e",
            "t:done:1:",
        ]
    ),
    st.text(min_size=1, max_size=80),
)
ACTIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("post"),
            st.sampled_from(
                [
                    "#投诉 电梯坏了一周",
                    "紧急通知！内部消息，明天停水三天，赶紧转发",
                    "大家好",
                    "兼职刷单日结，加微信 13812345678",
                    "/wish 换灯泡",
                    "/modstats",
                    "/digest",
                ]
            ),
        ),
        st.tuples(st.just("edit"), st.text(min_size=1, max_size=30)),
        st.tuples(st.just("press"), FORGED),
        st.tuples(st.just("bot"), st.sampled_from(["remove", "demote", "promote", "add"])),
    ),
    min_size=6,
    max_size=14,
)


@pytest.fixture
async def town(loose_linli: Linli, community: Community) -> Linli:
    """One real ticket and one real review card, for forged presses to aim at."""
    sb = community.sb
    await sb.send(community.auntie, community.building, "#投诉 楼道灯坏了")
    await sb.next_message(community.committee, containing="#1")
    await sb.send(community.neighbour, community.building, "内部消息：明天停水三天，赶紧转发")
    await sb.next_message(community.committee, containing="待审核")
    return loose_linli


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=ACTIONS)
async def test_edits_membership_changes_and_forged_buttons_never_fail_the_bot(
    town: Linli,
    community: Community,
    actions: list[tuple[str, str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    sb, c = community.sb, community
    caplog.set_level(logging.WARNING)
    assert town.db
    async with town.db.read() as tx:
        before = [(t.id, t.status, t.assignee_id, t.rating) for t in await tx.tickets.all()]
        flags_before = [(f.id, f.status, f.decided_by) for f in await tx.flags.all()]
    own: list[int] = []
    for kind, value in actions:
        in_group = c.building.member(sb.bot.id).is_present
        if kind == "post" and in_group:
            own.append(int((await sb.send(c.neighbour, c.building, value))["message_id"]))
        elif kind == "edit" and own:
            await sb.edit(c.neighbour, c.building, own[-1], value)
        elif kind == "press":
            targets = [*sb.sent_to(c.committee)[-3:], *sb.sent_to(c.building)[-2:]]
            for target in targets[:2]:
                if target.message_id in c.committee.messages or in_group:
                    await sb.press_data(c.neighbour, target, value)
        elif kind == "bot":
            if value == "remove" and in_group:
                await sb.remove_bot(c.building, c.admin)
            elif value == "add" and not in_group:
                await sb.add_bot(c.building, c.admin, admin=True)
            elif value in ("demote", "promote") and in_group:
                await sb.set_bot_admin(c.building, c.admin, admin=value == "promote")
    await sb.settle(quiet=0.5)
    assert town.services and await town.services.outbox.flush(timeout=20)

    failures = [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith(("handlers", "bot", "telegram.ext", "storage"))
        and r.levelno >= logging.ERROR
    ]
    assert failures == []
    async with town.db.read() as tx:
        # Refused as invalid (not: the bot had been removed from the group meanwhile).
        refused = [
            (r.method, r.last_error)
            for r in await tx.outbox.not_sent(("failed",))
            if r.method not in ("deleteMessage", "restrictChatMember")
            and not (r.last_error or "").startswith("Forbidden: bot was kicked")
        ]
        after = [(t.id, t.status, t.assignee_id, t.rating) for t in await tx.tickets.all()]
        flags_after = [(f.id, f.status, f.decided_by) for f in await tx.flags.all()]
    assert refused == []
    # A resident's forged presses changed no ticket and decided no flag.
    assert after[: len(before)] == before
    assert flags_after[: len(flags_before)] == flags_before
    assert all(decided_by is None for _, _, decided_by in flags_after)
