"""Links an item may carry into a post: http(s) only.

A feed can give an item any URI as its link: `tg://proxy?…` (a one-tap proxy
switch in Telegram), `javascript:…`, `file:///etc/passwd`. Each would become a
clickable "Original article" link, so such links are dropped when the item is
ingested, before they are stored or de-duplicated on.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from bot.models import FeedItem

WEB_SCHEMES = frozenset({"http", "https"})


def web_url(url: str | None) -> str | None:
    """`url` if it is an http(s) URL with a host, else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.netloc:
        return None
    return url.strip()


def with_web_links(item: FeedItem) -> FeedItem:
    """The item with its link, lead image and enclosures limited to http(s) URLs."""
    url = web_url(item.url)
    image = web_url(item.lead_image)
    enclosures = [e for e in item.enclosures if web_url(e.url)]
    if (url, image, len(enclosures)) == (item.url, item.lead_image, len(item.enclosures)):
        return item
    return replace(item, url=url, lead_image=image, enclosures=enclosures)
