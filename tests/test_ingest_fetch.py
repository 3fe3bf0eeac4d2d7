from __future__ import annotations

import gzip
import threading
import zlib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bot.ingest.fetch import (
    USER_AGENT,
    FetchError,
    fetch,
    make_http_client,
    parse_max_age,
    parse_retry_after,
)
from bot.ingest.parse import parse_feed
from bot.urlsafety import URLGuard

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
LIMIT = 64 * 1024


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as http:
        yield http


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set at teardown so a handler blocked on it lets the server go."""
    event = threading.Event()
    yield event
    event.set()


async def test_conditional_get_sends_validators_and_304_is_unchanged(
    httpserver: HTTPServer, client: httpx.AsyncClient
) -> None:
    seen: list[dict[str, str]] = []

    def handler(request: Request) -> Response:
        seen.append(dict(request.headers))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(
            RSS,
            headers={"ETag": '"v1"', "Last-Modified": "Tue, 28 Jan 2025 09:00:00 GMT"},
            content_type="application/rss+xml",
        )

    httpserver.expect_request("/feed").respond_with_handler(handler)
    first = await fetch(client, httpserver.url_for("/feed"), time_limit=5, max_bytes=LIMIT)
    assert first.content == RSS and first.etag == '"v1"'
    assert first.last_modified == "Tue, 28 Jan 2025 09:00:00 GMT"
    again = await fetch(
        client,
        httpserver.url_for("/feed"),
        time_limit=5,
        max_bytes=LIMIT,
        etag=first.etag,
        last_modified=first.last_modified,
    )
    assert again.unchanged and again.status == 304
    assert "If-None-Match" not in seen[0]
    assert seen[1]["If-None-Match"] == '"v1"'
    assert seen[1]["If-Modified-Since"] == "Tue, 28 Jan 2025 09:00:00 GMT"
    assert seen[0]["User-Agent"] == USER_AGENT and "chatwire" in USER_AGENT


async def test_empty_200_is_unchanged(httpserver: HTTPServer, client: httpx.AsyncClient) -> None:
    httpserver.expect_request("/empty").respond_with_data(b"  \n", content_type="text/xml")
    result = await fetch(client, httpserver.url_for("/empty"), time_limit=5, max_bytes=LIMIT)
    assert result.unchanged and result.status == 200


async def test_permanent_redirect_chain_reports_new_url(
    httpserver: HTTPServer, client: httpx.AsyncClient
) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/older"}
    )
    httpserver.expect_request("/older").respond_with_data(
        "", status=308, headers={"Location": httpserver.url_for("/new")}
    )
    httpserver.expect_request("/new").respond_with_data(RSS)
    result = await fetch(client, httpserver.url_for("/old"), time_limit=5, max_bytes=LIMIT)
    assert result.content == RSS
    assert result.permanent_url == httpserver.url_for("/new")


async def test_temporary_redirect_is_not_saved(
    httpserver: HTTPServer, client: httpx.AsyncClient
) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=301, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/c"})
    httpserver.expect_request("/c").respond_with_data(RSS)
    result = await fetch(client, httpserver.url_for("/a"), time_limit=5, max_bytes=LIMIT)
    assert result.content == RSS and result.permanent_url is None
    assert result.url == httpserver.url_for("/c")


async def test_redirect_loop_is_an_error(httpserver: HTTPServer, client: httpx.AsyncClient) -> None:
    httpserver.expect_request("/loop").respond_with_data(
        "", status=302, headers={"Location": "/loop"}
    )
    with pytest.raises(FetchError, match="too many redirects"):
        await fetch(client, httpserver.url_for("/loop"), time_limit=5, max_bytes=LIMIT)


async def test_server_error_carries_status_and_retry_after(
    httpserver: HTTPServer, client: httpx.AsyncClient
) -> None:
    httpserver.expect_request("/busy").respond_with_data(
        "try later", status=503, headers={"Retry-After": "120"}
    )
    with pytest.raises(FetchError) as info:
        await fetch(client, httpserver.url_for("/busy"), time_limit=5, max_bytes=LIMIT)
    assert info.value.status == 503 and info.value.retry_after == 120
    assert "HTTP 503" in info.value.message


async def test_slow_server_times_out(
    httpserver: HTTPServer, client: httpx.AsyncClient, release: threading.Event
) -> None:
    def slow(_request: Request) -> Response:
        release.wait(10)
        return Response(RSS)

    httpserver.expect_request("/slow").respond_with_handler(slow)
    with pytest.raises(FetchError, match="timed out"):
        await fetch(client, httpserver.url_for("/slow"), time_limit=0.3, max_bytes=LIMIT)


async def test_dead_host_is_a_clear_error(client: httpx.AsyncClient) -> None:
    with pytest.raises(FetchError, match="ConnectError"):
        await fetch(client, "http://127.0.0.1:9/feed", time_limit=5, max_bytes=LIMIT)


async def test_declared_oversize_is_refused(
    httpserver: HTTPServer, client: httpx.AsyncClient
) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * (LIMIT + 1))
    with pytest.raises(FetchError, match="too large"):
        await fetch(client, httpserver.url_for("/big"), time_limit=5, max_bytes=LIMIT)


async def test_streamed_oversize_without_length_is_refused(
    httpserver: HTTPServer, client: httpx.AsyncClient
) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"y" * 4096

    httpserver.expect_request("/stream").respond_with_response(Response(chunks()))
    with pytest.raises(FetchError, match="too large"):
        await fetch(client, httpserver.url_for("/stream"), time_limit=5, max_bytes=LIMIT)


async def test_gzip_bomb_is_stopped_at_the_cap(
    httpserver: HTTPServer, client: httpx.AsyncClient
) -> None:
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < LIMIT  # small on the wire, 50 MiB once decoded
    httpserver.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="after decoding"):
        await fetch(client, httpserver.url_for("/bomb"), time_limit=5, max_bytes=LIMIT)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
async def test_compressed_bodies_are_decoded(
    httpserver: HTTPServer, client: httpx.AsyncClient, encoding: str
) -> None:
    body = RSS * 50
    if encoding == "gzip":
        data = gzip.compress(body)
    elif encoding == "deflate":
        data = zlib.compress(body)
    else:
        squeezer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        data = squeezer.compress(body) + squeezer.flush()
    name = "deflate" if "deflate" in encoding else "gzip"
    httpserver.expect_request("/z").respond_with_data(data, headers={"Content-Encoding": name})
    result = await fetch(client, httpserver.url_for("/z"), time_limit=5, max_bytes=LIMIT)
    assert result.content == body


async def test_cache_hints_are_returned(httpserver: HTTPServer, client: httpx.AsyncClient) -> None:
    httpserver.expect_request("/hint").respond_with_data(
        RSS, headers={"Cache-Control": "public, max-age=3600"}
    )
    result = await fetch(client, httpserver.url_for("/hint"), time_limit=5, max_bytes=LIMIT)
    assert result.max_age == 3600


async def test_non_http_url_is_refused(client: httpx.AsyncClient) -> None:
    with pytest.raises(FetchError):
        await fetch(client, "ftp://example.com/feed", time_limit=5, max_bytes=LIMIT)


def test_header_parsers() -> None:
    assert parse_max_age("max-age=600") == 600
    assert parse_max_age("no-cache, max-age=600") is None
    assert parse_max_age("max-age=abc") is None
    assert parse_max_age(None) is None
    now = datetime(2025, 1, 28, 9, 0, tzinfo=UTC)
    assert parse_retry_after("30", now) == 30
    assert parse_retry_after("Tue, 28 Jan 2025 09:10:00 GMT", now) == 600
    assert parse_retry_after("soon", now) is None


async def test_client_with_guard_refuses_private_hosts_on_every_hop(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/feed").respond_with_data(RSS)
    async with make_http_client(4, guard=URLGuard(allow_private=False)) as guarded:
        with pytest.raises(FetchError, match=r"refused: .*loopback"):
            await fetch(guarded, httpserver.url_for("/feed"), time_limit=5, max_bytes=LIMIT)
    async with make_http_client(4, guard=URLGuard(allow_private=True)) as open_client:
        result = await fetch(
            open_client, httpserver.url_for("/feed"), time_limit=5, max_bytes=LIMIT
        )
        assert result.content == RSS


CORPUS_FEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "feeds"


async def test_gzip_served_without_content_encoding_is_decoded(
    httpserver: HTTPServer, client: httpx.AsyncClient
) -> None:
    # node-feedparser's compressed.xml: a gzip stream served as plain XML
    data = (CORPUS_FEEDS / "nodefeedparser_compressed_gzip_bytes.xml").read_bytes()
    httpserver.expect_request("/gz").respond_with_data(data, content_type="application/xml")
    result = await fetch(client, httpserver.url_for("/gz"), time_limit=5, max_bytes=LIMIT * 4)
    assert result.content == gzip.decompress(data)
    feed = parse_feed(result.content, httpserver.url_for("/gz"))
    assert len(feed.items) == 10


async def test_an_undeclared_gzip_bomb_is_stopped_at_the_cap(
    httpserver: HTTPServer, client: httpx.AsyncClient
) -> None:
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024), compresslevel=9)
    httpserver.expect_request("/bomb2").respond_with_data(bomb)
    with pytest.raises(FetchError, match="after decoding"):
        await fetch(client, httpserver.url_for("/bomb2"), time_limit=5, max_bytes=LIMIT)
