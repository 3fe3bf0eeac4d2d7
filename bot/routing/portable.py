"""Route rules in OPML: exported per feed as JSON in a chatwire attribute, read back on import.

Each feed's outline with rules carries `chatwire:rules`, a JSON list with one entry per route:
{"chat": CHAT_ID, "rules": {...}} holding the route's filter, preview, topic, quiet
hours and digest options (never state such as a created topic's id). On import,
the entry for the chat the feeds are imported into is used, or, when the file has
exactly one entry for the feed, that one (a list moved to another chat keeps its
rules; a numeric topic id belongs to its chat and is dropped then). Rules are
validated like the CLI's: an unusable entry is skipped with a reason.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.routing import filters, timing
from bot.routing.sending import ABOVE_KEY, PREVIEW_KEY, PREVIEWS, TOPIC_KEY
from storage import routes
from storage.db import Database
from storage.routes import Route

RULE_KEYS = (
    filters.OPTIONS_KEY,
    PREVIEW_KEY,
    ABOVE_KEY,
    TOPIC_KEY,
    timing.QUIET_KEY,
    timing.DIGEST_KEY,
    timing.DIGEST_AT_KEY,
    timing.DIGEST_TZ_KEY,
)


def export_rules(feed_routes: Sequence[Route]) -> str | None:
    """The JSON for a feed's outline (every route, so an import can tell which chat had
    which rules), or None when none of its routes has a rule."""
    entries = [
        {"chat": r.chat_id, "rules": {k: r.options[k] for k in RULE_KEYS if k in r.options}}
        for r in feed_routes
    ]
    if not any(entry["rules"] for entry in entries):
        return None
    return json.dumps(entries, ensure_ascii=False, sort_keys=True)


def _checked(rules: dict[str, Any]) -> dict[str, Any]:
    """The rules, validated (ValueError names the first problem)."""
    filters.from_options(rules)
    timing.quiet_from(rules)
    timing.digest_from(rules)
    if rules.get(PREVIEW_KEY) not in (None, *PREVIEWS):
        raise ValueError(f"unknown preview {rules[PREVIEW_KEY]!r}")
    topic = rules.get(TOPIC_KEY)
    if topic is not None and topic != "auto" and not (isinstance(topic, int) and topic > 0):
        raise ValueError(f"unknown topic {topic!r}")
    return {k: v for k, v in rules.items() if k in RULE_KEYS}


def rules_for_chat(text: str | None, chat_id: int) -> dict[str, Any] | None:
    """The rules an outline holds for a route into `chat_id` (ValueError when unusable)."""
    if not text:
        return None
    try:
        entries = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"chatwire rules are not JSON: {exc}") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ValueError("chatwire rules must be a list of {chat, rules}")
    chosen = next((e for e in entries if e.get("chat") == chat_id), None)
    moved = chosen is None and len(entries) == 1
    if moved:
        chosen = entries[0]
    if chosen is None or not isinstance(chosen.get("rules"), dict):
        return None
    rules = _checked(dict(chosen["rules"]))
    if moved and isinstance(rules.get(TOPIC_KEY), int):
        del rules[TOPIC_KEY]  # a topic id is only valid in its own chat
    return rules or None


async def apply_rules(db: Database, route: Route, text: str | None) -> bool:
    """Give the imported route its rules from the outline; False when there were none."""
    rules = rules_for_chat(text, route.chat_id)
    if not rules:
        return False
    async with db.begin() as conn:
        current = await routes.get_route(conn, route.id)
        options = dict(current.options if current else route.options)
        options.update(rules)
        await routes.set_route_options(conn, route.id, options)
    route.options = options
    return True
