"""`python -m benchmarks`: run every benchmark and print its table (ratios are within one run)."""

from __future__ import annotations

import asyncio
import logging
import os
import platform
from datetime import date

from benchmarks import broadcast, known_rumours


def main() -> int:
    logging.basicConfig(level=logging.ERROR)
    print(f"# Linli benchmarks, {date.today()} — {platform.python_implementation()} "
          f"{platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}")
    print()
    for line in asyncio.run(broadcast.run()):
        print(line)
    print()
    for line in known_rumours.run():
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
