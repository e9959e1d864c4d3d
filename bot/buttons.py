"""Button families: each kind of inline button the bot shows is one typed definition.

A family packs its callback data (at most 64 bytes, as Telegram allows), parses it back, and is
the pattern that routes a press to its handler, so the button and its handler cannot drift
apart. Each family also declares its scope: where a press may come from. Button data is never
trusted: any client can send any data under any bot message it can see, so the data only names
an action and an id; who may press, and where, is checked on the server for every press.

This module knows nothing of Telegram; services build keyboards with it, handlers route with it.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Literal, Self

MAX_CALLBACK_DATA_BYTES = 64
_INT = re.compile(r"[1-9][0-9]{0,9}")  # ids as the bot writes them: no sign, no leading zeros
_MAX_ID = 2**31 - 1


class Scope(StrEnum):
    """Where a press of a family's buttons may come from."""

    PRIVATE = "private"  # the presser's own private chat with the bot
    CARD = "card"  # the very message of a staff card, in the chat it was posted to
    REVIEW = "review"  # a review card in the moderators' chat, or its copy for the committee
    STAFF = "staff"  # a bot message in a staff chat: the service checks the presser's rights there


@dataclass(frozen=True)
class Press:
    """What Telegram (not the button) tells about a press: who pressed, where, under what."""

    user_id: int
    user_name: str
    chat_id: int
    chat_is_private: bool
    message_id: int | None

    @property
    def in_own_private_chat(self) -> bool:
        return self.chat_is_private and self.chat_id == self.user_id


