"""Screening one group post: known rumours, rumour cues and ad/spam rules, each with a reason.

Pure and synchronous: no Telegram, no database, no I/O after construction. A Screener is built
once (with the known-rumour memory and the link allow-list) and asked about each post; every
check is a small function that says why it fired, in words a moderator understands.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from moderation.classifier import RumourModel
from moderation.known import KnownMatch, KnownTexts
from moderation.normalize import normalize

REVIEW_AT = 0.6
Action = Literal["none", "review", "known"]
Kind = Literal["rumour", "ad"]


@dataclass(frozen=True)
class Verdict:
    action: Action
    score: float  # 0-1: how suspicious
    reasons: tuple[str, ...] = ()  # short Chinese phrases for the moderator
    known: KnownMatch | None = None
    kind: Kind = "rumour"  # what the moderator is asked to confirm


@dataclass(frozen=True)
class Signal:
    weight: float  # this signal alone: the chance the post needs a look
    reason: str
    kind: Kind = "rumour"


def _combined(signals: Iterable[Signal]) -> float:
    """Independent signals: the chance that at least one of them is right."""
    missing = 1.0
    for signal in signals:
        missing *= 1.0 - signal.weight
    return 1.0 - missing


# Rumour cues: reason -> (weight, words). Two different families are needed to reach REVIEW_AT.
# Words are written naturally; the Screener normalises them as it normalises posts.
CUES: dict[str, tuple[float, tuple[str, ...]]] = {
    "无来源的内部消息": (
        0.45,
        (
            "内部消息",
            "内部通知",
            "内部人士",
            "小道消息",
            "知情人",
            "内部渠道",
            "刚刚得到消息",
            "可靠消息",
        ),
    ),
    "催促转发": (
        0.45,
        (
            "赶紧转发",
            "转发给",
            "转给",
            "扩散",
            "互相转告",
            "请转发",
            "速转",
            "转起来",
            "让更多人知道",
            "看到的都转",
        ),
    ),
    "制造紧迫感": (
        0.25,
        (
            "紧急通知",
            "紧急提醒",
            "速看",
            "马上删",
            "即将删除",
            "千万不要",
            "千万别",
            "注意了注意了",
            "重要通知",
        ),
    ),
    "说法无法核实": (
        0.3,
        ("听说", "据说", "朋友说", "亲戚说", "网传", "有人说", "据可靠", "据内部"),
    ),
    "耸人听闻的健康说法": (
        0.35,
        (
            "致癌",
            "吃了会死",
            "可以预防",
            "能治好",
            "偏方",
            "毒大米",
            "打针死",
            "疫苗有毒",
            "板蓝根",
        ),
    ),
    "耸人听闻的灾害说法": (
        0.35,
        ("大地震", "要地震", "停水三天", "停电三天", "水有毒", "全城停水", "爆炸了", "封城"),
    ),
    "耸人听闻的政策说法": (
        0.3,
        ("拆迁补偿", "要拆迁", "取消退休金", "全部收回", "明天起全部", "新规定罚款"),
    ),
}

_URL = re.compile(
    r"(?:https?://)?(?:[a-z0-9-]+\.)+(?:com|cn|net|org|me|io|top|xyz|vip|cc|co|"
    r"app|link|ru|hk|tw|shop|site|club)(?:/\S*)?",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_CONTACT = (
    "加微信",
    "加我微信",
    "加v",
    "vx",
    "wx",
    "威信",
    "薇信",
    "扫码",
    "二维码",
    "私聊我",
    "加群",
    "qq群",
)
_MONEY = (
    "刷单",
    "兼职",
    "日结",
    "代购",
    "贷款",
    "无抵押",
    "日赚",
    "月入过万",
    "躺赚",
    "返利",
    "点赞赚钱",
    "免费领取",
)
DEFAULT_ALLOWED_DOMAINS = ("gov.cn", "weixin.qq.com/s")


def _links(text: str, allowed: tuple[str, ...]) -> Iterable[Signal]:
    links = [m.group(0).lower() for m in _URL.finditer(text)]
    if any(not any(a in link for a in allowed) for link in links):
        yield Signal(0.35, "站外链接", "ad")


def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled search for "any of these words appears" (what `any(w in text ...)` says,
    in one pass of the regex engine instead of a Python loop per word)."""
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))) or "(?!)")


