"""Checks before storing: `feeds add` and `/addfeed` fetch the feed once and refuse,
with one line saying what they got, anything that is not a usable feed."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bot.feedcheck import FeedCheckError, check_feed
from bot.ingest.fetch import make_http_client
from storage.db import Database
from tests.cli_helpers import run_chatwire
from tests.test_feedback_support import ADMIN, CHANNEL, make_settings, make_world

FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour news</title>'
    "<language>en-gb</language>"
    "<item><title>Older</title><link>https://h.example/1</link>"
    "<pubDate>Mon, 03 Nov 2025 08:00:00 GMT</pubDate></item>"
    "<item><title>Tide power station opens</title><link>https://h.example/2</link>"
    "<pubDate>Tue, 04 Nov 2025 08:00:00 GMT</pubDate></item>"
    "</channel></rss>"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with make_http_client(2) as client:
        yield client


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_a_feed_is_described(httpserver: HTTPServer, http: httpx.AsyncClient) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED, content_type="application/rss+xml")
    found = await check_feed(http, httpserver.url_for("/feed"), time_limit=5, max_bytes=1 << 20)
    assert (found.title, found.language, found.items) == ("Harbour news", "en-gb", 2)
    assert found.newest_title == "Tide power station opens"
    assert found.summary() == (
        "Harbour news · language en-gb · 2 items · newest: Tide power station opens"
    )


@pytest.mark.parametrize(
    ("body", "content_type", "status", "expected"),
    [
        ("<!DOCTYPE html><html><body>Hi</body></html>", "text/html", 200, "got an HTML page"),
        ("just some words\nand more", "text/plain", 200, "got plain text"),
        (PNG, "image/png", 200, "got a PNG image"),
        ("missing", "text/plain", 404, "the server answered HTTP 404"),
        ('{"hello": 1}', "application/json", 200, "not a feed"),
        (  # UTF-16 XML that declares entities: the refusal is named, not "binary data"
            '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE r [<!ENTITY a "aaaa">]>'
            "<rss><channel><title>&a;</title></channel></rss>".encode("utf-16"),
            "application/rss+xml",
            200,
            "possible XML bomb",
        ),
    ],
)
async def test_what_is_not_a_feed_is_named(
    httpserver: HTTPServer,
    http: httpx.AsyncClient,
    body: str | bytes,
    content_type: str,
    status: int,
    expected: str,
) -> None:
    httpserver.expect_request("/x").respond_with_data(body, status, content_type=content_type)
    url = httpserver.url_for("/x")
    with pytest.raises(FeedCheckError) as info:
        await check_feed(http, url, time_limit=5, max_bytes=1 << 20)
    assert str(info.value).startswith(f"{url}: ")
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


async def test_network_failures_are_named(httpserver: HTTPServer, http: httpx.AsyncClient) -> None:
    with pytest.raises(FeedCheckError, match=r"DNS lookup failed: no such host nohost\.invalid"):
        await check_feed(http, "http://nohost.invalid/feed", time_limit=5, max_bytes=1 << 20)
    port = closed_port()
    with pytest.raises(FeedCheckError, match=f"connection refused by 127.0.0.1:{port}"):
        await check_feed(http, f"http://127.0.0.1:{port}/feed", time_limit=5, max_bytes=1 << 20)
    httpserver.expect_request("/big").respond_with_data(FEED + " " * 50_000)
    with pytest.raises(FeedCheckError, match="too large"):
        await check_feed(http, httpserver.url_for("/big"), time_limit=5, max_bytes=10_000)

    def slow(request: Request) -> Response:
        time.sleep(1.5)
        return Response(FEED)

    httpserver.expect_request("/slow").respond_with_handler(slow)
    with pytest.raises(FeedCheckError, match=r"timed out after 0\.3 s"):
        await check_feed(http, httpserver.url_for("/slow"), time_limit=0.3, max_bytes=1 << 20)


def test_feeds_add_stores_nothing_when_the_check_fails(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/page").respond_with_data(
        "<html><head><title>Blog</title></head><body>Hi</body></html>", content_type="text/html"
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}",
    }

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return run_chatwire(*args, env=env, cwd=tmp_path)

    url = httpserver.url_for("/page")
    refused = cli("feeds", "add", url, "--channel", "-1001")
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        f"chatwire feeds: error: {url}: not a feed: got an HTML page"
    ]
    assert "no feeds yet" in cli("feeds", "list").stdout
    forced = cli("feeds", "add", url, "--channel", "-1001", "--no-check")
    assert forced.returncode == 0, forced.stderr
    assert url in cli("feeds", "list").stdout


async def test_addfeed_in_chat_checks_the_feed(db: Database, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/page").respond_with_data("<html>x</html>", content_type="text/html")
    httpserver.expect_request("/feed").respond_with_data(FEED, content_type="application/rss+xml")
    settings = make_settings(allow_private_feed_urls=True)
    async with make_world(db, settings=settings) as world:
        await world.private(ADMIN, f"/addfeed {httpserver.url_for('/page')} @news_channel")
        assert world.last(ADMIN).body == (
            f"Not added: {httpserver.url_for('/page')}: not a feed: got an HTML page"
        )
        await world.private(ADMIN, f"/addfeed {httpserver.url_for('/feed')} @news_channel")
        answer = world.last(ADMIN).body
        assert answer.startswith("Added feed #1:") and f"News ({CHANNEL})" in answer
        assert answer.endswith(
            "Found: Harbour news · language en-gb · 2 items · newest: Tide power station opens"
        )
