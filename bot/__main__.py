"""`python -m bot` runs Linli by long polling; `python -m bot demo` plays the local demo."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from telegram.error import InvalidToken, NetworkError

from bot.community import CommunityRules, RulesError
from bot.config import SettingsError, load_settings

log = logging.getLogger("bot")


def _configure_logging(level: int) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
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
    except InvalidToken:
        log.error("the Bot API server at BOT_API_BASE_URL refused BOT_TOKEN")
        await linli.stop()
        return 1
    except NetworkError as exc:
        log.error("cannot reach the Bot API server at BOT_API_BASE_URL: %s", exc)
        await linli.stop()
        return 1
    assert linli.poller is not None
    failed = asyncio.create_task(linli.poller.failed.wait())
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({failed, stopped}, return_when=asyncio.FIRST_COMPLETED)
    failed.cancel()
    stopped.cancel()
    log.info("stopping: finishing the update in hand and flushing the outbox")
    await linli.stop()
    log.info("stopped")
    return 1 if failed.done() and not failed.cancelled() else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Linli (邻里), a community Telegram bot"
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "demo"],
        help="run the bot (default), or play the local demo",
    )
    args = parser.parse_args(argv)
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
        CommunityRules.load(settings.community_config)
    except (SettingsError, RulesError) as exc:
        for line in str(exc).splitlines():
            print(f"linli: {line}", file=sys.stderr)
        return 2
    return asyncio.run(serve())


if __name__ == "__main__":
    raise SystemExit(main())
