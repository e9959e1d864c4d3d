"""Derive the sandbox's compact table of Bot API methods and types from the public spec.

Run: ``python -m sandbox.gen_spec ../shared/telegram-bot-api/api.json``. Only facts are kept
(names, accepted types, required flags); descriptions are dropped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).with_name("bot_api_spec.json")


def _fields(entry: dict) -> dict[str, list]:
    return {f["name"]: [f["types"], bool(f["required"])] for f in entry.get("fields", [])}


def build(spec: dict) -> dict:
    return {
        "_source": (
            "Derived from the public Telegram Bot API spec as published in "
            "PaulSonOfLars/telegram-bot-api-spec (MIT), "
            f"{spec['version']} ({spec['release_date']}), by sandbox/gen_spec.py. "
            "Each field: [accepted types, required]."
        ),
        "version": spec["version"],
        "methods": {name: _fields(m) for name, m in sorted(spec["methods"].items())},
        "types": {
            name: {"fields": _fields(t), "subtypes": t.get("subtypes", [])}
            for name, t in sorted(spec["types"].items())
        },
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m sandbox.gen_spec PATH/TO/api.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    OUT.write_text(
        json.dumps(build(spec), ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
