"""/filter and /route: an admin reads or changes a route's rules from chat."""

from __future__ import annotations

import argparse
import shlex
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.routing import filters, timing
from bot.routing.cli import apply_sending, sending_changes
from bot.routing.manage import (
    FilterChange,
    RouteNotFound,
    edit_filter,
    edit_options,
    rules_report,
)
from bot.routing.sending import PREVIEWS
from bot.services import services
from handlers.common import Context, admin_command, reply_plain
from storage import routes

USAGE = (
    "Usage: /filter — every route's rules\n"
    "/filter ROUTE include RULE… | exclude RULE… | remove RULE… | clear\n"
    "RULE: a word (any case/width, Chinese too), title:/text:/author:/category: + word, "
    're:REGEX (RE2) or field:re:REGEX; quote rules with spaces: "open source"'
)
_ACTIONS = {"include", "exclude", "remove", "clear"}


async def _listing(context: Context) -> str:
    db = services(context).db
    async with db.begin() as conn:
        found = await routes.list_routes(conn)
    if not found:
        return "No routes yet. Add one with /addfeed URL @channel."
    report = await rules_report(db, found)
    return "\n".join(f"route {r.id}: feed {r.feed_id} → {r.chat_id}: {report[r.id]}" for r in found)


async def _filter(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None
    text = (message.text or "").partition(" ")[2]
    try:
        words = shlex.split(text)
    except ValueError:
        await reply_plain(message, f"Unbalanced quotes.\n{USAGE}")
        return
    if not words:
        await reply_plain(message, await _listing(context))
        return
    if len(words) < 2 or not words[0].isdigit() or words[1].lower() not in _ACTIONS:
        await reply_plain(message, USAGE)
        return
    action, rules = words[1].lower(), words[2:]
    if action != "clear" and not rules:
        await reply_plain(message, USAGE)
        return
    change = FilterChange(
        include=rules if action == "include" else (),
        exclude=rules if action == "exclude" else (),
        remove=rules if action == "remove" else (),
        clear=action == "clear",
    )
    db = services(context).db
    try:
        route = await edit_filter(db, int(words[0]), change)
    except (RouteNotFound, filters.FilterError) as exc:
        await reply_plain(message, f"Nothing changed: {exc}")
        return
    report = await rules_report(db, [route])
    await reply_plain(message, f"route {route.id} → {route.chat_id}: {report[route.id]}")


ROUTE_USAGE = (
    "Usage: /route ROUTE SETTING VALUE… — settings:\n"
    "preview off|small|large|default · above on|off · topic ID|auto|0\n"
    "quiet HH:MM-HH:MM|off [TZ] [each|digest] · digest hourly|daily|weekly|off [HH:MM] [TZ]"
)


def _route_args(setting: str, values: list[str]) -> argparse.Namespace:
    """The CLI's option names for one chat setting (the same validation as the CLI)."""
    args = argparse.Namespace()
    first = values[0] if values else ""
    if setting == "preview":
        args.preview = first
        if first not in (*PREVIEWS, "default"):
            raise ValueError(f"preview is off, small, large or default, not {first!r}")
    elif setting == "above":
        args.preview_above = first.lower() in ("on", "yes", "true", "1")
    elif setting == "topic":
        args.topic = first
    elif setting == "quiet":
        args.quiet = first
        rest = values[1:]
        args.quiet_release = next((v for v in rest if v in timing.RELEASES), None)
        args.tz = next((v for v in rest if v not in timing.RELEASES), None)
    elif setting == "digest":
        args.digest = first
        if first not in (*timing.PERIODS, "off"):
            raise ValueError(f"digest is hourly, daily, weekly or off, not {first!r}")
        args.digest_at = next((v for v in values[1:] if ":" in v), None)
        args.tz = next((v for v in values[1:] if ":" not in v), None)
    else:
        raise ValueError(ROUTE_USAGE)
    return args


async def _route(update: Update, context: Context) -> None:
    """/route ROUTE SETTING VALUE: a route's preview, topic, quiet hours or digest."""
    message = update.effective_message
    assert message is not None
    words = list(context.args or [])
    if len(words) < 3 or not words[0].isdigit():
        await reply_plain(message, ROUTE_USAGE)
        return
    db = services(context).db
    try:
        changes = sending_changes(_route_args(words[1].lower(), words[2:]))
        route = await edit_options(db, int(words[0]), lambda o: apply_sending(o, changes))
    except (RouteNotFound, ValueError) as exc:
        await reply_plain(message, f"Nothing changed: {exc}")
        return
    report = await rules_report(db, [route])
    await reply_plain(message, f"route {route.id} → {route.chat_id}: {report[route.id]}")


def grouped_handlers() -> list[tuple[int, BaseHandler[Any, Any, Any]]]:
    return [
        (0, CommandHandler("filter", admin_command(_filter))),
        (0, CommandHandler("route", admin_command(_route))),
    ]
