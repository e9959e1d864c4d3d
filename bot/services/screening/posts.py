"""Screening of resident-group posts: the screen (moderation/) says what a post looks like, and
this acts on it. A suspicious post becomes a review card in the moderators' chat and nothing
more (review.py decides); a repeat of a confirmed rumour or ad is answered at once with the
stored clarification; a dismissed text is not flagged again. The screen's memory of decided
texts (one per community: a decision holds where it was made) is loaded from the database,
kept up to date by review.py after each commit, and, with several workers, read again from
the database for what the others decided (catch_up).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot import texts
from bot.community import Screening
from bot.services.groups import GroupService
from bot.services.messaging import edit_text, html, text_message
from bot.services.people import Person
from bot.services.roles import Roles
from bot.services.screening import views
from bot.services.screening.actions import ModerationActions, can_delete
from moderation import KnownTexts, RumourModel, Screener, Verdict
from moderation.normalize import normalize
from moderation.screen import PIECE_AT, PIECE_LETTERS, debunks
from storage import Database, Tx
from storage.models import Flag

log = logging.getLogger(__name__)

PENDING_AGE = timedelta(days=1)  # a card waiting this long is posted again
PENDING_REMINDER_HOUR = 9  # local time, once a day
PENDING_REPOSTED = 10  # at most this many cards a day; the summary counts them all
# With several workers, how often one reads the others' decisions before screening (seconds).
CATCH_UP_EVERY = 0.5
# A rumour cut into pieces: an author's posts in one group this close together are also read
# as one (at most PIECES of them), by this worker (with several workers, pieces that reach
# different workers are read apart).
PIECES = 3
PIECES_WITHIN_S = 180.0
PIECES_AUTHORS = 10_000  # authors remembered at most (the oldest are forgotten first)
# A post longer than this (characters as sent) is no piece and is not remembered: a piece has
# at most PIECE_LETTERS letters once normalised, and memory stays small.
PIECE_CHARS = 4 * PIECE_LETTERS


@dataclass(frozen=True)
class Post:
    """A resident's post in a resident group, as the screen needs it."""

    update_id: int
    chat_id: int
    chat_title: str | None
    message_id: int
    author: Person
    text: str
    forwarded_from_channel: bool = False
    author_is_bot: bool = False
    edited: bool = False  # an edit of a post: screened again, as if posted now
    sent_at: datetime | None = None  # when Telegram says it was posted (pieces: how far apart)


@dataclass
class _Memory:
    """One community's memory: the texts its moderators decided (in its screener) and its
    flags waiting for a decision. A decision holds in the community that made it: another
    community's 误报 does not silence a rumour here, nor does its 确认 remove posts here."""

    screener: Screener
    pending: KnownTexts


