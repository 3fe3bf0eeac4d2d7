"""chatwire: feed articles into Telegram channels.

`format_html` is the formatter in one call — the stages the bot runs at ingest (parse, clean,
metadata) and at publish (render, split) — returning what `chatwire preview --json` prints.
"""

from __future__ import annotations

from typing import Any

__all__ = ["format_html"]


def format_html(html: str, *, title: str, url: str, source: str) -> list[dict[str, Any]]:
    """Article HTML → the messages of its post, as `chatwire preview --json` prints them."""
    from bot.render.messages import format_item

    return format_item(html, title=title, url=url, source=source)
