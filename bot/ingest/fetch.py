"""Polite HTTP for feeds and article pages.

Conditional GET, a hard deadline, a size cap counted on the *decoded* body (a
gzip bomb stops at the cap, not after it has filled memory), and the cache
hints a server gives (Cache-Control max-age, Retry-After) passed back so the
scheduler can honour them.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from bot.tls import shared_tls_context
from bot.urlsafety import UnsafeURLError, URLGuard, guarded_transport

USER_AGENT = "chatwire/0.1 (+https://github.com/chatwire)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, "
    "application/json;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
PERMANENT_REDIRECTS = frozenset({301, 308})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
DISCARD_LIMIT = 64 * 1024
MAX_REDIRECTS = 10
GZIP_MAGIC = b"\x1f\x8b"


class FetchError(Exception):
    """The fetch failed; `message` is short enough to store as a feed's last error."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


@dataclass(slots=True)
class FetchResult:
    """What came back. `content` is None when the resource is unchanged."""

    url: str
    status: int
    content: bytes | None
    headers: dict[str, str] = field(default_factory=dict)
    permanent_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    max_age: float | None = None
    retry_after: float | None = None

    @property
    def unchanged(self) -> bool:
        return self.content is None


def make_http_client(concurrency: int, *, guard: URLGuard | None = None) -> httpx.AsyncClient:
    """The client the poller wants: a small keep-alive pool, and with `guard` the SSRF guard.

    A guarded client checks every hop's scheme and port and connects only to
    addresses the guard resolved and checked (no second DNS lookup can switch
    them). httpcore scans its whole pool on each request, so a pool much larger
    than the poll concurrency costs CPU on every poll (measured in bench/poll.py).
    """
    limits = httpx.Limits(max_connections=concurrency * 2, max_keepalive_connections=concurrency)
    if guard is None:
        return httpx.AsyncClient(
            headers={"User-Agent": USER_AGENT}, limits=limits, verify=shared_tls_context()
        )
    return httpx.AsyncClient(
        headers={"User-Agent": USER_AGENT},
        transport=guarded_transport(guard, limits),
        event_hooks={"request": [guard.request_hook]},
        trust_env=False,
    )


def parse_max_age(cache_control: str | None) -> float | None:
    """Seconds from `Cache-Control: max-age=N`, ignoring `no-cache`/`no-store` ones."""
    if not cache_control:
        return None
    directives = [part.strip().lower() for part in cache_control.split(",")]
    if any(d in ("no-cache", "no-store") for d in directives):
        return None
    for directive in directives:
        name, _, value = directive.partition("=")
        if name.strip() == "max-age":
            try:
                return max(0.0, float(int(value.strip().strip('"'))))
            except ValueError:
                return None
    return None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from `Retry-After`, given either as seconds or as an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class _Decoder:
    """Incremental Content-Encoding decoder that never yields more than it is asked for."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._zlib: zlib._Decompress | None = None
        self._first = True
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj()
        elif encoding not in ("", "identity"):
            raise FetchError(f"unsupported Content-Encoding: {encoding}")

    def decode(self, chunk: bytes, limit: int) -> tuple[bytes, bool]:
        """Decode `chunk`, returning at most `limit` bytes and whether more were pending."""
        if self._zlib is None:
            return chunk[:limit], len(chunk) > limit
        try:
            out = self._decompress(chunk, limit)
        except zlib.error as exc:
            raise FetchError(f"corrupt {self.encoding} body: {exc}") from None
        return out, bool(self._zlib.unconsumed_tail)

    def _decompress(self, chunk: bytes, limit: int) -> bytes:
        assert self._zlib is not None
        if self.encoding == "deflate" and self._first:
            self._first = False
            try:
                probe = zlib.decompressobj()
                out = probe.decompress(chunk, limit)
                self._zlib = probe
                return out
            except zlib.error:  # raw deflate without the zlib header
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
        out = self._zlib.decompress(chunk, limit)
        # A gzip stream may hold several members; continue with the next one.
        while self._zlib.eof and self._zlib.unused_data and len(out) < limit:
            rest = self._zlib.unused_data
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out += self._zlib.decompress(rest, limit - len(out))
        return out


async def read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, refused as soon as it passes `max_bytes`."""
    declared = response.headers.get("content-length", "")
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if declared.isdigit() and int(declared) > max_bytes and encoding in ("", "identity"):
        raise FetchError(f"body too large: {int(declared)} bytes (limit {max_bytes})")
    decoder = _Decoder(encoding)
    parts: list[bytes] = []
    size = 0
    async for chunk in response.aiter_raw():
        out, pending = decoder.decode(chunk, max_bytes - size + 1)
        size += len(out)
        if size > max_bytes or pending:
            raise FetchError(f"body too large: over {max_bytes} bytes after decoding")
        parts.append(out)
    body = b"".join(parts)
    if body.startswith(GZIP_MAGIC) and decoder.encoding in ("", "identity"):
        return _gunzip_undeclared(body, max_bytes)
    return body


