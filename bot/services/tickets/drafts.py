"""The private conversation that writes a request step by step (text, photo, confirm or 修改),
and the answers to a "+1" offer. Filing itself, and the offers' rules, are the ticket service's:
a draft becomes a ticket through TicketService.file_draft."""

from __future__ import annotations

import re
from datetime import timedelta

from bot import texts
from bot.buttons import AddButton, DraftButton, DuplicateButton, Press
from bot.services.messaging import html, shorten, text_message, utf16_len
from bot.services.people import Person
from bot.services.tickets import views
from bot.services.tickets.cards import TicketCards, subject
from bot.services.tickets.intake import MAX_TEXT, Origin, Said, TicketIntake, voice_text
from bot.services.tickets.work import TicketService
from storage import Database, Tx
from storage.models import Attachment, Draft, Ticket, TicketKind


class DraftService:
    def __init__(
        self, db: Database, intake: TicketIntake, cards: TicketCards, tickets: TicketService
    ) -> None:
        self._tickets = tickets
        self._db = db
        self._intake = intake
        self._cards = cards

    async def receive(
        self, update_id: int, person: Person, said: Said, replied_id: int | None = None
    ) -> bool:
        """Something a resident sent in private that is not a command: it continues their
        draft, asks whether to go on with an old one, or is offered as the start of a request.
        Always answers; True when it was taken (False only for what nobody asked for and the
        bot cannot take, which the caller answers)."""
        async with self._db.transaction(update_id=update_id, what="draft") as tx:
            draft = await tx.drafts.of_user(person.id)
            here = person.id
            if said.unsupported:
                await tx.outbox.enqueue(text_message(here, texts.UNSUPPORTED))
                return True
            if await self._about_a_ticket(tx, person, draft, said, replied_id):
                return True
            if draft is not None and draft.step in ("addition", "why"):
                draft = None  # nothing to add: this is something new
            if draft is not None and draft.step == "duplicate":
                draft = None  # an offer waits for its buttons; this is something new
            if draft is not None and draft.chat_id != here:
                draft = None  # a group prompt's draft is answered in the group
            if draft is None:
                if (
                    said.media_group
                    and said.photo
                    and await self._intake.join_album(
                        tx, person, here, said.media_group, said.photo
                    )
                ):
                    return True
                await self._offer_kind(tx, person, said)
                return True
            if draft.step == "stale":
                # Still asked whether to go on: the newest message waits with the older ones.
                held = Said.load(draft.held or {})
                merged = _merge(held, said)
                await tx.drafts.update(
                    draft.id, held={**merged.dump(), "step": (draft.held or {}).get("step")}
                )
                return True
            if said.media_group and said.media_group == draft.media_group and said.photo:
                # Another photo of the album just added: kept, without asking again.
                await tx.drafts.update(
                    draft.id,
                    attachments=(*draft.attachments, Attachment(kind="photo", file_id=said.photo)),
                )
                return True
            idle = timedelta(
                hours=self._intake.rules_of(
                    await self._intake.community_of(tx, Origin(person, here, None, in_group=False))
                ).drafts.idle_hours
            )
            if tx.now - draft.updated_at > idle:
                await tx.drafts.update(
                    draft.id, step="stale", held={**said.dump(), "step": draft.step}
                )
                await self._ask_stale(tx, draft)
                return True
            await self._continue(tx, draft, said)
            return True

    async def _about_a_ticket(
        self, tx: Tx, person: Person, draft: Draft | None, said: Said, replied_id: int | None
    ) -> bool:
        """A reply to the acknowledgement of a ticket, or the answer after 补充 or 不满意: it
        joins that ticket. False when the message is about no ticket."""
        if said.empty:
            return False
        if replied_id is not None:
            replied = await tx.tickets.by_ack_message(person.id, replied_id)
            if replied is not None:
                await self._add_to(tx, replied, said)
                return True
        if draft is None or draft.step not in ("addition", "why"):
            return False
        ticket = (
            await tx.tickets.get(draft.offered_ticket_id)
            if draft.offered_ticket_id is not None
            else None
        )
        if ticket is None:
            return False
        await tx.drafts.drop(draft.id)
        if draft.step == "addition":
            await self._add_to(tx, ticket, said)
        elif said.text.strip():
            await self._tickets.record_why(tx, ticket, shorten(said.text.strip(), 300))
        else:  # a photo or a voice note instead of words: kept with the ticket all the same
            await self._add_to(tx, ticket, said)
        return True

    async def add_button(self, update_id: int, press: Press, button: AddButton) -> str:
        """补充 under the acknowledgement: the reporter's next message joins the ticket."""
        async with self._db.transaction(update_id=update_id, what="ticket_add") as tx:
            ticket = await tx.tickets.get(button.ticket)
            if ticket is None or ticket.reporter_id != press.user_id:
                return texts.NOT_YOURS
            if not ticket.is_open:
                return texts.TICKET_CLOSED_FOR_NOTES
            await tx.drafts.start(
                user_id=press.user_id,
                kind=ticket.kind,
                step="addition",
                chat_id=press.user_id,
                message_id=None,
                offered_ticket_id=ticket.id,
            )
            await tx.outbox.enqueue(
                text_message(press.user_id, texts.ASK_ADDITION.format(n=ticket.id))
            )
            return ""

    async def _add_to(self, tx: Tx, ticket: Ticket, said: Said) -> None:
        """The reporter's words, photo, voice note or location join an open ticket: staff see
        them in the card's chat; the resident is told."""
        here = ticket.reporter_id
        if not ticket.is_open:
            await tx.outbox.enqueue(text_message(here, texts.TICKET_CLOSED_FOR_NOTES))
            return
        text = shorten(said.text.strip(), MAX_TEXT)
        added = list(said.attachments)
        if said.photo:
            added.append(Attachment(kind="photo", file_id=said.photo))
        ticket = await tx.tickets.update(ticket.id, attachments=(*ticket.attachments, *added))
        await tx.events.append(
            "added",
            actor_id=here,
            subject=subject(ticket),
            detail={"text": text, "attachments": len(added)},
            public=True,
        )
        if ticket.card_chat_id is not None:
            await tx.outbox.enqueue(
                text_message(
                    ticket.card_chat_id,
                    texts.ADDED_FOR_STAFF.format(
                        n=ticket.id, text=html(text) if text else texts.ADDED_NO_TEXT
                    ),
                )
            )
            for attachment in added:
                await self._cards.attach(tx, ticket, attachment)
        await tx.outbox.enqueue(text_message(here, texts.ADDED.format(n=ticket.id)))

    async def _offer_kind(self, tx: Tx, person: Person, said: Said) -> None:
        """Words, a voice note, a photo or a location with no draft: offered as the start of
        a request ("要帮您登记吗？"), never thrown away."""
        if said.empty:
            return
        text = said.text.strip()
        if not said.photo and not said.attachments and _small_talk(text):
            # "你好，在吗", "谢谢": a greeting, not a request; the menu answers it.
            await tx.outbox.enqueue(text_message(person.id, texts.PRIVATE_HINT, buttons=views.MENU))
            return
        if utf16_len(text) > MAX_TEXT:
            await tx.outbox.enqueue(text_message(person.id, texts.TOO_LONG.format(limit=MAX_TEXT)))
            return
        draft = await tx.drafts.start(
            user_id=person.id,
            kind="complaint",  # a guess until the resident chooses
            step="kind",
            chat_id=person.id,
            message_id=None,
            text=text or None,
            photo_file_id=said.photo,
            attachments=said.attachments,
            media_group=said.media_group,
        )
        await self._ask_kind(tx, draft, said)

    async def _ask_kind(self, tx: Tx, draft: Draft, said: Said) -> None:
        if said.voice is not None:
            question = texts.ASK_KIND_VOICE
        elif said.text.strip():
            question = texts.ASK_KIND.format(text=html(shorten(said.text.strip(), 60)))
        elif said.location is not None:
            question = texts.ASK_KIND_LOCATION
        else:
            question = texts.ASK_KIND_PHOTO
        await tx.outbox.enqueue(
            text_message(
                draft.user_id,
                question,
                buttons=[
                    [
                        (texts.BTN_KIND_COMPLAINT, DraftButton("complaint", draft.id)),
                        (texts.BTN_KIND_WISH, DraftButton("wish", draft.id)),
                    ],
                    [(texts.BTN_NOT_NOW, DraftButton("cancel", draft.id))],
                ],
            )
        )

    async def _ask_stale(self, tx: Tx, draft: Draft) -> None:
        shown = html(shorten(draft.text, 100)) if draft.text else texts.STALE_EMPTY
        await tx.outbox.enqueue(
            text_message(
                draft.user_id,
                texts.STALE_DRAFT.format(kind=texts.KIND[draft.kind], text=shown),
                buttons=[
                    [
                        (texts.BTN_RESUME, DraftButton("resume", draft.id)),
                        (texts.BTN_FRESH, DraftButton("fresh", draft.id)),
                    ]
                ],
            )
        )

    async def _continue(self, tx: Tx, draft: Draft, said: Said) -> None:
        """The next message of a draft being written: words, a photo, a voice note or a
        location, each kept; then the next question."""
        here = draft.user_id
        text = said.text.strip()
        extra = said.attachments
        if said.photo and draft.photo_file_id:  # a second photo joins the others
            extra = (*extra, Attachment(kind="photo", file_id=said.photo))
        photo = draft.photo_file_id or said.photo
        attachments = (*draft.attachments, *extra)
        media_group = said.media_group or draft.media_group
        # Outside the text step more words join the text already written.
        joined = "\n".join(t for t in (draft.text, text) if t) or None
        if draft.step != "text" and joined and utf16_len(joined) > MAX_TEXT:
            await tx.outbox.enqueue(text_message(here, texts.TOO_LONG.format(limit=MAX_TEXT)))
            return
        if draft.step == "kind":
            draft = await tx.drafts.update(
                draft.id,
                text=joined,
                photo_file_id=photo,
                attachments=attachments,
                media_group=media_group,
            )
            await self._ask_kind(tx, draft, said)
            return
        if draft.step == "text":
            has_voice = any(a.kind == "voice" for a in attachments)
            if not text and not has_voice:
                # A photo or a location before the words: kept, and still asked for words.
                await tx.drafts.update(
                    draft.id, photo_file_id=photo, attachments=attachments, media_group=media_group
                )
                reply = texts.LOCATION_RECEIVED + "\n" if said.location else ""
                await tx.outbox.enqueue(text_message(here, reply + texts.ASK_TEXT[draft.kind]))
                return
            if utf16_len(text) > MAX_TEXT:
                await tx.outbox.enqueue(text_message(here, texts.TOO_LONG.format(limit=MAX_TEXT)))
                return
            draft = await tx.drafts.update(
                draft.id,
                text=text or None,
                photo_file_id=photo,
                attachments=attachments,
                media_group=media_group,
                step="confirm" if photo else "photo",
            )
        else:  # photo or confirm: a photo moves on; more words belong to the text
            draft = await tx.drafts.update(
                draft.id,
                text=joined,
                photo_file_id=photo,
                attachments=attachments,
                media_group=media_group,
                step="confirm" if photo or draft.step == "confirm" else "photo",
            )
        await self._prompt_draft(tx, draft)

    async def _answer(self, tx: Tx, draft: Draft, person: Person, action: str) -> str:
        """Which kind it is (step kind), or whether to go on with an old draft (step stale)."""
        if action in ("complaint", "wish") and draft.step == "kind":
            return await self._chose_kind(tx, draft, "wish" if action == "wish" else "complaint")
        if action == "resume" and draft.step == "stale":
            step = str((draft.held or {}).get("step") or "text")
            held = Said.load(draft.held or {})
            draft = await tx.drafts.update(draft.id, step=step, held=None)
            if held.empty:
                await self._prompt_draft(tx, draft)
            else:
                await self._continue(tx, draft, held)
            return ""
        if action == "fresh" and draft.step == "stale":
            held = Said.load(draft.held or {})
            await tx.drafts.drop(draft.id)
            if held.empty:
                await tx.outbox.enqueue(text_message(person.id, texts.PRIVATE_HINT))
            else:
                await self._offer_kind(tx, person, held)
            return ""
        return texts.DRAFT_GONE

    async def _chose_kind(self, tx: Tx, draft: Draft, kind: TicketKind) -> str:
        """投诉/报修 or 微心愿 for what came without saying: then on as a draft of that kind."""
        has_words = bool((draft.text or "").strip()) or any(
            a.kind == "voice" for a in draft.attachments
        )
        if not has_words:
            await tx.drafts.update(draft.id, kind=kind, step="text")
            await tx.outbox.enqueue(text_message(draft.user_id, texts.ASK_TEXT[kind]))
            return ""
        step = "confirm" if draft.photo_file_id else "photo"
        draft = await tx.drafts.update(draft.id, kind=kind, step=step)
        await self._prompt_draft(tx, draft)
        return ""

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
            text=html(draft.text or voice_text(draft.attachments)),
            photo=_attachment_notes(draft),
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
            if button.action in ("complaint", "wish", "resume", "fresh"):
                return await self._answer(tx, draft, person, button.action)
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


