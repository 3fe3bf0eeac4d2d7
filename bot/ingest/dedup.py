"""De-duplication keys: guid → link → title + content hash, tolerant of feeds' quirks.

Feeds re-issue guids (guid churn), repeat a guid inside one document, or give
every item the same link (a homepage). Each quirk, handled naively, either
reposts old items or hides new ones.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.models import FeedItem
from storage.articles import KnownArticle

MAX_KEY_CHARS = 256
"""Longer guids and links get no unique key (an index entry has a size limit); the
key chain still finds them."""
FINGERPRINT_KEY = "feed_item_hash"
"""Key in `Article.extra` holding the fingerprint of the feed item it was built from."""


def fingerprint(item: FeedItem) -> str:
    """A hash of the item as the feed gave it: unchanged fingerprint → nothing to rebuild."""
    payload = [
        item.guid,
        item.url,
        item.title,
        item.content_html,
        item.summary_html,
        item.published.isoformat() if item.published else None,
        item.authors,
        item.lead_image,
        [(e.url, e.mime_type, e.length) for e in item.enclosures],
    ]
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def unique_items(items: Iterable[FeedItem]) -> list[FeedItem]:
    """Drop repeats of a guid within one document (keeping the first, as readers do)."""
    seen: set[str] = set()
    kept = []
    for item in items:
        if item.guid:
            if item.guid in seen:
                continue
            seen.add(item.guid)
        kept.append(item)
    return kept


def shared_links(items: Sequence[FeedItem]) -> set[str]:
    """Links that several distinct items of one document share: not an identity there."""
    counts = Counter(item.url for item in items if item.url)
    return {url for url, n in counts.items() if n > 1}


def link_key(item: FeedItem, shared: set[str]) -> str | None:
    """The item's link if it can identify the item, else None."""
    return item.url if item.url and item.url not in shared else None


def oldest_first(items: Sequence[FeedItem]) -> list[FeedItem]:
    """Items in publication order; undated ones keep the feed's order (newest first)."""
    reversed_items = list(reversed(items))
    if all(item.published is None for item in reversed_items):
        return reversed_items
    floor = datetime.min.replace(tzinfo=None)

    def key(item: FeedItem) -> datetime:
        return item.published.replace(tzinfo=None) if item.published else floor

    return sorted(reversed_items, key=key)


def match_known(
    item: FeedItem, known: Sequence[KnownArticle], shared: set[str]
) -> KnownArticle | None:
    """The stored article this item is, by guid first and then by link."""
    if item.guid:
        for article in known:
            if article.guid == item.guid:
                return article
    link = link_key(item, shared)
    if link:
        for article in known:
            if article.url == link:
                return article
    return None


def item_key(item: FeedItem, shared: set[str]) -> str | None:
    """The key a feed's article is stored under at most once: its guid, else its link.

    Same order as `match_known`. None when the item has neither (or only a
    link shared with other items, or a key too long to index).
    """
    if item.guid:
        return f"g:{item.guid}" if len(item.guid) <= MAX_KEY_CHARS else None
    link = link_key(item, shared)
    if link and len(link) <= MAX_KEY_CHARS:
        return f"u:{link}"
    return None