def _gunzip_undeclared(body: bytes, max_bytes: int) -> bytes:
    """A gzip file served without Content-Encoding (a static feed.xml.gz, a misconfigured
    server): decoded under the same cap, so a bomb stops there too."""
    out, pending = _Decoder("gzip").decode(body, max_bytes + 1)
    if len(out) > max_bytes or pending:
        raise FetchError(f"body too large: over {max_bytes} bytes after decoding")
    return out


def _conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


async def _discard(response: httpx.Response, limit: int = DISCARD_LIMIT) -> None:
    """Read and drop a small unwanted body so the connection can be reused (keep-alive)."""
    read = 0
    async for chunk in response.aiter_raw():
        read += len(chunk)
        if read > limit:
            break


@asynccontextmanager
async def _follow(
    client: httpx.AsyncClient, url: str, headers: Mapping[str, str], request_timeout: float
) -> AsyncIterator[tuple[httpx.Response, str | None]]:
    """The final response of a redirect chain, with the permanent new URL if any.

    Redirects are followed by hand so each hop's status is known: only a chain
    made entirely of 301/308 moves the feed.
    """
    permanent = True
    hops = 0
    current = url
    while True:
        request = client.build_request(
            "GET", current, headers=dict(headers), timeout=request_timeout
        )
        response = await client.send(request, stream=True, follow_redirects=False)
        if response.status_code not in REDIRECTS:
            new_url = current if permanent and current != url else None
            try:
                yield response, new_url
            finally:
                await response.aclose()
            return
        await _discard(response)
        await response.aclose()
        hops += 1
        if hops > MAX_REDIRECTS:
            raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})")
        location = response.headers.get("location")
        if not location:
            raise FetchError(f"redirect {response.status_code} without a Location header")
        target = response.url.join(location)
        if target.scheme not in ("http", "https"):
            raise FetchError(f"redirect to a non-http URL refused: {target}")
        permanent = permanent and response.status_code in PERMANENT_REDIRECTS
        current = str(target)


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    time_limit: float,
    max_bytes: int,
    etag: str | None = None,
    last_modified: str | None = None,
    accept: str = FEED_ACCEPT,
) -> FetchResult:
    """GET `url` within `time_limit` seconds overall; raise FetchError on any failure.

    304 and an empty 200 both come back as unchanged (`content` None).
    """
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": accept,
        "Accept-Encoding": "gzip, deflate",
        **_conditional_headers(etag, last_modified),
    }
    try:
        async with asyncio.timeout(time_limit):
            async with _follow(client, url, headers, time_limit) as (response, new_url):
                return await _result(response, new_url, max_bytes)
    except TimeoutError:
        raise FetchError(f"timed out after {time_limit:g} s") from None
    except httpx.InvalidURL as exc:
        raise FetchError(f"invalid URL: {exc}") from None
    except httpx.HTTPError as exc:
        raise FetchError(_transport_message(exc)) from None
    except UnsafeURLError as exc:
        raise FetchError(f"refused: {exc}") from None


async def _result(response: httpx.Response, new_url: str | None, max_bytes: int) -> FetchResult:
    status = response.status_code
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    if status >= 400:
        await _discard(response)
        reason = response.reason_phrase or "error"
        raise FetchError(f"HTTP {status} {reason}", status=status, retry_after=retry_after)
    content: bytes | None = None
    if status == 304:
        await _discard(response)
    else:
        content = await read_capped(response, max_bytes)
        if not content.strip():
            content = None
    return FetchResult(
        url=str(response.url),
        status=status,
        content=content,
        headers={k.lower(): v for k, v in response.headers.items()},
        permanent_url=new_url,
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
        max_age=parse_max_age(response.headers.get("cache-control")),
        retry_after=retry_after,
    )


_TRANSPORT_WORDS: tuple[tuple[type[httpx.HTTPError], str], ...] = (
    (httpx.ConnectError, "could not connect"),
    (httpx.ReadError, "connection reset or closed while reading the response"),
    (httpx.WriteError, "connection reset or closed while sending the request"),
    (httpx.ProtocolError, "the server broke off the HTTP exchange"),
)


def _transport_message(exc: httpx.HTTPError) -> str:
    """A line an admin can act on: httpx often raises ReadError with no text at all."""
    kind = type(exc).__name__
    detail = str(exc).strip()
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({kind})"
    if detail:
        return f"{kind}: {detail}"
    words = next((w for t, w in _TRANSPORT_WORDS if isinstance(exc, t)), "network error")
    return f"{words} ({kind})"
