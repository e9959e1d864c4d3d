"""Precision and recall of the "+1" offer on complaint pairs written for the project.

benchmarks/data/duplicate_pairs.tsv holds labelled pairs (same / different problem). A stable
hash of each pair puts about 30% of them in a held-out part, never used to tune the rules of
bot/services/tickets/similar.py; the rest is the development part. The offer is "predicted
same"; goals (issue #13): precision >= 0.95 (a wrong "+1" hides a problem) and recall >= 0.8.
The baseline is the old rule: rapidfuzz ratio of the texts without punctuation >= the default
`duplicate_match` of the community file.

`python -m benchmarks.duplicates` prints the table; `--errors dev` lists the development
part's mistakes (never the held-out part's: looking at them would tune on them).
"""

from __future__ import annotations

import hashlib
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from bot.community import Tickets
from bot.services.tickets.similar import compare, same_problem

PAIRS = Path(__file__).resolve().parent / "data" / "duplicate_pairs.tsv"
PRECISION_GOAL, RECALL_GOAL = 0.95, 0.8
_NOT_TEXT = re.compile(r"[\W_]+", re.UNICODE)  # as bot/services/tickets/intake.py strips


@dataclass(frozen=True)
class Pair:
    same: bool
    a: str
    b: str

    @property
    def held_out(self) -> bool:
        digest = hashlib.sha256(f"{self.a}\t{self.b}".encode()).digest()
        return digest[0] % 10 < 3


def pairs(path: Path = PAIRS) -> list[Pair]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("label\t"):
            continue
        label, a, b = line.split("\t")
        if label not in ("same", "different"):
            raise ValueError(f"{path}: unknown label {label!r}")
        out.append(Pair(label == "same", a, b))
    return out


def old_rule(a: str, b: str) -> bool:
    threshold = Tickets().duplicate_match
    return fuzz.ratio(_NOT_TEXT.sub("", a), _NOT_TEXT.sub("", b)) >= threshold


@dataclass(frozen=True)
class Figures:
    pairs: int
    same: int
    offered: int
    right: int

    @property
    def precision(self) -> float:
        return self.right / self.offered if self.offered else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.same if self.same else 1.0


def measure(rule: Callable[[str, str], bool], part: list[Pair]) -> Figures:
    offered = right = 0
    for pair in part:
        if rule(pair.a, pair.b):
            offered += 1
            right += pair.same
    return Figures(len(part), sum(p.same for p in part), offered, right)


def parts() -> dict[str, list[Pair]]:
    every = pairs()
    return {
        "development": [p for p in every if not p.held_out],
        "held-out": [p for p in every if p.held_out],
    }


def _mark(value: float, goal: float) -> str:
    return f"{value:.3f} {'✓' if value >= goal else '✗'}"


def run() -> list[str]:
    rows = [
        'duplicate complaints: the "+1" offer on labelled pairs '
        f"(goals: precision ≥ {PRECISION_GOAL}, recall ≥ {RECALL_GOAL})",
        "| part | pairs (same) | rule | offered | precision | recall |",
        "| --- | ---: | --- | ---: | ---: | ---: |",
    ]
    threshold = Tickets().duplicate_match
    rules = [
        ("same_problem", same_problem),
        (f"old: fuzz.ratio ≥ {threshold:g}", old_rule),
    ]
    for name, part in parts().items():
        for label, rule in rules:
            f = measure(rule, part)
            rows.append(
                f"| {name} | {f.pairs} ({f.same}) | {label} | {f.offered} | "
                f"{_mark(f.precision, PRECISION_GOAL)} | {_mark(f.recall, RECALL_GOAL)} |"
            )
    every = pairs()
    start = time.perf_counter()
    rounds = 20
    for r in range(1, rounds + 1):
        for p in every:
            # texts not seen before (trailing spaces), so the per-text cache hides no reading
            compare(p.a + " " * r, p.b + " " * r)
    per = (time.perf_counter() - start) / (rounds * len(every)) * 1e6
    rows.append(f"same_problem on two unseen texts: {per:.0f} µs a pair (both texts read)")
    return rows


def errors(part: str) -> list[str]:
    if part != "development":
        raise SystemExit("only the development part's mistakes are shown")
    out = []
    for p in parts()[part]:
        verdict = compare(p.a, p.b)
        if same_problem(p.a, p.b) != p.same:
            label = "same" if p.same else "different"
            out.append(f"{label}\t{verdict.score:.0f}\t{verdict.reason}\t{p.a}\t{p.b}")
    return out


def main(argv: list[str]) -> int:
    if argv[:1] == ["--errors"]:
        name = {"dev": "development"}.get(argv[1] if len(argv) > 1 else "dev", "held-out")
        lines = errors(name)
    else:
        lines = run()
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
