"""/filter: an admin reads or changes a route's include/exclude rules from chat."""

from __future__ import annotations

import shlex
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.routing import filters
from bot.routing.manage import FilterChange, RouteNotFound, edit_filter, rules_report
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


def grouped_handlers() -> list[tuple[int, BaseHandler[Any, Any, Any]]]:
    return [(0, CommandHandler("filter", admin_command(_filter)))]
