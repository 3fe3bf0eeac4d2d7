"""Command-line options for route rules: `feeds add --include/--exclude`, `routes edit`."""

from __future__ import annotations

import argparse

from bot.config import Settings
from bot.routing.manage import FilterChange, edit_filter, filter_options, rules_report
from storage.db import open_database

RULE_HELP = (
    "a plain word (any case and width, Chinese too), FIELD:word, re:REGEX or FIELD:re:REGEX "
    "(RE2 syntax); FIELD is title, text, author or category; repeat for more"
)


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="RULE",
        help=f"post only items: {RULE_HELP}",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="RULE",
        help=f"never post items: {RULE_HELP}",
    )


def change_from_args(args: argparse.Namespace) -> FilterChange:
    return FilterChange(
        include=list(getattr(args, "include", None) or []),
        exclude=list(getattr(args, "exclude", None) or []),
        remove=list(getattr(args, "remove", None) or []),
        clear=bool(getattr(args, "clear_filters", False)),
    )


def options_with_filters(
    args: argparse.Namespace, options: dict[str, object] | None
) -> dict[str, object] | None:
    """`feeds add`'s route options plus its --include/--exclude (validated), or None."""
    change = change_from_args(args)
    if not change:
        return options
    return filter_options(options, change)


def add_routes_edit(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    edit = actions.add_parser("edit", help="change a route's filter rules")
    edit.add_argument("id", type=int, help="route id from `routes list`")
    add_filter_arguments(edit)
    edit.add_argument("--remove", action="append", default=[], metavar="RULE", help="drop a rule")
    edit.add_argument("--clear-filters", action="store_true", help="drop every filter rule first")
    edit.set_defaults(handler=routes_edit)


async def routes_edit(args: argparse.Namespace, settings: Settings) -> int:
    change = change_from_args(args)
    if not change:
        raise ValueError(
            "nothing to change: give --include, --exclude, --remove or --clear-filters"
        )
    db = await open_database(settings.database_url)
    try:
        route = await edit_filter(db, args.id, change)
        report = await rules_report(db, [route])
    except LookupError as exc:
        raise ValueError(str(exc)) from None
    finally:
        await db.close()
    print(f"route {route.id}: feed {route.feed_id} → chat {route.chat_id}\t{report[route.id]}")
    return 0
