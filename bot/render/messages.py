"""Messages as JSON (what `chatwire preview --json` prints) and `format_html`'s composition.

Kept apart from `preview` so the formatter alone imports no HTTP client.
"""

from __future__ import annotations

from typing import Any

from bot.content.pipeline import EmptyItem, build_article
from bot.models import FeedItem, OutgoingMessage
from bot.render.post import render_post


def format_item(html: str, *, title: str, url: str, source: str) -> list[dict[str, Any]]:
    """One article's HTML through ingest (a feed item) and publish (default route) → messages."""
    item = FeedItem(guid=url or None, url=url or None, title=title or None, content_html=html)
    try:
        article = build_article(item, source=source or None)
    except EmptyItem:
        return []
    return [message_json(m) for m in render_post(article)]


def message_json(message: OutgoingMessage) -> dict[str, Any]:
    out: dict[str, Any] = {"text": message.text, "entities": []}
    for e in message.entities:
        entity: dict[str, Any] = {"type": e.type, "offset": e.offset, "length": e.length}
        if e.url is not None:
            entity["url"] = e.url
        if e.language is not None:
            entity["language"] = e.language
        out["entities"].append(entity)
    if message.photo:
        out["photo"] = message.photo
    return out
