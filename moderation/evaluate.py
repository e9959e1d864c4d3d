"""`python -m moderation.evaluate FILE.tsv`: how the screen does on labelled posts.

FILE.tsv has `label<TAB>text` lines (label `rumour` or `ordinary`, a header line allowed). A
post counts as flagged when screen() says review or known. Prints precision, recall and macro-F1
of the rumour/ordinary decision, and the share of ordinary posts flagged.
"""

from __future__ import annotations

import sys
from pathlib import Path

from moderation import screen


def evaluate(rows: list[tuple[str, str]]) -> dict[str, float]:
    tp = fp = fn = tn = 0
    for label, text in rows:
        flagged = screen(text).action != "none"
        if label == "rumour":
            tp, fn = tp + flagged, fn + (not flagged)
        else:
            fp, tn = fp + flagged, tn + (not flagged)

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    precision_o = tn / (tn + fn) if tn + fn else 0.0
    recall_o = tn / (tn + fp) if tn + fp else 0.0
    return {
        "posts": len(rows),
        "rumour_precision": precision,
        "rumour_recall": recall,
        "macro_f1": (f1(precision, recall) + f1(precision_o, recall_o)) / 2,
        "ordinary_flagged": fp / (fp + tn) if fp + tn else 0.0,
    }


def read(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        label, _, text = line.partition("\t")
        if label in ("rumour", "ordinary") and text:
            rows.append((label, text))
    return rows


def main(argv: list[str]) -> int:
    heldout = "--heldout" in argv
    paths = [a for a in argv if a != "--heldout"]
    if len(paths) != 1 or not Path(paths[0]).is_file():
        print(
            "usage: python -m moderation.evaluate [--heldout] FILE.tsv  (label<TAB>text)\n"
            "--heldout: only the fifth of posts python -m moderation.train never trains on",
            file=sys.stderr,
        )
        return 2
    rows = read(Path(paths[0]))
    if heldout:
        from moderation.train import held_out

        rows = [(label, text) for label, text in rows if held_out(text)]
    figures = evaluate(rows)
    print(f"posts {figures['posts']:.0f}")
    for name in ("rumour_precision", "rumour_recall", "macro_f1", "ordinary_flagged"):
        print(f"{name} {figures[name]:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
