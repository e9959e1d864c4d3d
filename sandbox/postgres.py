"""PostgreSQL for the tests and benchmarks, as the sandbox stands in for Telegram: the server
LINLI_TEST_POSTGRES names, or (LINLI_TEST_POSTGRES=start) a throwaway cluster in a temporary
directory from the machine's own PostgreSQL binaries (Debian's `postgresql` package), stopped
and deleted at the end. Each test gets a database of its own, dropped after it.

No root daemon is needed: as root, the cluster runs as the `postgres` user the package creates.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg

ENV = "LINLI_TEST_POSTGRES"
SKIP_REASON = (
    f"PostgreSQL scenes: set {ENV}=start (a throwaway cluster from the installed PostgreSQL) "
    f"or {ENV}=postgresql://user@host:port/db to run them too"
)


def _binary(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        raise RuntimeError(
            f"{name} not found: install PostgreSQL (Debian: apt-get install postgresql)"
        )
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a PostgreSQL cluster in a temporary directory; yield its maintenance URL."""
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    home = Path(tempfile.mkdtemp(prefix="linli-pg-"))
    if as_root:
        shutil.chown(home, "postgres")
    data, port = home / "data", free_port()
    subprocess.run(
        [
            *prefix,
            _binary("initdb"),
            "-D",
            str(data),
            "--no-locale",
            "-E",
            "UTF8",
            "-A",
            "trust",
            "-U",
            "linli",
        ],
        check=True,
        capture_output=True,
    )
    options = (
        f"-k {home} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    )
    subprocess.run(
        [
            *prefix,
            _binary("pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(home / "log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://linli@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, _binary("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(home, ignore_errors=True)


@contextlib.contextmanager
def server() -> Iterator[str | None]:
    """The maintenance URL of the tests' PostgreSQL, or None when none was asked for."""
    wanted = os.environ.get(ENV, "").strip()
    if not wanted:
        yield None
    elif wanted == "start":
        with throwaway_cluster() as url:
            yield url
    else:
        yield wanted


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


@contextlib.asynccontextmanager
async def fresh_database(server_url: str) -> AsyncIterator[str]:
    """A new, empty database on the server; dropped (whoever still holds it) afterwards."""
    name = f"linli_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield _with_database(server_url, name)
    finally:
        admin = await asyncpg.connect(server_url)
        try:
            for _ in range(3):
                try:
                    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    break
                except asyncpg.PostgresError:
                    await asyncio.sleep(0.2)
        finally:
            await admin.close()
