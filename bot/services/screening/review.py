"""The moderators' decisions on a flagged post: confirm (remove it, remember it, ask for a
clarification), dismiss (a false alarm, not flagged again), or ask the committee to check with
the source. A press counts only on the flag's own card, from someone whose role allows it.
"""

from __future__ import annotations

import logging

from bot import texts
from bot.buttons import Press, ReviewButton
from bot.community import DEFAULT_COMMUNITY
from bot.services.messaging import edit_text, html, shorten, text_message
from bot.services.people import Person
from bot.services.roles import Roles
from bot.services.screening import views
from bot.services.screening.actions import ModerationActions, can_delete
from bot.services.screening.posts import ScreeningService
from storage import Database, Tx
from storage.models import Flag, Prompt

log = logging.getLogger(__name__)

CLARIFICATION_LIMIT = 500


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
        async with self._db.read() as tx:
            flag = await tx.flags.get(button.flag)
            on_card = flag is not None and await self._on_card(tx, flag, press)
        if flag is None or not on_card:
            return texts.UNKNOWN_BUTTON
        action = button.action
        allowed = await self._roles.is_moderator(person.id, flag.community) or (
            # The committee, asked to check with the source, may answer on its copy.
            flag.status == "checking"
            and press.chat_id == flag.check_chat_id
            and action != "check"
            and await self._roles.is_committee(person.id, flag.community)
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
        deletable = can_delete(chat)
        group = html(chat.title if chat and chat.title else flag.chat_id)
        await self._show_cards(
            tx, flag, texts.REVIEW_DELETED if deletable else texts.REVIEW_NOT_DELETED
        )
        if deletable:
            await tx.outbox.enqueue(self._actions.delete(flag.chat_id, flag.message_id, group))
        known = await tx.known.add(
            kind=flag.kind, text=flag.text, flag_id=flag.id, created_by=person.id
        )
        tx.after_commit(lambda: self._screening.remember(flag.kind, known.id, flag.text))
        if flag.kind == "rumour":
            notice = texts.GROUP_RUMOUR_REMOVED if deletable else texts.GROUP_RUMOUR_NOT_REMOVED
            await tx.outbox.enqueue(
                text_message(flag.chat_id, notice, reply_to=None if deletable else flag.message_id)
            )
            await tx.prompts.ask(
                text_message(
                    self._roles.moderator_chat(flag.community),
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
            await self._actions.mute_if_repeated(
                tx, author, flag.chat_id, group, deletable, flag.community
            )

    async def _dismiss(self, tx: Tx, flag: Flag, person: Person) -> None:
        flag = await self._decided(tx, flag, person, "dismissed")
        known = await tx.known.add(
            kind="dismissed", text=flag.text, flag_id=flag.id, created_by=person.id
        )
        tx.after_commit(lambda: self._screening.remember("dismissed", known.id, flag.text))
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
        if committee != self._roles.moderator_chat(flag.community):
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
        await self._show_cards(tx, flag)

    async def clarify(self, update_id: int, person: Person, prompt: Prompt, text: str) -> bool:
        """A moderator's reply to a clarification prompt (matched by its message id): stored,
        and posted in the group where the rumour was. False (nothing changed) when the person
        is not a moderator or the text is empty."""
        text = shorten(text, CLARIFICATION_LIMIT) if text.strip() else ""
        async with self._db.read() as tx:
            known = await tx.known.get(prompt.subject_id)
            origin = await tx.flags.get(known.flag_id) if known and known.flag_id else None
        community = origin.community if origin is not None else DEFAULT_COMMUNITY
        if not text or not await self._roles.is_moderator(person.id, community):
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
                text_message(prompt.chat_id, texts.CLARIFICATION_SAVED.format(k=known.id))
            )
            flag = await tx.flags.get(known.flag_id) if known.flag_id else None
            if flag is not None and known.clarification is None:
                await tx.outbox.enqueue(
                    text_message(
                        flag.chat_id, texts.GROUP_CLARIFICATION.format(clarification=html(text))
                    )
                )
        return True

    async def _show_cards(self, tx: Tx, flag: Flag, note: str = "") -> None:
        buttons = views.review_buttons(flag, with_check=False)
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