def _contact(normalised: str, text: str, contact_words: re.Pattern[str]) -> Iterable[Signal]:
    asks_to_add = bool(contact_words.search(normalised))
    has_phone = bool(_PHONE.search(re.sub(r"[\s-]", "", text)))
    if asks_to_add and has_phone:
        yield Signal(0.7, "留联系方式拉人", "ad")
    elif asks_to_add:
        yield Signal(0.35, "拉人加好友或进群", "ad")


def _money(normalised: str, money_words: re.Pattern[str]) -> Iterable[Signal]:
    if money_words.search(normalised):
        yield Signal(0.45, "刷单兼职或借贷广告", "ad")


@dataclass
class Screener:
    """Built once; screen() is then pure and fast."""

    known: KnownTexts = field(default_factory=KnownTexts)
    known_ads: KnownTexts = field(default_factory=KnownTexts)
    allowed_domains: tuple[str, ...] = DEFAULT_ALLOWED_DOMAINS
    dismissed: KnownTexts = field(default_factory=lambda: KnownTexts(min_score=85.0))
    extra_checks: tuple[Callable[[str, str], Iterable[Signal]], ...] = ()
    model: RumourModel | None = None

    def __post_init__(self) -> None:
        def words(raw: Iterable[str]) -> tuple[str, ...]:
            return tuple(dict.fromkeys(w for w in map(normalize, raw) if w))

        self._cues = [
            (reason, weight, _any_of(words(raw))) for reason, (weight, raw) in CUES.items()
        ]
        self._contact_words = _any_of(words(_CONTACT))
        self._money_words = _any_of(words(_MONEY))

    def _cue_signals(self, normalised: str) -> Iterable[Signal]:
        for reason, weight, cue_words in self._cues:
            if cue_words.search(normalised):
                yield Signal(weight, reason)

    def screen(self, text: str, *, forwarded_from_channel: bool = False) -> Verdict:
        normalised = normalize(text)
        if not normalised:
            return Verdict("none", 0.0)
        hit = self.known.match_normalised(normalised)
        if hit is not None:
            return Verdict("known", 1.0, (f"与已确认谣言#{hit.rumour_id}相似",), hit)
        hit = self.known_ads.match_normalised(normalised)
        if hit is not None:
            return Verdict("known", 1.0, (f"与已确认广告#{hit.rumour_id}相似",), hit, "ad")
        signals = [
            *self._cue_signals(normalised),
            *_links(text, self.allowed_domains),
            *_contact(normalised, text, self._contact_words),
            *_money(normalised, self._money_words),
        ]
        if self.model is not None:
            p = self.model.probability(normalised)
            if p >= self.model.threshold:
                # From the model's threshold up, enough for a look on its own.
                weight = REVIEW_AT + (1 - REVIEW_AT) * (p - self.model.threshold) / max(
                    1e-6, 1 - self.model.threshold
                )
                signals.append(Signal(round(weight, 3), "内容像常见谣言"))
        if forwarded_from_channel:
            signals.append(Signal(0.3, "转发自频道", "ad"))
        for check in self.extra_checks:
            signals.extend(check(text, normalised))
        if not signals:
            return Verdict("none", 0.0)
        score = round(_combined(signals), 3)
        reasons = tuple(dict.fromkeys(s.reason for s in signals))
        kind: Kind = (
            "ad"
            if _combined(s for s in signals if s.kind == "ad")
            > _combined(s for s in signals if s.kind == "rumour")
            else "rumour"
        )
        if score < REVIEW_AT or self.dismissed.match_normalised(normalised) is not None:
            return Verdict("none", score, reasons, kind=kind)
        return Verdict("review", score, reasons, kind=kind)
