"""What screening and review both do to a group: remove a post, mute a repeated advertiser,
and write a review card's words (built in views)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.buttons import UnmuteButton
from bot.community import DEFAULT_COMMUNITY, Screening
from bot.services.messaging import edit_text, html, text_message
from bot.services.people import Person
from bot.services.roles import Roles
from bot.services.screening import views
from storage import Tx
from storage.models import ChatRecord, Flag, Mute, OutboxMessage
from storage.outbox import OutgoingMessage

log = logging.getLogger(__name__)

UNMUTED = {
    "can_send_messages": True,
    "can_send_audios": True,
    "can_send_documents": True,
    "can_send_photos": True,
    "can_send_videos": True,
    "can_send_video_notes": True,
    "can_send_voice_notes": True,
    "can_send_polls": True,
    "can_send_other_messages": True,
    "can_add_web_page_previews": True,
}
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


def is_channel(author_id: int) -> bool:
    """Whether a post's author is a chat (a channel posting in the group), not a person:
    Telegram's chat ids are negative, its user ids positive."""
    return author_id < 0


def silence(chat_id: int, author_id: int, until: datetime) -> OutgoingMessage:
    """What stops an author posting in a group: a person is muted until `until`; a channel
    (a post made as it, sender_chat) has no member to restrict, so it is banned from posting
    there (banChatSenderChat) until a moderator lifts it."""
    if is_channel(author_id):
        return OutgoingMessage(
            chat_id=chat_id, method="banChatSenderChat", params={"sender_chat_id": author_id}
        )
    return OutgoingMessage(
        chat_id=chat_id,
        method="restrictChatMember",
        params={
            "user_id": author_id,
            "permissions": MUTED,
            "until_date": int(until.timestamp()),
        },
    )


def unsilence(chat_id: int, author_id: int) -> OutgoingMessage:
    """What lets an author silenced by silence() post again."""
    if is_channel(author_id):
        return OutgoingMessage(
            chat_id=chat_id, method="unbanChatSenderChat", params={"sender_chat_id": author_id}
        )
    return OutgoingMessage(
        chat_id=chat_id,
        method="restrictChatMember",
        params={"user_id": author_id, "permissions": UNMUTED},
    )


def can_delete(chat: ChatRecord | None) -> bool:
    """Whether the bot may remove a post there, as far as we know (Telegram has the last word:
    see delete_failed)."""
    return chat is not None and chat.active and chat.bot_is_admin


