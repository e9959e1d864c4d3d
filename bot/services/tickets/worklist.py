"""Staff's worklists: /open in a party's chat lists that party's open tickets, in the committee
chat every party's, `/open mine` one's own; long lists page. A ticket's card can be posted again
in a staff chat (from the list, or /ticket N when the card was deleted or lost): the new card
becomes the ticket's card. Who asks, and where, is checked on every command and press."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import texts
from bot.buttons import Keyboard, Press, RepostButton, WorklistButton, WorklistWhich
from bot.community import Party
from bot.services.messaging import edit_text, text_message
from bot.services.people import Person
from bot.services.roles import Roles
from bot.services.tickets import views
from bot.services.tickets.cards import TicketCards, subject
from storage import Database, Tx
from storage.models import Ticket
from storage.outbox import OutgoingMessage


class Worklists:
    def __init__(self, db: Database, roles: Roles, cards: TicketCards, *, zone: ZoneInfo) -> None:
        self._db = db
        self._roles = roles
        self._cards = cards
        self._zone = zone

    async def _place(self, user_id: int, chat_id: int) -> tuple[str, Party | None] | str:
        """(community, the chat's party or None for the committee chat) where this person may
        see a worklist; else what to tell them."""
        community = self._roles.community_of_staff_chat(chat_id)
        if community is None or (
            chat_id != self._roles.committee_chat(community)
            and self._roles.party_of_chat(chat_id) is None
        ):  # the street office's or the moderators' chat lists no tickets
            return texts.OPEN_ONLY_STAFF_CHATS
        party = self._roles.party_of_chat(chat_id)
        if not await self._roles.may_handle_ticket(
            user_id, (party or Party.PROPERTY).value, chat_id, community
        ):
            return texts.OPEN_NOT_STAFF
        return community, party

    async def command(
        self, update_id: int, staff: Person, chat_id: int, args: list[str], *, private: bool
    ) -> OutgoingMessage | None:
        """/open or /open mine: the first page, or what to say instead (None: say nothing, in a
        residents' group)."""
        if not private and not self._roles.is_staff_chat(chat_id):
            return None
        place = await self._place(staff.id, chat_id)
        if isinstance(place, str):
            return text_message(chat_id, place)
        which: WorklistWhich
        if not args:
            which = "all"
        elif [a.lower() for a in args] in (["mine"], ["我的"]):
            which = "mine"
        else:
            return text_message(chat_id, texts.OPEN_USAGE)
        text, buttons = await self._page(staff.id, place, which, 1)
        return text_message(chat_id, text, buttons=buttons)

    async def _page(
        self,
        user_id: int,
        place: tuple[str, Party | None],
        which: WorklistWhich,
        page: int,
    ) -> tuple[str, Keyboard]:
        community, party = place
        async with self._db.read() as tx:
            found = await tx.tickets.open_tickets(
                community,
                party=party.value if party else None,
                assignee_id=user_id if which == "mine" else None,
            )
            now = tx.now
        if which == "mine":
            title, empty = texts.OPEN_TITLE_MINE, texts.OPEN_MINE_EMPTY
        elif party is not None:
            title = texts.OPEN_TITLE_PARTY.replace("{party}", party.label)
            empty = texts.OPEN_EMPTY
        else:
            title, empty = texts.OPEN_TITLE_ALL, texts.OPEN_EMPTY
        return views.worklist(
            views.worklist_order(found, now),
            title=title,
            empty=empty,
            which=which,
            page=page,
            now=now,
        )

    async def page_press(self, update_id: int, press: Press, button: WorklistButton) -> str:
        """上一页 / 下一页: the list worked out anew for the presser, on a message the bot sent
        as a worklist in this chat (never another of its messages)."""
        place = await self._place(press.user_id, press.chat_id)
        if isinstance(place, str):
            return texts.ONLY_STAFF if place == texts.OPEN_NOT_STAFF else texts.UNKNOWN_BUTTON
        async with self._db.read() as tx:
            markup = (
                await tx.tickets.sent_markup(press.chat_id, press.message_id)
                if press.message_id is not None
                else None
            )
        if not _is_worklist(markup):
            return texts.UNKNOWN_BUTTON
        assert press.message_id is not None
        text, buttons = await self._page(press.user_id, place, button.which, button.page)
        async with self._db.transaction(update_id=update_id, what="worklist_page") as tx:
            await tx.outbox.enqueue(
                edit_text(press.chat_id, text, buttons=buttons, message_id=press.message_id)
            )
        return texts.ANSWER_PAGE.format(page=button.page)

    async def repost_press(self, update_id: int, press: Press, button: RepostButton) -> str:
        """Post the ticket's card again in this staff chat, for staff who may handle it here:
        the new card is the ticket's card from now on; the old one says so and loses its
        buttons."""
        if press.chat_is_private or not self._roles.is_staff_chat(press.chat_id):
            return texts.UNKNOWN_BUTTON
        async with self._db.read() as tx:
            ticket = await tx.tickets.get(button.ticket)
        if ticket is None:
            return texts.UNKNOWN_BUTTON
        if not await self._roles.may_handle_ticket(
            press.user_id, ticket.party, press.chat_id, ticket.community
        ):
            return texts.ONLY_STAFF
        async with self._db.transaction(update_id=update_id, what="ticket_repost") as tx:
            current = await tx.tickets.get(ticket.id)
            if current is None or current.party != ticket.party:
                return texts.UNKNOWN_BUTTON  # forwarded while we checked
            await self._repost(tx, current, press)
        return texts.ANSWER_REPOSTED

    async def _repost(self, tx: Tx, ticket: Ticket, press: Press) -> None:
        old_chat, old_card = ticket.card_chat_id, ticket.card_outbox_id
        if old_chat is not None and old_card is not None:
            await tx.outbox.enqueue(
                edit_text(
                    old_chat,
                    await self._cards.text(tx, ticket, note=texts.CARD_REPOSTED_AWAY),
                    target_row=old_card,
                )
            )
        await self._cards.post(
            tx, ticket, await self._cards.group_title(tx, ticket), chat_id=press.chat_id
        )
        await tx.events.append(
            "reposted",
            actor_id=press.user_id,
            subject=subject(ticket),
            detail={"by": press.user_name, "chat": press.chat_id},
        )


def _is_worklist(markup: dict[str, object] | None) -> bool:
    rows = markup.get("inline_keyboard") if markup else None
    if not isinstance(rows, list):
        return False
    return any(
        isinstance(b, dict) and WorklistButton.matches(b.get("callback_data"))
        for row in rows
        if isinstance(row, list)
        for b in row
    )
