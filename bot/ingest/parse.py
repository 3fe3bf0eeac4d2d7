"""Feed documents → FeedItems: RSS 0.9x/1.0/2.0 and Atom via feedparser, JSON Feed by hand.

Pure and synchronous (CPU work): callers run it in a thread. Anything that is
not a feed raises FeedParseError with a message fit for `feeds.last_error`.
"""

from __future__ import annotations

import calendar
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from bot.ingest.encoding import decode_document
from bot.ingest.xmlsafety import UnsafeXMLError, safe_xml_text
from bot.models import Enclosure, FeedItem


class FeedParseError(ValueError):
    """The document is not a feed (HTML, garbage, refused XML)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class ParsedFeed:
    title: str | None
    link: str | None
    language: str | None
    ttl_minutes: int | None
    items: list[FeedItem] = field(default_factory=list)


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*(?:<!DOCTYPE\s+html|<html|<head|<body)", re.I | re.S
)
_ALTERNATE = re.compile(
    r"""<link\b[^>]*\btype=["']application/(?:rss|atom|feed)\+(?:xml|json)["'][^>]*>""", re.I
)
_HREF = re.compile(r"""\bhref=["']([^"']+)["']""", re.I)
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));?")
_URL_ATTR = re.compile(r"""(\b(?:href|src|poster)\s*=\s*)(["'])(.*?)\2""", re.I | re.S)


def resolve_relative_html(fragment: str, base_url: str) -> str:
    """Make the href/src URLs of an HTML fragment absolute (feedparser does this for XML)."""

    def absolute(match: re.Match[str]) -> str:
        value = html.unescape(match[3]).strip()
        resolved = urljoin(base_url, value) if value else value
        return f"{match[1]}{match[2]}{html.escape(resolved, quote=True)}{match[2]}"

    return _URL_ATTR.sub(absolute, fragment)


def parse_feed(data: bytes, base_url: str, headers: Mapping[str, str] | None = None) -> ParsedFeed:
    """Parse any supported feed document; relative URLs are resolved against `base_url`."""
    if _looks_like_json(data, headers):
        from bot.ingest.jsonfeed import parse_json_feed

        return parse_json_feed(data, base_url, headers)
    import feedparser  # ~1 MiB: loaded by the first feed parsed, not by an idle bot

    text, _codec = decode_document(data, headers)
    try:
        safe = safe_xml_text(text)
    except UnsafeXMLError as exc:
        raise FeedParseError(str(exc)) from None
    result = feedparser.parse(
        _CHAR_REF.sub(_valid_char_ref, safe.encode("utf-8")),
        response_headers={
            "content-location": base_url,
            "content-type": "application/xml; charset=utf-8",
        },
        # Relative URLs are resolved per item (its own link first, see _item), and the HTML is
        # sanitized there too, keeping iframe/video/audio (they become link lines in posts).
        resolve_relative_uris=False,
        sanitize_html=False,
    )
    if not result.get("version"):
        raise FeedParseError(_not_a_feed_message(data, base_url, result))
    return _parsed(result, base_url)


def _valid_char_ref(match: re.Match[bytes]) -> bytes:
    """A reference to no Unicode character (past U+10FFFF, a surrogate) becomes U+FFFD,
    as HTML maps it; feedparser's fallback parser would raise on it and lose the feed."""
    hex_digits, dec_digits = match[1], match[2]
    digits = (hex_digits or dec_digits).lstrip(b"0")
    if len(digits) > 8:
        return b"&#xFFFD;"
    value = int(digits or b"0", 16 if hex_digits else 10)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return b"&#xFFFD;"
    return match[0]


def _looks_like_json(data: bytes, headers: Mapping[str, str] | None) -> bool:
    content_type = next(
        (v.lower() for k, v in (headers or {}).items() if k.lower() == "content-type"), ""
    )
    if "json" in content_type:
        return True
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def _not_a_feed_message(data: bytes, base_url: str, result: Any) -> str:
    if _HTML_START.match(data[:4096]):
        text = data[:65536].decode("utf-8", errors="replace")
        for tag in _ALTERNATE.findall(text):
            href = _HREF.search(tag)
            if href:
                found = urljoin(base_url, html.unescape(href[1]))
                return f"not a feed: got an HTML page (it links to a feed at {found})"
        return "not a feed: got an HTML page"
    problem = result.get("bozo_exception")
    detail = f" ({problem})" if problem else ""
    return f"not a feed: no RSS, Atom or JSON Feed found{detail}"


def _parsed(result: Any, base_url: str) -> ParsedFeed:
    feed = result.get("feed", {})
    language = _clean(feed.get("language"))
    items = [_item(entry, base_url) for entry in result.get("entries", [])]
    return ParsedFeed(
        title=_title(feed),
        link=_absolute(feed.get("link"), base_url),
        language=language,
        ttl_minutes=_ttl(feed.get("ttl")),
        items=items,
    )


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def _absolute(url: object, base_url: str) -> str | None:
    value = _clean(url)
    return urljoin(base_url, value) if value else None


def _title(node: Any) -> str | None:
    title = _clean(node.get("title"))
    if title is None:
        return None
    kind = (node.get("title_detail") or {}).get("type", "text/plain")
    if "html" in kind:
        title = html.unescape(_TAG.sub("", title))
    return _SPACE.sub(" ", title).strip() or None


def _ttl(value: object) -> int | None:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes if minutes > 0 else None


