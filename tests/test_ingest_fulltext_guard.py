"""Item pages are fetched through the guard, whoever added the feed.

The feed's author chooses each item's link: a trusted (CLI) feed can still
point its items at the operator's LAN, so full text never uses the open client.
"""

from __future__ import annotations

import random

import httpx
from pytest_httpserver import HTTPServer

from bot.ingest.fetch import make_http_client
from bot.ingest.poller import Poller
from bot.urlsafety import URLGuard
from storage import articles
from storage.db import Database
from tests.test_ingest_poller import Clock, Config, Item, Site, add, serve


async def _ignore(_text: str) -> None:
    return None


async def test_a_trusted_feeds_item_page_on_a_private_address_is_not_fetched(
    db: Database, httpserver: HTTPServer
) -> None:
    clock = Clock()
    httpserver.expect_request("/internal").respond_with_data(
        "<html><body><article>" + "<p>Internal secret page text.</p>" * 40 + "</article></body>",
        content_type="text/html",
    )
    inside = httpserver.url_for("/internal").replace("localhost", "127.0.0.1")
    site = Site([Item("i", inside, "Teaser", "Only a teaser… Read more")])
    await add(db, serve(httpserver, "/feed", site), clock, fulltext=True, backfill=1)
    async with httpx.AsyncClient() as http, make_http_client(4, guard=URLGuard()) as guarded:
        poller = Poller(
            db,
            http,
            Config(),
            _ignore,
            clock,
            rng=random.Random(1),
            tick_wait=0,
            guarded_http=guarded,
        )
        report = await poller.run_until_idle()
    assert len(report.new_article_ids) == 1 and not report.errors
    async with db.begin() as conn:
        stored = await articles.get_article(conn, report.new_article_ids[0])
    assert stored is not None and "Only a teaser" in stored.content_markdown
    assert "secret" not in stored.content_markdown
    assert [r.path for r, _ in httpserver.log] == ["/feed"]  # the feed, never the page
