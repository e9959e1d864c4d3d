"""Screening of resident-group posts and the moderators' decisions.

The screen (moderation/) only says what a post looks like; this service acts on it. A suspicious
post becomes a review card in the moderators' chat and nothing more: it is removed only when a
moderator confirms. Confirmed rumours and ads, and dismissed false alarms, are remembered (in
the database, and in the screen's in-memory index), so a repeat is answered at once with the
stored clarification, and a dismissed text is not flagged again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.buttons import Press, ReviewButton
from bot.community import Screening
from bot.services import screening_views as views
from bot.services.groups import GroupService
from bot.services.messaging import edit_text, html, shorten, text_message
from bot.services.people import Person
from bot.services.roles import Roles
from bot.services.tickets import REQUEST_TAG
from moderation import KnownTexts, RumourModel, Screener, Verdict
from storage import Database, Tx
from storage.models import ChatRecord, Flag, OutboxMessage, Prompt
from storage.outbox import OutgoingMessage

log = logging.getLogger(__name__)

CLARIFICATION_LIMIT = 500
MUTED = {
    "can_send_messages": False,
    "can_send_audios": False,
    "can_send_documents": False,
    "can_send_photos": False,
    "can_send_videos": False,
    "can_send_video_notes": False,
    "can_send_voice_notes": False,
    "can_send_polls": False,
    "can_send_other_messages": False,
    "can_add_web_page_previews": False,
}


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
    as_chat: bool = False  # posted as a channel or an anonymous admin (sender_chat)


def _can_delete(chat: ChatRecord | None) -> bool:
    """Whether the bot may remove a post there, as far as we know (Telegram has the last word:
    see delete_failed)."""
    return chat is not None and chat.active and chat.bot_is_admin


class ScreeningService:
    def __init__(
        self,
        db: Database,
        roles: Roles,
        rules: Screening,
        groups: GroupService,
        *,
        zone: ZoneInfo,
        model: RumourModel | None = None,
    ) -> None:
        self._db = db
        self._roles = roles
        self._rules = rules
        self._groups = groups
        self._zone = zone
        self._model = model
        self.screener = Screener(
            known=KnownTexts(min_score=rules.known_match),
            known_ads=KnownTexts(min_score=rules.known_match),
            dismissed=KnownTexts(min_score=rules.dismissed_match),
            allowed_domains=tuple(rules.allowed_domains),
            model=model,
        )

    async def load(self) -> int:
        """Rebuild the screen's memory from the decisions stored; returns the entries loaded."""
        async with self._db.read() as tx:
            known = await tx.known.all()
        by_kind: dict[str, list[tuple[int, str]]] = {"rumour": [], "ad": [], "dismissed": []}
        for known_id, kind, text in known:
            by_kind[kind].append((known_id, text))
        self.screener = Screener(
            known=KnownTexts.build(by_kind["rumour"], min_score=self._rules.known_match),
            known_ads=KnownTexts.build(by_kind["ad"], min_score=self._rules.known_match),
            # A false alarm silences only nearly the same text.
            dismissed=KnownTexts.build(by_kind["dismissed"], min_score=self._rules.dismissed_match),
            allowed_domains=tuple(self._rules.allowed_domains),
            model=self._model,
        )
        return len(known)

    # ------------------------------------------------------------------ screening a post

    async def screen_post(self, post: Post) -> Verdict | None:
        """Screen a post in a resident group and act on the verdict; None when it is not
        screened: not a resident group, empty, a bot's, made as a chat, or a request (#投诉
        goes to staff as a ticket). Staff and moderators are exempt (their notices may well
        say 紧急 or 转告); asking Telegram who they are costs a round trip, so it is asked only
        about the few posts that would need acting on."""
        if (
            post.author_is_bot
            or post.as_chat
            or not post.text.strip()
            or REQUEST_TAG.search(post.text)
            or not await self._groups.is_resident_group(post.chat_id)
        ):
            return None
        verdict = self.screener.screen(
            post.text, forwarded_from_channel=post.forwarded_from_channel
        )
        if verdict.action == "none" or await self._exempt(post.author.id):
            return verdict
        if verdict.action == "known":
            await self._answer_known(post, verdict)
        elif verdict.action == "review":
            await self._flag(post, verdict)
        return verdict

    async def _flag(self, post: Post, verdict: Verdict) -> None:
        async with self._db.transaction() as tx:
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
            )
            if flag is None:
                return  # flagged when Telegram first handed this update out
            card = await tx.outbox.enqueue(
                text_message(
                    self._roles.moderator_chat_id,
                    await self._card_text(tx, flag, group=post.chat_title),
                    buttons=views.review_buttons(flag),
                )
            )
            await tx.flags.set_card(flag.id, self._roles.moderator_chat_id, card)
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

    async def _answer_known(self, post: Post, verdict: Verdict) -> None:
        assert verdict.known is not None
        async with self._db.transaction() as tx:
            known = await tx.known.get(verdict.known.rumour_id)
            if known is None or not await tx.known.record_hit(
                known.id, post.chat_id, post.message_id, post.author.id
            ):
                return  # answered when Telegram first handed this update out
            chat = await tx.chats.get(post.chat_id)
            deletable = _can_delete(chat)
            group = html(post.chat_title or (chat.title if chat else None) or post.chat_id)
            if deletable:
                await tx.outbox.enqueue(self._delete(post.chat_id, post.message_id, group))
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
            await tx.outbox.enqueue(text_message(self._roles.moderator_chat_id, log_line))
            await tx.events.append(
                f"known_{known.kind}_hit",
                actor_id=None,
                subject=f"known:{known.id}",
                detail={"chat": post.chat_id, "author": post.author.id, "deleted": deletable},
            )
            if known.kind == "ad":
                await self._mute_if_repeated(tx, post.author, post.chat_id, group, deletable)

    async def _exempt(self, user_id: int) -> bool:
        return await self._roles.is_committee(user_id) or await self._roles.is_moderator(user_id)

    # ------------------------------------------------------------------ decisions

    async def decide(self, update_id: int, press: Press, button: ReviewButton) -> str:
        """A review card's button. Its scope: the card itself, in the moderators' chat (or its
        copy in the committee chat); the role is checked here, on every press."""
        person = Person(press.user_id, press.user_name)
        async with self._db.read() as tx:
            flag = await tx.flags.get(button.flag)
            on_card = flag is not None and await self._on_card(tx, flag, press)
        if flag is None or not on_card:
            return texts.UNKNOWN_BUTTON
        action = button.action
        allowed = await self._roles.is_moderator(person.id) or (
            # The committee, asked to check with the source, may answer on its copy.
            flag.status == "checking"
            and press.chat_id == flag.check_chat_id
            and action != "check"
            and await self._roles.is_committee(person.id)
        )
        if not allowed:
            return texts.ONLY_MODERATORS
        async with self._db.transaction(update_id=update_id, what=f"flag_{action}") as tx:
            flag = await tx.flags.get(button.flag)
            assert flag is not None
            if flag.is_decided or (action == "check" and flag.status == "checking"):
                return texts.ANSWER_ALREADY_DECIDED
            if action == "confirm":
                await self._confirm(tx, flag, person)
            elif action == "dismiss":
                await self._dismiss(tx, flag, person)
            else:
                await self._ask_committee(tx, flag, person)
        return texts.ANSWER_DONE

    @staticmethod
    async def _on_card(tx: Tx, flag: Flag, press: Press) -> bool:
        """Was this pressed under the flag's own review card (or its committee copy)?"""
        for chat_id, row_id in (
            (flag.card_chat_id, flag.card_outbox_id),
            (flag.check_chat_id, flag.check_outbox_id),
        ):
            if chat_id != press.chat_id or row_id is None:
                continue
            row = await tx.outbox.get(row_id)
            if row is not None and row.telegram_message_id == press.message_id:
                return True
        return False

    async def _decided(self, tx: Tx, flag: Flag, person: Person, status: str) -> Flag:
        return await tx.flags.update(
            flag.id,
            status=status,
            decided_by=person.id,
            decided_by_name=person.name,
            decided_at=tx.now,
        )

    async def _confirm(self, tx: Tx, flag: Flag, person: Person) -> None:
        flag = await self._decided(tx, flag, person, "confirmed")
        chat = await tx.chats.get(flag.chat_id)
        deletable = _can_delete(chat)
        group = html(chat.title if chat and chat.title else flag.chat_id)
        await self._show_cards(
            tx, flag, texts.REVIEW_DELETED if deletable else texts.REVIEW_NOT_DELETED
        )
        if deletable:
            await tx.outbox.enqueue(self._delete(flag.chat_id, flag.message_id, group))
        known = await tx.known.add(
            kind=flag.kind, text=flag.text, flag_id=flag.id, created_by=person.id
        )
        index = self.screener.known if flag.kind == "rumour" else self.screener.known_ads
        tx.after_commit(lambda: self._remember(index, known.id, flag.text))
        if flag.kind == "rumour":
            notice = texts.GROUP_RUMOUR_REMOVED if deletable else texts.GROUP_RUMOUR_NOT_REMOVED
            await tx.outbox.enqueue(
                text_message(flag.chat_id, notice, reply_to=None if deletable else flag.message_id)
            )
            await tx.prompts.ask(
                text_message(
                    self._roles.moderator_chat_id,
                    texts.ASK_CLARIFICATION.format(k=known.id),
                    force_reply=texts.CLARIFICATION_PLACEHOLDER,
                ),
                kind="clarification",
                subject_id=known.id,
                asked_by=person.id,
            )
        elif deletable:
            await tx.outbox.enqueue(text_message(flag.chat_id, texts.GROUP_AD_REMOVED))
        await tx.events.append(
            "flag_confirmed",
            actor_id=person.id,
            subject=f"flag:{flag.id}",
            detail={"kind": flag.kind, "known": known.id, "deleted": deletable, "by": person.name},
        )
        if flag.kind == "ad":
            author = Person(flag.author_id, flag.author_name)
            await self._mute_if_repeated(tx, author, flag.chat_id, group, deletable)

    @staticmethod
    def _remember(index: KnownTexts, known_id: int, text: str) -> None:
        """After the decision is committed, the live screen knows it too."""
        index.add(known_id, text)

    async def _dismiss(self, tx: Tx, flag: Flag, person: Person) -> None:
        flag = await self._decided(tx, flag, person, "dismissed")
        known = await tx.known.add(
            kind="dismissed", text=flag.text, flag_id=flag.id, created_by=person.id
        )
        dismissed = self.screener.dismissed
        tx.after_commit(lambda: self._remember(dismissed, known.id, flag.text))
        await tx.events.append(
            "flag_dismissed",
            actor_id=person.id,
            subject=f"flag:{flag.id}",
            detail={"kind": flag.kind, "by": person.name},
        )
        await self._show_cards(tx, flag)

    async def _ask_committee(self, tx: Tx, flag: Flag, person: Person) -> None:
        flag = await tx.flags.update(
            flag.id,
            status="checking",
            decided_by=person.id,
            decided_by_name=person.name,
            decided_at=tx.now,
        )
        if self._roles.committee_chat_id != self._roles.moderator_chat_id:
            card = await tx.outbox.enqueue(
                text_message(
                    self._roles.committee_chat_id,
                    await self._card_text(tx, flag, for_committee=True),
                    buttons=views.review_buttons(flag, with_check=False),
                )
            )
            flag = await tx.flags.update(
                flag.id, check_chat_id=self._roles.committee_chat_id, check_outbox_id=card
            )
        await tx.events.append(
            "flag_checking",
            actor_id=person.id,
            subject=f"flag:{flag.id}",
            detail={"by": person.name},
        )
        await self._show_cards(tx, flag)

    async def clarify(self, update_id: int, person: Person, prompt: Prompt, text: str) -> bool:
        """A moderator's reply to a clarification prompt (matched by its message id): stored,
        and posted in the group where the rumour was. False (nothing changed) when the person
        is not a moderator or the text is empty."""
        text = shorten(text, CLARIFICATION_LIMIT) if text.strip() else ""
        if not text or not await self._roles.is_moderator(person.id):
            return False
        async with self._db.transaction(update_id=update_id, what="clarification") as tx:
            known = await tx.known.get(prompt.subject_id)
            if known is None or known.kind != "rumour":
                return False
            await tx.prompts.answered(prompt.id)
            await tx.known.set_clarification(known.id, text)
            await tx.events.append(
                "clarification_saved",
                actor_id=person.id,
                subject=f"known:{known.id}",
                detail={"by": person.name},
            )
            await tx.outbox.enqueue(
                text_message(
                    self._roles.moderator_chat_id, texts.CLARIFICATION_SAVED.format(k=known.id)
                )
            )
            flag = await tx.flags.get(known.flag_id) if known.flag_id else None
            if flag is not None and known.clarification is None:
                await tx.outbox.enqueue(
                    text_message(
                        flag.chat_id, texts.GROUP_CLARIFICATION.format(clarification=html(text))
                    )
                )
        return True

    # ------------------------------------------------------------------ ads

    async def _mute_if_repeated(
        self, tx: Tx, author: Person, chat_id: int, group: str, can_act: bool
    ) -> None:
        confirmed = await tx.flags.confirmed_ads_by(author.id) + await tx.known.ad_hits_by(
            author.id
        )
        if confirmed < self._rules.mute_after_ads:
            return
        name = html(author.name)
        if not can_act:
            await tx.outbox.enqueue(
                text_message(
                    self._roles.moderator_chat_id,
                    texts.MUTED_FAILED_LOG.format(author=name, n=confirmed, group=group),
                )
            )
            return
        until = tx.now + timedelta(hours=self._rules.mute_hours)
        await tx.outbox.enqueue(
            OutgoingMessage(
                chat_id=chat_id,
                method="restrictChatMember",
                params={
                    "user_id": author.id,
                    "permissions": MUTED,
                    "until_date": int(until.timestamp()),
                },
            )
        )
        await tx.outbox.enqueue(
            text_message(
                self._roles.moderator_chat_id,
                texts.MUTED_LOG.format(
                    author=name, n=confirmed, group=group, hours=self._rules.mute_hours
                ),
            )
        )
        await tx.events.append(
            "muted",
            actor_id=None,
            subject=f"person:{author.id}",
            detail={"chat": chat_id, "ads": confirmed, "until": until.isoformat()},
        )

    # ------------------------------------------------------------------ figures

    async def stats(self, user_id: int, chat_id: int) -> str | None:
        """/modstats: moderators' figures, in private, the moderators' or the committee chat
        (None elsewhere: figures about residents' posts stay out of other chats)."""
        if chat_id not in (user_id, self._roles.moderator_chat_id, self._roles.committee_chat_id):
            return None
        if not await self._roles.is_moderator(user_id):
            return texts.MODSTATS_ONLY
        async with self._db.read() as tx:
            week = await tx.flags.figures(tx.now - timedelta(days=7))
            month = await tx.flags.figures(tx.now - timedelta(days=30))
        return views.modstats(week, month)

    # ------------------------------------------------------------------ cards

    def _delete(self, chat_id: int, message_id: int, group: str) -> OutgoingMessage:
        return OutgoingMessage(
            chat_id=chat_id,
            method="deleteMessage",
            params={"message_id": message_id},
            fallback="delete_failed",
            fallback_args={"group": group},
        )

    async def delete_failed(self, tx: Tx, row: OutboxMessage) -> None:
        """Outbox fallback: Telegram refused a delete (the bot lost its admin rights)."""
        group = (row.fallback_args or {}).get("group", str(row.chat_id))
        await tx.outbox.enqueue(
            text_message(self._roles.moderator_chat_id, texts.DELETE_FAILED_LOG.format(group=group))
        )
        await tx.chats.set_bot_admin(row.chat_id, False)

    async def _card_text(
        self,
        tx: Tx,
        flag: Flag,
        note: str = "",
        *,
        for_committee: bool = False,
        group: str | None = None,
    ) -> str:
        if group is None:
            chat = await tx.chats.get(flag.chat_id)
            group = chat.title if chat and chat.title else None
        return views.review_card(
            flag,
            group=group or str(flag.chat_id),
            zone=self._zone,
            note=note,
            for_committee=for_committee,
        )

    async def _show_cards(self, tx: Tx, flag: Flag, note: str = "") -> None:
        buttons = views.review_buttons(flag, with_check=False)
        if flag.card_chat_id is not None and flag.card_outbox_id is not None:
            await tx.outbox.enqueue(
                edit_text(
                    flag.card_chat_id,
                    await self._card_text(tx, flag, note),
                    buttons=buttons,
                    target_row=flag.card_outbox_id,
                )
            )
        if flag.check_chat_id is not None and flag.check_outbox_id is not None:
            await tx.outbox.enqueue(
                edit_text(
                    flag.check_chat_id,
                    await self._card_text(tx, flag, note, for_committee=True),
                    buttons=buttons,
                    target_row=flag.check_outbox_id,
                )
            )
