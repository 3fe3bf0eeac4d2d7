"""Cross-feed de-duplication per chat: canonical links, same text, through the stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pytest_httpserver import HTTPServer

from bot.config import Settings
from bot.models import Article
from bot.routing.canonical import canonical_url, content_key
from bot.runtime import Runtime, runtime
from bot.standin import FakeBotAPIRequest, FakeTelegram
from storage import feeds, route_outcomes, routes
from storage.db import Database
from tests.test_routing_readers import _rss

NEWS, OTHER = -1004000000011, -1004000000012
LONG = "港口扩建工程今天正式开工，预计三年后完工。" * 12 + " The port expansion starts today. " * 4


def test_canonical_url_drops_tracking_and_noise() -> None:
    base = "https://news.example/2025/port-expansion?id=7"
    for variant in (
        "http://www.news.example/2025/port-expansion/?utm_source=rss&id=7&utm_medium=feed",
        "https://NEWS.example:443/2025//port-expansion?fbclid=abc&id=7#comments",
        "https://news.example/2025/port-expansion?id=7&gclid=x&mc_cid=1",
    ):
        assert canonical_url(variant) == canonical_url(base)
    assert canonical_url("https://news.example/2025/port-expansion?id=8") != canonical_url(base)
    assert canonical_url("https://news.example/other?id=7") != canonical_url(base)
    # front pages, other schemes and garbage identify nothing
    for nothing in ("https://news.example/", "https://www.news.example", "mailto:x@y", "", None):
        assert canonical_url(nothing) is None
    assert canonical_url("http://[::1") is None


def test_content_key_needs_enough_text() -> None:
    assert content_key(Article(title="a", content_markdown="Read more")) is None
    one = content_key(Article(title="a", content_markdown=LONG))
    assert one is not None
    spaced = LONG.replace("。", "。\n\n").upper()
    assert content_key(Article(title="b", content_markdown=spaced)) == one
    assert content_key(Article(title="c", content_markdown=LONG + "!")) != one


@pytest.fixture
async def rt(db: Database) -> AsyncIterator[tuple[Runtime, FakeTelegram]]:
    fake = FakeTelegram()
    fake.add_channel(NEWS, "News")
    fake.add_channel(OTHER, "Other")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        send_per_chat_per_second=100.0,
        send_per_group_per_minute=6000,
        send_global_per_second=1000.0,
    )
    async with runtime(
        settings, token=fake.token, request=FakeBotAPIRequest(fake), db=db, with_jobs=False
    ) as running:
        yield running, fake


async def test_same_article_from_two_feeds_is_posted_once_per_chat(
    rt: tuple[Runtime, FakeTelegram], httpserver: HTTPServer
) -> None:
    runtime_, fake = rt
    first = [("Port expansion begins", "Short teaser.", "Ada")]
    second = [("Port expansion begins (wire copy)", "Other teaser.", "Wire")]
    third = [("Same text, other link", LONG, "Bo"), ("A different story", "Short.", "Bo")]
    fourth = [("Same text again", LONG.replace("。", "。 "), "Cy")]
    httpserver.expect_request("/a.xml").respond_with_data(
        _rss(first).replace("https://wire.example/0", "https://port.example/news/1?utm_source=a")
    )
    httpserver.expect_request("/b.xml").respond_with_data(
        _rss(second).replace("https://wire.example/0", "http://www.port.example/news/1/?fbclid=b")
    )
    httpserver.expect_request("/c.xml").respond_with_data(_rss(third))
    httpserver.expect_request("/d.xml").respond_with_data(
        _rss(fourth).replace("https://wire.example/0", "https://elsewhere.example/x")
    )
    route_ids: dict[str, list[int]] = {}
    async with runtime_.db.begin() as conn:
        for name in ("a", "b", "c", "d"):
            feed = await feeds.add_feed(conn, httpserver.url_for(f"/{name}.xml"), backfill=5)
            chats = (NEWS, OTHER) if name == "a" else (NEWS,)
            route_ids[name] = [(await routes.add_route(conn, feed.id, c)).id for c in chats]
    await runtime_.poller.run_until_idle()
    await runtime_.publisher.run_once()

    news = "\n".join(fake.texts(NEWS))
    assert news.count("Port expansion begins") == 1  # one of the two link variants
    assert sum(title in news for title in ("Same text, other link", "Same text again")) == 1
    assert "A different story" in news
    assert "Port expansion begins" in "\n".join(fake.texts(OTHER))  # another chat: its own
    async with runtime_.db.begin() as conn:
        counts = await route_outcomes.outcome_counts(conn)
    duplicates = sum(c.get("duplicate", 0) for c in counts.values())
    assert duplicates == 2
    assert counts.get(route_ids["a"][1], {}) == {}
