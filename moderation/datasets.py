"""The labelled posts the classifier is trained and judged on, and the fixed development split.

Each post has a kind (chain: a chain rumour of the group-chat kind; chat: ordinary group chat;
hard: a true notice that looks like a rumour; ced: a Weibo post from CED, rumour or not) and a
family (posts written as variants of one another share it). The development split takes whole
families by a stable hash, so near-copies never straddle it; training never sees it.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data"
CED = ROOT.parent.parent / "shared" / "rumours" / "ced.tsv"
Kind = Literal["chain", "chat", "hard", "ced"]
KINDS: tuple[Kind, ...] = ("chain", "chat", "hard", "ced")


# The project's own sets besides resident_chat.tsv (label<TAB>text): family<TAB>text files,
# by label and kind; a file ending in _N is the N-th round's.
SETS: tuple[tuple[str, Kind, tuple[str, ...]], ...] = (
    (
        "ordinary",
        "chat",
        (
            "resident_chat_more.tsv",
            "resident_chat_acks.tsv",
            "resident_chat_2.tsv",
            "resident_chat_3.tsv",
            "resident_chat_4.tsv",
            "resident_chat_5.tsv",
            "resident_chat_6.tsv",
            "resident_chat_7.tsv",
            "resident_chat_8.tsv",
            "resident_chat_9.tsv",
            "resident_chat_10.tsv",
            "resident_chat_11.tsv",
            "resident_chat_12.tsv",
            "resident_chat_13.tsv",
            "resident_chat_14.tsv",
            "resident_chat_15.tsv",
            "resident_chat_16.tsv",
            "resident_chat_17.tsv",
            "resident_chat_18.tsv",
        ),
    ),
    (
        "ordinary",
        "hard",
        (
            "hard_negatives.tsv",
            "hard_negatives_2.tsv",
            "hard_negatives_3.tsv",
            "hard_negatives_4.tsv",
            "hard_negatives_5.tsv",
            "hard_negatives_6.tsv",
            "hard_negatives_7.tsv",
            "hard_negatives_8.tsv",
            "hard_negatives_9.tsv",
            "hard_negatives_10.tsv",
            "hard_negatives_11.tsv",
            "hard_negatives_12.tsv",
            "hard_negatives_13.tsv",
            "hard_negatives_14.tsv",
            "hard_negatives_15.tsv",
            "hard_negatives_16.tsv",
            "hard_negatives_17.tsv",
            "hard_negatives_18.tsv",
        ),
    ),
    (
        "rumour",
        "chain",
        (
            "chain_rumours.tsv",
            "chain_rumours_2.tsv",
            "chain_rumours_3.tsv",
            "chain_rumours_4.tsv",
            "chain_rumours_5.tsv",
            "chain_rumours_6.tsv",
            "chain_rumours_7.tsv",
            "chain_rumours_8.tsv",
            "chain_rumours_9.tsv",
            "chain_rumours_10.tsv",
            "chain_rumours_11.tsv",
            "chain_rumours_12.tsv",
            "chain_rumours_13.tsv",
            "chain_rumours_14.tsv",
            "chain_rumours_15.tsv",
            "chain_rumours_16.tsv",
            "chain_rumours_17.tsv",
            "chain_rumours_18.tsv",
        ),
    ),
)
FILES = ("resident_chat.tsv", *(name for _, _, names in SETS for name in names))


@dataclass(frozen=True)
class Post:
    label: str  # "rumour" or "ordinary"
    kind: Kind
    family: str
    text: str
    # 2-18: the rounds of sets written later by other writers (files ending in _2 to _18),
    # each after a model trained without it was shipped.
    writer: int = 1

    @property
    def rumour(self) -> bool:
        return self.label == "rumour"

    @property
    def dev(self) -> bool:
        return is_dev(self.family)


def is_dev(family: str) -> bool:
    """A quarter of the families, the same ones on every machine."""
    return zlib.crc32(f"dev:{family}".encode()) % 4 == 0


def read_labelled(path: Path) -> Iterator[tuple[str, str]]:
    """`label<TAB>text` lines (header allowed), split on the first tab only (as the
    rumour data's README asks)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        label, _, text = line.partition("\t")
        if label in ("rumour", "ordinary") and text:
            yield label, text


def _families(path: Path) -> Iterator[tuple[str, str]]:
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        family, _, text = line.partition("\t")
        if text:
            yield family, text


def load(ced: Path | None = CED) -> list[Post]:
    """Every labelled post: the project's own sets, and CED when its file is there."""
    posts = [Post("ordinary", "chat", t, t) for _, t in read_labelled(DATA / "resident_chat.tsv")]
    for label, kind, names in SETS:
        for name in names:
            writer = int(m.group(1)) if (m := re.search(r"_(\d+)\.tsv$", name)) else 1
            posts += [Post(label, kind, f, t, writer) for f, t in _families(DATA / name)]
    if ced is not None and ced.exists():
        posts += [Post(label, "ced", t, t) for label, t in read_labelled(ced)]
    return posts
