"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) → ParsedFeed."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from bot.ingest.encoding import decode_document
from bot.ingest.parse import FeedParseError, ParsedFeed, parse_duration, resolve_relative_html
from bot.models import Enclosure, FeedItem

VERSION_PREFIX = "https://jsonfeed.org/version/"
_BARE_VERSION = re.compile(r"1(?:\.\d)?")


def parse_json_feed(
    data: bytes, base_url: str, headers: Mapping[str, str] | None = None
) -> ParsedFeed:
    """Parse a JSON Feed; anything else raises FeedParseError."""
    text, _codec = decode_document(data, headers)
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise FeedParseError(f"not a feed: invalid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise FeedParseError("not a feed: JSON document is not an object")
    if not _is_jsonfeed_version(doc.get("version")):
        raise FeedParseError("not a feed: JSON without a jsonfeed.org version")
    raw_items = doc.get("items")
    if not isinstance(raw_items, list):
        raise FeedParseError("not a feed: JSON Feed without an items list")
    base = _string(doc.get("feed_url")) or base_url
    base = urljoin(base_url, base)
    feed_authors = _authors(doc)
    items = [_item(raw, base, feed_authors) for raw in raw_items if isinstance(raw, dict)]
    return ParsedFeed(
        title=_string(doc.get("title")),
        link=_url(doc.get("home_page_url"), base),
        language=_string(doc.get("language")),
        ttl_minutes=None,
        items=items,
    )


def _is_jsonfeed_version(version: object) -> bool:
    """The spec's URL (https, or the http form early feeds used) or the bare number some
    generators write ("version": "1.1"), which other readers accept too."""
    if not isinstance(version, str):
        return False
    version = version.strip()
    return version.startswith((VERSION_PREFIX, "http://jsonfeed.org/version/")) or bool(
        _BARE_VERSION.fullmatch(version)
    )


def _string(value: object) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _url(value: object, base: str) -> str | None:
    text = _string(value)
    return urljoin(base, text) if text else None


def _date(value: object) -> datetime | None:
    text = _string(value)
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _authors(node: Mapping[str, Any]) -> list[str]:
    """1.1 `authors` (a list) or 1.0 `author` (one object)."""
    found = node.get("authors")
    people = found if isinstance(found, list) else [node.get("author")]
    names = [_string(p.get("name")) for p in people if isinstance(p, dict)]
    return [n for n in names if n]


def _text_to_html(text: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def _attachments(raw: Mapping[str, Any], base: str) -> list[Enclosure]:
    found = []
    for att in raw.get("attachments") or []:
        if not isinstance(att, dict):
            continue
        url = _url(att.get("url"), base)
        if url is None:
            continue
        size = att.get("size_in_bytes")
        length = size if isinstance(size, int) and not isinstance(size, bool) else None
        seconds = att.get("duration_in_seconds")
        duration = None
        if isinstance(seconds, int | float) and not isinstance(seconds, bool):
            duration = parse_duration(f"{seconds:.3f}")  # nan, inf, negative: None
        found.append(Enclosure(url, _string(att.get("mime_type")), length, duration))
    return found


def _item(raw: Mapping[str, Any], base: str, feed_authors: list[str]) -> FeedItem:
    content_html = _string(raw.get("content_html"))
    content_text = _string(raw.get("content_text"))
    summary = _string(raw.get("summary"))
    url = _url(raw.get("url"), base) or _url(raw.get("external_url"), base)
    if content_html is not None:  # relative URLs: against the item's own link first
        content_html = resolve_relative_html(content_html, url or base)
    elif content_text is not None:
        content_html = _text_to_html(content_text)
    return FeedItem(
        guid=_string(raw.get("id")),
        url=url,
        title=_string(raw.get("title")),
        authors=_authors(raw) or list(feed_authors),
        published=_date(raw.get("date_published")) or _date(raw.get("date_modified")),
        content_html=content_html,
        summary_html=_text_to_html(summary) if summary else None,
        language=_string(raw.get("language")),
        lead_image=_url(raw.get("image"), base) or _url(raw.get("banner_image"), base),
        enclosures=_attachments(raw, base),
        categories=_tags(raw),
    )


def _tags(raw: Mapping[str, Any]) -> list[str]:
    """JSON Feed `tags`: strings, each once, in order."""
    tags = raw.get("tags")
    if not isinstance(tags, list):
        return []
    found: list[str] = []
    for tag in tags:
        name = _string(tag) if isinstance(tag, str) else None  # the spec: strings only
        if name and name not in found:
            found.append(name)
    return found[:50]