class ScreeningService:
    def __init__(
        self,
        db: Database,
        roles: Roles,
        rules: Screening,
        groups: GroupService,
        actions: ModerationActions,
        *,
        model: RumourModel | None = None,
    ) -> None:
        self._db = db
        self._roles = roles
        self._rules = rules
        self._groups = groups
        self._actions = actions
        self._model = model
        self._memories: dict[str, _Memory] = {}
        # What this worker's memory holds, and the highest ids it has read from the database:
        # other workers' decisions and flags are read from there before each post
        # (catch_up), as ids grow in commit order.
        self._known_ids: set[int] = set()
        self._pending_ids: set[int] = set()
        self._known_seen = 0
        self._pending_seen = 0
        self._caught_up_at = float("-inf")
        self._reloads: set[asyncio.Task[int]] = set()
        # (group, author) -> their latest posts that the screen let through, each with the
        # time Telegram dates it and the main model's score of it, for reading a rumour cut
        # into pieces.
        self._pieces: OrderedDict[tuple[int, int], list[tuple[float, Post, float]]] = OrderedDict()

    def _new_memory(
        self,
        known: Iterable[tuple[int, str, str]] = (),
        pending: Iterable[tuple[int, str]] = (),
    ) -> _Memory:
        by_kind: dict[str, list[tuple[int, str]]] = {"rumour": [], "ad": [], "dismissed": []}
        for known_id, kind, text in known:
            by_kind[kind].append((known_id, text))
        match = self._rules.known_match
        return _Memory(
            Screener(
                known=KnownTexts.build(by_kind["rumour"], min_score=match),
                known_ads=KnownTexts.build(by_kind["ad"], min_score=match),
                # A false alarm silences only nearly the same text.
                dismissed=KnownTexts.build(
                    by_kind["dismissed"], min_score=self._rules.dismissed_match
                ),
                allowed_domains=tuple(self._rules.allowed_domains),
                model=self._model,
            ),
            KnownTexts.build(list(pending), min_score=match),
        )

    def memory(self, community: str) -> _Memory:
        found = self._memories.get(community)
        if found is None:
            found = self._memories[community] = self._new_memory()
        return found

    def screener(self, community: str) -> Screener:
        return self.memory(community).screener

    async def load(self) -> int:
        """Rebuild the screen's memory from the decisions stored; returns the entries loaded."""
        async with self._db.read() as tx:
            known = await tx.known.all()
            pending = await tx.flags.pending()
        known_by: dict[str, list[tuple[int, str, str]]] = {}
        for known_id, kind, text, community in known:
            known_by.setdefault(community, []).append((known_id, kind, text))
        pending_by: dict[str, list[tuple[int, str]]] = {}
        for flag in pending:
            pending_by.setdefault(flag.community, []).append((flag.id, flag.text))
        self._memories = {
            community: self._new_memory(known_by.get(community, ()), pending_by.get(community, ()))
            for community in {*known_by, *pending_by}
        }
        self._known_ids = {k[0] for k in known}
        self._pending_ids = {f.id for f in pending}
        self._known_seen = max(self._known_ids, default=0)
        self._pending_seen = max(self._pending_ids, default=0)
        return len(known)

    def reload_soon(self) -> None:
        """After a decision was taken back: the memory is rebuilt from the database (withdrawn
        texts left out), in the background."""
        task = asyncio.get_running_loop().create_task(self.load(), name="screen-reload")
        self._reloads.add(task)
        task.add_done_callback(self._reloads.discard)

    def remember(self, kind: str, known_id: int, text: str, community: str) -> None:
        """A decision just committed: the live screen knows it from now on."""
        if known_id in self._known_ids:
            return
        self._known_ids.add(known_id)
        screener = self.screener(community)
        index = {
            "rumour": screener.known,
            "ad": screener.known_ads,
            "dismissed": screener.dismissed,
        }[kind]
        index.add(known_id, text)

    def _pend(self, flag: Flag) -> None:
        if flag.id not in self._pending_ids:
            self._pending_ids.add(flag.id)
            self.memory(flag.community).pending.add(flag.id, flag.text)

    async def catch_up(self, tx: Tx, *, pending: bool = False) -> None:
        """Read what other workers decided (and, with `pending`, flagged) since this worker
        last looked (by primary key)."""
        for known_id, kind, text, community in await tx.known.since(self._known_seen):
            self.remember(kind, known_id, text, community)
            self._known_seen = max(self._known_seen, known_id)
        if pending:
            for flag in await tx.flags.pending_since(self._pending_seen):
                self._pend(flag)
                self._pending_seen = max(self._pending_seen, flag.id)

    async def _catch_up_now_and_then(self) -> None:
        """On a shared database, before screening: at most every CATCH_UP_EVERY seconds (a
        read for every post cost a fifth of a worker's posts a second). A post the screen
        flags is exact all the same: _flag reads again in its write transaction. On SQLite
        this process makes every decision, and there is nothing to read."""
        if not self._db.shared:
            return
        now = asyncio.get_running_loop().time()
        if now - self._caught_up_at < CATCH_UP_EVERY:
            return
        self._caught_up_at = now
        async with self._db.read() as tx:
            await self.catch_up(tx)

    def _screen(self, post: Post, community: str) -> Verdict:
        """The screen's verdict on a post, with its community's memory as it is now."""
        return self.screener(community).screen(
            post.text, forwarded_from_channel=post.forwarded_from_channel
        )

    async def screen_post(self, post: Post) -> Verdict | None:
        """Screen a post (or an edit of one) in a resident group and act on the verdict; None
        when it is not screened: not a resident group, empty, or a bot's. A request (#投诉)
        is filed and screened too: a tag is no way around the screen. Staff and moderators
        are exempt (their notices may well say 紧急 or 转告); asking Telegram who they are
        costs a round trip, so it is asked only about the few posts that need acting on."""
        if post.author_is_bot or not post.text.strip():
            return None
        community = await self._groups.community_of_group(post.chat_id)
        if community is None:
            return None
        await self._catch_up_now_and_then()
        verdict = self._screen(post, community)
        if post.edited and await self._edited_on_card(post):
            return verdict  # still the same words as on its card: nothing new
        if verdict.action == "none":
            return await self._screen_pieces(post, verdict, community) or verdict
        if await self._exempt(post.author.id, community):
            return verdict
        if verdict.action == "known" and not await self._answer_known(post, verdict, community):
            # Taken back (撤销确认) by another worker since this one learnt it: forget what
            # was taken back and screen the post again.
            await self.load()
            verdict = self._screen(post, community)
            if verdict.action == "known":
                return verdict  # withdrawn just now again: the next post will tell
        if verdict.action == "review":
            verdict = await self._flag(post, verdict, community)
            if verdict.action == "known":  # another worker confirmed it a moment ago
                await self._answer_known(post, verdict, community)
        return verdict

    def _earlier_pieces(self, post: Post, probability: float) -> list[tuple[Post, float]]:
        """Remember a post the screen let through (with the main model's score of it); return
        its author's other posts in the group, posted close enough to it by Telegram's dates
        to be pieces of one message with it. An edit of a remembered post changes its words
        (keeping its date), and the pieces are read again with them."""
        key = (post.chat_id, post.author.id)
        remembered = self._pieces.pop(key, [])
        at = post.sent_at.timestamp() if post.sent_at is not None else time.time()
        if post.edited:
            dates = [when for when, piece, _ in remembered if piece.message_id == post.message_id]
            if not dates:  # not a piece (flagged alone, or long ago): nothing to read again
                if remembered:
                    self._pieces[key] = remembered
                return []
            at = dates[0]
        others = [
            (when, piece, p)
            for when, piece, p in remembered
            if piece.message_id != post.message_id and abs(at - when) <= PIECES_WITHIN_S
        ][-(PIECES - 1) :]
        self._pieces[key] = sorted([*others, (at, post, probability)], key=lambda e: e[0])
        while len(self._pieces) > PIECES_AUTHORS:
            self._pieces.popitem(last=False)
        return [(piece, p) for _, piece, p in others]

    async def _screen_pieces(self, post: Post, verdict: Verdict, community: str) -> Verdict | None:
        """A post the screen let through, read with its author's posts just before it: a
        rumour cut in pieces goes to review as one card holding every piece (one 确认 removes
        them all). None when the pieces read together are nothing either, or are not read:
        when none of them scored even odds alone (PIECE_AT), as nearly all chat."""
        if len(post.text) > PIECE_CHARS:
            key = (post.chat_id, post.author.id)
            if post.edited and key in self._pieces:  # a piece edited long is a piece no more
                self._pieces[key] = [
                    e for e in self._pieces[key] if e[1].message_id != post.message_id
                ]
            return None
        earlier = self._earlier_pieces(post, verdict.probability)
        if not earlier or max(p for _, p in (*earlier, (post, verdict.probability))) < PIECE_AT:
            return None
        pieces = sorted((*(piece for piece, _ in earlier), post), key=lambda p: p.message_id)
        verdict = self.screener(community).screen_pieces([p.text for p in pieces])
        if verdict.action != "review" or await self._exempt(post.author.id, community):
            return None
        verdict = await self._flag(
            post, verdict, community, earlier=[piece for piece, _ in earlier]
        )
        if verdict.action == "review":
            self._pieces.pop((post.chat_id, post.author.id), None)
        return verdict

    async def _edited_on_card(self, post: Post) -> bool:
        """An edit of a post on a pending card. Still its card's words: True (nothing to do).
        Edited into something else (a correction, an apology): a joined post leaves the card,
        the card's own post is marked edited (the card shows the new words and 确认 leaves it
        alone); False, and the new words are screened like any post."""
        async with self._db.transaction() as tx:
            found = await tx.flags.on_pending_card(post.chat_id, post.message_id)
            if found is None:
                return False
            flag, joined = found
            # A piece of a rumour cut up is compared with its own words, not all of them.
            piece = flag.piece_text(post.message_id) if post.chat_id == flag.chat_id else None
            if self._same_words(piece or flag.text, post.text):
                if joined is None and flag.edited_text is not None:
                    flag = await tx.flags.update(flag.id, edited_text=None)  # edited back
                    await self._show_card(tx, flag)
                return True
            if joined is not None:
                await tx.flags.remove_post(joined.id)
                if piece is not None:  # no longer one of the pieces the card shows
                    assert flag.pieces is not None
                    flag = await tx.flags.update(
                        flag.id,
                        pieces=[[m, t] for m, t in flag.pieces if m != post.message_id],
                    )
            else:
                flag = await tx.flags.update(flag.id, edited_text=post.text)
            await tx.events.append(
                "flag_post_edited",
                actor_id=post.author.id,
                subject=f"flag:{flag.id}",
                detail={"chat": post.chat_id, "joined": joined is not None},
            )
            await self._show_card(tx, flag)
        return False

    def _same_words(self, card_text: str, text: str) -> bool:
        """Whether a post still says what its card holds (a near-duplicate, no debunking)."""
        if debunks(normalize(text)):
            return False
        one = KnownTexts.build([(1, card_text)], min_score=self._rules.known_match)
        return one.match(text) is not None

    async def _show_card(self, tx: Tx, flag: Flag) -> None:
        if flag.card_chat_id is not None and flag.card_outbox_id is not None:
            await tx.outbox.enqueue(
                edit_text(
                    flag.card_chat_id,
                    await self._actions.card_text(tx, flag),
                    buttons=views.review_buttons(flag, with_check=flag.status == "open"),
                    target_row=flag.card_outbox_id,
                )
            )

    async def _join(
        self, tx: Tx, post: Post, verdict: Verdict, community: str, earlier: Sequence[Post] = ()
    ) -> bool:
        """A near-duplicate of a pending flag of the same community joins its card ("另见 3
        条") instead of making a card of its own: one rumour in 200 groups is one decision.
        A post that debunks the rumour never joins (确认 would remove the warning with it).
        Runs in the write transaction that would make the card, after catching up with the
        flags other workers made: writers take turns, so one burst makes one card."""
        if debunks(normalize(post.text)):
            return False
        match = self.memory(community).pending.match(post.text)
        if match is None:
            return False
        flag = await tx.flags.get(match.rumour_id)
        if (
            flag is None
            or flag.is_decided
            or flag.community != community
            or flag.kind != verdict.kind
        ):
            return False
        if (flag.chat_id, flag.message_id) == (post.chat_id, post.message_id):
            return True  # an edit of the flagged post itself: already on its card
        if not await self._add_posts(tx, flag.id, [post, *earlier]):
            return True  # joined when Telegram first handed this update out
        await tx.events.append(
            "flag_joined",
            actor_id=None,
            subject=f"flag:{flag.id}",
            detail={"chat": post.chat_id, "score": verdict.score},
        )
        await self._show_card(tx, flag)
        return True

    async def _flag(
        self, post: Post, verdict: Verdict, community: str, *, earlier: Sequence[Post] = ()
    ) -> Verdict:
        """Flag a post for review (with `earlier`: the pieces it ends, read as one; the card
        holds them all): it joins a pending card or makes one. Returns the verdict acted on:
        when other workers' decisions read here change it (a repeat of a text just confirmed
        or dismissed there), nothing is flagged and the new verdict is returned."""
        moderators = self._roles.moderator_chat(community)
        async with self._db.transaction() as tx:
            await self.catch_up(tx, pending=True)
            # Screened again, now that the memory holds every decision committed before this
            # transaction: read here or by a post handled alongside this one.
            ordered = sorted((*earlier, post), key=lambda p: p.message_id)
            if earlier:  # in the order they were posted, whichever was handled first
                pieces = [p.text for p in ordered]
                verdict = self.screener(community).screen_pieces(pieces)
                post = replace(post, text="\n".join(pieces))
            else:
                verdict = self._screen(post, community)
            if verdict.action != "review":
                return verdict
            if await self._join(tx, post, verdict, community, earlier):
                return verdict
            flag = await tx.flags.create(
                kind=verdict.kind,
                chat_id=post.chat_id,
                message_id=post.message_id,
                author_id=post.author.id,
                author_name=post.author.name,
                text=post.text,
                score=verdict.score,
                reasons=list(verdict.reasons),
                source_update_id=post.update_id,
                community=community,
            )
            if flag is None:
                return verdict  # flagged when Telegram first handed this update out
            if earlier:
                await self._add_posts(tx, flag.id, earlier)
                flag = await tx.flags.update(
                    flag.id, pieces=[[p.message_id, p.text] for p in ordered]
                )
            if verdict.nearest is not None:
                flag = await tx.flags.update(flag.id, nearest_known_id=verdict.nearest.rumour_id)
            made = flag
            tx.after_commit(lambda: self._pend(made))
            card = await tx.outbox.enqueue(
                text_message(
                    moderators,
                    await self._actions.card_text(tx, flag, group=post.chat_title),
                    buttons=views.review_buttons(flag),
                )
            )
            await tx.flags.set_card(flag.id, moderators, card)
            await tx.events.append(
                "flagged",
                actor_id=None,
                subject=f"flag:{flag.id}",
                detail={
                    "kind": flag.kind,
                    "score": flag.score,
                    "reasons": flag.reasons,
                    "chat": flag.chat_id,
                },
            )
        return verdict

    @staticmethod
    async def _add_posts(tx: Tx, flag_id: int, posts: Iterable[Post]) -> bool:
        """Put posts on a flag's card; False when the first of them was there already."""
        added = [
            await tx.flags.add_post(
                flag_id,
                chat_id=p.chat_id,
                message_id=p.message_id,
                author_id=p.author.id,
                author_name=p.author.name,
                source_update_id=p.update_id,
            )
            for p in posts
        ]
        return not added or added[0]

    async def _answer_known(self, post: Post, verdict: Verdict, community: str) -> bool:
        """Answer a repeat of a confirmed text; False when that text was taken back."""
        assert verdict.known is not None
        async with self._db.transaction() as tx:
            known = await tx.known.get(verdict.known.rumour_id)
            if known is None or known.withdrawn_at is not None:
                return False
            if not await tx.known.record_hit(
                known.id, post.chat_id, post.message_id, post.author.id
            ):
                return True  # answered when Telegram first handed this update out
            chat = await tx.chats.get(post.chat_id)
            deletable = can_delete(chat)
            group = html(post.chat_title or (chat.title if chat else None) or post.chat_id)
            if deletable:
                await tx.outbox.enqueue(self._actions.delete(post.chat_id, post.message_id, group))
            if known.kind == "rumour":
                reply = texts.KNOWN_RUMOUR_REPLY.format(
                    removed=texts.KNOWN_RUMOUR_REMOVED if deletable else "",
                    clarification=html(known.clarification)
                    if known.clarification
                    else texts.KNOWN_RUMOUR_NO_CLARIFICATION,
                )
                await tx.outbox.enqueue(
                    text_message(
                        post.chat_id, reply, reply_to=None if deletable else post.message_id
                    )
                )
                done = texts.KNOWN_LOG_DELETED if deletable else texts.KNOWN_LOG_ANSWERED
            else:
                done = texts.KNOWN_LOG_AD_DELETED if deletable else texts.KNOWN_LOG_AD_KEPT
            log_line = texts.KNOWN_LOG[known.kind].format(
                group=group, author=html(post.author.name), k=known.id, done=done
            )
            await tx.outbox.enqueue(text_message(self._roles.moderator_chat(community), log_line))
            await tx.events.append(
                f"known_{known.kind}_hit",
                actor_id=None,
                subject=f"known:{known.id}",
                detail={"chat": post.chat_id, "author": post.author.id, "deleted": deletable},
            )
            if known.kind == "ad":
                await self._actions.mute_if_repeated(
                    tx,
                    post.author,
                    post.chat_id,
                    group,
                    deletable,
                    community,
                    flag_id=known.flag_id,
                )
        return True

    async def tick(self) -> int:
        """Once a day (from 09:00 local): review cards still pending after a day are listed
        again in their moderators' chat and posted anew, so they are not lost in the scroll.
        Returns the cards posted again."""
        reposted = 0
        async with self._db.transaction() as tx:
            local = tx.now.astimezone(self._actions.zone)
            if local.hour < PENDING_REMINDER_HOUR:
                return 0
            waiting = await tx.flags.pending(older_than=tx.now - PENDING_AGE)
            by_community: dict[str, list[Flag]] = {}
            for flag in waiting:
                by_community.setdefault(flag.community, []).append(flag)
            for community, flags in by_community.items():
                chat = self._roles.moderator_chat(community)
                summary = await tx.outbox.enqueue(
                    text_message(
                        chat,
                        texts.PENDING_AGAIN.format(n=len(flags)),
                        dedupe_key=f"pending:{community}:{local:%Y%m%d}",
                    )
                )
                if summary is None:
                    continue  # listed today already
                for flag in flags[:PENDING_REPOSTED]:
                    card = await tx.outbox.enqueue(
                        text_message(
                            chat,
                            await self._actions.card_text(tx, flag),
                            buttons=views.review_buttons(flag, with_check=flag.status == "open"),
                        )
                    )
                    await tx.flags.set_card(flag.id, chat, card)
                    reposted += 1
        return reposted

    async def _exempt(self, user_id: int, community: str) -> bool:
        """Staff and moderators of the group's community: their notices may say 紧急 or 转告."""
        return await self._roles.is_committee(user_id, community) or await self._roles.is_moderator(
            user_id, community
        )

    async def stats(self, user_id: int, chat_id: int) -> str | None:
        """/modstats: a community's moderators' figures, in its moderators' or committee chat,
        or in private (the first community the person moderates); None elsewhere: figures
        about residents' posts stay out of other chats."""
        if chat_id == user_id:
            community = None
            for code in self._roles.communities:
                if await self._roles.is_moderator(user_id, code):
                    community = code
                    break
        else:
            community = self._roles.community_of_staff_chat(chat_id)
            if community is None or chat_id not in (
                self._roles.moderator_chat(community),
                self._roles.committee_chat(community),
            ):
                return None
        if community is None or not await self._roles.is_moderator(user_id, community):
            return texts.MODSTATS_ONLY
        async with self._db.read() as tx:
            week = await tx.flags.figures(tx.now - timedelta(days=7), community)
            month = await tx.flags.figures(tx.now - timedelta(days=30), community)
        return views.modstats(week, month)
