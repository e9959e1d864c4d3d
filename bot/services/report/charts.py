"""The monthly report's two chart images (PNG), drawn to be read on a phone: large type, few
series per chart, the value written on every bar. matplotlib's object API on the Agg backend
(no pyplot: its global state is not for threads); one drawing at a time (rcParams are global).

Chinese needs a CJK font, found at run time among the machine's fonts (Debian:
fonts-noto-cjk or fonts-wqy-microhei). Without one there are no charts: the caption says so,
rather than showing empty boxes where the words should be.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from bot import texts as shared
from bot.services.report import texts
from bot.services.report.figures import (
    MonthFigures,
    PartyLine,
    Rated,
    ReportFacts,
    top_categories,
    trend,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.container import BarContainer
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)

# Simplified Chinese first; a Japanese-first CJK face still has every 汉字 the report uses.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Sarasa Gothic SC",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "Heiti SC",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
)
_CJK_FILE = re.compile(
    r"cjk|wqy|sourcehan|droidsansfallback|uming|ukai|simhei|yahei|pingfang", re.IGNORECASE
)
_PROBE = "民情月报按时办结满意"

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 11.0, 135  # 1080 x 1485 px: a phone screen, portrait
KIND_COLOURS = {"complaint": "#E07B39", "wish": "#3A7DC9"}
PARTY_COLOURS = {
    "property": "#3A7DC9",
    "owners": "#E07B39",
    "residents": "#3F9E4D",
    "street": "#8E5BB5",
}
RATING_COLOURS = {"satisfied": "#3F9E4D", "fair": "#E6B422", "unsatisfied": "#D64541"}
SCORE_COLOURS = {"green": "#3F9E4D", "blue": "#3A7DC9", "yellow": "#E6B422", "red": "#D64541"}
FLAG_COLOURS = {"confirmed": "#D64541", "dismissed": "#9AA5B1"}
CLAIM_COLOURS = {"staff": "#5B6C8F", "volunteer": "#3F9E4D", "unclaimed": "#B0B7C0"}
CLAIMS_HEIGHT_IN = 2.4  # the 微心愿 panel adds this much to the first image (1080 x 1809 px)
GREY = "#B0B7C0"
INK = "#222222"

_drawing = threading.Lock()


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The file of a font with Chinese glyphs, or None (then logged once)."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    def covers(path: str) -> bool:
        try:
            face = FT2Font(path)
        except (OSError, RuntimeError):
            return False
        return all(face.get_char_index(ord(ch)) for ch in _PROBE)

    def known() -> str | None:
        by_name: dict[str, str] = {}
        for entry in font_manager.fontManager.ttflist:
            by_name.setdefault(entry.name, entry.fname)
        for family in CJK_FAMILIES:
            path = by_name.get(family)
            if path and covers(path):
                return path
        return None

    found = known()
    if found is None:
        # matplotlib's font cache may predate the font's installation: look at the files.
        for path in font_manager.findSystemFonts():
            if _CJK_FILE.search(path) and covers(path):
                font_manager.fontManager.addfont(path)
                found = path
                break
    if found is None:
        log.error(
            "no CJK font found: the monthly report is sent without charts. Install one "
            "(Debian: apt-get install fonts-noto-cjk, or fonts-wqy-microhei) and restart"
        )
    else:
        log.info("monthly report charts use the font %s", found)
    return found


def render(facts: ReportFacts, figures: MonthFigures, font_path: str) -> list[bytes]:
    """The two images: the month's tickets, then how well they were handled."""
    from matplotlib import font_manager, rc_context

    family = font_manager.FontProperties(fname=font_path).get_name()
    # Bold only where the family has it (WenQuanYi has not): otherwise matplotlib warns each time.
    bold = any(
        f.name == family and f.weight in (600, 700, 800, "bold", "semibold")
        for f in font_manager.fontManager.ttflist
    )
    weight = "bold" if bold else "normal"
    style: dict[str, Any] = {
        "font.family": [family],
        "font.size": 15,
        "axes.titlesize": 18,
        "axes.titleweight": weight,
        "figure.titleweight": weight,
        "axes.titlepad": 12,
        "axes.labelsize": 15,
        "xtick.labelsize": 15,
        "ytick.labelsize": 15,
        "legend.fontsize": 14,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": False,
        "text.color": INK,
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
    }
    with _drawing, rc_context(style):  # type: ignore[arg-type]
        return [_tickets_image(facts, figures), _quality_image(facts, figures)]


