"""Command-line options for route rules: `feeds add --include/--exclude`, `routes edit`."""

from __future__ import annotations

import argparse

from bot.config import Settings
from bot.routing import timing
from bot.routing.manage import (
    FilterChange,
    edit_options,
    filter_options,
    rules_report,
)
from bot.routing.sending import ABOVE_KEY, PREVIEW_KEY, PREVIEWS, TOPIC_KEY
from storage.db import open_database

RULE_HELP = (
    "a plain word (any case and width, Chinese too), FIELD:word, re:REGEX or FIELD:re:REGEX "
    "(RE2 syntax); FIELD is title, text, author or category; repeat for more"
)


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """--include/--exclude, and the route's sending options (--preview, --topic)."""
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
    parser.add_argument(
        "--preview",
        choices=[*PREVIEWS, "default"],
        help="link preview of the article under each post: off, small or large media",
    )
    parser.add_argument(
        "--preview-above", action=argparse.BooleanOptionalAction, help="preview above the text"
    )
    parser.add_argument(
        "--quiet",
        metavar="HH:MM-HH:MM",
        help="quiet hours: items arriving then are held until the end (off: none)",
    )
    parser.add_argument("--tz", help="time zone of --quiet and --digest-at, e.g. Asia/Shanghai")
    parser.add_argument(
        "--quiet-release",
        choices=timing.RELEASES,
        help="at the end of quiet hours post held items one by one (each) or as one digest",
    )
    parser.add_argument(
        "--digest",
        choices=[*timing.PERIODS, "off"],
        help="post one digest per period instead of each item",
    )
    parser.add_argument("--digest-at", metavar="HH:MM", help="daily/weekly digest time (08:00)")
    parser.add_argument(
        "--topic",
        metavar="ID|auto",
        help="forum topic to post into: its id (message_thread_id), auto (one topic per feed, "
        "created on first use), or 0 for none",
    )


def change_from_args(args: argparse.Namespace) -> FilterChange:
    return FilterChange(
        include=list(getattr(args, "include", None) or []),
        exclude=list(getattr(args, "exclude", None) or []),
        remove=list(getattr(args, "remove", None) or []),
        clear=bool(getattr(args, "clear_filters", False)),
    )


def sending_changes(args: argparse.Namespace) -> dict[str, object]:
    """The route options --preview, --preview-above and --topic set (None: remove the key)."""
    changes: dict[str, object] = {}
    preview = getattr(args, "preview", None)
    if preview is not None:
        changes[PREVIEW_KEY] = None if preview == "default" else preview
    above = getattr(args, "preview_above", None)
    if above is not None:
        changes[ABOVE_KEY] = above or None
    topic = getattr(args, "topic", None)
    if topic is not None:
        if topic.strip().lower() == "auto":
            changes[TOPIC_KEY] = "auto"
        elif topic.strip().isdigit():
            changes[TOPIC_KEY] = int(topic) or None
        else:
            raise ValueError(f"--topic takes a topic id, auto, or 0 for none (got {topic!r})")
        changes["topic_id"] = None  # forget a topic an "auto" route created
    changes.update(_timing_changes(args))
    return changes


def _timing_changes(args: argparse.Namespace) -> dict[str, object]:
    changes: dict[str, object] = {}
    quiet, tz = getattr(args, "quiet", None), getattr(args, "tz", None)
    release = getattr(args, "quiet_release", None) or "each"
    if quiet is not None:
        changes[timing.QUIET_KEY] = (
            None if quiet == "off" else timing.parse_quiet(quiet, tz, release)
        )
    digest = getattr(args, "digest", None)
    if digest is not None:
        changes[timing.DIGEST_KEY] = None if digest == "off" else digest
    digest_at = getattr(args, "digest_at", None)
    if digest_at is not None:
        timing.parse_hhmm(digest_at)
        changes[timing.DIGEST_AT_KEY] = digest_at
    if tz is not None:
        timing.zone(tz)
        changes[timing.DIGEST_TZ_KEY] = tz
    return changes


def apply_sending(options: dict[str, object], changes: dict[str, object]) -> dict[str, object]:
    updated = dict(options)
    for key, value in changes.items():
        if value is None:
            updated.pop(key, None)
        else:
            updated[key] = value
    return updated


def options_with_filters(
    args: argparse.Namespace, options: dict[str, object] | None
) -> dict[str, object] | None:
    """`feeds add`'s route options plus its rules (validated), or None when there are none."""
    change = change_from_args(args)
    sending = sending_changes(args)
    if not change and not sending:
        return options
    updated = filter_options(options, change) if change else dict(options or {})
    return apply_sending(updated, sending)


def add_routes_edit(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    edit = actions.add_parser("edit", help="change a route's rules: filters, preview, topic")
    edit.add_argument("id", type=int, help="route id from `routes list`")
    add_filter_arguments(edit)
    edit.add_argument("--remove", action="append", default=[], metavar="RULE", help="drop a rule")
    edit.add_argument("--clear-filters", action="store_true", help="drop every filter rule first")
    edit.set_defaults(handler=routes_edit)


async def routes_edit(args: argparse.Namespace, settings: Settings) -> int:
    change = change_from_args(args)
    sending = sending_changes(args)
    if not change and not sending:
        raise ValueError(
            "nothing to change: give --include, --exclude, --remove, --clear-filters, "
            "--preview, --preview-above, --topic, --quiet or --digest"
        )
    db = await open_database(settings.database_url)
    try:
        # the filter and the sending options change together, in one transaction
        route = await edit_options(
            db,
            args.id,
            lambda o: (
                apply_sending(filter_options(o, change), sending)
                if sending
                else filter_options(o, change)
            ),
        )
        report = await rules_report(db, [route])
    except LookupError as exc:
        raise ValueError(str(exc)) from None
    finally:
        await db.close()
    print(f"route {route.id}: feed {route.feed_id} → chat {route.chat_id}\t{report[route.id]}")
    return 0