@dataclass(frozen=True)
class ButtonData:
    """Base of the families. Subclasses are frozen dataclasses whose fields are ints (ids) or
    Literal strings (actions); they set `prefix` (unique) and `scope`."""

    prefix: ClassVar[str]
    scope: ClassVar[Scope]
    _parsers: ClassVar[tuple[tuple[str, Any], ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if ":" in cls.__dict__.get("prefix", ":"):
            raise TypeError(f"{cls.__name__} needs a prefix without ':'")

    @classmethod
    def _fields(cls) -> tuple[tuple[str, Any], ...]:
        if "_parsers" not in cls.__dict__:  # worked out once per family
            hints = typing.get_type_hints(cls)
            cls._parsers = tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))
        return cls._parsers

    def pack(self) -> str:
        values = []
        for name, kind in self._fields():
            value = getattr(self, name)
            if kind is int and not (isinstance(value, int) and 0 < value <= _MAX_ID):
                raise ValueError(f"{type(self).__name__}.{name} must be a positive id: {value!r}")
            if typing.get_origin(kind) is Literal and value not in typing.get_args(kind):
                raise ValueError(f"{type(self).__name__}.{name} cannot be {value!r}")
            values.append(str(value))
        data = ":".join([self.prefix, *values])
        if len(data.encode()) > MAX_CALLBACK_DATA_BYTES:
            raise ValueError(f"callback data over {MAX_CALLBACK_DATA_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def unpack(cls, data: object) -> Self | None:
        """The button this data names, or None for anything this family did not write."""
        if not isinstance(data, str) or len(data.encode()) > MAX_CALLBACK_DATA_BYTES:
            return None
        parts = data.split(":")
        fields = cls._fields()
        if parts[0] != cls.prefix or len(parts) != len(fields) + 1:
            return None
        values: dict[str, Any] = {}
        for (name, kind), raw in zip(fields, parts[1:], strict=True):
            if kind is int:
                if not _INT.fullmatch(raw) or int(raw) > _MAX_ID:
                    return None
                values[name] = int(raw)
            elif typing.get_origin(kind) is Literal and raw in typing.get_args(kind):
                values[name] = raw
            else:
                return None
        return cls(**values)

    @classmethod
    def matches(cls, data: object) -> bool:
        """The route: python-telegram-bot calls this with a press's data."""
        return cls.unpack(data) is not None


# The families ----------------------------------------------------------------------------------

MenuChoice = Literal["wish", "complain", "mine", "reception", "home"]


@dataclass(frozen=True)
class MenuButton(ButtonData):
    """The resident's menu (提交微心愿 · 投诉/报修 · 我的工单 · 接待日), and 登记住址 offered
    once after a first request."""

    prefix = "menu"
    scope = Scope.PRIVATE
    choice: MenuChoice


DraftAction = Literal["ok", "cancel", "nophoto", "edit", "wish", "complaint", "resume", "fresh"]


@dataclass(frozen=True)
class DraftButton(ButtonData):
    """Under a request being written in private: 确认提交, 修改, 不加照片, 取消; which kind it
    is (投诉/报修 · 微心愿); and, for an old draft, 继续上次 or 重新开始."""

    prefix = "d"
    scope = Scope.PRIVATE
    action: DraftAction
    draft: int


DuplicateAction = Literal["plus1", "new"]


@dataclass(frozen=True)
class DuplicateButton(ButtonData):
    """The offer to +1 a similar open ticket. The ticket followed is the one stored with the
    offer, never an id from the data."""

    prefix = "dup"
    scope = Scope.PRIVATE
    action: DuplicateAction
    draft: int


CardAction = Literal["claim", "accept", "done", "forward", "back", "reject"]


@dataclass(frozen=True)
class CardButton(ButtonData):
    """A staff card's buttons: 认领/受理, 完成, 转派, 不予受理 (and 返回 from choosing)."""

    prefix = "t"
    scope = Scope.CARD
    action: CardAction
    ticket: int


PartyName = Literal["PROPERTY", "OWNERS", "RESIDENTS", "STREET"]  # bot.community.Party names


@dataclass(frozen=True)
class ForwardButton(ButtonData):
    """转派 to one party, on a staff card showing the choice."""

    prefix = "tf"
    scope = Scope.CARD
    ticket: int
    party: PartyName


RatingAnswer = Literal["0", "1", "2", "unsolved"]  # 满意 · 基本满意 · 不满意 · 未解决


@dataclass(frozen=True)
class RatingButton(ButtonData):
    """The question to the reporter once a ticket is done; valid only on that question."""

    prefix = "r"
    scope = Scope.PRIVATE
    answer: RatingAnswer
    ticket: int


@dataclass(frozen=True)
class AddButton(ButtonData):
    """补充 under the reporter's acknowledgement: their next message joins the ticket."""

    prefix = "ta"
    scope = Scope.PRIVATE
    ticket: int


WhyAnswer = Literal["slow", "poor", "manner", "write"]  # 办得慢 · 没办好 · 态度不好 · 我来写


@dataclass(frozen=True)
class WhyButton(ButtonData):
    """After 不满意: what is still wrong, in one tap."""

    prefix = "tw"
    scope = Scope.PRIVATE
    answer: WhyAnswer
    ticket: int


ReviewAction = Literal["confirm", "dismiss", "check", "undo"]


@dataclass(frozen=True)
class ReviewButton(ButtonData):
    """A review card's 确认谣言 / 误报/放行 / 需核实, and 撤销确认 for a few minutes after."""

    prefix = "m"
    scope = Scope.REVIEW
    action: ReviewAction
    flag: int


@dataclass(frozen=True)
class VolunteerButton(ButtonData):
    """认领 on a wish card in the volunteers' chat (the card's very message; the presser a
    member of that chat: checked by the service)."""

    prefix = "vc"
    scope = Scope.CARD
    ticket: int


@dataclass(frozen=True)
class VolunteerDoneButton(ButtonData):
    """完成 under the details a volunteer got in private for the wish they claimed."""

    prefix = "vd"
    scope = Scope.PRIVATE
    ticket: int


@dataclass(frozen=True)
class UnmuteButton(ButtonData):
    """解除禁言 under the note that a repeated advertiser was muted, in the moderators' chat."""

    prefix = "mu"
    scope = Scope.REVIEW
    mute: int


FAMILIES: tuple[type[ButtonData], ...] = (
    MenuButton,
    DraftButton,
    DuplicateButton,
    CardButton,
    ForwardButton,
    RatingButton,
    AddButton,
    WhyButton,
    ReviewButton,
    UnmuteButton,
    VolunteerButton,
    VolunteerDoneButton,
)
if len({f.prefix for f in FAMILIES}) != len(FAMILIES):
    raise RuntimeError("two button families share a prefix")

Button = tuple[str, ButtonData]  # (label, data)
Keyboard = typing.Sequence[typing.Sequence[Button]]


# Households and votes (issue 16) --------------------------------------------------------------

HomeAction = Literal["ok", "again"]


@dataclass(frozen=True)
class HomeButton(ButtonData):
    """对/不对 under the address shown back to a resident: the address pressed is the one the
    bot recorded for that very message, never one named by the data."""

    prefix = "h"
    scope = Scope.PRIVATE
    action: HomeAction


HomeCardAction = Literal["ok", "no"]


@dataclass(frozen=True)
class HomeCardButton(ButtonData):
    """确认 / 不是本户 on a household card in the committee chat ([households] verify)."""

    prefix = "hv"
    scope = Scope.CARD
    action: HomeCardAction
    member: int


@dataclass(frozen=True)
class BallotButton(ButtonData):
    """One option on a resident's ballot. `code` is the option shifted by an offset secret to
    the voter, so stored updates (the webhook inbox) do not say what anyone chose."""

    prefix = "vb"
    scope = Scope.PRIVATE
    vote: int
    code: int


@dataclass(frozen=True)
class BallotCheckButton(ButtonData):
    """我投了哪项: the voter's own choice, shown only to them as a dialog."""

    prefix = "vm"
    scope = Scope.PRIVATE
    vote: int


class Dialog(str):
    """A press's answer shown as a dialog the presser must close, not a passing toast (a
    ballot's answer: the elderly should not miss it)."""

    __slots__ = ()


FAMILIES = (*FAMILIES, HomeButton, HomeCardButton, BallotButton, BallotCheckButton)
if len({f.prefix for f in FAMILIES}) != len(FAMILIES):
    raise RuntimeError("two button families share a prefix")


# Staff where they work (issue 14) -------------------------------------------------------------

WorklistWhich = Literal["all", "mine"]


@dataclass(frozen=True)
class WorklistButton(ButtonData):
    """上一页 / 下一页 under /open: the list is worked out anew, for the presser in that chat,
    on every press; only a message the bot sent as a worklist turns the page."""

    prefix = "wl"
    scope = Scope.STAFF
    page: int
    which: WorklistWhich


@dataclass(frozen=True)
class RepostButton(ButtonData):
    """Post a ticket's card again in this staff chat (under /open, or /ticket N when the card
    was deleted or lost): it becomes the ticket's card, for staff who may handle it there."""

    prefix = "tp"
    scope = Scope.STAFF
    ticket: int


@dataclass(frozen=True)
class EnableGroupButton(ButtonData):
    """在该群开通, under the committee's notice that someone who may not enable the bot added
    it to a group. It names the event recorded then (a group's id does not fit a button)."""

    prefix = "ge"
    scope = Scope.STAFF
    event: int


FAMILIES = (*FAMILIES, WorklistButton, RepostButton, EnableGroupButton)
if len({f.prefix for f in FAMILIES}) != len(FAMILIES):
    raise RuntimeError("two button families share a prefix")
