"""Dependencies point one way: handlers -> services -> storage; moderation/ is a library."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "storage": ("bot", "handlers", "telegram", "moderation", "sandbox"),
    "moderation": ("bot", "handlers", "storage", "telegram", "sandbox"),
    "bot/services": ("handlers", "sandbox"),
    "bot/buttons.py": ("telegram", "handlers", "storage"),
}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(layer: str) -> None:
    target = ROOT / layer
    files = [target] if target.suffix else sorted(target.rglob("*.py"))
    wrong = {str(f.relative_to(ROOT)): sorted(imports(f) & set(FORBIDDEN[layer])) for f in files}
    assert {f: names for f, names in wrong.items() if names} == {}


def modules_imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


VIEWS = sorted((ROOT / "bot" / "services").glob("*/views.py"))


def test_every_feature_has_its_views_module() -> None:
    assert {v.parent.name for v in VIEWS} >= {"tickets", "screening", "reception", "digest"}


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.parent.name)
def test_what_people_see_is_built_without_a_database_or_telegram(view: Path) -> None:
    """A views module takes records and returns words: no connection, no Bot API, no clock
    of its own, so a unit test can read every text a person would."""
    wrong = {
        m
        for m in modules_imported(view)
        if m.split(".")[0] in ("telegram", "aiosqlite", "asyncpg", "handlers", "sandbox")
        or (m.startswith("storage") and m != "storage.models")
        or m in ("bot.clock", "bot.outbox")
    }
    assert wrong == set()
