"""A community's own rules: which party handles which category, SLA days, and each party's chat.

Built-in defaults follow common practice in Chinese residential areas; an optional TOML file
(COMMUNITY_CONFIG) overrides or extends them. See community.example.toml.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot import texts
from bot.workdays import Holiday


class Party(StrEnum):
    """Who handles a ticket. The value is the code stored in the database; `label` is what
    people read, and a rules file may name a party either way (物业 or property)."""

    PROPERTY = "property"
    OWNERS = "owners"
    RESIDENTS = "residents"
    STREET = "street"

    @property
    def label(self) -> str:
        return texts.PARTY[self.value]

    @classmethod
    def _missing_(cls, value: object) -> Party | None:
        return next((p for p in cls if texts.PARTY[p.value] == value), None)


class Category(BaseModel):
    name: str
    keywords: list[str]
    party: Party
    sla_days: int = Field(ge=1, le=60)


class Routing(BaseModel):
    party: Party
    sla_days: int = Field(ge=1, le=60)


def _c(name: str, party: Party, sla: int, *keywords: str) -> Category:
    return Category(name=name, keywords=[name, *keywords], party=party, sla_days=sla)


P, OC, RC, ST = Party.PROPERTY, Party.OWNERS, Party.RESIDENTS, Party.STREET
DEFAULT_CATEGORIES = [
    # The owners' committee and the residents' committee first: their words contain the
    # property company's (维修资金 ⊃ 维修, 装修扰民 ⊃ 修), and the longest keyword wins.
    _c("物业费", OC, 5, "物业收费", "管理费"),
    _c("维修资金", OC, 10, "公共维修基金", "专项维修资金"),
    _c("业主大会", OC, 10, "业主投票", "业委会选举"),
    _c("选聘物业", OC, 10, "更换物业", "换物业", "物业合同"),
    _c("电梯", P, 2, "电梯困人", "梯子"),
    _c("水电", P, 1, "停水", "停电", "没水", "没电", "水压", "水管", "跳闸", "电表", "水表"),
    _c("漏水", P, 2, "渗水", "滴水", "返水", "水漫", "管道堵", "下水道", "堵了"),
    _c("维修", P, 3, "坏了", "报修", "损坏", "修一下", "不亮", "灯坏", "破损"),
    _c("保洁", P, 2, "卫生", "打扫", "清洁", "脏"),
    _c("垃圾", P, 1, "垃圾清运", "垃圾分类", "垃圾桶"),
    _c("绿化", P, 5, "树枝", "草坪", "修剪", "花坛"),
    _c("停车", P, 3, "车位", "乱停", "停车场", "车库", "充电桩"),
    _c("门禁", P, 2, "门卡", "单元门", "大门", "门禁卡"),
    _c("安保", P, 2, "保安", "监控", "巡逻", "陌生人"),
    _c("装修扰民", RC, 3, "装修噪音", "电钻", "装修"),
    _c("噪音", RC, 3, "太吵", "吵闹", "噪声", "广场舞"),
    _c("邻里纠纷", RC, 5, "纠纷", "吵架", "矛盾"),
    _c("宠物", RC, 3, "遛狗", "狗", "猫", "犬", "狗屎"),
    _c("群租", RC, 5, "隔断房", "二房东"),
    _c("政策咨询", RC, 3, "政策", "咨询", "补贴", "医保", "社保", "户口"),
    _c("困难帮扶", RC, 3, "帮扶", "困难", "低保", "独居老人", "救助"),
    _c("违建", ST, 10, "违章搭建", "私搭乱建", "违章建筑", "搭建"),
    _c("占道", ST, 5, "占道经营", "摆摊", "占用道路"),
    _c("消防通道", ST, 3, "消防", "堵塞通道", "楼道堆物"),
    _c("治安", ST, 2, "偷", "被盗", "打架", "诈骗"),
]
DEFAULT_WISHES = Routing(party=Party.RESIDENTS, sla_days=7)
DEFAULT_UNMATCHED = Routing(party=Party.RESIDENTS, sla_days=3)
WISH_CATEGORY = "微心愿"
DEFAULT_NAME = "本社区"
UNMATCHED_CATEGORY = "其他"


class Reminders(BaseModel):
    """When reception reminders go out: the evening before, and shortly before the start."""

    evening_time: str = Field(default="19:00", pattern=r"^\d{2}:\d{2}$")
    minutes_before: int = Field(default=60, ge=5, le=720)


class Screening(BaseModel):
    """Screening of group posts: links that are never suspicious, and when ads cost a mute."""

    allowed_domains: list[str] = Field(default_factory=lambda: ["gov.cn", "weixin.qq.com/s"])
    mute_after_ads: int = Field(default=3, ge=1, le=100)  # confirmed ads before a mute
    mute_hours: int = Field(default=24, ge=1, le=24 * 7)
    # How alike (0-100, edit similarity) a post must be to a confirmed rumour or ad to be
    # answered as a repeat, and to a dismissed false alarm to be left alone.
    known_match: float = Field(default=75.0, ge=50, le=100)
    dismissed_match: float = Field(default=85.0, ge=50, le=100)


class Tickets(BaseModel):
    """How similar a complaint must be to an open one to be offered "+1" (0-100, the score of
    bot/services/tickets/similar.py: 90 and more when the places agree and a fault matches, 0
    when a place or fault conflicts, at most 89 from wording alone), and after how many days
    an unclaimed 微心愿 is named in the digest."""

    duplicate_match: float = Field(default=75.0, ge=50, le=100)
    unclaimed_wish_days: int = Field(default=3, ge=1, le=60)


class Limits(BaseModel):
    """How much one person may ask at once: beyond it, one polite refusal an hour."""

    requests_per_hour: int = Field(default=5, ge=1, le=1000)  # tickets and +1 offers


class Contact(BaseModel):
    name: str = Field(min_length=1, max_length=30)
    number: str = Field(min_length=2, max_length=30)


DEFAULT_EMERGENCY_WORDS = [
    "困人", "被困", "困在电梯", "关在电梯", "着火", "起火", "失火", "火灾", "冒烟", "烧起来",
    "煤气", "燃气", "漏气", "天然气味", "漏电", "触电", "电线冒火花", "晕倒", "昏倒", "倒地",
    "摔倒了起不来", "不省人事", "没有呼吸", "救命", "爆炸", "有人跳楼",
]  # fmt: skip
# Phrases that contain an emergency word but are everyday business (a gas bill is no fire).
DEFAULT_EMERGENCY_EXCEPT = [
    "煤气费", "燃气费", "煤气表", "燃气表", "煤气卡", "燃气卡", "燃气公司", "煤气公司",
    "燃气灶", "煤气灶", "燃气热水器", "燃气改造", "燃气安检", "冒烟的烟囱",
]  # fmt: skip
DEFAULT_EMERGENCY_CONTACTS = [
    Contact(name="电梯困人救援", number="96333"),
    Contact(name="火警", number="119"),
    Contact(name="急救", number="120"),
    Contact(name="报警", number="110"),
]


class Emergency(BaseModel):
    """Words that make a request urgent; the numbers the resident gets at once (the property
    company's 24-hour line belongs first); how soon an urgent ticket is due, and how often it
    is escalated again while nobody accepts it."""

    words: list[str] = Field(default_factory=lambda: list(DEFAULT_EMERGENCY_WORDS))
    except_words: list[str] = Field(default_factory=lambda: list(DEFAULT_EMERGENCY_EXCEPT))
    contacts: list[Contact] = Field(default_factory=lambda: list(DEFAULT_EMERGENCY_CONTACTS))
    due_hours: int = Field(default=2, ge=1, le=48)
    repeat_minutes: int = Field(default=30, ge=5, le=24 * 60)

    def is_urgent(self, text: str) -> bool:
        folded = re.sub(r"\s+", "", text)
        for phrase in self.except_words:
            folded = folded.replace(phrase, "")
        return any(word in folded for word in self.words)


class Drafts(BaseModel):
    """A request half-written in private and left this long is not continued silently: the
    next message asks whether to go on with it or start afresh."""

    idle_hours: float = Field(default=3.0, gt=0, le=24 * 7)


class Export(BaseModel):
    """What the monthly report's workbook shows: the reporter's name on each ticket only when
    `reporter_names` is true (the workbook is passed around; names stay out by default)."""

    reporter_names: bool = False


class Households(BaseModel):
    """How many households the community has: the complaint rate is per 100 of them; and
    whether staff confirm each registered household (/home) before it may vote."""

    count: int | None = Field(default=None, ge=1, le=1_000_000)
    verify: bool = False


class Rating(BaseModel):
    """三维四色: each dimension scores 0-100 (complaint rate: 100 at none, 0 at
    `worst_complaint_rate` complaints per 100 households a month or more; responsiveness: the
    share accepted within a working day and the share finished on time; satisfaction: 满意
    counts whole, 基本满意 half), their mean is the score, and the score gives the colour."""

    green: float = Field(default=90.0, ge=0, le=100)  # 绿 at this score or more
    blue: float = Field(default=80.0, ge=0, le=100)  # 蓝
    yellow: float = Field(default=70.0, ge=0, le=100)  # 黄; below it 红
    worst_complaint_rate: float = Field(default=10.0, gt=0, le=1000)

    @model_validator(mode="after")
    def _descending(self) -> Rating:
        if not self.green > self.blue > self.yellow:
            raise ValueError("green > blue > yellow, as scores")
        return self


class Holidays(BaseModel):
    """One `[[holidays]]` entry: a statutory holiday the State Council announced and
    chinese-calendar may not know yet (it wins over chinese-calendar): the days off, as
    "2027-02-06..2027-02-13" or one date, and the 调休 weekend days that are working days."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=20)
    off: str
    work: list[date] = Field(default_factory=list)

    @model_validator(mode="after")
    def _range(self) -> Holidays:
        self.days_off()  # a bad range is an error when the file is read, not on the day
        return self

    def days_off(self) -> tuple[date, ...]:
        first, _, last = self.off.partition("..")
        try:
            start = date.fromisoformat(first.strip())
            end = date.fromisoformat(last.strip()) if last else start
        except ValueError:
            raise ValueError('off: write "YYYY-MM-DD..YYYY-MM-DD" or one date') from None
        if not start <= end <= start + timedelta(days=31):
            raise ValueError("off: the first day first, at most a month")
        return tuple(start + timedelta(days=i) for i in range((end - start).days + 1))

    def holiday(self) -> Holiday:
        return Holiday(self.name, self.days_off(), tuple(self.work))


LadderChat = Literal["card", "committee", "street"]


class LadderStep(BaseModel):
    """One step of the escalation ladder: this many working days after the due time (0: at
    it), the chats told: the card's own chat, the committee's, the street office's
    (STREET_CHAT_ID, skipped when it is not set)."""

    model_config = ConfigDict(extra="forbid")

    after_working_days: int = Field(default=0, ge=0, le=60)
    to: list[LadderChat] = Field(min_length=1)


DEFAULT_LADDER = [
    LadderStep(after_working_days=0, to=["card", "committee"]),
    LadderStep(after_working_days=3, to=["card", "committee", "street"]),
]


class Deadlines(BaseModel):
    """Before a ticket falls due its card's chat is reminded (`remind_before_hours` clock
    hours before; 0: never); once overdue it climbs the ladder, one step at a time."""

    model_config = ConfigDict(extra="forbid")

    remind_before_hours: float = Field(default=4.0, ge=0, le=24 * 7)
    ladder: list[LadderStep] = Field(default_factory=lambda: list(DEFAULT_LADDER), min_length=1)

    @model_validator(mode="after")
    def _climbs(self) -> Deadlines:
        days = [s.after_working_days for s in self.ladder]
        if days != sorted(set(days)):
            raise ValueError("ladder: each step needs more after_working_days than the one before")
        return self


class _Community(BaseModel):
    """One `[[communities]]` entry: a further community (居民区) of the same deployment, with
    its own staff chats; a rules section it gives changes, for it, the fields it names."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$")
    name: str = Field(min_length=1, max_length=40)
    committee_chat: int
    moderator_chat: int | None = None
    replace_default_categories: bool | None = None
    categories: list[Category] = Field(default_factory=list)
    wishes: Routing | None = None
    unmatched: Routing | None = None
    party_chats: dict[Party, int] = Field(default_factory=dict)
    reminders: Reminders | None = None
    limits: Limits | None = None
    tickets: Tickets | None = None
    households: Households | None = None
    rating: Rating | None = None
    emergency: Emergency | None = None
    drafts: Drafts | None = None
    export: Export | None = None
    deadlines: Deadlines | None = None


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt section is an error, not a default

    name: str = Field(default=DEFAULT_NAME, min_length=1, max_length=40)
    communities: list[_Community] = Field(default_factory=list)
    replace_default_categories: bool = False
    categories: list[Category] = Field(default_factory=list)
    wishes: Routing = DEFAULT_WISHES
    unmatched: Routing = DEFAULT_UNMATCHED
    party_chats: dict[Party, int] = Field(default_factory=dict)
    reminders: Reminders = Field(default_factory=Reminders)
    screening: Screening = Field(default_factory=Screening)
    limits: Limits = Field(default_factory=Limits)
    tickets: Tickets = Field(default_factory=Tickets)
    households: Households = Field(default_factory=Households)
    rating: Rating = Field(default_factory=Rating)
    emergency: Emergency = Field(default_factory=Emergency)
    drafts: Drafts = Field(default_factory=Drafts)
    export: Export = Field(default_factory=Export)
    deadlines: Deadlines = Field(default_factory=Deadlines)
    # Statutory holidays are the country's: one list for every community of the deployment.
    holidays: list[Holidays] = Field(default_factory=list)


DEFAULT_COMMUNITY = "default"  # the community of COMMITTEE_CHAT_ID and the top-level rules


class RulesError(Exception):
    """The community file cannot be used; str() is one line for the operator."""


class CommunityRules:
    def __init__(
        self,
        categories: list[Category],
        wishes: Routing,
        unmatched: Routing,
        party_chats: dict[Party, int],
        reminders: Reminders | None = None,
        screening: Screening | None = None,
        limits: Limits | None = None,
        tickets: Tickets | None = None,
        households: Households | None = None,
        rating: Rating | None = None,
        *,
        emergency: Emergency | None = None,
        drafts: Drafts | None = None,
        export: Export | None = None,
        holidays: list[Holiday] | None = None,
        deadlines: Deadlines | None = None,
    ) -> None:
        self.deadlines = deadlines or Deadlines()
        self.holidays = holidays or []  # the file's [[holidays]], the same in every community
        self.emergency = emergency or Emergency()
        self.drafts = drafts or Drafts()
        self.export = export or Export()
        self.households = households or Households()
        self.rating = rating or Rating()
        self.reminders = reminders or Reminders()
        self.screening = screening or Screening()
        self.limits = limits or Limits()
        self.tickets = tickets or Tickets()
        self.categories = categories
        self.wishes = wishes
        self.unmatched = unmatched
        self.party_chats = party_chats
        self._keywords = sorted(
            ((kw, i) for i, c in enumerate(categories) for kw in c.keywords),
            key=lambda pair: (-len(pair[0]), pair[1]),
        )

    @classmethod
    def defaults(cls) -> CommunityRules:
        return cls(list(DEFAULT_CATEGORIES), DEFAULT_WISHES, DEFAULT_UNMATCHED, {})

    @classmethod
    def load(cls, path: str | Path | None) -> CommunityRules:
        """The top-level rules of the file (the default community's)."""
        return cls.from_file(_read(path))

    @classmethod
    def from_file(cls, parsed: _File) -> CommunityRules:
        return cls._build(
            parsed.replace_default_categories,
            parsed.categories,
            parsed.wishes,
            parsed.unmatched,
            parsed.party_chats,
            parsed.reminders,
            parsed.screening,
            parsed.limits,
            parsed.tickets,
            parsed.households,
            parsed.rating,
            emergency=parsed.emergency,
            drafts=parsed.drafts,
            export=parsed.export,
            holidays=[h.holiday() for h in parsed.holidays],
            deadlines=parsed.deadlines,
        )

    @classmethod
    def _build(
        cls,
        replace_defaults: bool,
        given: list[Category],
        wishes: Routing,
        unmatched: Routing,
        party_chats: dict[Party, int],
        reminders: Reminders,
        screening: Screening,
        limits: Limits,
        tickets: Tickets,
        households: Households | None = None,
        rating: Rating | None = None,
        *,
        emergency: Emergency | None = None,
        drafts: Drafts | None = None,
        export: Export | None = None,
        holidays: list[Holiday] | None = None,
        deadlines: Deadlines | None = None,
    ) -> CommunityRules:
        categories = [] if replace_defaults else list(DEFAULT_CATEGORIES)
        for category in given:
            # In place, so an override keeps its rank among keywords of equal length.
            names = [c.name for c in categories]
            if category.name in names:
                categories[names.index(category.name)] = category
            else:
                categories.append(category)
        return cls(
            categories,
            wishes,
            unmatched,
            party_chats,
            reminders,
            screening,
            limits,
            tickets,
            households,
            rating,
            emergency=emergency,
            drafts=drafts,
            export=export,
            holidays=holidays,
            deadlines=deadlines,
        )

    def categorise(self, text: str) -> tuple[str, Routing]:
        """The category of a complaint (the longest keyword found wins) and who handles it."""
        folded = re.sub(r"\s+", "", text)
        for keyword, index in self._keywords:
            if keyword in folded:
                c = self.categories[index]
                return c.name, Routing(party=c.party, sla_days=c.sla_days)
        return UNMATCHED_CATEGORY, self.unmatched


def _read(path: str | Path | None) -> _File:
    if not path:
        return _File()
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        return _File.model_validate(raw)
    except FileNotFoundError:
        raise RulesError(f"COMMUNITY_CONFIG file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"COMMUNITY_CONFIG file {path} is not valid TOML: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RulesError(f"COMMUNITY_CONFIG file {path}: {where}: {first['msg']}") from None


@dataclass(frozen=True)
class Community:
    """A community (居民区) of the deployment: its staff chats and its rules."""

    code: str
    name: str
    committee_chat: int
    moderator_chat: int
    rules: CommunityRules

    @property
    def party_chats(self) -> dict[Party, int]:
        return self.rules.party_chats


def load_communities(
    path: str | Path | None,
    *,
    committee_chat_id: int,
    moderator_chat_id: int,
    street_chat_id: int | None = None,
    volunteer_chat_id: int | None = None,
) -> list[Community]:
    """Every community of the deployment, the default one (COMMITTEE_CHAT_ID, the file's top
    level) first, then each `[[communities]]` entry in the file's order."""
    parsed = _read(path)
    top = CommunityRules.from_file(parsed)
    found = [Community(DEFAULT_COMMUNITY, parsed.name, committee_chat_id, moderator_chat_id, top)]
    for entry in parsed.communities:
        if entry.replace_default_categories:  # only its own categories
            base: list[Category] = []
        else:  # the top level's (defaults included unless it replaced them), then its own
            base = top.categories
        rules = CommunityRules._build(
            True,
            [*base, *entry.categories],
            _merged(parsed.wishes, entry.wishes),
            _merged(parsed.unmatched, entry.unmatched),
            entry.party_chats,
            _merged(parsed.reminders, entry.reminders),
            parsed.screening,  # one screening for the deployment: rumours cross communities
            _merged(parsed.limits, entry.limits),
            _merged(parsed.tickets, entry.tickets),
            entry.households or Households(),  # a household count is each community's own
            _merged(parsed.rating, entry.rating),
            emergency=_merged(parsed.emergency, entry.emergency),
            drafts=_merged(parsed.drafts, entry.drafts),
            export=_merged(parsed.export, entry.export),
            holidays=top.holidays,
            deadlines=_merged(parsed.deadlines, entry.deadlines),
        )
        found.append(
            Community(
                entry.code,
                entry.name,
                entry.committee_chat,
                entry.moderator_chat if entry.moderator_chat is not None else entry.committee_chat,
                rules,
            )
        )
    _check(found, path, street_chat_id, volunteer_chat_id)
    return found


_Section = TypeVar("_Section", bound=BaseModel)


def _merged(top: _Section, own: _Section | None) -> _Section:
    """A community's section: the top level's, with the fields the community gives."""
    if own is None:
        return top
    return type(top).model_validate({**top.model_dump(), **own.model_dump(exclude_unset=True)})


def _check(
    communities: list[Community],
    path: str | Path | None,
    street_chat_id: int | None = None,
    volunteer_chat_id: int | None = None,
) -> None:
    """Codes unique; no chat serves two communities (its members would get both's rights),
    nor one and the street office, nor staff and volunteers (a volunteer is not staff)."""
    codes: set[str] = set()
    chats: dict[int, str] = {} if street_chat_id is None else {street_chat_id: "STREET_CHAT_ID"}
    if volunteer_chat_id is not None:
        if volunteer_chat_id in chats:
            raise RulesError("VOLUNTEER_CHAT_ID and STREET_CHAT_ID must be different chats")
        chats[volunteer_chat_id] = "VOLUNTEER_CHAT_ID"
    for c in communities:
        if c.code in codes:
            raise RulesError(f"COMMUNITY_CONFIG file {path}: community code {c.code!r} twice")
        codes.add(c.code)
        for chat in {c.committee_chat, c.moderator_chat, *c.party_chats.values()}:
            other = chats.setdefault(chat, c.code)
            if other != c.code:
                raise RulesError(
                    f"COMMUNITY_CONFIG file {path}: chat {chat} is a staff chat of both "
                    f"{other!r} and {c.code!r}; each needs its own"
                )
