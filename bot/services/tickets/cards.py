"""A ticket's staff card (posted, edited in place) and the resident's notifications: shared by
intake and the work on a ticket. The words are built in views."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.community import Party
from bot.services.households.service import home_label
from bot.services.messaging import (
    edit_text,
    location_message,
    photo_message,
    text_message,
    urgent,
    voice_message,
)
from bot.services.roles import Roles
from bot.services.tickets import views
from storage import Tx
from storage.models import Attachment, Ticket
from storage.outbox import OutgoingMessage


class TicketCards:
    def __init__(self, roles: Roles, *, zone: ZoneInfo) -> None:
        self._roles = roles
        self._zone = zone

    async def post(
        self,
        tx: Tx,
        ticket: Ticket,
        group_title: str | None,
        *,
        chat_id: int | None = None,
        note: str = "",
    ) -> Ticket:
        if chat_id is None:
            chat_id = self._roles.chat_for(Party(ticket.party), ticket.community)
        # A party chat the bot cannot post to sends the card to the committee (card_refused).
        committee = self._roles.committee_chat(ticket.community)
        fallback = "card_refused" if chat_id != committee else None
        if ticket.photo_file_id:
            photo = photo_message(
                chat_id, ticket.photo_file_id, texts.CARD_PHOTO.format(n=ticket.id)
            )
            await tx.outbox.enqueue(_urgent(photo, ticket))
        where = group_title or texts.WHERE_PRIVATE
        card_id = await tx.outbox.enqueue(
            _urgent(
                text_message(
                    chat_id,
                    views.card_text(
                        ticket,
                        where=where,
                        followers=0,
                        zone=self._zone,
                        note=note,
                        home=await home_of(tx, ticket),
                    ),
                    buttons=views.card_buttons(ticket),
                    fallback=fallback,
                    fallback_args={"ticket": ticket.id} if fallback else None,
                ),
                ticket,
            )
        )
        # What came with it follows the card: voice notes, the album's photos, a location.
        for attachment in ticket.attachments:
            await self._send_attachment(tx, ticket, attachment, chat_id)
        return await tx.tickets.update(ticket.id, card_chat_id=chat_id, card_outbox_id=card_id)

    async def attach(self, tx: Tx, ticket: Ticket, attachment: Attachment) -> None:
        """Something that joined the ticket after its card went out goes to the card's chat."""
        if ticket.card_chat_id is not None:
            await self._send_attachment(tx, ticket, attachment, ticket.card_chat_id, late=True)

    @staticmethod
    async def _send_attachment(
        tx: Tx, ticket: Ticket, attachment: Attachment, chat_id: int, *, late: bool = False
    ) -> None:
        message: OutgoingMessage
        if attachment.kind == "voice" and attachment.file_id:
            message = voice_message(
                chat_id, attachment.file_id, texts.VOICE_CARD.format(n=ticket.id)
            )
        elif attachment.kind == "photo" and attachment.file_id:
            caption = texts.CARD_MORE_PHOTO if late else texts.CARD_PHOTO
            message = photo_message(chat_id, attachment.file_id, caption.format(n=ticket.id))
        elif (
            attachment.kind == "location"
            and attachment.latitude is not None
            and attachment.longitude is not None
        ):
            message = location_message(chat_id, attachment.latitude, attachment.longitude)
        else:
            return
        await tx.outbox.enqueue(_urgent(message, ticket))

    async def group_title(self, tx: Tx, ticket: Ticket) -> str | None:
        chat = await tx.chats.get(ticket.source_chat_id)
        return chat.title if chat else None

    async def text(self, tx: Tx, ticket: Ticket, *, note: str = "") -> str:
        followers = len(await tx.tickets.followers(ticket.id))
        where = await self.group_title(tx, ticket) if ticket.source_chat_id < 0 else None
        return views.card_text(
            ticket,
            where=where or texts.WHERE_PRIVATE,
            followers=followers,
            zone=self._zone,
            note=note,
            home=await home_of(tx, ticket),
        )

    async def show(self, tx: Tx, ticket: Ticket, *, choose_party: bool = False) -> None:
        if ticket.card_chat_id is None or ticket.card_outbox_id is None:
            return
        text = await self.text(tx, ticket, note=texts.CARD_CHOOSE_PARTY if choose_party else "")
        await tx.outbox.enqueue(
            edit_text(
                ticket.card_chat_id,
                text,
                buttons=views.card_buttons(ticket, choose_party=choose_party),
                target_row=ticket.card_outbox_id,
            )
        )

    async def notify(self, tx: Tx, ticket: Ticket, text: str, step: str) -> None:
        """Tell the reporter and everyone who +1'd, in private; one who never opened the
        private chat (or blocked it) hears of the step in the group (notice_refused)."""
        for user_id in [ticket.reporter_id, *await tx.tickets.followers(ticket.id)]:
            await tx.outbox.enqueue(text_message(user_id, text, **refused_in_group(ticket, step)))


async def home_of(tx: Tx, ticket: Ticket) -> str | None:
    """The reporter's registered household, for staff on the card (residents never see it)."""
    member = await tx.households.membership(ticket.reporter_id)
    return home_label(member.key) if member is not None else None


def refused_in_group(ticket: Ticket, step: str) -> dict[str, Any]:
    """The fallback of a private notice about `ticket`: a line in the group it came from."""
    return {"fallback": "notice_refused", "fallback_args": {"ticket": ticket.id, "step": step}}


def _urgent(message: OutgoingMessage, ticket: Ticket) -> OutgoingMessage:
    """An urgent ticket's staff messages go out ahead of everything else queued for the chat."""
    return urgent(message) if ticket.urgent else message


def subject(ticket: Ticket) -> str:
    """The ticket's name in the event log."""
    return f"ticket:{ticket.id}"
