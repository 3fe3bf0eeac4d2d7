"""Command-line parsing only: each sub-command calls a function in bot/commands.py."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import traceback
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from bot import commands
from bot.config import ConfigError, Settings, load_settings
from bot.errors import EXIT_CONFIG, EXIT_ERROR
from bot.logging_setup import configure_logging
from bot.routing import cli as routing_cli
from storage.db import DatabaseUnavailable, DatabaseURLError

Command = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


def _add_feed_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--channel", required=True, help="chat to post into: @channelname or numeric id"
    )
    parser.add_argument("--interval", help="poll interval, e.g. 90s, 10m, 1h (default 10m)")
    parser.add_argument(
        "--fulltext", action="store_true", help="fetch the article page when the feed has a teaser"
    )


def _feeds_parser(commands_: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    feeds = commands_.add_parser("feeds", help="manage feeds and where they post")
    actions = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add a feed and route it to a chat")
    add.add_argument("url", help="http(s) URL of an RSS, Atom or JSON feed")
    _add_feed_options(add)
    add.add_argument(
        "--backfill", type=int, default=0, metavar="N", help="post the newest N items at once"
    )
    add.add_argument(
        "--template",
        help="footer template for this chat, e.g. '{source} · {authors}\\n{link} · {comment}'",
    )
    add.add_argument("--max-parts", type=int, help="most messages one post may take (default 8)")
    add.add_argument("--no-media", action="store_true", help="never send the lead image")
    add.add_argument(
        "--no-typography",
        action="store_true",
        help="keep Chinese punctuation and spacing as the source wrote them",
    )
    add.add_argument(
        "--no-check",
        action="store_true",
        help="store without fetching the feed or checking that the bot can post in the chat",
    )
    add.add_argument(
        "--on-update",
        choices=["ignore", "edit"],
        default="ignore",
        help="when a posted article changes: ignore it, or edit the posted message",
    )
    add.add_argument(
        "--translate",
        metavar="LANG",
        help="post this feed translated into LANG (BCP 47: zh-Hans, zh-Hant, en, ja, …)",
    )
    add.add_argument(
        "--translate-fallback",
        choices=["original", "hold"],
        help="when translation fails: post the original with a note (default), or hold it",
    )
    add.add_argument(
        "--translate-budget",
        type=int,
        metavar="CHARS",
        help="characters this route may translate per day (default TRANSLATE_DAILY_CHARS)",
    )
    routing_cli.add_filter_arguments(add)
    add.set_defaults(handler=commands.feeds_add)

    listing = actions.add_parser("list", help="feeds with their state and schedule")
    listing.set_defaults(handler=commands.feeds_list)

    remove = actions.add_parser("remove", help="remove a feed and its routes")
    remove.add_argument("id", type=int, help="feed id from `feeds list`")
    remove.set_defaults(handler=commands.feeds_remove)

    for action, summary in (
        ("enable", "resume a paused or deactivated feed (clears its errors)"),
        ("disable", "pause a feed"),
    ):
        toggle = actions.add_parser(action, help=summary)
        toggle.add_argument("id", type=int, help="feed id from `feeds list`")
        toggle.set_defaults(handler=commands.feeds_enable)

    imp = actions.add_parser(
        "import", help="add every feed of an OPML file (routes from `feeds export` restored)"
    )
    imp.add_argument("file", help="OPML file")
    imp.add_argument(
        "--channel",
        help="also route every feed to this chat (@name or id); needed for plain OPML",
    )
    imp.add_argument("--interval", help="poll interval for every feed, e.g. 10m")
    imp.add_argument("--fulltext", action="store_true", help="fetch article pages for teasers")
    imp.add_argument(
        "--backfill", type=int, default=0, metavar="N", help="post each feed's newest N items"
    )
    imp.add_argument("--template", help="footer template for the --channel routes")
    imp.set_defaults(handler=commands.feeds_import)

    exp = actions.add_parser("export", help="write all feeds as OPML")
    exp.add_argument("-o", "--output", help="file to write (default: standard output)")
    exp.set_defaults(handler=commands.feeds_export)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chatwire",
        description="Republish feed articles into Telegram channels and answer readers about them.",
    )
    parser.add_argument("--version", action="version", version=f"chatwire {_version()}")
    parser.add_argument("--log-format", choices=["text", "json"], help="log line format")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser("run", help="run the bot: poll feeds, post, answer readers")
    run.add_argument("--webhook", metavar="URL", help="receive updates at this https URL")
    run.add_argument(
        "--listen", default="0.0.0.0:8443", metavar="HOST:PORT", help="webhook listen address"
    )
    run.add_argument(
        "--metrics-port", type=int, metavar="PORT", help="serve /healthz and /metrics on 127.0.0.1"
    )
    run.add_argument(
        "--metrics-host", default="127.0.0.1", metavar="HOST", help="address for --metrics-port"
    )
    run.add_argument(
        "--worker",
        action="store_true",
        help="only poll feeds and publish (extra processes sharing a PostgreSQL database)",
    )
    run.set_defaults(handler=commands.run)

    demo = sub.add_parser(
        "demo", help="run the whole pipeline against a local feed and a stand-in Telegram"
    )
    demo.set_defaults(handler=commands.demo)

    preview = sub.add_parser("preview", help="show the post(s) an article or feed would become")
    preview.add_argument("source", help="a .html/.txt/.md file, a feed file, or an http(s) URL")
    preview.add_argument("--json", action="store_true", help="print JSON (UTF-16 offsets)")
    preview.add_argument(
        "--translate", metavar="LANG", help="translate first, as a --translate route would"
    )
    preview.set_defaults(handler=commands.preview)

    summary = sub.add_parser("summary", help="summarise an article file")
    summary.add_argument("file", help="an article file as `preview` accepts")
    summary.add_argument("--json", action="store_true", help="print JSON")
    summary.set_defaults(handler=commands.summary)

    quotes = sub.add_parser("quotes", help="list an article file's quotations and speakers")
    quotes.add_argument("file", help="an article file as `preview` accepts")
    quotes.add_argument("--json", action="store_true", help="print JSON")
    quotes.set_defaults(handler=commands.quotes)

    _feeds_parser(sub)

    routes = sub.add_parser("routes", help="which feed posts to which chat")
    route_actions = routes.add_subparsers(dest="routes_command", metavar="ACTION", required=True)
    route_actions.add_parser("list", help="routes with their state").set_defaults(
        handler=commands.routes_list
    )
    resume = route_actions.add_parser(
        "resume", help="resume a chat's routes paused because the bot was removed"
    )
    resume.add_argument("chat", help="@channelname or numeric chat id")
    resume.set_defaults(handler=commands.routes_resume)
    routing_cli.add_routes_edit(route_actions)

    db = sub.add_parser("db", help="database maintenance")
    db_actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    migrate = db_actions.add_parser("migrate", help="apply pending schema migrations")
    migrate.set_defaults(handler=commands.db_migrate)
    backup = db_actions.add_parser("backup", help="copy the live database to a file")
    backup.add_argument("path", help="where to write the copy")
    backup.set_defaults(handler=commands.db_backup)
    return parser


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("chatwire")
    except Exception:  # running from a source tree that was never installed
        return "unknown"


def _debug(settings: Settings | None) -> bool:
    if settings is not None:
        return settings.log_level == "DEBUG"
    return os.environ.get("LOG_LEVEL", "").strip().upper() == "DEBUG"


def _fail(prefix: str, message: str, code: int, debug: bool) -> int:
    """One line on stderr (and the traceback too at LOG_LEVEL=DEBUG)."""
    if debug:
        traceback.print_exc()
    print(f"{prefix}: error: {' '.join(str(message).split())}", file=sys.stderr)
    return code


def _quiet_stdout() -> None:
    """The reader of our output went away (`| head`): stop writing, quietly."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Exit status: 0 done, 1 the command failed, 2 usage or configuration error."""
    args = build_parser().parse_args(argv)  # usage errors: argparse prints them, exit 2
    prefix = f"chatwire {args.command}"
    settings: Settings | None = None
    try:
        settings = load_settings()
        level = settings.log_level
        if args.command != "run" and level == "INFO":
            level = "WARNING"  # one-shot commands print their result; INFO lines are noise
        configure_logging(level, args.log_format or settings.log_format)
        handler: Command = args.handler
        return asyncio.run(handler(args, settings))
    except ConfigError as exc:
        return _fail("chatwire", str(exc), EXIT_CONFIG, _debug(settings))
    except DatabaseURLError as exc:
        return _fail("chatwire", f"DATABASE_URL is invalid: {exc}", EXIT_CONFIG, _debug(settings))
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except KeyboardInterrupt:
        return 130
    except (commands.CommandError, DatabaseUnavailable, ValueError) as exc:
        return _fail(prefix, str(exc), EXIT_ERROR, _debug(settings))
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(prefix, f"{where}{exc.strerror or exc}", EXIT_ERROR, _debug(settings))
    except Exception as exc:
        from bot.errors import describe_error

        code, text = describe_error(exc)
        return _fail(prefix, text, code, _debug(settings))
