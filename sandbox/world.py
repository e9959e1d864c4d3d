"""The sandbox's small model of Telegram: people, chats, memberships and messages.

Everything here is what Telegram itself would know; the bot learns it only through the Bot API.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from sandbox.spec import Spec

MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")


@dataclass
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    is_bot: bool = False
    # A private chat with the bot exists once the person has written to it (e.g. /start).
    opened_bot: bool = False
    blocked_bot: bool = False

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if not self.is_bot:
            data["language_code"] = "zh-hans"
        return data


@dataclass
class Member:
    status: str = "member"
    can_delete_messages: bool = False
    can_restrict_members: bool = False
    until_date: int = 0
    can_send_messages: bool = True

    @property
    def is_muted(self) -> bool:
        return (
            self.status == "restricted"
            and not self.can_send_messages
            and (self.until_date == 0 or self.until_date > time.time())
        )

    @property
    def is_present(self) -> bool:
        return self.status in ("creator", "administrator", "member", "restricted")


@dataclass
class StoredMessage:
    message_id: int
    chat_id: int
    from_id: int
    date: int
    text: str | None = None
    entities: list[dict] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict] = field(default_factory=list)
    photo: list[dict] | None = None
    reply_markup: dict | None = None
    reply_to_message_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    edit_date: int | None = None
    deleted: bool = False


@dataclass
class Chat:
    id: int
    type: str  # private, group, supergroup
    title: str | None = None
    user: User | None = None  # the other side of a private chat
    members: dict[int, Member] = field(default_factory=dict)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    migrated_to: int | None = None  # a basic group upgraded to this supergroup
    deleted: bool = False  # the group was deleted by its owner
    banned_senders: set[int] = field(default_factory=set)  # channels banned (banChatSenderChat)

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    @property
    def name(self) -> str:
        if self.title:
            return self.title
        return self.user.display_name if self.user else str(self.id)

    def to_api(self) -> dict[str, Any]:
        if self.type == "private" and self.user:
            data: dict[str, Any] = {
                "id": self.id,
                "type": "private",
                "first_name": self.user.first_name,
            }
            if self.user.last_name:
                data["last_name"] = self.user.last_name
            if self.user.username:
                data["username"] = self.user.username
            return data
        return {"id": self.id, "type": self.type, "title": self.title}

    def member(self, user_id: int) -> Member:
        return self.members.get(user_id) or Member(status="left")

    def new_message_id(self) -> int:
        mid = self.next_message_id
        self.next_message_id += 1
        return mid


def now() -> int:
    return int(time.time())


def member_to_api(spec: Spec, user: User, member: Member) -> dict[str, Any]:
    """A ChatMember object of the right subtype, with every field the spec requires."""
    data: dict[str, Any] = {"status": member.status, "user": user.to_api()}
    if member.status == "creator":
        data["is_anonymous"] = False
    elif member.status == "administrator":
        for name, (types, required) in spec.types["ChatMemberAdministrator"]["fields"].items():
            if required and types == ["Boolean"]:
                data[name] = True
        data.update(
            is_anonymous=False,
            can_be_edited=False,
            can_promote_members=False,
            can_delete_messages=member.can_delete_messages,
            can_restrict_members=member.can_restrict_members,
        )
    elif member.status == "restricted":
        for name, (types, required) in spec.types["ChatMemberRestricted"]["fields"].items():
            if required and types == ["Boolean"]:
                data[name] = False
        data["is_member"] = True
        data["can_send_messages"] = member.can_send_messages
        data["until_date"] = member.until_date
    elif member.status == "kicked":
        data["until_date"] = member.until_date
    return data