def _merge(held: Said, said: Said) -> Said:
    """Two messages waiting together (while an old draft's question is open)."""
    return Said(
        text="\n".join(t for t in (held.text.strip(), said.text.strip()) if t),
        photo=held.photo or said.photo,
        voice=held.voice or said.voice,
        location=held.location or said.location,
        media_group=held.media_group or said.media_group,
    )


def _attachment_notes(draft: Draft) -> str:
    photos = (1 if draft.photo_file_id else 0) + sum(
        1 for a in draft.attachments if a.kind == "photo"
    )
    voices = sum(1 for a in draft.attachments if a.kind == "voice")
    notes = ""
    if photos == 1 and draft.media_group:  # the album's other photos are on their way
        notes += texts.CONFIRM_ALBUM_NOTE
    elif photos == 1:
        notes += texts.CONFIRM_PHOTO_NOTE
    elif photos > 1:
        notes += texts.CONFIRM_PHOTOS_NOTE.format(n=photos)
    if voices:
        notes += texts.CONFIRM_VOICE_NOTE.format(n=voices)
    if any(a.kind == "location" for a in draft.attachments):
        notes += texts.CONFIRM_LOCATION_NOTE
    return notes


_SMALL_TALK = re.compile(
    r"(你好|您好|在吗|在不在|在么|谢谢|多谢|感谢|好的|好滴|嗯+|哦+|噢+|OK|ok|收到|明白|知道了|早上好|早安"
    r"|晚上好|晚安|再见|拜拜|hi|hello|有人吗|小助手)"
)
_NOT_WORDS = re.compile(r"[\W_]+")


def _small_talk(text: str) -> bool:
    """Words that greet or thank and ask for nothing."""
    return not _NOT_WORDS.sub("", _SMALL_TALK.sub("", text))
