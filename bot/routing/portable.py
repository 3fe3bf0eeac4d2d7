"""Route rules arriving from outside (an imported OPML file): checked like the CLI's.

`feeds export` writes every route's options, rules included, in chatwire's OPML
namespace (bot/ingest/opml.py); an import must not store a rule the bot would then
fail on at every item, so each route's rules are validated first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.routing import filters, timing
from bot.routing.sending import PREVIEW_KEY, PREVIEWS, TOPIC_KEY


def check_rules(options: Mapping[str, Any]) -> None:
    """ValueError naming the first unusable rule among a route's options."""
    filters.from_options(dict(options))
    timing.quiet_from(options)
    timing.digest_from(options)
    if options.get(PREVIEW_KEY) not in (None, *PREVIEWS):
        raise ValueError(f"unknown preview {options[PREVIEW_KEY]!r}")
    topic = options.get(TOPIC_KEY)
    if topic is not None and topic != "auto" and not (isinstance(topic, int) and topic > 0):
        raise ValueError(f"unknown topic {topic!r}")