def _month_label(facts: ReportFacts) -> str:
    m = facts.month
    if facts.so_far:
        return texts.MONTH_SO_FAR.format(year=m.year, month=m.month, day=facts.now.day)
    return texts.MONTH.format(year=m.year, month=m.month)


def _title_name(facts: ReportFacts) -> str:
    if facts.party:
        return f"{facts.title} · {shared.PARTY[facts.party]}"
    return facts.title


def _png(figure: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()


def _new_figure(
    rows: int, cols: int, title: str, subtitle: str, height: float = HEIGHT_IN, **grid: object
) -> tuple[Figure, list[list[Axes]]]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, height), layout="constrained")
    figure.get_layout_engine().set(  # type: ignore[union-attr, call-arg]
        h_pad=0.12, w_pad=0.1, hspace=0.06, wspace=0.06
    )
    figure.suptitle(f"{title}\n{subtitle}", fontsize=20, linespacing=1.6)
    axes = figure.subplots(rows, cols, squeeze=False, gridspec_kw=grid or None)
    return figure, [list(row) for row in axes]


def _no_data(ax: Axes, title: str) -> None:
    ax.set_title(title)
    ax.text(
        0.5,
        0.5,
        texts.CHART_NO_DATA,
        ha="center",
        va="center",
        fontsize=16,
        color=GREY,
        transform=ax.transAxes,
    )
    ax.set_axis_off()


def _label_bars(ax: Axes, bars: BarContainer, labels: Sequence[str], *, horizontal: bool) -> None:
    """The value beside each bar's end (inside a long bar, so it never leaves the chart)."""
    ax.bar_label(
        bars,
        labels=list(labels),
        padding=4,
        fontsize=15,
        color=INK,
        label_type="edge",
    )
    if horizontal:
        ax.margins(x=0.22)
    else:
        ax.margins(y=0.22)


def _clean(ax: Axes, *, horizontal: bool) -> None:
    if horizontal:
        ax.xaxis.set_visible(False)
        ax.spines["bottom"].set_visible(False)
        ax.tick_params(axis="y", length=0)
    else:
        ax.yaxis.set_visible(False)
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="x", length=0)


def _tickets_image(facts: ReportFacts, f: MonthFigures) -> bytes:
    subtitle = texts.CAPTION_TICKETS.format(
        total=f.total, complaints=f.complaints, wishes=f.wishes, done=f.done
    )
    claims = f.volunteers  # only once volunteers claim wishes: a panel of who claims them
    figure, axes = _new_figure(
        4 if claims else 3,
        1,
        texts.CHART_TITLE_TICKETS.format(name=_title_name(facts), month=_month_label(facts)),
        subtitle,
        height=HEIGHT_IN + CLAIMS_HEIGHT_IN if claims else HEIGHT_IN,
        height_ratios=[1.0, 1.25, 0.9, 0.55] if claims else [1.0, 1.25, 0.9],
    )
    weekly, categories, parties = axes[0][0], axes[1][0], axes[2][0]
    if claims:
        _wish_claims_chart(axes[3][0], f.wish_claims)

    # Tickets per week, by kind: two bars a week.
    if f.total:
        xs = range(len(f.weeks))
        width = 0.4
        for offset, kind, values in (
            (-width / 2, "complaint", [c for _, c, _ in f.weeks]),
            (width / 2, "wish", [w for _, _, w in f.weeks]),
        ):
            bars = weekly.bar(
                [x + offset for x in xs],
                values,
                width,
                color=KIND_COLOURS[kind],
                label=shared.KIND[kind],
            )
            _label_bars(weekly, bars, [str(v) if v else "" for v in values], horizontal=False)
        weekly.margins(y=0.35)  # room for the legend above the tallest bar's number
        weekly.set_xticks(list(xs), [label for label, _, _ in f.weeks])
        weekly.set_title(texts.CHART_WEEKLY)
        weekly.legend(loc="upper left", ncols=2, frameon=False, bbox_to_anchor=(0, 1.02))
        _clean(weekly, horizontal=False)
    else:
        _no_data(weekly, texts.CHART_WEEKLY)

    # Complaints by category: the busiest on top.
    shown = top_categories(f.categories, texts.CHART_OTHERS)
    if shown:
        names = [name for name, _ in shown][::-1]
        values = [n for _, n in shown][::-1]
        bars = categories.barh(names, values, color=KIND_COLOURS["complaint"], height=0.62)
        if shown[-1][0] == texts.CHART_OTHERS:
            bars[0].set_color(GREY)
        _label_bars(categories, bars, [str(v) for v in values], horizontal=True)
        categories.set_title(texts.CHART_CATEGORIES)
        _clean(categories, horizontal=True)
    else:
        _no_data(categories, texts.CHART_CATEGORIES)

    # Each party's tickets, by kind.
    _by_party_kind(parties, f.parties)
    return _png(figure)


