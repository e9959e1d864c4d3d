"""Households: a resident registers (and changes, or removes) where they live, in private;
staff see a building's register and, where the community file asks for it, confirm each
registration on a card in the committee chat.

Only what is needed is kept: the household key and who said they live there. Names are read
from the people the bot has seen, and shown only on the committee's cards.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot import texts as common
from bot.buttons import HomeButton, HomeCardButton, Press
from bot.community import CommunityRules
from bot.services.households import texts
from bot.services.households.address import (
    Household,
    building_label,
    looks_like_floor_only,
    parse_building,
    parse_household,
)
from bot.services.messaging import deep_link, edit_text, html, once_recorded, text_message
from bot.services.people import Person
from bot.services.roles import Roles
from storage import AlreadyHandled, Database, Tx
from storage.households import Membership, MemberStatus

REMOVE_WORDS = frozenset({"删除", "刪除", "delete", "remove", "取消登记"})
UNKNOWN_BUTTON = "这个按钮已经失效了。"


def home_label(key: str) -> str:
    return Household.from_key(key).label


class HouseholdService:
    def __init__(
        self, db: Database, roles: Roles, rules: Mapping[str, CommunityRules], bot_username: str
    ) -> None:
        self._db = db
        self._roles = roles
        self._rules = rules
        self._bot_username = bot_username

    def verifies(self, community: str) -> bool:
        """[households] verify = true: a member votes only once staff confirmed them."""
        rules = self._rules.get(community)
        return bool(rules and rules.households.verify)

    def may_vote(self, member: Membership) -> bool:
        if member.status == "rejected":
            return False
        return member.status == "confirmed" or not self.verifies(member.community)

    def _status_word(self, member: Membership) -> str:
        if member.status == "unconfirmed" and self.verifies(member.community):
            return texts.CURRENT_STATUS["pending"]
        return texts.CURRENT_STATUS[member.status]

    # ------------------------------------------------------------------ the resident

    async def home(
        self, update_id: int, person: Person, chat_id: int, message_id: int, argument: str
    ) -> None:
        """/home [address | 删除]: in private only (an address is nobody else's business)."""
        if chat_id != person.id:
            link = html(deep_link(self._bot_username))
            await self._reply(update_id, chat_id, texts.IN_GROUP.format(link=link), message_id)
            return
        argument = argument.strip()
        if argument.lower() in REMOVE_WORDS:
            await self._remove(update_id, person)
        elif not argument:
            await self._ask(update_id, person)
        else:
            await self._offer(update_id, person, argument)

    async def _reply(self, update_id: int, chat_id: int, text: str, reply_to: int | None) -> None:
        try:
            async with self._db.transaction(update_id=update_id, what="home") as tx:
                await tx.outbox.enqueue(text_message(chat_id, text, reply_to=reply_to))
        except AlreadyHandled:
            pass

    async def _remove(self, update_id: int, person: Person) -> None:
        try:
            async with self._db.transaction(update_id=update_id, what="home_removed") as tx:
                member = await tx.households.membership(person.id)
                if member is not None and await tx.households.leave(person.id):
                    await tx.events.append(
                        "home_removed",
                        actor_id=person.id,
                        subject=f"household:{member.household_id}",
                    )
                    if member.card_outbox_id is not None and member.card_chat_id is not None:
                        await self._edit_card(tx, member, texts.CARD_GONE, person.name)
                    text = texts.REMOVED
                else:
                    text = texts.NOTHING_TO_REMOVE
                await tx.outbox.enqueue(text_message(person.id, text))
        except AlreadyHandled:
            pass

    async def _ask(self, update_id: int, person: Person) -> None:
        """No address given: say what is registered, and ask (a reply to this very message)."""
        try:
            async with self._db.transaction(update_id=update_id, what="home_ask") as tx:
                member = await tx.households.membership(person.id)
                lines = []
                if member is not None:
                    lines.append(
                        texts.CURRENT.format(
                            home=home_label(member.key), status=self._status_word(member)
                        )
                    )
                    lines.append(texts.CHANGE_HINT)
                lines.append(texts.ASK_ADDRESS)
                community = await self._roles.community_of(tx, person.id, person.id)
                asked = await tx.outbox.enqueue(
                    text_message(person.id, "\n".join(lines), force_reply=texts.ADDRESS_PLACEHOLDER)
                )
                assert asked is not None
                await tx.households.ask(person.id, community, None, asked)
        except AlreadyHandled:
            pass

    async def _offer(self, update_id: int, person: Person, text: str) -> None:
        """Show the address back as understood, with 对 / 不对."""
        household = parse_household(text)
        try:
            async with self._db.transaction(update_id=update_id, what="home_offer") as tx:
                if household is None:
                    refusal = (
                        texts.FLOOR_OR_BUILDING.format(text=html(text[:30]))
                        if looks_like_floor_only(text)
                        else texts.NOT_UNDERSTOOD
                    )
                    await tx.outbox.enqueue(text_message(person.id, refusal))
                    return
                community = await self._roles.community_of(tx, person.id, person.id)
                await self._show_back(tx, person, community, household)
        except AlreadyHandled:
            pass

    async def _show_back(
        self, tx: Tx, person: Person, community: str, household: Household
    ) -> None:
        offer = await tx.outbox.enqueue(
            text_message(
                person.id,
                texts.CONFIRM.format(home=household.label),
                buttons=(
                    (
                        (texts.BUTTON_OK, HomeButton("ok")),
                        (texts.BUTTON_AGAIN, HomeButton("again")),
                    ),
                ),
            )
        )
        assert offer is not None
        await tx.households.ask(person.id, community, household.key, offer)

    async def answer_prompt(
        self, update_id: int, person: Person, chat_id: int, replied_to: int, text: str
    ) -> bool:
        """A reply to the address question: False (nothing done) unless `replied_to` is that
        question, asked of this person in their own private chat."""
        if chat_id != person.id:
            return False
        async with self._db.read() as tx:
            request = await tx.households.request_on(chat_id, replied_to)
        if request is None or request.user_id != person.id or request.key is not None:
            return False
        await self._offer(update_id, person, text)
        return True

    async def press(self, update_id: int, press: Press, button: HomeButton) -> str:
        """对 / 不对 under the address shown back: only on that very message, by its person."""
        person = Person(press.user_id, press.user_name)
        try:
            async with self._db.transaction(update_id=update_id, what="home_press") as tx:
                request = (
                    await tx.households.request_on(press.chat_id, press.message_id)
                    if press.message_id is not None
                    else None
                )
                if request is None or request.user_id != person.id or request.key is None:
                    return texts.STALE
                await tx.households.request_done(request.id)
                household = Household.from_key(request.key)
                if button.action == "again":
                    await tx.outbox.enqueue(
                        edit_text(
                            person.id,
                            texts.CONFIRM.format(home=household.label),
                            message_id=press.message_id,
                        )
                    )
                    asked = await tx.outbox.enqueue(
                        text_message(
                            person.id, texts.ASK_ADDRESS, force_reply=texts.ADDRESS_PLACEHOLDER
                        )
                    )
                    assert asked is not None
                    await tx.households.ask(person.id, request.community, None, asked)
                    return ""
                return await self._register(tx, person, request.community, household, press)
        except AlreadyHandled:
            return ""

    async def _register(
        self, tx: Tx, person: Person, community: str, household: Household, press: Press
    ) -> str:
        before = await tx.households.membership(person.id)
        record = await tx.households.household(community, household.key, household.building)
        if before is not None and before.household_id == record.id:
            member = before  # the same home again: keeps its confirmation
        else:
            if before is not None and before.card_outbox_id is not None:
                await self._edit_card(tx, before, texts.CARD_GONE, person.name)
            member = await tx.households.join(person.id, record.id)
            await tx.events.append(
                "home_registered",
                actor_id=person.id,
                subject=f"household:{record.id}",
                detail={"key": household.key, "moved_from": before.key if before else None},
            )
        verify = self.verifies(community)
        done = (
            texts.REGISTERED_PENDING
            if verify and member.status != "confirmed"
            else texts.REGISTERED
        )
        assert press.message_id is not None
        await tx.outbox.enqueue(
            edit_text(
                person.id,
                done.format(home=household.label) + "\n" + texts.CHANGE_HINT,
                message_id=press.message_id,
            )
        )
        if verify and member.status == "unconfirmed" and member.card_outbox_id is None:
            await self._post_card(tx, member, person)
        return ""

    async def _post_card(self, tx: Tx, member: Membership, person: Person) -> None:
        chat = self._roles.committee_chat(member.community)
        others = await tx.households.members_of(member.household_id)
        n = next((i for i, m in enumerate(others, 1) if m.id == member.id), len(others))
        card = await tx.outbox.enqueue(
            text_message(
                chat,
                texts.CARD.format(home=home_label(member.key), name=html(person.name), n=n),
                buttons=(
                    (
                        (texts.CARD_OK, HomeCardButton("ok", member.id)),
                        (texts.CARD_NO, HomeCardButton("no", member.id)),
                    ),
                ),
            )
        )
        assert card is not None
        await tx.households.set_card(member.id, chat, card)

    async def _edit_card(self, tx: Tx, member: Membership, template: str, name: str) -> None:
        assert member.card_chat_id is not None and member.card_outbox_id is not None
        await tx.outbox.enqueue(
            edit_text(
                member.card_chat_id,
                template.format(home=home_label(member.key), name=html(name), staff=""),
                target_row=member.card_outbox_id,
            )
        )

    # ------------------------------------------------------------------ staff

    async def card_press(self, update_id: int, press: Press, button: HomeCardButton) -> str:
        """确认 / 不是本户: on the card's own message, by staff of the household's community."""

        member, on_card = await once_recorded(lambda: self._on_card(button.member, press))
        if member is None or not on_card:
            return common.NOT_RECORDED_YET if on_card is None else UNKNOWN_BUTTON
        if press.chat_id != self._roles.committee_chat(member.community) or not (
            await self._roles.is_committee(press.user_id, member.community)
        ):
            return "抱歉，只有工作人员可以确认住户。"
        try:
            async with self._db.transaction(update_id=update_id, what="home_decided") as tx:
                current = await tx.households.membership_by_id(button.member)
                if current is None or current.card_outbox_id != member.card_outbox_id:
                    return UNKNOWN_BUTTON
                status: MemberStatus = "confirmed" if button.action == "ok" else "rejected"
                if current.status == status:
                    return (
                        texts.ANSWER_CONFIRMED if status == "confirmed" else texts.ANSWER_REJECTED
                    )
                await tx.households.decide(current.id, status, press.user_id)
                await tx.events.append(
                    f"home_{status}",
                    actor_id=press.user_id,
                    subject=f"household:{current.household_id}",
                    detail={"member": current.id, "by": press.user_name},
                )
                seen = await tx.people.get(current.user_id)
                name = seen.display_name if seen else str(current.user_id)
                template = texts.CARD_CONFIRMED if status == "confirmed" else texts.CARD_REJECTED
                await tx.outbox.enqueue(
                    edit_text(
                        press.chat_id,
                        template.format(
                            home=home_label(current.key),
                            name=html(name),
                            staff=html(press.user_name),
                        ),
                        target_row=current.card_outbox_id,
                    )
                )
                told = texts.TOLD_CONFIRMED if status == "confirmed" else texts.TOLD_REJECTED
                await tx.outbox.enqueue(
                    text_message(current.user_id, told.format(home=home_label(current.key)))
                )
                return texts.ANSWER_CONFIRMED if status == "confirmed" else texts.ANSWER_REJECTED
        except AlreadyHandled:
            return ""

    async def _on_card(self, member_id: int, press: Press) -> tuple[Membership | None, bool | None]:
        """The membership, and whether this was pressed under its card's own message (None:
        the card has no recorded message id yet)."""
        async with self._db.read() as tx:  # sent_as checks the card's chat too
            member = await tx.households.membership_by_id(member_id)
            card = member.card_outbox_id if member is not None else None
            return member, await tx.outbox.sent_as(card, press.chat_id, press.message_id)

    async def register_of(
        self, update_id: int, user_id: int, chat_id: int, message_id: int, argument: str
    ) -> None:
        """/homes 3号楼: a building's households and how many are registered in each. Only in
        a committee chat (or staff's private chat), never to residents."""
        community = self._roles.community_of_staff_chat(chat_id)
        if chat_id == user_id:
            mine = await self._roles.committees_of(user_id)
            community = mine[0] if mine else None
        elif community is not None and chat_id != self._roles.committee_chat(community):
            community = None
        if community is None or not await self._roles.is_committee(user_id, community):
            if chat_id == user_id or self._roles.is_staff_chat(chat_id):
                await self._reply(update_id, chat_id, texts.REGISTER_ONLY_STAFF, message_id)
            return  # a residents' group hears nothing of it
        building = parse_building(argument) if argument.strip() else None
        if building is None:
            await self._reply(update_id, chat_id, texts.REGISTER_USAGE, message_id)
            return
        async with self._db.read() as tx:
            rows = await tx.households.register_of(community, building)
        label = building_label(building)
        if not rows:
            await self._reply(
                update_id, chat_id, texts.REGISTER_EMPTY.format(building=label), message_id
            )
            return
        rows.sort(key=lambda r: _room_order(r.key))
        verify = self.verifies(community)
        lines = [
            texts.REGISTER_TITLE.format(
                building=label, households=len(rows), people=sum(r.members for r in rows)
            )
        ]
        for r in rows:
            home = Household.from_key(r.key)
            room = f"{home.entrance}单元{home.room}室" if home.entrance else f"{home.room}室"
            note = ""
            waiting = r.members - r.confirmed - r.rejected
            if verify and waiting:
                note += texts.REGISTER_NOTE_PENDING.format(n=waiting)
            if r.rejected:
                note += texts.REGISTER_NOTE_REJECTED.format(n=r.rejected)
            lines.append(texts.REGISTER_LINE.format(room=room, members=r.members, note=note))
        await self._reply(update_id, chat_id, "\n".join(lines), message_id)


def _room_order(key: str) -> tuple[int, int, str]:
    home = Household.from_key(key)
    entrance = int(home.entrance) if home.entrance else 0
    return (entrance, int(home.room) if home.room.isdigit() else 0, key)
