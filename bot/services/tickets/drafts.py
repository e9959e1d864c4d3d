"""The private conversation that writes a request step by step (text, photo, confirm or 修改),
and the answers to a "+1" offer. Filing itself, and the offers' rules, are the ticket service's:
a draft becomes a ticket through TicketService.file_draft."""

from __future__ import annotations

from bot import texts
from bot.buttons import DraftButton, DuplicateButton, Press
from bot.services.messaging import html, text_message, utf16_len
from bot.services.people import Person
from bot.services.tickets.cards import TicketCards, subject
from bot.services.tickets.intake import MAX_TEXT, TicketIntake
from storage import Database, Tx
from storage.models import Draft, TicketKind


class DraftService:
    def __init__(self, db: Database, intake: TicketIntake, cards: TicketCards) -> None:
        self._db = db
        self._intake = intake
        self._cards = cards

    async def draft_text(
        self, update_id: int, person: Person, text: str, photo_file_id: str | None
    ) -> bool:
        """Text (or a photo) in private while a draft waits for it; False if none waits
        (and then nothing is claimed, so the caller may answer the update itself)."""
        async with self._db.read() as tx:
            waiting = await tx.drafts.of_user(person.id)
        if waiting is None or waiting.step not in ("text", "photo"):
            return False
        async with self._db.transaction(update_id=update_id, what="draft") as tx:
            draft = await tx.drafts.get(waiting.id)
            if draft is None:
                return False
            here = draft.user_id
            if draft.step == "text":
                text = text.strip()
                if not text and not photo_file_id:
                    await tx.outbox.enqueue(text_message(here, texts.ASK_TEXT[draft.kind]))
                    return True
                if utf16_len(text) > MAX_TEXT:
                    await tx.outbox.enqueue(
                        text_message(here, texts.TOO_LONG.format(limit=MAX_TEXT))
                    )
                    return True
                if not text:  # a photo without a caption: keep it, still ask for words
                    await tx.drafts.update(draft.id, photo_file_id=photo_file_id)
                    await tx.outbox.enqueue(text_message(here, texts.ASK_TEXT[draft.kind]))
                    return True
                draft = await tx.drafts.update(
                    draft.id,
                    text=text,
                    photo_file_id=photo_file_id or draft.photo_file_id,
                    step="confirm" if photo_file_id or draft.photo_file_id else "photo",
                )
            elif photo_file_id:
                draft = await tx.drafts.update(
                    draft.id, photo_file_id=photo_file_id, step="confirm"
                )
            else:  # more words while we wait for a photo: they belong to the text
                joined = f"{draft.text}\n{text}"
                if utf16_len(joined) > MAX_TEXT:
                    await tx.outbox.enqueue(
                        text_message(here, texts.TOO_LONG.format(limit=MAX_TEXT))
                    )
                    return True
                draft = await tx.drafts.update(draft.id, text=joined)
            await self._prompt_draft(tx, draft)
            return True

    async def _prompt_draft(self, tx: Tx, draft: Draft) -> None:
        if draft.step == "photo":
            await tx.outbox.enqueue(
                text_message(
                    draft.user_id,
                    texts.ASK_PHOTO,
                    buttons=[
                        [
                            (texts.BTN_NO_PHOTO, DraftButton("nophoto", draft.id)),
                            (texts.BTN_CANCEL, DraftButton("cancel", draft.id)),
                        ]
                    ],
                )
            )
            return
        confirm = texts.CONFIRM_DRAFT.format(
            kind=texts.KIND[draft.kind],
            text=html(draft.text or ""),
            photo=texts.CONFIRM_PHOTO_NOTE if draft.photo_file_id else "",
        )
        await tx.outbox.enqueue(
            text_message(
                draft.user_id,
                confirm,
                buttons=[
                    [
                        (texts.BTN_SUBMIT, DraftButton("ok", draft.id)),
                        (texts.BTN_EDIT, DraftButton("edit", draft.id)),
                        (texts.BTN_CANCEL, DraftButton("cancel", draft.id)),
                    ]
                ],
            )
        )

    async def start_draft(self, update_id: int, person: Person, kind: TicketKind) -> None:
        """A menu press: the conversation starts in the person's private chat, always."""
        async with self._db.transaction(update_id=update_id, what="draft_start") as tx:
            await self._intake.settle_offer(tx, person.id)
            await tx.drafts.start(
                user_id=person.id, kind=kind, step="text", chat_id=person.id, message_id=None
            )
            await tx.outbox.enqueue(text_message(person.id, texts.ASK_TEXT[kind]))

    async def cancel_draft(self, update_id: int, person: Person) -> None:
        async with self._db.transaction(update_id=update_id, what="draft_cancel") as tx:
            draft = await tx.drafts.of_user(person.id)
            if draft is not None:
                await tx.drafts.drop(draft.id)
            reply = texts.DRAFT_CANCELLED if draft else texts.NOTHING_TO_CANCEL
            await tx.outbox.enqueue(text_message(person.id, reply))

    async def draft_button(self, update_id: int, press: Press, button: DraftButton) -> str:
        """A button under a draft, pressed in its author's private chat (the family's scope,
        checked before this). Returns the answer to show."""
        person = Person(press.user_id, press.user_name)
        async with self._db.transaction(update_id=update_id, what=f"draft_{button.action}") as tx:
            draft = await tx.drafts.get(button.draft)
            if draft is None or draft.step == "duplicate":
                return texts.DRAFT_GONE
            if draft.user_id != person.id:
                return texts.NOT_YOURS
            if button.action == "cancel":
                await tx.drafts.drop(draft.id)
                await tx.outbox.enqueue(text_message(person.id, texts.DRAFT_CANCELLED))
                return texts.DRAFT_CANCELLED
            if button.action == "nophoto" and draft.step == "photo":
                draft = await tx.drafts.update(draft.id, step="confirm")
                await self._prompt_draft(tx, draft)
                return ""  # the next question is the answer
            if button.action == "edit" and draft.step == "confirm":
                await tx.drafts.update(draft.id, step="text", text=None)
                await tx.outbox.enqueue(text_message(person.id, texts.ASK_TEXT_AGAIN))
                return ""
            if button.action == "ok" and draft.step == "confirm":
                if await self._intake.over_quota(tx, person.id, person.id, None):
                    return texts.QUOTA_TOAST
                await self._intake.file_draft(tx, draft, person, update_id)
                return ""  # the acknowledgement with the number is the answer
            return texts.DRAFT_GONE

    async def duplicate_button(self, update_id: int, press: Press, button: DuplicateButton) -> str:
        """+1 or 仍然新建 under a duplicate offer, in its author's private chat. "+1" follows the
        ticket stored with the offer."""
        person = Person(press.user_id, press.user_name)
        async with self._db.transaction(
            update_id=update_id, what=f"duplicate_{button.action}"
        ) as tx:
            draft = await tx.drafts.get(button.draft)
            if draft is None or draft.step != "duplicate":
                return texts.DRAFT_GONE
            if draft.user_id != person.id:
                return texts.NOT_YOURS
            if button.action == "plus1" and draft.offered_ticket_id is not None:
                return await self._follow(tx, draft, draft.offered_ticket_id)
            if await self._intake.over_quota(tx, person.id, person.id, None):
                return texts.QUOTA_TOAST
            await self._intake.file_draft(tx, draft, person, update_id)
            return ""

    async def _follow(self, tx: Tx, draft: Draft, ticket_id: int) -> str:
        ticket = await tx.tickets.get(ticket_id)
        if ticket is None or not ticket.is_open:
            return texts.DRAFT_GONE
        await tx.drafts.drop(draft.id)
        if ticket.reporter_id != draft.user_id and await tx.tickets.add_follower(
            ticket.id, draft.user_id
        ):
            await tx.events.append(
                "followed",
                actor_id=draft.user_id,
                subject=subject(ticket),
                detail={"text": draft.text},
            )
            await self._cards.show(tx, ticket)
        await tx.outbox.enqueue(text_message(draft.user_id, texts.FOLLOWING.format(n=ticket.id)))
        return ""
