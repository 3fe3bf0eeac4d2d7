"""Full text for teaser feeds: fetch the article page and keep its main text.

Only items whose feed body is a teaser are fetched; any failure keeps the
teaser, so full text can only make a post better, never lose it.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bot.models import FeedItem

log = logging.getLogger(__name__)

TEASER_CHARS = 500
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_TEASER_ENDINGS = (
    "…",
    "...",
    "read more",
    "continue reading",
    "more»",
    "more »",
    "[…]",
    "[...]",
    "阅读全文",
    "閱讀全文",
    "查看全文",
    "全文",
    "更多",
)


@dataclass(slots=True)
class PageText:
    """What the extractor found on an article page."""

    html: str
    title: str | None = None
    author: str | None = None
    published: datetime | None = None


def visible_text(fragment: str | None) -> str:
    """An HTML fragment's text, whitespace collapsed."""
    if not fragment:
        return ""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


def is_teaser(item: FeedItem, *, min_chars: int = TEASER_CHARS) -> bool:
    """True when the feed gives only a short or cut-off body, and a page to read it on."""
    if not item.url:
        return False
    text = visible_text(item.content_html or item.summary_html)
    if len(text) < min_chars:
        return True
    tail = text[-40:].lower().rstrip(" .»>)]")
    return text.endswith(("…", "...")) or any(tail.endswith(e.rstrip(".")) for e in _TEASER_ENDINGS)


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def extract_page(page: bytes, url: str) -> PageText | None:
    """The page's main text as HTML plus title, byline and date (CPU-bound: run in a thread)."""
    import trafilatura  # ~25 MiB: loaded by the first full-text route, not by every process

    body = trafilatura.extract(
        page,
        url=url,
        output_format="html",
        include_images=True,
        include_links=True,
        include_formatting=True,
        include_tables=True,
        include_comments=False,
    )
    if not isinstance(body, str) or not visible_text(body):
        return None
    meta = trafilatura.extract_metadata(page, default_url=url)
    return PageText(
        html=body,
        title=getattr(meta, "title", None) or None,
        author=getattr(meta, "author", None) or None,
        published=_date(getattr(meta, "date", None)),
    )


def merge(item: FeedItem, page: PageText) -> FeedItem:
    """The item with the page's body; the feed's own title, byline and date win when present."""
    if len(visible_text(page.html)) <= len(visible_text(item.content_html or item.summary_html)):
        return item
    authors = item.authors or ([page.author] if page.author else [])
    return replace(
        item,
        content_html=page.html,
        summary_html=item.summary_html or item.content_html,
        title=item.title or page.title,
        authors=list(authors),
        published=item.published or page.published,
    )


async def with_fulltext(
    item: FeedItem,
    fetch_page: Callable[[str], Awaitable[bytes | None]],
    extract: Callable[[bytes, str], Awaitable[PageText | None]],
) -> FeedItem:
    """The item with its page's full text when it is a teaser; the teaser on any failure."""
    if not item.url or not is_teaser(item):
        return item
    try:
        page = await fetch_page(item.url)
        if page is None:
            return item
        found = await extract(page, item.url)
    except Exception as exc:  # a page we cannot read must never lose the teaser
        log.info("full text for %s failed: %s", item.url, exc)
        return item
    return merge(item, found) if found else item
