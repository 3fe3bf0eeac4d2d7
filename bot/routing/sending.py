"""How a route's posts are sent: link previews and forum topic, from the route's options.

`preview`: "off" (no preview), "small" or "large" (the preview of the article's own
link, with small or large media), or unset (the publisher's default). It applies to
a post's last text message, the one whose footer links the article; earlier parts
never show one. `preview_above`: the preview above the text instead of below.
`topic`: a forum topic id (message_thread_id) every message of the route goes to.
Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from telegram import LinkPreviewOptions

PREVIEWS = ("off", "small", "large")
PREVIEW_KEY = "preview"
ABOVE_KEY = "preview_above"
TOPIC_KEY = "topic"


@dataclass(frozen=True, slots=True)
class SendOptions:
    preview: str | None = None
    above: bool = False
    url: str | None = None
    thread_id: int | None = None

    def link_preview(self, *, last: bool, default: bool) -> LinkPreviewOptions:
        """The link_preview_options of one text message of the post."""
        if self.preview is None:
            return LinkPreviewOptions(is_disabled=not default)
        if self.preview == "off" or not last:
            return LinkPreviewOptions(is_disabled=True)
        return LinkPreviewOptions(
            is_disabled=False,
            url=self.url,
            prefer_small_media=True if self.preview == "small" else None,
            prefer_large_media=True if self.preview == "large" else None,
            show_above_text=True if self.above else None,
        )


def send_options(options: Mapping[str, Any], article_url: str | None) -> SendOptions:
    """SendOptions from a route's options; values that make no sense are ignored."""
    preview = options.get(PREVIEW_KEY)
    topic = options.get(TOPIC_KEY)
    return SendOptions(
        preview=preview if preview in PREVIEWS else None,
        above=bool(options.get(ABOVE_KEY, False)),
        url=article_url,
        thread_id=topic if isinstance(topic, int) and not isinstance(topic, bool) else None,
    )


def describe(options: Mapping[str, Any]) -> str:
    """`preview: large, above · topic 12`, or "" when the route sets neither."""
    parts = []
    if options.get(PREVIEW_KEY) in PREVIEWS:
        where = ", above" if options.get(ABOVE_KEY) and options[PREVIEW_KEY] != "off" else ""
        parts.append(f"preview: {options[PREVIEW_KEY]}{where}")
    topic = options.get(TOPIC_KEY)
    if isinstance(topic, int):
        parts.append(f"topic {topic}")
    elif topic == "auto":
        made = options.get("topic_id")
        parts.append(f"topic per feed ({made})" if made else "topic per feed (not yet created)")
    return " · ".join(parts)
