"""Item links with other schemes than http(s) are dropped at ingest, before any footer."""

from __future__ import annotations

import random

import httpx
from pytest_httpserver import HTTPServer

from bot.deliver.rendering import render_for_route
from bot.ingest.links import web_url
from bot.ingest.poller import Poller
from storage import articles
from storage.db import Database
from tests.test_ingest_poller import Clock, Config, Item, Site, add, serve

HOSTILE = [
    "tg://proxy?server=evil.example&port=443&secret=00",
    "javascript:alert(document.cookie)",
    "file:///etc/passwd",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https:no-host",
]


async def _ignore(_text: str) -> None:
    return None


def test_web_url_keeps_only_http_and_https() -> None:
    for url in HOSTILE:
        assert web_url(url) is None, url
    assert web_url(" HTTPS://news.example/a?b=1 ") == "HTTPS://news.example/a?b=1"
    assert web_url("http://新闻.example/文章") == "http://新闻.example/文章"
    assert web_url(None) is None and web_url("") is None


async def test_hostile_links_never_reach_a_stored_article_or_its_footer(
    db: Database, httpserver: HTTPServer
) -> None:
    clock = Clock()
    site = Site(
        [Item(f"g-{n}", url, f"Story {n}", f"Text of story {n}.") for n, url in enumerate(HOSTILE)]
        + [Item("g-ok", "https://news.example/ok", "Story ok", "Fine text.")]
    )
    await add(db, serve(httpserver, "/feed", site), clock, backfill=len(HOSTILE) + 1)
    async with httpx.AsyncClient() as http:
        poller = Poller(db, http, Config(), _ignore, clock, rng=random.Random(1), tick_wait=0)
        report = await poller.run_until_idle()
    assert len(report.new_article_ids) == len(HOSTILE) + 1
    async with db.begin() as conn:
        stored = [await articles.get_article(conn, i) for i in report.new_article_ids]
    urls = {a.title: a.url for a in stored if a is not None}
    assert urls.pop("Story ok") == "https://news.example/ok"
    assert set(urls.values()) == {None}
    for article in stored:
        assert article is not None
        links = [
            e.url for m in render_for_route(article, {}) for e in m.entities if e.url is not None
        ]
        assert all(link.lower().startswith(("http://", "https://")) for link in links), links
