"""Which groups the bot serves: binding resident groups, the staff chats, and the bot's own
membership changes (added, removed, promoted)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot import texts
from bot.buttons import EnableGroupButton, Press
from bot.community import DEFAULT_COMMUNITY
from bot.services.households import building_label
from bot.services.households.texts import GROUP_TIED
from bot.services.messaging import deep_link, edit_text, html, mention, plain, text_message
from bot.services.roles import Roles
from storage import Database, Tx
from storage.models import ChatKind, OutboxMessage

log = logging.getLogger(__name__)


def tied_text(buildings: list[str]) -> str:
    return GROUP_TIED.format(buildings="、".join(building_label(b) for b in buildings))


@dataclass(frozen=True)
class GroupRef:
    id: int
    title: str | None
    is_group: bool


class GroupService:
    def __init__(self, db: Database, roles: Roles, bot_username: str) -> None:
        self._db = db
        self._roles = roles
        self._bot_username = bot_username
        # Asked for every group post (the community of a resident group, None for any other
        # chat); forgotten whenever a transaction changes any chat.
        self._resident: dict[int, str | None] = {}
        self._generation = 0
        db.on_commit(self._on_commit)

    def _on_commit(self, tx: Tx) -> None:
        if tx.chats_changed:
            self._generation += 1
            self._resident.clear()

    async def is_resident_group(self, chat_id: int) -> bool:
        return await self.community_of_group(chat_id) is not None

    async def community_of_group(self, chat_id: int) -> str | None:
        """The community of an active resident group; None for any other chat."""
        if chat_id in self._resident:
            return self._resident[chat_id]
        generation = self._generation
        async with self._db.read() as tx:
            chat = await tx.chats.get(chat_id)
        answer = (
            chat.community if chat is not None and chat.kind == "resident" and chat.active else None
        )
        if generation == self._generation:  # no chat changed while we read
            if len(self._resident) > 10_000:
                self._resident.clear()
            self._resident[chat_id] = answer
        return answer

    async def _community_for(self, user_id: int, code: str | None) -> tuple[str | None, str | None]:
        """Which community a group bound by this person joins: (community, None), or (None,
        what to tell them). Staff of one community bind to it; of several (or an admin of a
        deployment of several), they name it: /bind <code>."""
        mine = await self._roles.committees_of(user_id)
        if not mine:
            return None, texts.BIND_NOT_ALLOWED
        if code is not None and code in mine:
            return code, None
        if code is not None and self._roles.known(code):
            return None, texts.BIND_NOT_YOURS.format(name=html(self._roles.name_of(code)))
        if len(mine) == 1 and code is None:
            return mine[0], None
        choices = "\n".join(
            texts.BIND_CHOICE.format(code=c, name=html(self._roles.name_of(c))) for c in mine
        )
        return None, texts.BIND_WHICH.format(choices=choices)

    def _bound_text(self, community: str) -> str:
        if not self._roles.several:
            return texts.BOUND
        return texts.BOUND_IN.format(name=html(self._roles.name_of(community)))

    async def bot_added(
        self,
        update_id: int,
        chat: GroupRef,
        by_user_id: int,
        bot_is_admin: bool,
        by_name: str = "",
    ) -> None:
        """Someone added the bot: staff and admins make it a resident group (the committee is
        told if it cannot delete messages there); anyone else gets one polite notice that the
        bot is not enabled there, and the committee a notice with a button to enable it."""
        if self._roles.is_staff_chat(chat.id):
            await self._register_staff_chat(update_id, chat)
            return
        if chat.id == self._roles.volunteer_chat_id:  # never a resident group: wish cards only
            async with self._db.transaction(update_id=update_id, what="bot_added") as tx:
                await tx.outbox.enqueue(text_message(chat.id, texts.VOLUNTEER_CHAT_HELLO))
            return
        community, refusal = await self._community_for(by_user_id, None)
        async with self._db.transaction(update_id=update_id, what="bot_added") as tx:
            if community is not None:
                await self._bind(tx, chat, by_user_id, bot_is_admin, "added", community)
                link = deep_link(self._bot_username)
                welcome = texts.GROUP_WELCOME.format(link=html(link))
                if not bot_is_admin:  # the one who added it is asked, in the same message
                    await self._lacks_admin(tx, chat, community)
                    welcome += "\n" + texts.BIND_MAKE_ADMIN.format(
                        mention=mention(by_user_id, by_name or str(by_user_id))
                    )
                await tx.outbox.enqueue(text_message(chat.id, welcome))
            elif refusal != texts.BIND_NOT_ALLOWED:  # staff of several: they say which
                assert refusal is not None
                await tx.outbox.enqueue(text_message(chat.id, refusal))
            else:
                event = await tx.events.append(
                    "bot_added_without_rights",
                    actor_id=by_user_id,
                    subject=f"chat:{chat.id}",
                    detail={"title": chat.title, "admin": bot_is_admin, "by": by_name},
                )
                await tx.outbox.enqueue(
                    text_message(chat.id, texts.NOT_ENABLED, dedupe_key=f"not-enabled:{chat.id}")
                )
                # The committee hears of it once per time it happens, and may enable it.
                home = await self._roles.community_of(tx, by_user_id, by_user_id)
                await tx.outbox.enqueue(
                    text_message(
                        self._roles.committee_chat(home),
                        texts.GROUP_ADDED_BY_OTHER.format(
                            who=mention(by_user_id, by_name or str(by_user_id)),
                            title=_title(chat.title),
                        ),
                        buttons=[[(texts.BTN_ENABLE_GROUP, EnableGroupButton(event))]],
                        dedupe_key=f"added-by-other:{event}",
                    )
                )

    async def enable_press(self, update_id: int, press: Press, button: EnableGroupButton) -> str:
        """在该群开通, pressed in a committee chat by its staff: the group the recorded event
        names becomes a resident group of that committee's community."""
        community = self._roles.community_of_staff_chat(press.chat_id)
        if community is None or press.chat_id != self._roles.committee_chat(community):
            return texts.UNKNOWN_BUTTON
        if not await self._roles.is_committee(press.user_id, community):
            return texts.ONLY_STAFF
        async with self._db.read() as tx:
            found = [e for e in await tx.events.about("chat") if e.id == button.event]
        event = found[0] if found else None
        if event is None or event.action != "bot_added_without_rights" or not event.subject:
            return texts.UNKNOWN_BUTTON
        chat_id = int(event.subject.split(":", 1)[1])
        title = event.detail.get("title")
        chat = GroupRef(chat_id, title if isinstance(title, str) else None, True)
        async with self._db.transaction(update_id=update_id, what="enable_group") as tx:
            existing = await tx.chats.get(chat_id)
            if existing is not None and existing.kind == "resident" and existing.active:
                return texts.ANSWER_GROUP_ALREADY
            if existing is not None and existing.kind != "resident":
                return texts.UNKNOWN_BUTTON  # a staff chat since
            admin = bool(event.detail.get("admin"))
            await self._bind(tx, chat, press.user_id, admin, "enabled", community)
            link = deep_link(self._bot_username)
            await tx.outbox.enqueue(
                text_message(chat_id, texts.GROUP_WELCOME.format(link=html(link)))
            )
            if press.message_id is not None:
                notice = texts.GROUP_ADDED_BY_OTHER.format(
                    who=html(str(event.detail.get("by") or "")), title=_title(chat.title)
                )
                await tx.outbox.enqueue(
                    edit_text(
                        press.chat_id,
                        notice
                        + texts.GROUP_ENABLED_BY.format(
                            who=mention(press.user_id, press.user_name)
                        ),
                        message_id=press.message_id,
                    )
                )
            if not admin:
                await self._lacks_admin(tx, chat, community)
        return plain(texts.ANSWER_GROUP_ENABLED)

    async def _lacks_admin(self, tx: Tx, chat: GroupRef, community: str) -> None:
        """A resident group where the bot cannot delete messages: the committee hears of it
        (confirmed rumours there could not be removed)."""
        await tx.outbox.enqueue(
            text_message(
                self._roles.committee_chat(community),
                texts.GROUP_LACKS_ADMIN.format(title=_title(chat.title)),
            )
        )

    async def _register_staff_chat(self, update_id: int, chat: GroupRef) -> None:
        kinds = {kind for chat_id, kind, _ in self._roles.staff_chats() if chat_id == chat.id}
        kind: ChatKind = "moderator" if kinds == {"moderator"} else "committee"
        async with self._db.transaction(update_id=update_id, what="staff_chat") as tx:
            await tx.chats.register_staff_chat(chat.id, kind, chat.title)
            await tx.events.append(
                "staff_chat_joined", actor_id=None, subject=f"chat:{chat.id}", detail={"kind": kind}
            )
            await tx.outbox.enqueue(
                text_message(chat.id, texts.STAFF_CHAT_HELLO, dedupe_key=f"staff-hello:{chat.id}")
            )

    async def check_staff_chats(self) -> None:
        """At start: a staff chat of the settings that is a bound residents' group is an
        operator's slip that would show reporters' names to residents; refuse it loudly."""
        async with self._db.read() as tx:
            groups = {c.id for c in await tx.chats.resident_groups()}
        for chat_id in groups:
            self._roles.not_a_party_chat(chat_id)
        for chat_id, kind, community in self._roles.staff_chats():
            if kind != "party" and chat_id in groups:
                log.error(
                    "the %s chat %d (community %s) is also a residents' group: residents "
                    "there see staff cards; use a separate staff chat",
                    kind,
                    chat_id,
                    community,
                )

    async def bot_removed(
        self, update_id: int, chat_id: int, by_user_id: int, by_name: str = ""
    ) -> None:
        """The bot was removed: a resident group stops being one, and its committee is told
        (its reminders and answers would otherwise stop without anyone knowing)."""
        async with self._db.transaction(update_id=update_id, what="bot_removed") as tx:
            chat = await tx.chats.get(chat_id)
            if await tx.chats.deactivate(chat_id):
                await tx.events.append(
                    "bot_removed", actor_id=by_user_id, subject=f"chat:{chat_id}"
                )
                if chat is not None and chat.kind == "resident":
                    await tx.outbox.enqueue(
                        text_message(
                            self._roles.committee_chat(chat.community),
                            texts.GROUP_REMOVED.format(
                                who=mention(by_user_id, by_name or str(by_user_id)),
                                title=_title(chat.title),
                            ),
                        )
                    )

    async def bot_rights_changed(
        self, update_id: int, chat_id: int, is_admin: bool, by_user_id: int, by_name: str = ""
    ) -> None:
        """The bot's rights in a group changed; a resident group where it can no longer
        delete messages is told to the committee (confirmed rumours would stay up)."""
        async with self._db.transaction(update_id=update_id, what="bot_rights") as tx:
            chat = await tx.chats.get(chat_id)
            if chat is None:
                return
            if chat.kind == "resident" and chat.active and chat.bot_is_admin and not is_admin:
                await tx.outbox.enqueue(
                    text_message(
                        self._roles.committee_chat(chat.community),
                        texts.GROUP_LOST_ADMIN.format(
                            who=mention(by_user_id, by_name or str(by_user_id)),
                            title=_title(chat.title),
                        ),
                    )
                )
            await tx.chats.set_bot_admin(chat_id, is_admin)
            await tx.events.append(
                "bot_rights_changed",
                actor_id=by_user_id,
                subject=f"chat:{chat_id}",
                detail={"admin": is_admin},
            )

    async def bind(
        self,
        update_id: int,
        chat: GroupRef,
        user_id: int,
        message_id: int,
        bot_is_admin: bool,
        code: str | None = None,
        buildings: list[str] | None = None,
        binder_name: str = "",
    ) -> None:
        """/bind [community]: staff or an admin makes this group a resident group of their
        community. /bind 3号楼,4号楼 also ties it to those buildings (votes and notices aimed
        at other buildings skip it); in a group already bound, it changes only the ties."""
        reply = await self._refusal(chat, user_id)
        community = None
        if reply is None and buildings:
            community = await self.community_of_group(chat.id)
            if community is not None:
                if await self._roles.is_committee(user_id, community):
                    await self._tie(update_id, chat, user_id, message_id, buildings)
                    return
                reply, community = texts.BIND_NOT_ALLOWED, None
        if reply is None:
            community, reply = await self._community_for(user_id, code)
        async with self._db.transaction(update_id=update_id, what="bind") as tx:
            if community is not None:
                existing = await tx.chats.get(chat.id)
                if existing and existing.kind == "resident" and existing.active:
                    reply = texts.ALREADY_BOUND
                else:
                    await self._bind(tx, chat, user_id, bot_is_admin, "command", community)
                    reply = self._bound_text(community)
                    if not bot_is_admin:
                        await self._lacks_admin(tx, chat, community)
                        reply += "\n" + texts.BIND_MAKE_ADMIN.format(
                            mention=mention(user_id, binder_name or str(user_id))
                        )
                if buildings:
                    await self._tie_in(tx, chat.id, user_id, buildings)
                    reply += "\n" + tied_text(buildings)
            assert reply is not None
            await tx.outbox.enqueue(text_message(chat.id, reply, reply_to=message_id))

    async def _tie(
        self, update_id: int, chat: GroupRef, user_id: int, message_id: int, buildings: list[str]
    ) -> None:
        async with self._db.transaction(update_id=update_id, what="bind_buildings") as tx:
            await self._tie_in(tx, chat.id, user_id, buildings)
            await tx.outbox.enqueue(
                text_message(chat.id, tied_text(buildings), reply_to=message_id)
            )

    @staticmethod
    async def _tie_in(tx: Tx, chat_id: int, user_id: int, buildings: list[str]) -> None:
        await tx.households.tie_group(chat_id, buildings)
        await tx.events.append(
            "chat_buildings",
            actor_id=user_id,
            subject=f"chat:{chat_id}",
            detail={"buildings": buildings},
        )

    async def unbind(self, update_id: int, chat: GroupRef, user_id: int, message_id: int) -> None:
        """/unbind: staff of the group's community (or an admin) let it go."""
        reply = await self._refusal(chat, user_id)
        if reply is None:
            community = await self.community_of_group(chat.id)
            if not await self._roles.is_committee(user_id, community or DEFAULT_COMMUNITY):
                reply = texts.BIND_NOT_ALLOWED
        async with self._db.transaction(update_id=update_id, what="unbind") as tx:
            if reply is None:
                existing = await tx.chats.get(chat.id)
                if existing and existing.kind == "resident" and await tx.chats.deactivate(chat.id):
                    await tx.events.append(
                        "chat_unbound", actor_id=user_id, subject=f"chat:{chat.id}"
                    )
                    reply = texts.UNBOUND
                else:
                    reply = texts.NOT_BOUND
            await tx.outbox.enqueue(text_message(chat.id, reply, reply_to=message_id))

    async def _refusal(self, chat: GroupRef, user_id: int) -> str | None:
        if not chat.is_group:
            return texts.BIND_ONLY_IN_GROUPS
        if self._roles.is_staff_chat(chat.id):
            return texts.BIND_STAFF_CHAT
        if chat.id == self._roles.volunteer_chat_id:
            return texts.BIND_VOLUNTEER_CHAT
        return None

    @staticmethod
    async def _bind(
        tx: Tx, chat: GroupRef, by_user_id: int, bot_is_admin: bool, how: str, community: str
    ) -> None:
        await tx.chats.bind_resident(chat.id, chat.title, by_user_id, bot_is_admin, community)
        await tx.events.append(
            "chat_bound",
            actor_id=by_user_id,
            subject=f"chat:{chat.id}",
            detail={"how": how, "title": chat.title, "community": community},
        )

    async def migrated(self, update_id: int, old_id: int, new_id: int) -> None:
        """A group became a supergroup: it has a new id from now on (a staff chat's members
        keep their rights under it)."""
        self._roles.chat_migrated(old_id, new_id)
        async with self._db.transaction(update_id=update_id, what="migrated") as tx:
            if await tx.chats.get(old_id) is not None and await tx.chats.get(new_id) is None:
                await tx.chats.migrate(old_id, new_id)
                await tx.outbox.move_chat(old_id, new_id)
                await tx.events.append(
                    "chat_migrated",
                    actor_id=None,
                    subject=f"chat:{new_id}",
                    detail={"from": old_id},
                )

    async def renamed(self, update_id: int, chat_id: int, title: str) -> None:
        async with self._db.transaction(update_id=update_id, what="renamed") as tx:
            if await tx.chats.get(chat_id) is not None:
                await tx.chats.set_title(chat_id, title)

    async def private_refused(self, tx: Tx, message: OutboxMessage) -> None:
        """Outbox fallback 'group_link': a private message was refused (403), so say so in the
        group the person wrote in, with a link that opens the private chat. The private text
        itself is not repeated in the group."""
        args = message.fallback_args or {}
        group_id = args.get("group_chat_id")
        if not isinstance(group_id, int):
            log.error("outbox %d: group_link fallback without a group", message.id)
            return
        link = deep_link(self._bot_username, args.get("start"))
        text = texts.PRIVATE_FALLBACK.format(
            mention=mention(message.chat_id, str(args.get("name") or "您")), link=html(link)
        )
        await tx.outbox.enqueue(
            text_message(
                group_id, text, reply_to=args.get("reply_to"), dedupe_key=f"fallback:{message.id}"
            )
        )


def _title(title: str | None) -> str:
    return html(title) if title else texts.GROUP_UNTITLED
