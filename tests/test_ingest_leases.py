"""Fenced feed leases: a poller whose lease ran out writes nothing, and no item is stored twice.

The reproduction: poller A reads the feed's stored articles, then stalls (here:
its article builder blocks) until its lease has passed; poller B claims the feed,
fetches a version of the new item whose content differs, and stores it. When A
wakes up, it must neither insert the item a second time nor overwrite B's state.
"""

from __future__ import annotations

import asyncio
import random
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from bot.content.pipeline import build_article
from bot.ingest.poller import Poller
from bot.models import Article, FeedItem
from storage import articles, feeds
from storage.db import Database
from storage.schema import articles as articles_table
from storage.schema import deliveries as deliveries_table
from tests.test_ingest_poller import (
    Clock,
    Config,
    Item,
    Site,
    add,
    expire_leases,
    items,
    reload,
)


class Versions:
    """A feed whose new item `n` reads differently on every fetch (a live-edited story)."""

    def __init__(self) -> None:
        self.site = Site(items("a"), etag=False)
        self.fetches = 0
        self.with_new = False

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.fetches += 1
        if self.with_new:
            story = Item(
                "g-n",
                "https://site.example/n",
                "Breaking story",
                f"Version {self.fetches} of the breaking story, edited live.",
                datetime(2025, 1, 2, 8, tzinfo=UTC),
            )
            self.site.items = [story, *items("a")]
        body = httpx.ByteStream(self.site.document())
        return httpx.Response(200, stream=body, headers={"Content-Type": "application/rss+xml"})


class Stalling:
    """An article builder that stalls on the item `g-n` until released (once)."""

    def __init__(self) -> None:
        self.armed = False
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, item: FeedItem, **kwargs: Any) -> Article:
        if self.armed and item.guid == "g-n":
            self.armed = False
            self.started.set()
            self.release.wait(20)
        return build_article(item, **kwargs)


def poller(db: Database, http: httpx.AsyncClient, clock: Clock, **kwargs: Any) -> Poller:
    async def notify(_text: str) -> None:
        return None

    return Poller(db, http, Config(), notify, clock, rng=random.Random(3), tick_wait=0, **kwargs)


async def test_a_stalled_poller_neither_reinserts_nor_overwrites(db: Database) -> None:
    clock = Clock()
    server = Versions()
    builder = Stalling()
    async with httpx.AsyncClient(transport=httpx.MockTransport(server.handler)) as http:
        feed = await add(db, "https://site.example/feed", clock)
        stalled = poller(db, http, clock, build_article=builder)
        assert [o.status for o in (await stalled.run_until_idle()).outcomes] == ["baseline"]

        server.with_new = True
        clock.now = (await reload(db, feed.id)).next_poll_at
        builder.armed = True
        first = asyncio.create_task(stalled.run_until_idle())
        assert await asyncio.to_thread(builder.started.wait, 10)

        await expire_leases(db)  # A's lease ran out while it stalled
        taker = poller(db, http, clock)
        report = await taker.run_until_idle()
        assert [o.status for o in report.outcomes] == ["new"]
        after_b = await reload(db, feed.id)

        builder.release.set()
        late = await first
    async with db.begin() as conn:
        stored = (
            await conn.execute(
                sa.select(articles_table.c.id, articles_table.c.content_markdown).where(
                    articles_table.c.guid == "g-n"
                )
            )
        ).all()
        queued = (
            await conn.execute(sa.select(sa.func.count()).select_from(deliveries_table))
        ).scalar_one()
    assert len(stored) == 1, stored
    assert "Version 3" in stored[0].content_markdown  # B's fetch (the 3rd), not A's (the 2nd)
    assert queued == 1
    assert [o.status for o in late.outcomes] == ["lost"]
    final = await reload(db, feed.id)
    assert final.next_poll_at == after_b.next_poll_at  # A wrote no poll result over B's
    assert final.lease_token is None and final.lease_until is None


