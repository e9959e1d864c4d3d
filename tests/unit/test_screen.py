"""screen(): what a moderator is shown, and what is left alone (pure library)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from moderation import KnownTexts, Screener, screen
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        ("紧急通知！内部消息，明天全小区停水三天，赶紧转发！", {"无来源的内部消息", "催促转发"}),
        ("听说物业要涨价，大家赶紧转给邻居", {"说法无法核实", "催促转发"}),
        ("兼职刷单日赚三百，加微信13812345678", {"留联系方式拉人", "刷单兼职或借贷广告"}),
        ("內部消息：喝板藍根可以預防新冠，速轉！", {"无来源的内部消息", "耸人听闻的健康说法"}),
    ],
)
def test_suspicious_posts_go_to_review_with_reasons(text: str, reasons: set[str]) -> None:
    verdict = screen(text)
    assert verdict.action == "review" and 0.6 <= verdict.score <= 1
    assert reasons <= set(verdict.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "明天上午9点到11点3号楼停水，请大家提前储水。",
        "谁家的猫丢了？在3号楼楼下",
        "二手婴儿车出，九成新，有意私聊我",
        "谢谢物业师傅，电梯修好了！",
        "居委会通知：本周六上午在小区广场开展义诊，欢迎参加",
        "请问今天快递柜还能用吗",
        "",
        "🙏🙏🙏",
    ],
)
def test_ordinary_chat_is_left_alone(text: str) -> None:
    assert screen(text).action == "none"


def test_a_link_off_the_allow_list_is_a_reason_but_not_enough_alone() -> None:
    verdict = screen("看看这个 http://t.cn/abc 好玩")
    assert verdict.action == "none" and verdict.reasons == ("站外链接",)
    assert screen("通知原文见 https://www.gov.cn/zhengce/abc").reasons == ()


def test_a_known_rumour_is_answered_without_review() -> None:
    screener = Screener(known=KnownTexts.build([(12, "内部消息，小区要拆迁了，每户补偿200万")]))
    verdict = screener.screen("小区要拆迁了！每户补偿两百万，内部消息")
    assert verdict.action == "known" and verdict.known and verdict.known.rumour_id == 12
    assert verdict.reasons == ("与已确认谣言#12相似",)


def test_a_dismissed_text_is_not_flagged_again() -> None:
    text = "紧急通知：内部消息，明天全小区停水三天，赶紧转发"
    screener = Screener(dismissed=KnownTexts.build([(1, text)], min_score=85.0))
    assert screener.screen(text + "！").action == "none"
    assert screener.screen("听说物业要涨价，大家赶紧转给邻居").action == "review"


def test_forwarded_channel_posts_count() -> None:
    assert "转发自频道" in screen("好消息", forwarded_from_channel=True).reasons


def test_moderation_imports_nothing_from_telegram_or_the_bot() -> None:
    for path in (ROOT / "moderation").glob("*.py"):
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            for name in names:
                assert not name.startswith(("telegram", "handlers", "bot", "storage")), path


def test_the_evaluation_tool_reports_the_figures(tmp_path: Path) -> None:
    import subprocess

    from tests.conftest import PYTHON, subprocess_env

    data = tmp_path / "sample.tsv"
    data.write_text(
        "label\ttext\n"
        "rumour\t紧急通知！内部消息，明天全小区停水三天，赶紧转发！\n"
        "rumour\t据说明天要地震，千万别睡觉\n"
        "ordinary\t谁家的猫丢了？在3号楼楼下\n"
        "ordinary\t谢谢物业师傅，电梯修好了！\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [PYTHON, "-m", "moderation.evaluate", str(data)],
        text=True,
        capture_output=True,
        env=subprocess_env(),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    figures = dict(line.split() for line in result.stdout.splitlines())
    assert figures["posts"] == "4"
    assert figures["rumour_recall"] == "1.000" and figures["ordinary_flagged"] == "0.000"


def test_ordinary_resident_chat_is_almost_never_flagged() -> None:
    from moderation.evaluate import evaluate, read

    rows = read(ROOT / "moderation" / "data" / "resident_chat.tsv")
    assert len(rows) >= 300 and {label for label, _ in rows} == {"ordinary"}
    assert evaluate(rows)["ordinary_flagged"] <= 0.01
