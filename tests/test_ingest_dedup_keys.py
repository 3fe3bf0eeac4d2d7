"""Each de-duplication key on its own: guid, then link, then title + content.

Every case changes the other keys (and the content where the key is not the
content), so no later key of the chain can hide a broken earlier one.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

import httpx
from pytest_httpserver import HTTPServer

from bot.ingest import dedup
from bot.ingest.poller import Poller, PollReport
from bot.models import FeedItem
from storage import articles
from storage.articles import KnownArticle
from storage.db import Database
from storage.schema import articles as articles_table
from tests.test_ingest_poller import Clock, Config, Item, Site, add, count, next_cycle, serve

WHEN = datetime(2025, 1, 2, 8, tzinfo=UTC)
KNOWN = [
    KnownArticle(1, "guid-1", "https://site.example/one", "One", "hash-1", {}),
    KnownArticle(2, None, "https://site.example/two", "Two", "hash-2", {}),
]


async def _ignore(_text: str) -> None:
    return None


def test_match_known_by_guid_alone() -> None:
    item = FeedItem("guid-1", "https://site.example/moved", "Renamed")
    assert dedup.match_known(item, KNOWN, set()) == KNOWN[0]


def test_match_known_by_link_alone() -> None:
    item = FeedItem("guid-new", "https://site.example/two", "Renamed")
    assert dedup.match_known(item, KNOWN, set()) == KNOWN[1]
    # a link that several items of the document share identifies none of them
    assert dedup.match_known(item, KNOWN, {"https://site.example/two"}) is None


def test_match_known_needs_a_key() -> None:
    assert (
        dedup.match_known(FeedItem("other", "https://site.example/3", "One"), KNOWN, set()) is None
    )


async def _poll_twice(
    db: Database, httpserver: HTTPServer, first: Item, second: Item
) -> tuple[PollReport, list[tuple[str | None, str | None, str]]]:
    clock = Clock()
    site = Site([first])
    feed = await add(db, serve(httpserver, "/feed", site), clock, backfill=1)
    async with httpx.AsyncClient() as http:
        poller = Poller(db, http, Config(), _ignore, clock, rng=random.Random(2), tick_wait=0)
        assert len((await poller.run_until_idle()).new_article_ids) == 1
        site.items = [second]
        report = await next_cycle(poller, clock, db, feed.id)
    async with db.begin() as conn:
        stored = await articles.latest_articles(conn, limit=10)
    return report, [(a.guid, a.url, a.content_markdown) for a in stored]


async def test_guid_kept_with_link_and_content_changed_is_the_same_article(
    db: Database, httpserver: HTTPServer
) -> None:
    before = Item("g-1", "https://site.example/a", "Story", "First version of the text.", WHEN)
    after = Item(
        "g-1", "https://site.example/a-moved", "Story", "Corrected text, much changed.", WHEN
    )
    report, stored = await _poll_twice(db, httpserver, before, after)
    assert report.new_article_ids == [] and len(report.updated) == 1
    assert stored == [("g-1", "https://site.example/a-moved", "Corrected text, much changed.")]


async def test_link_kept_with_guid_and_content_changed_is_the_same_article(
    db: Database, httpserver: HTTPServer
) -> None:
    before = Item("g-1", "https://site.example/a", "Story", "First version of the text.", WHEN)
    after = Item(
        "g-churned", "https://site.example/a", "Story", "Corrected text, much changed.", WHEN
    )
    report, stored = await _poll_twice(db, httpserver, before, after)
    assert report.new_article_ids == [] and len(report.updated) == 1
    assert stored == [("g-churned", "https://site.example/a", "Corrected text, much changed.")]


async def test_guid_and_link_changed_with_the_same_content_is_the_same_article(
    db: Database, httpserver: HTTPServer
) -> None:
    before = Item("g-1", "https://site.example/a", "Story", "The same text in both.", WHEN)
    after = Item("g-2", "https://site.example/b", "Story", "The same text in both.", WHEN)
    report, _stored = await _poll_twice(db, httpserver, before, after)
    assert report.new_article_ids == [] and report.updated == []
    assert await count(db, articles_table) == 1


async def test_all_keys_changed_is_a_new_article(db: Database, httpserver: HTTPServer) -> None:
    """The control: with every key changed, the chain must not match."""
    before = Item("g-1", "https://site.example/a", "Story", "First text.", WHEN)
    after = Item("g-2", "https://site.example/b", "Story", "Another story's text.", WHEN)
    report, _stored = await _poll_twice(db, httpserver, before, after)
    assert len(report.new_article_ids) == 1
    assert await count(db, articles_table) == 2
