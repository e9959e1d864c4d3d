"""`python -m bot` runs Linli (long polling, or a webhook worker when WEBHOOK_URL is set);
`python -m bot demo` plays the local demo."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from telegram.error import InvalidToken, NetworkError

from bot.community import RulesError, load_communities
from bot.config import SettingsError, load_settings
from bot.processing import UpdateContext

log = logging.getLogger("bot")


def _configure_logging(level: int) -> None:
    """One line per record; while an update is handled, its id and chat are on every line:
    `2026-12-01 09:00:01,002 INFO bot.services.tickets.intake update=100023 chat=-1001: ...`"""
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s%(update)s: %(message)s"
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(UpdateContext())
    # httpx logs every request URL at INFO, and the URL carries the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


async def serve() -> int:
    from bot.app import Linli

    settings = load_settings()
    linli = Linli(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await linli.start()
    except RulesError as exc:
        log.error("%s", exc)
        await linli.stop()
        return 2
    except InvalidToken:
        log.error("the Bot API server at BOT_API_BASE_URL refused BOT_TOKEN")
        await linli.stop()
        return 1
    except NetworkError as exc:
        log.error("cannot reach the Bot API server at BOT_API_BASE_URL: %s", exc)
        await linli.stop()
        return 1
    # Long polling can fail for good (a refused token); a webhook only stops when told to.
    gave_up = linli.poller.failed if linli.poller is not None else asyncio.Event()
    failed = asyncio.create_task(gave_up.wait())
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({failed, stopped}, return_when=asyncio.FIRST_COMPLETED)
    failed.cancel()
    stopped.cancel()
    log.info("stopping: finishing the update in hand and flushing the outbox")
    await linli.stop()
    log.info("stopped")
    return 1 if failed.done() and not failed.cancelled() else 0


def backup(path: str | None) -> int:
    """`python -m bot backup PATH`: an online copy of the SQLite database (consistent while the
    bot runs); PostgreSQL is backed up with its own tools."""
    from pathlib import Path

    from bot.config import database_url_setting
    from storage import Database
    from storage.db import is_postgresql

    if not path:
        print("linli: usage: python -m bot backup PATH", file=sys.stderr)
        return 2
    try:
        url = database_url_setting()
    except SettingsError as exc:
        print(f"linli: {exc}", file=sys.stderr)
        return 2
    if is_postgresql(url):
        print(
            "linli: DATABASE_URL is PostgreSQL: back it up with pg_dump, e.g. "
            f'pg_dump --format=custom --file={path} "$DATABASE_URL"',
            file=sys.stderr,
        )
        return 2
    target = Path(path)
    if target.exists():
        print(f"linli: {target} exists; give a new file name", file=sys.stderr)
        return 2

    async def copy() -> None:
        db = await Database.open(url)
        try:
            await db.backup(target)
        finally:
            await db.close()

    asyncio.run(copy())
    print(f"linli: backed up {url} to {target}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Linli (邻里), a community Telegram bot"
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "demo", "backup"],
        help="run the bot (default), play the local demo, or back up the database to PATH",
    )
    parser.add_argument("path", nargs="?", help="backup: the file to write the copy to")
    args = parser.parse_args(argv)
    if args.command == "backup":
        return backup(args.path)
    if args.command == "demo":
        try:
            from bot.demo import run_demo
        except ModuleNotFoundError as exc:
            print(
                f"the demo needs the local Bot API server ({exc.name} is missing): "
                "pip install -e '.[sandbox]'",
                file=sys.stderr,
            )
            return 2

        _configure_logging(logging.WARNING)
        return asyncio.run(run_demo())
    _configure_logging(logging.INFO)
    try:
        settings = load_settings()  # report every settings error before anything starts
        load_communities(
            settings.community_config,
            committee_chat_id=settings.committee_chat_id,
            moderator_chat_id=settings.moderators_chat,
            street_chat_id=settings.street_chat_id,
            volunteer_chat_id=settings.volunteer_chat_id,
        )
    except (SettingsError, RulesError) as exc:
        for line in str(exc).splitlines():
            print(f"linli: {line}", file=sys.stderr)
        return 2
    return asyncio.run(serve())


if __name__ == "__main__":
    raise SystemExit(main())