def _wish_claims_chart(ax: Axes, claims: dict[str, int]) -> None:
    """The month's 微心愿: claimed by staff, by volunteers, and (grey) still unclaimed."""
    shown = [k for k in ("staff", "volunteer", "unclaimed") if k != "unclaimed" or claims.get(k)]
    total = sum(claims.get(k, 0) for k in shown)
    names = [texts.WISH_CLAIMER[k] for k in shown][::-1]
    values = [claims.get(k, 0) for k in shown][::-1]
    bars = ax.barh(names, values, color=[CLAIM_COLOURS[k] for k in shown][::-1], height=0.62)
    labels = [f"{v} ({100 * v / total:.0f}%)" if total else str(v) for v in values]
    _label_bars(ax, bars, labels, horizontal=True)
    ax.margins(x=0.3)
    ax.set_title(texts.CHART_WISH_CLAIMS)
    _clean(ax, horizontal=True)


def _by_party_kind(ax: Axes, lines: list[PartyLine]) -> None:
    if not any(line.new for line in lines):
        _no_data(ax, texts.CHART_PARTIES)
        return
    names = [shared.PARTY[line.party] for line in lines][::-1]
    ys = range(len(names))
    height = 0.38
    for offset, kind in ((height / 2, "complaint"), (-height / 2, "wish")):
        values = [(line.complaints if kind == "complaint" else line.wishes) for line in lines][::-1]
        bars = ax.barh(
            [y + offset for y in ys],
            values,
            height,
            color=KIND_COLOURS[kind],
            label=shared.KIND[kind],
        )
        _label_bars(ax, bars, [str(v) if v else "" for v in values], horizontal=True)
    ax.set_yticks(list(ys), names)
    ax.set_title(texts.CHART_PARTIES)
    ax.legend(loc="lower right", frameon=False)
    _clean(ax, horizontal=True)


def _quality_image(facts: ReportFacts, f: MonthFigures) -> bytes:
    on_time = "—" if f.on_time is None else f"{100 * f.on_time:.0f}%"
    satisfied = "—" if f.satisfied is None else f"{100 * f.satisfied:.0f}%"
    figure, axes = _new_figure(
        3,
        2,
        texts.CHART_TITLE_QUALITY.format(name=_title_name(facts), month=_month_label(facts)),
        texts.CAPTION_QUALITY.format(on_time=on_time, satisfied=satisfied),
    )
    parties = [line for line in f.parties if line.new] or f.parties
    _party_bars(
        axes[0][0],
        texts.CHART_ON_TIME,
        parties,
        lambda line: None if line.on_time is None else 100 * line.on_time,
        lambda v: f"{v:.0f}%",
        limit=100,
    )
    _ratings_chart(axes[0][1], facts)
    _party_bars(
        axes[1][0],
        texts.CHART_ACCEPT,
        parties,
        lambda line: line.accept_hours,
        lambda v: f"{v:.1f}" if v < 10 else f"{v:.0f}",
    )
    _party_bars(
        axes[1][1],
        texts.CHART_FINISH,
        parties,
        lambda line: line.finish_days,
        lambda v: f"{v:.1f}",
    )
    _satisfaction_chart(axes[2][0], f.ratings)
    _flags_chart(axes[2][1], f.flags)
    return _png(figure)


