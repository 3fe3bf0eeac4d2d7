"""Check a feed URL before storing it: fetch once, parse, say what was found or why not.

`chatwire feeds add` and `/addfeed` call this so a typo, an HTML page or a dead host
is refused at once with one line, instead of failing quietly at every poll.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from bot.ingest.fetch import FetchError, fetch
from bot.ingest.parse import FeedParseError, parse_feed


class FeedCheckError(ValueError):
    """The URL does not give a usable feed; the message says what it gives instead."""


@dataclass(frozen=True, slots=True)
class FeedFound:
    url: str
    title: str | None
    language: str | None
    items: int
    newest_title: str | None

    def summary(self) -> str:
        """One line: title, language, item count, newest item's title."""
        parts = [
            f"{self.title or '(untitled feed)'}",
            f"language {self.language or 'not declared'}",
            f"{self.items} item{'s' if self.items != 1 else ''}",
        ]
        if self.newest_title:
            parts.append(f"newest: {self.newest_title}")
        return " · ".join(parts)


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x7fELF", "an executable (ELF)"),
    (b"\x1f\x8b", "gzip-compressed data"),
)
_DNS = re.compile(r"name or service not known|nodename nor servname|no address|getaddrinfo", re.I)
_REFUSED = re.compile(r"connection refused|errno 111|connect call failed", re.I)


def what_it_is(data: bytes, content_type: str) -> str:
    """A few words for content that is not a feed: an HTML page, plain text, an image…"""
    head = data[:512]
    for magic, words in _MAGIC:
        if head.startswith(magic):
            return words
    if head[8:12] == b"WEBP":
        return "a WebP image"
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind.startswith("image/"):
        return f"an image ({kind})"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or kind in (
        "text/html",
        "application/xhtml+xml",
    ):
        return "an HTML page"
    if b"\x00" in head:
        return f"binary data ({kind})" if kind else "binary data"
    if kind == "application/json" or lowered.startswith((b"{", b"[")):
        return "JSON that is not a JSON Feed"
    if lowered.startswith(b"<"):
        return "XML that is not RSS, Atom or RDF"
    return "plain text"


async def _why_no_connection(host: str, port: int) -> str | None:
    """httpx often says only 'All connection attempts failed': ask the network once more."""
    loop = asyncio.get_running_loop()
    try:
        await loop.getaddrinfo(host, port)
    except OSError:
        return f"DNS lookup failed: no such host {host}"
    try:
        async with asyncio.timeout(5):
            _reader, writer = await asyncio.open_connection(host, port)
        writer.close()
    except ConnectionRefusedError:
        return f"connection refused by {host}:{port}"
    except TimeoutError:
        return f"no answer from {host}:{port} (connection timed out)"
    except OSError as exc:
        return f"cannot connect to {host}:{port}: {exc.strerror or exc}"
    return None


async def _fetch_message(url: str, exc: FetchError) -> str:
    parts = urlsplit(url)
    host = parts.hostname or url
    port = parts.port or (443 if parts.scheme == "https" else 80)
    text = exc.message
    if exc.status is not None:
        return f"{url}: the server answered {text}"
    if _DNS.search(text):
        return f"{url}: DNS lookup failed: no such host {host}"
    if _REFUSED.search(text):
        return f"{url}: connection refused by {host}:{port}"
    if "ConnectError" in text or text.startswith("could not connect"):
        found = await _why_no_connection(host, port)
        if found:
            return f"{url}: {found}"
    if text.startswith("body too large"):
        return f"{url}: too large ({text})"
    return f"{url}: {text}"


async def check_feed(
    client: httpx.AsyncClient, url: str, *, time_limit: float, max_bytes: int
) -> FeedFound:
    """Fetch and parse `url` once; FeedCheckError (one line) when it is not a usable feed."""
    try:
        result = await fetch(client, url, time_limit=time_limit, max_bytes=max_bytes)
    except FetchError as exc:
        raise FeedCheckError(await _fetch_message(url, exc)) from None
    if result.content is None:
        raise FeedCheckError(f"{url}: the server sent an empty answer (HTTP {result.status})")
    try:
        parsed = await asyncio.to_thread(parse_feed, result.content, result.url, result.headers)
    except FeedParseError as exc:
        found = what_it_is(result.content, result.headers.get("content-type", ""))
        detail = ""
        if "links to a feed at" in exc.message:
            detail = " (" + exc.message.split("(", 1)[1].rstrip(")") + ")"
        elif found.startswith("XML") or exc.message.startswith("refused"):
            detail = f" ({exc.message})"
        raise FeedCheckError(f"{url}: not a feed: got {found}{detail}") from None
    newest = max(
        parsed.items,
        key=lambda item: item.published.timestamp() if item.published else float("-inf"),
        default=None,
    )
    if newest is not None and all(item.published is None for item in parsed.items):
        newest = parsed.items[0]  # feeds list newest first when they give no dates
    return FeedFound(
        url=result.url,
        title=parsed.title,
        language=parsed.language,
        items=len(parsed.items),
        newest_title=newest.title if newest is not None else None,
    )