def _date(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _as_html(value: str, kind: str | None) -> str:
    if kind and "html" in kind:
        return value
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", value) if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def _content_base(entry: Any) -> str | None:
    """The base feedparser recorded for the entry's content: its xml:base, else the feed URL."""
    contents = entry.get("content") or []
    for detail in [*contents, entry.get("summary_detail") or {}]:
        base = detail.get("base") if hasattr(detail, "get") else None
        if isinstance(base, str) and base.strip():
            return base.strip()
    return None


def _content(entry: Any) -> tuple[str | None, str | None, str | None]:
    """(content_html, summary_html, content language)."""
    contents = entry.get("content") or []
    chosen = next((c for c in contents if "html" in (c.get("type") or "")), None)
    chosen = chosen or (contents[0] if contents else None)
    content = _clean(chosen.get("value")) if chosen else None
    summary = _clean(entry.get("summary"))
    summary_kind = (entry.get("summary_detail") or {}).get("type")
    content_html = _as_html(content, chosen.get("type")) if chosen and content else None
    summary_html = _as_html(summary, summary_kind or "text/html") if summary else None
    if content and summary == content:
        summary_html = None
    language = _clean(chosen.get("language")) if chosen else None
    return content_html, summary_html, language


def _authors(entry: Any) -> list[str]:
    names = [_clean(a.get("name")) for a in entry.get("authors") or [] if hasattr(a, "get")]
    found = [n for n in names if n]
    if not found and _clean(entry.get("author")):
        found = [str(entry.get("author")).strip()]
    return list(dict.fromkeys(found))


MAX_DURATION_SECONDS = 7 * 24 * 3600
"""Longer "durations" are typos or another unit: no label rather than a wrong one."""


def parse_duration(value: object) -> int | None:
    """Seconds from a podcast duration: `SS`, `MM:SS` or `HH:MM:SS` (itunes:duration,
    Media RSS `duration`); fractions of a second allowed. None when it is not one of those,
    zero, or beyond a week."""
    text = str(value or "").strip()
    parts = text.split(":")
    if not text or len(parts) > 3:
        return None
    *whole, last = parts
    if not all(p.isdigit() for p in whole) or not re.fullmatch(r"\d+(?:\.\d+)?", last):
        return None
    values = [int(p) for p in whole] + [float(last)]
    if any(v >= 60 for v in values[1:]):
        return None  # 1:75 is not a time
    seconds = 0.0
    for v in values:
        seconds = seconds * 60 + v
    total = round(seconds)
    return total if 0 < total <= MAX_DURATION_SECONDS else None


def _enclosures(entry: Any, base_url: str) -> list[Enclosure]:
    """The item's enclosures; audio and video ones carry their duration when the feed gives it
    (the matching media:content's `duration`, else the item's itunes:duration)."""
    media = {
        url: parse_duration(m.get("duration"))
        for m in entry.get("media_content") or []
        if (url := _absolute(m.get("url"), base_url))
    }
    episode = parse_duration(entry.get("itunes_duration"))
    found = []
    for enc in entry.get("enclosures") or []:
        url = _absolute(enc.get("href") or enc.get("url"), base_url)
        if not url:
            continue
        length = str(enc.get("length") or "").strip()
        size = int(length) if length.isdigit() else None
        mime = _clean(enc.get("type"))
        duration = None
        if not (mime or "").startswith("image/"):
            duration = media.get(url) or episode
            episode = None  # the episode's duration belongs to its first media enclosure
        found.append(Enclosure(url, mime, size, duration))
    return found


def _lead_image(entry: Any, enclosures: list[Enclosure], base_url: str) -> str | None:
    for thumb in entry.get("media_thumbnail") or []:
        url = _absolute(thumb.get("url"), base_url)
        if url:
            return url
    for media in entry.get("media_content") or []:
        kind = str(media.get("medium") or media.get("type") or "")
        if kind.startswith("image"):
            url = _absolute(media.get("url"), base_url)
            if url:
                return url
    for enc in enclosures:
        if (enc.mime_type or "").startswith("image/"):
            return enc.url
    image = entry.get("image")
    if hasattr(image, "get"):
        return _absolute(image.get("href") or image.get("url"), base_url)
    return None


def _item(entry: Any, base_url: str) -> FeedItem:
    from bot.content.clean import sanitize_html

    content_html, summary_html, content_language = _content(entry)
    enclosures = _enclosures(entry, base_url)
    url = _absolute(entry.get("link"), base_url)
    # relative URLs in the body: against the item's own link, then xml:base, then the feed URL
    base = url if url and url.startswith(("http://", "https://")) else None
    base = base or _content_base(entry) or base_url
    if content_html:
        content_html = sanitize_html(resolve_relative_html(content_html, base), media=True)
    if summary_html:
        summary_html = sanitize_html(resolve_relative_html(summary_html, base), media=True)
    return FeedItem(
        guid=_clean(entry.get("id")),
        url=url,
        title=_title(entry),
        authors=_authors(entry),
        published=_date(entry),
        content_html=content_html,
        summary_html=summary_html,
        language=content_language,
        lead_image=_lead_image(entry, enclosures, base_url),
        enclosures=enclosures,
        categories=_categories(entry),
    )


def _categories(entry: Any) -> list[str]:
    """RSS <category>, Atom category terms (or labels), dc:subject: each once, in order."""
    found: list[str] = []
    for tag in entry.get("tags") or []:
        name = _clean(tag.get("label") or tag.get("term"))
        if name and name not in found:
            found.append(name)
    return found[:50]
