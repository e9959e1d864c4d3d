"""Votes: staff start one in the committee chat, residents vote in private (one ballot per
household, or per person), the result goes out at the deadline or when staff close it.

Every change is one transaction with its events and the messages it causes (the outbox), so a
kill -9 at any moment loses nothing and closing twice changes nothing: the close is a guarded
state change, and its messages are queued with it. Who may vote is checked on every press.
How ballots stay secret: see secrecy.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.buttons import BallotButton, BallotCheckButton, Dialog, Press
from bot.services.households import HouseholdService, building_label
from bot.services.messaging import deep_link, html, local_time, text_message
from bot.services.people import Person
from bot.services.roles import Roles
from bot.services.votes import chart, texts
from bot.services.votes.command import (
    BadVote,
    CloseVote,
    ListVotes,
    NewVote,
    parse_vote_command,
)
from bot.services.votes.secrecy import BallotKey
from storage import AlreadyHandled, Database, Tx
from storage.outbox import OutgoingMessage
from storage.votes import VoteRecord

log = logging.getLogger(__name__)

LONGEST = timedelta(days=90)
UPLOAD = "_upload"  # see bot/outbox.py: a file the sender draws when it sends
CHART_KIND = "vote_chart"
CHARTS_KEPT = 4


def share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "0%"


class VoteService:
    def __init__(
        self,
        db: Database,
        roles: Roles,
        households: HouseholdService,
        key: BallotKey,
        *,
        zone: ZoneInfo,
        bot_username: str,
        can_draw: Callable[[], bool] = chart.can_draw,
    ) -> None:
        self._db = db
        self._roles = roles
        self._households = households
        self._key = key
        self._zone = zone
        self._bot_username = bot_username
        self._can_draw = can_draw
        self._charts: dict[int, bytes] = {}
        self._drawing = asyncio.Lock()

    # ------------------------------------------------------------------ staff

    async def command(
        self, update_id: int, user_id: int, chat_id: int, message_id: int, text: str
    ) -> None:
        """/vote ... in a committee chat, by its staff."""
        community = self._roles.community_of_staff_chat(chat_id)
        allowed = (
            community is not None
            and chat_id == self._roles.committee_chat(community)
            and await self._roles.is_committee(user_id, community)
        )
        if not allowed or community is None:
            if chat_id == user_id or self._roles.is_staff_chat(chat_id):
                await self._reply(update_id, chat_id, texts.ONLY_STAFF, message_id)
            return  # a residents' group hears nothing of it
        parsed = parse_vote_command(text, self._zone)
        if isinstance(parsed, BadVote):
            reply = texts.BAD[parsed.reason] + "\n\n" + texts.USAGE
            await self._reply(update_id, chat_id, reply, message_id)
        elif isinstance(parsed, ListVotes):
            await self._reply(update_id, chat_id, await self.listing(community), message_id)
        elif isinstance(parsed, CloseVote):
            await self._close_command(update_id, user_id, community, chat_id, message_id, parsed)
        else:
            await self._start(update_id, user_id, community, chat_id, message_id, parsed)

    async def _reply(self, update_id: int, chat_id: int, text: str, reply_to: int | None) -> None:
        try:
            async with self._db.transaction(update_id=update_id, what="vote") as tx:
                await tx.outbox.enqueue(text_message(chat_id, text, reply_to=reply_to))
        except AlreadyHandled:
            pass

    def _summary(self, vote: VoteRecord) -> dict[str, str]:
        options = "\n".join(
            texts.OPTION_LINE.format(i=i, option=html(o)) for i, o in enumerate(vote.options, 1)
        )
        scope = (
            texts.SCOPE_SOME.format(buildings="、".join(building_label(b) for b in vote.scope))
            if vote.scope
            else texts.SCOPE_ALL
        )
        return {
            "n": str(vote.id),
            "question": html(vote.question),
            "options": options,
            "closes": local_time(vote.closes_at, self._zone),
            "scope": scope,
            "rule": texts.RULE_PERSON if vote.per_person else texts.RULE_HOUSEHOLD,
        }

    async def _start(
        self,
        update_id: int,
        user_id: int,
        community: str,
        chat_id: int,
        message_id: int,
        new: NewVote,
    ) -> None:
        try:
            async with self._db.transaction(update_id=update_id, what="vote_started") as tx:
                if not tx.now < new.closes_at <= tx.now + LONGEST:
                    await tx.outbox.enqueue(
                        text_message(chat_id, texts.BAD["past"], reply_to=message_id)
                    )
                    return
                vote = await tx.votes.create(
                    community=community,
                    question=new.question,
                    options=new.options,
                    scope=new.scope,
                    per_person=new.per_person,
                    closes_at=new.closes_at,
                    key_check=self._key.check,
                    created_by=user_id,
                    source_update_id=update_id,
                )
                groups = await self._groups_for(tx, vote)
                await tx.events.append(
                    "vote_started",
                    actor_id=user_id,
                    subject=f"vote:{vote.id}",
                    detail={
                        "question": vote.question,
                        "options": vote.options,
                        "closes_at": new.closes_at.isoformat(),
                        "scope": vote.scope,
                        "per_person": vote.per_person,
                        "groups": groups,
                    },
                )
                summary = self._summary(vote)
                link = deep_link(self._bot_username, f"vote_{vote.id}")
                for group in groups:
                    message = text_message(
                        group,
                        texts.ANNOUNCE.format(**summary),
                        dedupe_key=f"vote:{vote.id}:{group}",
                    )
                    message.params["reply_markup"] = {
                        "inline_keyboard": [[{"text": texts.ANNOUNCE_BUTTON, "url": link}]]
                    }
                    await tx.outbox.enqueue(message)
                done = texts.STARTED if groups else texts.STARTED_NO_GROUPS
                await tx.outbox.enqueue(
                    text_message(
                        chat_id,
                        done.format(
                            n=vote.id, groups=len(groups), summary=texts.SUMMARY.format(**summary)
                        ),
                        reply_to=message_id,
                    )
                )
        except AlreadyHandled:
            pass

    async def _groups_for(self, tx: Tx, vote: VoteRecord) -> list[int]:
        """The community's resident groups; with a scope, a group tied to buildings only if one
        of them is in it (a group tied to none serves the whole community)."""
        groups = [g.id for g in await tx.chats.resident_groups(vote.community)]
        if not vote.scope:
            return groups
        ties = await tx.households.group_ties(groups)
        scope = set(vote.scope)
        return [g for g in groups if g not in ties or ties[g] & scope]

    async def listing(self, community: str) -> str:
        async with self._db.read() as tx:
            votes = await tx.votes.recent(community)
            lines = [texts.LIST_TITLE]
            for vote in votes:
                if vote.is_open:
                    lines.append(await self._running(tx, vote))
                else:
                    lines.append(self._closed_line(vote))
        if not votes:
            return texts.LIST_EMPTY
        return "\n\n".join(lines)

    async def _turnout(self, tx: Tx, vote: VoteRecord) -> dict[str, list[int]]:
        """{building: [voted, eligible]} of the buildings in scope (or every building)."""
        part = await tx.votes.secret_part(vote.id)
        voted = Counter(building for _, building in part.turnout.values())
        eligible = await tx.households.eligible_by_building(
            vote.community,
            confirmed_only=self._households.verifies(vote.community),
            per_person=vote.per_person,
        )
        buildings = vote.scope or sorted(set(eligible) | set(voted), key=_building_order)
        return {b: [voted.get(b, 0), max(eligible.get(b, 0), voted.get(b, 0))] for b in buildings}

    async def _running(self, tx: Tx, vote: VoteRecord) -> str:
        by_building = await self._turnout(tx, vote)
        voted = sum(v for v, _ in by_building.values())
        eligible = sum(e for _, e in by_building.values())
        unit = texts.UNIT_PERSON if vote.per_person else texts.UNIT_HOUSEHOLD
        return texts.LIST_OPEN.format(
            n=vote.id,
            closes=local_time(vote.closes_at, self._zone),
            question=html(vote.question),
            turnout=texts.TURNOUT.format(
                voted=voted, eligible=eligible, unit=unit, share=share(voted, eligible)
            ),
            buildings="\n".join(
                texts.BUILDING_TURNOUT.format(building=building_label(b), voted=v, eligible=e)
                for b, (v, e) in by_building.items()
            ),
        )

    def _closed_line(self, vote: VoteRecord) -> str:
        assert vote.result is not None and vote.closed_at is not None
        counts: list[int] = vote.result["counts"]
        total = sum(counts)
        winner = "，".join(
            texts.RESULT_LINE.format(option=html(o), count=c, share=share(c, total))
            for o, c in zip(vote.options, counts, strict=True)
        )
        return texts.LIST_CLOSED.format(
            n=vote.id,
            closed=local_time(vote.closed_at, self._zone),
            question=html(vote.question),
            winner=winner,
        )

    # ------------------------------------------------------------------ residents

    async def _refusal(self, tx: Tx, vote: VoteRecord | None, user_id: int) -> str | None:
        if vote is None:
            return texts.UNKNOWN
        if not vote.is_open or tx.now >= vote.closes_at:
            return texts.CLOSED
        if vote.key_check != self._key.check:
            log.error("vote %d was started under another ballot key (BOT_TOKEN changed)", vote.id)
            return texts.KEY_CHANGED
        member = await tx.households.membership(user_id)
        if member is None:
            return texts.NO_HOME
        if member.community != vote.community:
            return texts.OTHER_COMMUNITY
        if member.status == "rejected":
            return texts.REJECTED
        if not self._households.may_vote(member):
            return texts.NOT_VERIFIED
        if vote.scope and member.building not in vote.scope:
            buildings = "、".join(building_label(b) for b in vote.scope)
            return texts.OUT_OF_SCOPE.format(buildings=buildings)
        return None

    def _ballot_buttons(self, vote: VoteRecord, user_id: int) -> list[list[tuple[str, Any]]]:
        n = len(vote.options)
        rows: list[list[tuple[str, Any]]] = [
            [(option, BallotButton(vote.id, self._key.code(vote.id, user_id, i, n)))]
            for i, option in enumerate(vote.options)
        ]
        rows.append([(texts.CHECK_BUTTON, BallotCheckButton(vote.id))])
        return rows

    async def open_ballot(self, update_id: int, person: Person, vote_id: int) -> None:
        """/start vote_N (the group's 去投票 link): the ballot, or why they cannot vote."""
        try:
            async with self._db.transaction(update_id=update_id, what="ballot_opened") as tx:
                vote = await tx.votes.get(vote_id)
                refusal = await self._refusal(tx, vote, person.id)
                if refusal is not None or vote is None:
                    await tx.outbox.enqueue(text_message(person.id, refusal or texts.UNKNOWN))
                    return
                member = await tx.households.membership(person.id)
                assert member is not None
                state = await self._state(tx, vote, person.id, member.household_id)
                if state == "household":
                    await tx.outbox.enqueue(text_message(person.id, texts.HOUSEHOLD_VOTED))
                    return
                template = texts.BALLOT_VOTED if state == "mine" else texts.BALLOT
                summary = self._summary(vote)
                await tx.outbox.enqueue(
                    text_message(
                        person.id,
                        template.format(**summary),
                        buttons=self._ballot_buttons(vote, person.id),
                    )
                )
        except AlreadyHandled:
            pass

    async def _state(self, tx: Tx, vote: VoteRecord, user_id: int, household_id: int) -> str:
        """'mine' (this person cast the household's ballot), 'household' (another member did,
        or this person already cast one for another home), or 'none'."""
        part = await tx.votes.secret_part(vote.id)
        voter = self._key.voter_of(household_id, user_id, vote.per_person)
        entry = part.turnout.get(self._key.voter(vote.id, voter))
        caster = self._key.caster(vote.id, user_id)
        if entry is not None:
            return "mine" if entry[0] == caster else "household"
        if any(c == caster for c, _ in part.turnout.values()):
            return "household"  # voted, then registered another home
        return "none"

    async def ballot_press(self, update_id: int, press: Press, button: BallotButton) -> str:
        """A ballot option: everything is checked again here, in the transaction that records it."""
        try:
            async with self._db.transaction(update_id=update_id, what="ballot") as tx:
                vote = await tx.votes.get(button.vote)
                refusal = await self._refusal(tx, vote, press.user_id)
                if refusal is not None or vote is None:
                    return Dialog(refusal or texts.UNKNOWN)
                n = len(vote.options)
                option = self._key.option(vote.id, press.user_id, button.code, n)
                if option is None:
                    return Dialog(texts.UNKNOWN)
                member = await tx.households.membership(press.user_id)
                assert member is not None
                if await self._state(tx, vote, press.user_id, member.household_id) == "household":
                    return Dialog(texts.HOUSEHOLD_VOTED)
                part = await tx.votes.secret_part(vote.id)
                voter = self._key.voter_of(member.household_id, press.user_id, vote.per_person)
                ballot = self._key.ballot(vote.id, voter)
                before = part.choices.get(ballot)
                if before == option:
                    return Dialog(texts.SAME.format(option=vote.options[option]))
                turnout = dict(part.turnout)
                turnout[self._key.voter(vote.id, voter)] = [
                    self._key.caster(vote.id, press.user_id),
                    member.building,
                ]
                choices = {**part.choices, ballot: option}
                await tx.votes.keep_secret_part(
                    vote.id, part.model_copy(update={"turnout": turnout, "choices": choices})
                )
                # Who and what stay out of the audit trail: that a ballot came, nothing more.
                await tx.events.append(
                    "ballot_cast" if before is None else "ballot_changed",
                    actor_id=None,
                    subject=f"vote:{vote.id}",
                )
                template = texts.CAST if before is None else texts.CHANGED
                return Dialog(template.format(option=vote.options[option]))
        except AlreadyHandled:
            return ""

    async def check_press(self, update_id: int, press: Press, button: BallotCheckButton) -> str:
        """我投了哪项: the household's choice, to the member who cast it, as a dialog only."""
        async with self._db.read() as tx:
            vote = await tx.votes.get(button.vote)
            if vote is None:
                return Dialog(texts.UNKNOWN)
            if not vote.is_open:
                return Dialog(texts.CLOSED)
            member = await tx.households.membership(press.user_id)
            if member is None:
                return Dialog(texts.NO_HOME)
            state = await self._state(tx, vote, press.user_id, member.household_id)
            if state == "household":
                return Dialog(texts.HOUSEHOLD_VOTED)
            part = await tx.votes.secret_part(vote.id)
        voter = self._key.voter_of(member.household_id, press.user_id, vote.per_person)
        choice = part.choices.get(self._key.ballot(vote.id, voter))
        if state != "mine" or choice is None:
            return Dialog(texts.NOT_YET)
        return Dialog(texts.YOURS.format(option=vote.options[choice]))

    # ------------------------------------------------------------------ closing

    async def _close_command(
        self,
        update_id: int,
        user_id: int,
        community: str,
        chat_id: int,
        message_id: int,
        close: CloseVote,
    ) -> None:
        try:
            async with self._db.transaction(update_id=update_id, what="vote_close") as tx:
                vote = await tx.votes.get(close.number)
                if vote is None:
                    reply: str | None = texts.CLOSE_UNKNOWN.format(n=close.number)
                elif vote.community != community:
                    reply = texts.CLOSE_OTHER.format(n=close.number)
                elif not await self._close(tx, vote, user_id):
                    reply = texts.CLOSE_ALREADY.format(n=close.number)
                else:
                    reply = None  # the result itself goes to this chat
                if reply is not None:
                    await tx.outbox.enqueue(text_message(chat_id, reply, reply_to=message_id))
        except AlreadyHandled:
            pass

    async def tick(self) -> int:
        """Close every vote whose deadline has come (on the bot's clock); how many closed."""
        async with self._db.read() as tx:
            due = await tx.votes.due(tx.now)
        closed = 0
        for vote_id in due:
            async with self._db.transaction(what="vote_deadline") as tx:
                vote = await tx.votes.get(vote_id)
                if vote is not None and await self._close(tx, vote, None):
                    closed += 1
        return closed

    async def _close(self, tx: Tx, vote: VoteRecord, by: int | None) -> bool:
        """Count, close (once) and send the result to the committee and the groups."""
        if not vote.is_open:
            return False
        part = await tx.votes.secret_part(vote.id)
        counts = [0] * len(vote.options)
        for option in part.choices.values():
            counts[option] += 1
        by_building = await self._turnout(tx, vote)
        result = {
            "counts": counts,
            "voted": len(part.turnout),
            "eligible": sum(e for _, e in by_building.values()),
            "by_building": by_building,
        }
        if not await tx.votes.close(vote.id, result, by):
            return False
        await tx.events.append(
            "vote_closed",
            actor_id=by,
            subject=f"vote:{vote.id}",
            detail={"counts": counts, "voted": result["voted"], "eligible": result["eligible"]},
            public=True,
        )
        closed = await tx.votes.get(vote.id)
        assert closed is not None
        text = self.result_text(closed)
        chats = [self._roles.committee_chat(vote.community), *await self._groups_for(tx, vote)]
        for chat_id in chats:
            await tx.outbox.enqueue(self._result_message(chat_id, closed, text))
        return True

    def result_text(self, vote: VoteRecord) -> str:
        assert vote.result is not None and vote.closed_at is not None
        counts: list[int] = vote.result["counts"]
        total = sum(counts)
        voted, eligible = vote.result["voted"], vote.result["eligible"]
        lines = "\n".join(
            texts.RESULT_LINE.format(option=html(o), count=c, share=share(c, total))
            for o, c in zip(vote.options, counts, strict=True)
        )
        closed = local_time(vote.closed_at, self._zone)
        ending = (
            texts.RESULT_ENDED_DEADLINE if vote.closed_by is None else texts.RESULT_ENDED_EARLY
        ).format(closed=closed)
        ending += texts.RESULT_THANKS if voted else texts.RESULT_NONE
        return texts.RESULT.format(
            n=vote.id,
            question=html(vote.question),
            lines=lines,
            voted=voted,
            unit=texts.UNIT_PERSON if vote.per_person else texts.UNIT_HOUSEHOLD,
            turnout=share(voted, eligible),
            ending=ending,
        )

    def _result_message(self, chat_id: int, vote: VoteRecord, text: str) -> OutgoingMessage:
        key = f"vote-result:{vote.id}:{chat_id}"
        if not self._can_draw():
            return text_message(chat_id, text, dedupe_key=key)
        return OutgoingMessage(
            chat_id=chat_id,
            method="sendPhoto",
            params={
                "caption": text,
                "parse_mode": "HTML",
                UPLOAD: {"field": "photo", "kind": CHART_KIND, "key": vote.id},
            },
            dedupe_key=key,
        )

    async def chart_file(self, vote_id: int) -> tuple[str, bytes] | None:
        """The outbox's uploader for CHART_KIND: the closed vote's chart, drawn from its
        frozen result (kept in memory for the next groups' copies)."""
        if vote_id in self._charts:
            return f"vote-{vote_id}.png", self._charts[vote_id]
        async with self._db.read() as tx:
            vote = await tx.votes.get(vote_id)
        if vote is None or vote.result is None or not self._can_draw():
            return None
        async with self._drawing:  # one drawing at a time, off the event loop
            png = await asyncio.to_thread(
                chart.bar_chart,
                texts.CHART_TITLE.format(n=vote.id),
                vote.options,
                list(vote.result["counts"]),
                texts.CHART_AXIS,
            )
        if len(self._charts) >= CHARTS_KEPT:
            self._charts.pop(next(iter(self._charts)))
        self._charts[vote_id] = png
        return f"vote-{vote_id}.png", png


def _building_order(building: str) -> tuple[int, str]:
    return (int(building), "") if building.isdigit() else (10**6, building)