def _party_bars(
    ax: Axes,
    title: str,
    lines: list[PartyLine],
    value: Callable[[PartyLine], float | None],
    label: Callable[[float], str],
    limit: float | None = None,
) -> None:
    shown = [(line, v) for line in lines if (v := value(line)) is not None]
    if not shown:
        _no_data(ax, title)
        return
    names = [shared.PARTY[line.party] for line, _ in shown][::-1]
    values = [v for _, v in shown][::-1]
    colours = [PARTY_COLOURS[line.party] for line, _ in shown][::-1]
    bars = ax.barh(names, values, color=colours, height=0.6)
    _label_bars(ax, bars, [label(v) for v in values], horizontal=True)
    if limit is not None:
        ax.set_xlim(0, limit * 1.3)
    ax.set_title(title)
    _clean(ax, horizontal=True)


def _ratings_chart(ax: Axes, facts: ReportFacts) -> None:
    """三维四色: a bar per party (per community in the street office's report), in its colour,
    with the score and the change since last month."""
    shown = [r for r in facts.ratings if r.now.score is not None]
    if not shown:
        _no_data(ax, texts.CHART_RATING)
        return

    def name(r: Rated) -> str:
        if facts.several:
            return facts.communities.get(r.community, r.community)
        return shared.PARTY[r.party]

    def label(r: Rated) -> str:
        assert r.now.score is not None and r.now.colour is not None
        delta = trend(r)
        arrow = ""
        if delta is not None:
            arrow = (
                f" ↑{delta:.0f}" if delta >= 0.5 else f" ↓{-delta:.0f}" if delta <= -0.5 else " →"
            )
        return f"{r.now.score:.0f} {texts.COLOUR_WORD[r.now.colour]}{arrow}"

    names = [name(r) for r in shown][::-1]
    values = [r.now.score or 0.0 for r in shown][::-1]
    colours = [SCORE_COLOURS[r.now.colour or "red"] for r in shown][::-1]
    bars = ax.barh(names, values, color=colours, height=0.6)
    _label_bars(ax, bars, [label(r) for r in shown][::-1], horizontal=True)
    ax.set_xlim(0, 150)
    ax.set_title(texts.CHART_RATING)
    _clean(ax, horizontal=True)


def _satisfaction_chart(ax: Axes, ratings: dict[str, int]) -> None:
    total = sum(ratings.values())
    if not total:
        _no_data(ax, texts.CHART_SATISFACTION)
        return
    names = [shared.RATING[r] for r in shared.RATING]
    values = [ratings.get(r, 0) for r in shared.RATING]
    bars = ax.bar(names, values, color=[RATING_COLOURS[r] for r in shared.RATING], width=0.62)
    _label_bars(ax, bars, [f"{v}\n{100 * v / total:.0f}%" for v in values], horizontal=False)
    ax.margins(y=0.42)
    ax.set_title(texts.CHART_SATISFACTION)
    _clean(ax, horizontal=False)


def _flags_chart(ax: Axes, flags: dict[str, dict[str, int]]) -> None:
    kinds = [k for k in ("rumour", "ad") if sum(flags.get(k, {}).values())]
    if not kinds:
        _no_data(ax, texts.CHART_FLAGS)
        return
    xs = range(len(kinds))
    width = 0.38
    for offset, status in ((-width / 2, "confirmed"), (width / 2, "dismissed")):
        values = [flags[k].get(status, 0) for k in kinds]
        bars = ax.bar(
            [x + offset for x in xs],
            values,
            width,
            color=FLAG_COLOURS[status],
            label=texts.FLAG_STATUS[status],
        )
        _label_bars(ax, bars, [str(v) for v in values], horizontal=False)
    ax.set_xticks(list(xs), [texts.FLAG_KIND[k] for k in kinds])
    pending = sum(flags[k].get("pending", 0) for k in kinds)
    title = texts.CHART_FLAGS + (f"（待审 {pending}）" if pending else "")
    ax.set_title(title)
    # Below the bars: above them it would cover the tallest one's number.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2, frameon=False)
    ax.margins(y=0.25)
    _clean(ax, horizontal=False)
