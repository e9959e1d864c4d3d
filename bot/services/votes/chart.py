"""The result's bar chart: one PNG from the closed vote's frozen result, the same bytes every
time it is drawn (matplotlib's Agg backend, no timestamps in the file), so the outbox draws it
when it sends instead of the database keeping images.

Chinese labels need a CJK font: the first one matplotlib knows of is used; without one (say,
a bare container) the chart is not drawn and the result goes out as text alone.
"""

from __future__ import annotations

import functools
import io
import logging

log = logging.getLogger(__name__)

_CJK_NAMES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Droid Sans Fallback",
    "AR PL UMing CN",
)


@functools.cache
def cjk_font() -> str | None:
    """The file of a font that draws Chinese, or None when matplotlib (or any such font) is
    missing. The monthly report's finder (which also looks at font files matplotlib's cache
    does not know yet) is asked first, when it is there."""
    try:
        from matplotlib import font_manager

        from bot.services.report.charts import cjk_font as report_font
    except ImportError:
        pass
    else:
        return report_font()
    try:
        from matplotlib import font_manager
    except ImportError:
        log.warning("votes: matplotlib is not installed; results go out without a chart")
        return None
    by_name = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    for name in _CJK_NAMES:
        if name in by_name:
            return by_name[name]
    for font in font_manager.fontManager.ttflist:
        if "CJK" in font.name or "Hei" in font.name or "Han" in font.name:
            return font.fname
    log.warning("votes: no CJK font found (install fonts-noto-cjk); results go out as text")
    return None


def can_draw() -> bool:
    return cjk_font() is not None


def bar_chart(title: str, options: list[str], counts: list[int], axis: str) -> bytes:
    """A bar per option, its count (and share) written on it, large type for phones."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    path = cjk_font()
    assert path is not None, "check can_draw() first"
    font = font_manager.FontProperties(fname=path)
    total = sum(counts)
    figure = Figure(figsize=(8, 5), dpi=100)
    ax = figure.add_subplot()
    colours = ["#2f7ed8", "#8bbc21", "#f28f43", "#910000", "#1aadce", "#492970"]
    bars = ax.bar(
        range(len(options)), counts, color=[colours[i % len(colours)] for i in range(len(options))]
    )
    ax.set_xticks(range(len(options)))
    ax.set_xticklabels(options, fontproperties=font, fontsize=18)
    ax.set_ylabel(axis, fontproperties=font, fontsize=16)
    ax.set_title(title, fontproperties=font, fontsize=22)
    top = max(counts, default=0)
    ax.set_ylim(0, max(1, top) * 1.25)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="y", labelsize=14)
    for bar, count in zip(bars, counts, strict=True):
        share = f"{count / total:.0%}" if total else "0%"
        ax.annotate(
            f"{count}（{share}）",
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontproperties=font,
            fontsize=18,
            xytext=(0, 4),
            textcoords="offset points",
        )
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()