class ModerationActions:
    def __init__(self, roles: Roles, rules: Screening, *, zone: ZoneInfo) -> None:
        self._roles = roles
        self._rules = rules
        self._zone = zone

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    async def mute_if_repeated(
        self,
        tx: Tx,
        author: Person,
        chat_id: int,
        group: str,
        can_act: bool,
        community: str,
        *,
        flag_id: int | None,
    ) -> None:
        """Mute an author whose confirmed ads reach the community's limit; `flag_id` is the
        confirmation that tipped it (撤销确认 of that flag lifts the mute)."""
        confirmed = await tx.flags.confirmed_ads_by(author.id) + await tx.known.ad_hits_by(
            author.id
        )
        if confirmed < self._rules.mute_after_ads:
            return
        name = html(author.name)
        if not can_act:
            await tx.outbox.enqueue(
                text_message(
                    self._roles.moderator_chat(community),
                    texts.MUTED_FAILED_LOG.format(author=name, n=confirmed, group=group),
                )
            )
            return
        until = tx.now + timedelta(hours=self._rules.mute_hours)
        channel = is_channel(author.id)  # nobody to tell in private, then
        await tx.outbox.enqueue(silence(chat_id, author.id, until))
        mute = await tx.flags.add_mute(
            community=community,
            chat_id=chat_id,
            user_id=author.id,
            user_name=author.name,
            until=until,
            flag_id=flag_id,
        )
        log_text = texts.MUTED_CHANNEL_LOG if channel else texts.MUTED_LOG
        notice = await tx.outbox.enqueue(
            text_message(
                self._roles.moderator_chat(community),
                log_text.format(
                    author=name, n=confirmed, group=group, hours=self._rules.mute_hours
                ),
                buttons=[[(texts.BTN_UNMUTE, UnmuteButton(mute))]],
            )
        )
        await tx.flags.update_mute(mute, notice_outbox_id=notice)
        if not channel:
            # The person hears why, once, in private (if they never opened the bot, nothing).
            await tx.outbox.enqueue(
                text_message(
                    author.id,
                    texts.MUTED_PRIVATE.format(group=group, hours=self._rules.mute_hours),
                )
            )
        await tx.events.append(
            "muted",
            actor_id=None,
            subject=f"{'chat' if channel else 'person'}:{author.id}",
            detail={
                "chat": chat_id,
                "ads": confirmed,
                "until": None if channel else until.isoformat(),
            },
        )

    async def lift_mute(
        self, tx: Tx, mute: Mute, by: Person, log_line: str, *, private: str = texts.UNMUTED_PRIVATE
    ) -> None:
        """Let a muted author post again: the group's restriction lifted, the mute note in
        the moderators' chat marked (`log_line` appended, its button gone) and the person told
        in private (a channel has nobody to tell)."""
        await tx.outbox.enqueue(unsilence(mute.chat_id, mute.user_id))
        await tx.flags.update_mute(mute.id, lifted_by=by.id, lifted_at=tx.now)
        await tx.events.append(
            "unmuted",
            actor_id=by.id,
            subject=f"{'chat' if is_channel(mute.user_id) else 'person'}:{mute.user_id}",
            detail={"chat": mute.chat_id, "by": by.name, "flag": mute.flag_id},
        )
        notice = (
            await tx.outbox.get(mute.notice_outbox_id)
            if mute.notice_outbox_id is not None
            else None
        )
        if notice is not None:
            await tx.outbox.enqueue(
                edit_text(
                    notice.chat_id,
                    str(notice.params.get("text", "")) + log_line,
                    target_row=notice.id,
                )
            )
        if not is_channel(mute.user_id):
            group = html(await self.group_name(tx, mute.chat_id))
            await tx.outbox.enqueue(text_message(mute.user_id, private.format(group=group)))

    def delete(self, chat_id: int, message_id: int, group: str) -> OutgoingMessage:
        return OutgoingMessage(
            chat_id=chat_id,
            method="deleteMessage",
            params={"message_id": message_id},
            fallback="delete_failed",
            fallback_args={"group": group},
        )

    async def delete_failed(self, tx: Tx, row: OutboxMessage) -> None:
        """Outbox fallback: Telegram refused a delete. The post is gone already (its author
        deleted it): nothing to do. Otherwise the bot lacks the right or the post is older
        than 48 hours: the moderators hear it. Whether the bot is an admin is not inferred
        from this: Telegram tells it (my_chat_member), and a wrong guess here would stop the
        group's protection until the bot is promoted again."""
        if "not found" in (row.last_error or "").lower():
            return
        group = (row.fallback_args or {}).get("group", str(row.chat_id))
        chat = await tx.chats.get(row.chat_id)
        moderators = self._roles.moderator_chat(chat.community if chat else DEFAULT_COMMUNITY)
        await tx.outbox.enqueue(
            text_message(moderators, texts.DELETE_FAILED_LOG.format(group=group))
        )

    async def card_text(
        self,
        tx: Tx,
        flag: Flag,
        note: str = "",
        *,
        for_committee: bool = False,
        group: str | None = None,
    ) -> str:
        if group is None:
            group = await self.group_name(tx, flag.chat_id)
        pieces = {mid for mid, _ in flag.pieces or ()}
        others = tuple(
            [
                await self.group_name(tx, p.chat_id)
                for p in await tx.flags.posts(flag.id)
                if not (p.chat_id == flag.chat_id and p.message_id in pieces)
            ]
        )
        nearest = (
            await tx.known.get(flag.nearest_known_id) if flag.nearest_known_id is not None else None
        )
        return views.review_card(
            flag,
            group=group or str(flag.chat_id),
            zone=self._zone,
            note=note,
            for_committee=for_committee,
            others=others,
            nearest=nearest if nearest is not None and nearest.withdrawn_at is None else None,
        )

    @staticmethod
    async def group_name(tx: Tx, chat_id: int) -> str:
        chat = await tx.chats.get(chat_id)
        return chat.title if chat and chat.title else str(chat_id)
