"""Command-line parsing only: each sub-command calls into the modules that do the work."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from bot.config import ConfigError, Settings, load_settings
from bot.logging_setup import configure_logging
from storage.db import DatabaseURLError, open_database

EXIT_CONFIG = 2

Command = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


async def _db_migrate(args: argparse.Namespace, settings: Settings) -> int:
    db = await open_database(settings.database_url, migrate=False)
    try:
        applied = await db.migrate()
    finally:
        await db.close()
    print(f"applied migrations: {applied}" if applied else "database schema is up to date")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chatwire",
        description="Republish feed articles into Telegram channels and answer readers about them.",
    )
    parser.add_argument("--log-format", choices=["text", "json"], help="log line format")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    migrate = db_commands.add_parser("migrate", help="apply pending schema migrations")
    migrate.set_defaults(handler=_db_migrate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings.log_level, args.log_format or settings.log_format)
        handler: Command = args.handler
        return asyncio.run(handler(args, settings))
    except (ConfigError, DatabaseURLError) as exc:
        name = "" if isinstance(exc, ConfigError) else "DATABASE_URL is invalid: "
        print(f"chatwire: error: {name}{exc}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130
