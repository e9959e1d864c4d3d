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
