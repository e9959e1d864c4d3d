"""The moderators' decisions on a flagged post: confirm (remove it, remember it, ask for a
clarification), dismiss (a false alarm, not flagged again), or ask the committee to check with
the source. A press counts only on the flag's own card, from someone whose role allows it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot import texts
from bot.buttons import Press, ReviewButton, UnmuteButton
from bot.community import DEFAULT_COMMUNITY
from bot.services.messaging import (
    delete_own,
    edit_text,
    html,
    once_recorded,
    shorten,
    text_message,
)
from bot.services.people import Person
from bot.services.roles import Roles
from bot.services.screening import views
from bot.services.screening.actions import (
    ModerationActions,
    can_delete,
)
from bot.services.screening.posts import ScreeningService
from storage import Database, Tx
from storage.models import Flag, Prompt

log = logging.getLogger(__name__)

CLARIFICATION_LIMIT = 500
UNDO_WINDOW = timedelta(minutes=10)  # how long a mistaken 确认 can be taken back


class ReviewService:
    def __init__(
        self,
        db: Database,
        roles: Roles,
        screening: ScreeningService,
        actions: ModerationActions,
    ) -> None:
        self._db = db
        self._roles = roles
        self._screening = screening
        self._actions = actions

    async def decide(self, update_id: int, press: Press, button: ReviewButton) -> str:
        """A review card's button. Its scope: the card itself, in the moderators' chat (or its
        copy in the committee chat); the role is checked here, on every press."""
        person = Person(press.user_id, press.user_name)

        async def look() -> tuple[Flag | None, bool | None]:
            async with self._db.read() as tx:
                flag = await tx.flags.get(button.flag)
                return flag, await self._on_card(tx, flag, press) if flag is not None else False

        flag, on_card = await once_recorded(look)
        if flag is None or not on_card:
            return texts.NOT_RECORDED_YET if on_card is None else texts.UNKNOWN_BUTTON
        action = button.action
        allowed = (
            await self._roles.is_moderator(person.id, flag.community)
            or (action == "undo" and await self._may_undo(flag, person, press.chat_id))
            or (
                # The committee, asked to check with the source, may answer on its copy.
                flag.status == "checking"
                and press.chat_id == flag.check_chat_id
                and action != "check"
                and await self._roles.is_committee(person.id, flag.community)
            )
        )
        if not allowed:
            return texts.ONLY_MODERATORS
        async with self._db.transaction(update_id=update_id, what=f"flag_{action}") as tx:
            flag = await tx.flags.get(button.flag)
            assert flag is not None
            if action == "undo":
                if not await self._may_undo(flag, person, press.chat_id):
                    return texts.ONLY_MODERATORS
                return await self._undo(tx, flag, person)
            if flag.is_decided or (action == "check" and flag.status == "checking"):
                return texts.ANSWER_ALREADY_DECIDED
            if action == "confirm":
                await self._confirm(tx, flag, person, press.chat_id)
            elif action == "dismiss":
                await self._dismiss(tx, flag, person)
            else:
                await self._ask_committee(tx, flag, person)
        return texts.ANSWER_DONE

    async def _may_undo(self, flag: Flag, person: Person, chat_id: int) -> bool:
        """撤销确认: a moderator, or the committee member who confirmed it on the committee's
        copy (after 需核实), there."""
        return await self._roles.is_moderator(person.id, flag.community) or (
            flag.status == "confirmed"
            and flag.decided_by == person.id
            and chat_id == flag.check_chat_id
            and await self._roles.is_committee(person.id, flag.community)
        )

    @staticmethod
    async def _on_card(tx: Tx, flag: Flag, press: Press) -> bool | None:
        """Was this pressed under the flag's own review card (or its committee copy)? None:
        not known yet, the card in this chat has no recorded message id."""
        verdicts = [
            await tx.outbox.sent_as(row_id, press.chat_id, press.message_id)
            for chat_id, row_id in (
                (flag.card_chat_id, flag.card_outbox_id),
                (flag.check_chat_id, flag.check_outbox_id),
            )
            if chat_id == press.chat_id
        ]
        if True in verdicts:
            return True
        return None if None in verdicts else False

    async def _decided(self, tx: Tx, flag: Flag, person: Person, status: str) -> Flag:
        return await tx.flags.update(
            flag.id,
            status=status,
            decided_by=person.id,
            decided_by_name=person.name,
            decided_at=tx.now,
        )

    async def _confirm(self, tx: Tx, flag: Flag, person: Person, where: int) -> None:
        """Every post on the card is removed (where the bot may), each group answered once;
        the text is remembered; the clarification is asked for where the decision was made."""
        flag = await self._decided(tx, flag, person, "confirmed")
        # The card's own post stays when its author edited it into something else since.
        own = (
            [(flag.chat_id, flag.message_id, flag.author_id, flag.author_name)]
            if flag.edited_text is None
            else []
        )
        posts = own + [
            (p.chat_id, p.message_id, p.author_id, p.author_name)
            for p in await tx.flags.posts(flag.id)
        ]
        notices: list[int] = []
        deleted_any, kept_any = False, False
        answered: set[int] = set()
        muted: set[tuple[int, int]] = set()
        for chat_id, message_id, author_id, author_name in posts:
            chat = await tx.chats.get(chat_id)
            deletable = can_delete(chat)
            deleted_any, kept_any = deleted_any or deletable, kept_any or not deletable
            group = html(chat.title if chat and chat.title else chat_id)
            if deletable:
                await tx.outbox.enqueue(self._actions.delete(chat_id, message_id, group))
            # One calm notice a group, however many posts (a confirmation made again after
            # 撤销确认 is a new decision: its groups hear it again).
            if chat_id not in answered:
                answered.add(chat_id)
                if flag.kind == "rumour":
                    notice = (
                        texts.GROUP_RUMOUR_REMOVED if deletable else texts.GROUP_RUMOUR_NOT_REMOVED
                    )
                    row = await tx.outbox.enqueue(
                        text_message(
                            chat_id,
                            notice,
                            reply_to=None if deletable else message_id,
                        )
                    )
                elif deletable:
                    row = await tx.outbox.enqueue(
                        text_message(
                            chat_id,
                            texts.GROUP_AD_REMOVED,
                        )
                    )
                else:
                    row = None
                if row is not None:
                    notices.append(row)
            if flag.kind == "ad" and (author_id, chat_id) not in muted:
                muted.add((author_id, chat_id))  # two of their posts on the card: one mute
                await self._actions.mute_if_repeated(
                    tx,
                    Person(author_id, author_name),
                    chat_id,
                    group,
                    deletable,
                    flag.community,
                    flag_id=flag.id,
                )
        flag = await tx.flags.update(flag.id, notices=notices)
        if not posts:
            note = texts.REVIEW_KEPT_EDITED
        elif deleted_any and not kept_any:
            note = texts.REVIEW_DELETED
        else:
            note = texts.REVIEW_NOT_DELETED
        await self._show_cards(tx, flag, note, undo=True)
        known = await tx.known.add(
            kind=flag.kind, text=flag.text, flag_id=flag.id, created_by=person.id
        )
        if flag.pieces is None:  # pieces: see storage.flags (known since()); read anew
            tx.after_commit(
                lambda: self._screening.remember(flag.kind, known.id, flag.text, flag.community)
            )
        if flag.kind == "rumour":
            await tx.prompts.ask(
                text_message(
                    where,
                    texts.ASK_CLARIFICATION.format(k=known.id),
                    force_reply=texts.CLARIFICATION_PLACEHOLDER,
                ),
                kind="clarification",
                subject_id=known.id,
                asked_by=person.id,
            )
        await tx.events.append(
            "flag_confirmed",
            actor_id=person.id,
            subject=f"flag:{flag.id}",
            detail={
                "kind": flag.kind,
                "known": known.id,
                "deleted": deleted_any,
                "posts": len(posts),
                "by": person.name,
            },
        )

    async def _undo(self, tx: Tx, flag: Flag, person: Person) -> str:
        """撤销确认, within UNDO_WINDOW of a mistaken 确认: the memory forgets the text, the
        groups' notices are taken back, and the card asks for a decision again. (A removed
        post cannot come back: the card says so.)"""
        if flag.status != "confirmed" or flag.decided_at is None:
            return texts.ANSWER_ALREADY_DECIDED
        if tx.now - flag.decided_at > UNDO_WINDOW:
            return texts.UNDO_TOO_LATE.format(minutes=int(UNDO_WINDOW.total_seconds() // 60))
        known = await tx.known.of_flag(flag.id)
        if known is not None:
            await tx.known.withdraw(known.id)
        for notice_id in flag.notices or []:
            notice = await tx.outbox.get(notice_id)
            if notice is not None:
                await tx.outbox.enqueue(delete_own(notice.chat_id, notice_id))
        # The mutes the mistaken 确认广告 caused are lifted; the clarification it asked for is
        # no longer wanted (a reply to that prompt is not taken as one).
        lifted = texts.UNDO_UNMUTED_LOG.format(who=html(person.name))
        for mute in await tx.flags.mutes_of(flag.id):
            if await tx.flags.muted_otherwise(mute):
                # Muted there by another confirmation too, one that stands: that mute holds.
                await tx.flags.update_mute(mute.id, lifted_by=person.id, lifted_at=tx.now)
            else:
                await self._actions.lift_mute(
                    tx, mute, person, lifted, private=texts.UNDO_UNMUTED_PRIVATE
                )
        if known is not None:
            for prompt in await tx.prompts.close("clarification", known.id):
                await tx.outbox.enqueue(
                    edit_text(
                        prompt.chat_id,
                        texts.CLARIFICATION_WITHDRAWN.format(k=known.id, who=html(person.name)),
                        target_row=prompt.outbox_id,
                    )
                )
        flag = await tx.flags.update(
            flag.id,
            status="open",
            decided_by=None,
            decided_by_name=None,
            decided_at=None,
            notices=[],
        )
        await tx.events.append(
            "flag_undone",
            actor_id=person.id,
            subject=f"flag:{flag.id}",
            detail={"by": person.name, "known": known.id if known else None},
        )
        tx.after_commit(self._screening.reload_soon)
        note = texts.UNDONE.format(who=html(person.name))
        for chat_id, row_id, for_committee in (
            (flag.card_chat_id, flag.card_outbox_id, False),
            (flag.check_chat_id, flag.check_outbox_id, True),
        ):
            if chat_id is None or row_id is None:
                continue
            await tx.outbox.enqueue(
                edit_text(
                    chat_id,
                    await self._actions.card_text(tx, flag, for_committee=for_committee) + note,
                    buttons=views.review_buttons(flag, with_check=not for_committee),
                    target_row=row_id,
                )
            )
        return texts.ANSWER_UNDONE

    async def unmute(self, update_id: int, press: Press, button: UnmuteButton) -> str:
        """解除禁言, pressed by a moderator under the very mute note (in the moderators' chat)."""
        async with self._db.transaction(update_id=update_id, what="unmute") as tx:
            mute = await tx.flags.mute(button.mute)
            notice = (
                await tx.outbox.get(mute.notice_outbox_id)
                if mute is not None and mute.notice_outbox_id is not None
                else None
            )
            if (
                mute is None
                or notice is None
                or not await tx.outbox.is_message(notice.id, press.chat_id, press.message_id)
            ):
                return texts.UNKNOWN_BUTTON
            if not await self._roles.is_moderator(press.user_id, mute.community):
                return texts.ONLY_MODERATORS
            if mute.lifted_at is not None:
                return texts.ANSWER_ALREADY_DECIDED
            await self._actions.lift_mute(
                tx,
                mute,
                Person(press.user_id, press.user_name),
                texts.UNMUTED_LOG.format(who=html(press.user_name)),
            )
        return texts.ANSWER_UNMUTED

    async def _dismiss(self, tx: Tx, flag: Flag, person: Person) -> None:
        flag = await self._decided(tx, flag, person, "dismissed")
        if flag.edited_text is None:
            # The text is remembered as harmless. Not when its post was edited before the
            # decision: the moderator judged the new words, and the old ones, edited back
            # in or posted again, are screened afresh.
            known = await tx.known.add(
                kind="dismissed", text=flag.text, flag_id=flag.id, created_by=person.id
            )
            tx.after_commit(
                lambda: self._screening.remember("dismissed", known.id, flag.text, flag.community)
            )
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
        committee = self._roles.committee_chat(flag.community)
        one_chat = committee == self._roles.moderator_chat(flag.community)
        if not one_chat:
            card = await tx.outbox.enqueue(
                text_message(
                    committee,
                    await self._actions.card_text(tx, flag, for_committee=True),
                    buttons=views.review_buttons(flag, with_check=False),
                )
            )
            flag = await tx.flags.update(flag.id, check_chat_id=committee, check_outbox_id=card)
        await tx.events.append(
            "flag_checking",
            actor_id=person.id,
            subject=f"flag:{flag.id}",
            detail={"by": person.name},
        )
        # Moderators and committee are one chat: nothing is handed over; the card says so.
        await self._show_cards(tx, flag, texts.CHECK_SAME_CHAT if one_chat else texts.CHECK_HANDED)

    async def clarify(self, update_id: int, person: Person, prompt: Prompt, text: str) -> bool:
        """A moderator's reply to a clarification prompt (matched by its message id): stored,
        and posted in the group where the rumour was. False (nothing changed) when the person
        is not a moderator or the text is empty."""
        text = shorten(text, CLARIFICATION_LIMIT) if text.strip() else ""
        async with self._db.read() as tx:
            known = await tx.known.get(prompt.subject_id)
            origin = await tx.flags.get(known.flag_id) if known and known.flag_id else None
        community = origin.community if origin is not None else DEFAULT_COMMUNITY
        # Whoever decided may write it: a moderator, or the committee member who checked
        # with the source (the prompt then went to the committee chat).
        may = await self._roles.is_moderator(person.id, community) or (
            prompt.chat_id == self._roles.committee_chat(community)
            and await self._roles.is_committee(person.id, community)
        )
        if not text or not may:
            return False
        async with self._db.transaction(update_id=update_id, what="clarification") as tx:
            known = await tx.known.get(prompt.subject_id)
            if known is None or known.kind != "rumour" or known.withdrawn_at is not None:
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
                text_message(prompt.chat_id, texts.CLARIFICATION_SAVED.format(k=known.id))
            )
            flag = await tx.flags.get(known.flag_id) if known.flag_id else None
            if flag is not None and known.clarification is None:
                groups = [flag.chat_id, *(p.chat_id for p in await tx.flags.posts(flag.id))]
                posted = []
                for chat_id in dict.fromkeys(groups):  # each group where it was, once
                    row = await tx.outbox.enqueue(
                        text_message(
                            chat_id, texts.GROUP_CLARIFICATION.format(clarification=html(text))
                        )
                    )
                    if row is not None:
                        posted.append(row)
                # Kept with the group notices, so that 撤销确认 takes them back too.
                await tx.flags.update(flag.id, notices=[*(flag.notices or []), *posted])
        return True

    async def _show_cards(self, tx: Tx, flag: Flag, note: str = "", *, undo: bool = False) -> None:
        buttons = views.review_buttons(flag, with_check=False, undo=undo)
        if flag.card_chat_id is not None and flag.card_outbox_id is not None:
            await tx.outbox.enqueue(
                edit_text(
                    flag.card_chat_id,
                    await self._actions.card_text(tx, flag, note),
                    buttons=buttons,
                    target_row=flag.card_outbox_id,
                )
            )
        if flag.check_chat_id is not None and flag.check_outbox_id is not None:
            await tx.outbox.enqueue(
                edit_text(
                    flag.check_chat_id,
                    await self._actions.card_text(tx, flag, note, for_committee=True),
                    buttons=buttons,
                    target_row=flag.check_outbox_id,
                )
            )