async def test_a_poll_result_needs_the_lease_token(db: Database) -> None:
    clock = Clock()
    await add(db, "https://site.example/feed", clock)
    async with db.begin() as conn:
        [mine] = await feeds.claim_due_feeds(conn, limit=5, lease=timedelta(minutes=5))
    assert mine.lease_token and mine.lease_until is not None
    await expire_leases(db)
    async with db.begin() as conn:
        [theirs] = await feeds.claim_due_feeds(conn, limit=5, lease=timedelta(minutes=5))
    assert theirs.lease_token != mine.lease_token
    later = clock.now + timedelta(hours=1)
    async with db.begin() as conn:
        written = await feeds.finish_polls(
            conn, [(mine.id, mine.lease_token, {"next_poll_at": later, "last_error": "stale"})]
        )
        assert written == set()
        with pytest.raises(feeds.LeaseLostError):
            await feeds.extend_lease(conn, mine.id, mine.lease_token, timedelta(minutes=5))
    async with db.begin() as conn:
        await feeds.extend_lease(conn, theirs.id, theirs.lease_token, timedelta(minutes=5))
        written = await feeds.finish_polls(conn, [(theirs.id, theirs.lease_token, {})])
    assert written == {theirs.id}
    stored = await reload(db, theirs.id)
    assert stored.last_error is None and stored.lease_token is None


async def test_leases_run_on_the_database_clock(db: Database) -> None:
    """A poller whose clock is a day fast still cannot take a feed another one holds."""
    clock = Clock()
    await add(db, "https://site.example/feed", clock)
    async with db.begin() as conn:
        [held] = await feeds.claim_due_feeds(conn, limit=5, lease=timedelta(minutes=5))
    assert held.lease_until is not None
    assert abs((held.lease_until - datetime.now(UTC)).total_seconds() - 300) < 60
    async with db.begin() as conn:
        fast = clock.now + timedelta(days=1)
        assert (
            await feeds.claim_due_feeds(conn, limit=5, lease=timedelta(minutes=5), now=fast) == []
        )


async def test_the_item_key_refuses_a_second_insert(db: Database) -> None:
    clock = Clock()
    feed = await add(db, "https://site.example/feed", clock, chats=())
    one = Article(title="One", feed_id=feed.id, guid="g-1", content_hash="h1")
    two = Article(title="Other text", feed_id=feed.id, guid="g-1", content_hash="h2")
    async with db.begin() as conn:
        first = await articles.insert_article_once(conn, one, "g:g-1")
        assert first is not None
        assert await articles.insert_article_once(conn, two, "g:g-1") is None
        found = await articles.known_by_key(conn, feed.id, "g:g-1")
        assert found is not None and found.id == first and found.content_hash == "h1"
        # other feeds, and items with no key, are not affected
        assert await articles.insert_article_once(conn, two, None) is not None
    async with db.begin() as conn:
        rows = (await conn.execute(sa.select(sa.func.count()).select_from(articles_table))).scalar()
    assert rows == 2


async def test_migration_keys_existing_articles_even_with_duplicates(empty_db: Database) -> None:
    """A database holding the duplicates this migration prevents still upgrades: the
    oldest copy gets the key, later copies keep none."""
    await empty_db.migrate(target=3)
    now = datetime(2025, 1, 28, tzinfo=UTC).replace(tzinfo=None)
    rows = [
        ("g-1", "https://site.example/1"),
        ("g-1", "https://site.example/1"),  # the duplicate of the bug
        (None, "https://site.example/2"),
        (None, "https://site.example/2"),
        ("x" * 300, "https://site.example/3"),  # too long to index
    ]
    async with empty_db.begin() as conn:
        await conn.execute(
            sa.text(
                "INSERT INTO feeds (url, next_poll_at, created_at, options) "
                "VALUES ('https://site.example/feed', :now, :now, '{}')"
            ),
            {"now": now},
        )
        for guid, url in rows:
            await conn.execute(
                sa.text(
                    "INSERT INTO articles (feed_id, guid, url, title, authors, content_markdown,"
                    " enclosures, extra, created_at, updated_at) VALUES (1, :guid, :url, 'T',"
                    " '[]', '', '[]', '{}', :now, :now)"
                ),
                {"guid": guid, "url": url, "now": now},
            )
    assert 5 in await empty_db.migrate()
    async with empty_db.begin() as conn:
        keys = (
            (await conn.execute(sa.select(articles_table.c.item_key).order_by(articles_table.c.id)))
            .scalars()
            .all()
        )
    assert keys == ["g:g-1", None, "u:https://site.example/2", None, None]
