"""`chatwire preview SOURCE [--json]`: show the messages an article or feed would become.

SOURCE is a file (.html, .txt, .md, or an RSS/Atom/JSON feed — recognised by its content)
or an http(s) URL. Human output shows each message as it would appear (ANSI styles on a
terminal, plain otherwise); `--json` prints the article fields and messages with entities.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import httpx

from bot.content.pipeline import EmptyItem, article_from_text, build_article, format_for_path
from bot.models import Article, OutgoingMessage
from bot.render.messages import message_json
from bot.render.post import render_post
from bot.render.rich import utf16_len
from bot.render.terminal import render_ansi

MAX_BYTES = 10 * 1024 * 1024
TIMEOUT = 20.0
_FEED_MARKERS = (b"<rss", b"<feed", b"<rdf:rdf")


class PreviewError(Exception):
    """Bad input: shown as one line on stderr."""


@dataclass(frozen=True, slots=True)
class _Source:
    data: bytes
    name: str  # file name or URL path, for the extension
    url: str | None
    content_type: str


def is_feed(data: bytes) -> bool:
    """Sniff a feed: <rss, <feed, <rdf:RDF near the start, or a JSON Feed "version"."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            return False
        return isinstance(doc, dict) and "jsonfeed" in str(doc.get("version", ""))
    lowered = head.lower()
    if b"<html" in lowered[:512]:
        return False
    return any(marker in lowered for marker in _FEED_MARKERS)


async def _read(source: str, http: httpx.AsyncClient | None, max_bytes: int = MAX_BYTES) -> _Source:
    if source.startswith(("http://", "https://")):
        return await _fetch(source, http, max_bytes)
    path = Path(source)
    try:
        if (await asyncio.to_thread(path.stat)).st_size > max_bytes:
            raise PreviewError(f"{source}: larger than {max_bytes:,} bytes (FETCH_MAX_BYTES)")
        data = await asyncio.to_thread(path.read_bytes)
    except FileNotFoundError:
        raise PreviewError(f"{source}: no such file") from None
    except OSError as exc:
        raise PreviewError(f"{source}: {exc.strerror or exc}") from None
    return _Source(data, path.name, None, "")


async def _fetch(url: str, http: httpx.AsyncClient | None, max_bytes: int = MAX_BYTES) -> _Source:
    client = http or httpx.AsyncClient(follow_redirects=True, timeout=TIMEOUT)
    try:
        async with client.stream("GET", url, follow_redirects=True) as response:
            if response.status_code >= 400:
                raise PreviewError(f"{url}: HTTP {response.status_code}")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise PreviewError(f"{url}: larger than {max_bytes:,} bytes (FETCH_MAX_BYTES)")
                chunks.append(chunk)
            final = str(response.url)
            ctype = response.headers.get("content-type", "")
    except httpx.HTTPError as exc:
        raise PreviewError(f"{url}: {type(exc).__name__}: {exc}") from None
    finally:
        if http is None:
            await client.aclose()
    return _Source(b"".join(chunks), urlsplit(final).path, final, ctype)


def _decode(data: bytes) -> str:
    from bot.textinput import decode_text  # BOMs, UTF-8, then CJK or Latin by the bytes

    return decode_text(data)


def _articles(src: _Source) -> tuple[list[Article], bool]:
    """The article(s) in `src`, and whether it was a feed."""
    from bot.textinput import binary_kind

    kind = binary_kind(src.data)
    if kind is not None:
        raise PreviewError(f"{src.url or src.name}: {kind}, not an article or a feed")
    if is_feed(src.data):
        from bot.ingest.parse import parse_feed  # lazy: the ingest stage is optional here

        feed = parse_feed(src.data, src.url or "")
        source = feed.title or (urlsplit(feed.link).hostname if feed.link else None)
        built = []
        for item in feed.items:
            try:
                built.append(build_article(item, source=source, feed_language=feed.language))
            except EmptyItem:  # skipped, as the poller does: one empty item spoils nothing
                continue
        return built, True
    text = _decode(src.data)
    if src.url is not None:
        suffix = Path(src.name).suffix.lower()
        fmt = format_for_path(Path(src.name)) if suffix in (".txt", ".md") else "html"
        if "text/plain" in src.content_type:
            fmt = "txt"
        host = urlsplit(src.url).hostname
        return [article_from_text(text, fmt=fmt, url=src.url, source=host)], False
    try:
        fmt = format_for_path(Path(src.name))
    except ValueError as exc:
        raise PreviewError(str(exc)) from None
    return [article_from_text(text, fmt=fmt)], False


def article_json(article: Article, messages: list[OutgoingMessage]) -> dict[str, Any]:
    """The `--json` shape for one article."""
    return {
        "article": {
            "title": article.title,
            "url": article.url,
            "authors": list(article.authors),
            "translator": article.translator,
            "source": article.source,
            "published": article.published.isoformat() if article.published else None,
            "language": article.language,
            "reading_minutes": article.extra.get("reading_minutes"),
        },
        "messages": [message_json(m) for m in messages],
    }


def _human(articles: list[Article], out: TextIO) -> None:
    color = bool(getattr(out, "isatty", lambda: False)())
    for n, article in enumerate(articles):
        if n:
            out.write("\n")
        messages = render_post(article)
        for i, message in enumerate(messages, 1):
            rule = f"── message {i}/{len(messages)} · {utf16_len(message.text)} units"
            rule += f" · {len(message.entities)} entities "
            out.write(("\x1b[2m" + rule + "──\x1b[0m" if color else rule + "──") + "\n")
            out.write(render_ansi(message, color=color) + "\n")


async def run_preview(
    source: str,
    as_json: bool,
    out: TextIO,
    *,
    http: httpx.AsyncClient | None = None,
    max_bytes: int = MAX_BYTES,
) -> int:
    """Print the post(s) SOURCE would become; 0 on success, 1 with one stderr line on bad input."""
    try:
        src = await _read(source, http, max_bytes)
        articles, feed = _articles(src)
    except PreviewError as exc:
        print(f"chatwire preview: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # any parse failure is bad input, reported in one line
        print(f"chatwire preview: {source}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if feed and not articles:
        print(f"chatwire preview: {source}: no items", file=sys.stderr)
        return 0
    if as_json:
        docs = [article_json(a, render_post(a)) for a in articles]
        json.dump(docs if feed else docs[0], out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        _human(articles, out)
    return 0
