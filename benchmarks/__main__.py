"""`python -m benchmarks`: run every benchmark and print its tables (each ratio is measured in
this one run)."""

from __future__ import annotations

import asyncio
import logging
import os
import platform
from datetime import date

from benchmarks import (
    broadcast,
    digest,
    duplicates,
    hotpath,
    known_rumours,
    report,
    throughput,
    workers,
)


def main() -> int:
    logging.basicConfig(level=logging.ERROR)
    print(
        f"# Linli benchmarks, {date.today()} — {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}"
    )
    print()
    for part in (hotpath.run, throughput.run, broadcast.run):
        for line in asyncio.run(part()):
            print(line, flush=True)
        print()
    for line in known_rumours.run():
        print(line, flush=True)
    print()
    for line in duplicates.run():
        print(line, flush=True)
    print()
    for line in asyncio.run(digest.run()):
        print(line, flush=True)
    print()
    for line in asyncio.run(report.run()):
        print(line, flush=True)
    print()
    try:
        lines = asyncio.run(workers.run())
    except RuntimeError as exc:  # no PostgreSQL here (see sandbox/postgres.py)
        lines = [f"workers: skipped ({exc})"]
    for line in lines:
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
