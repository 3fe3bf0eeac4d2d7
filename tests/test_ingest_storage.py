from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.models import Article
from storage import articles, feeds
from storage.db import Database

T0 = datetime(2025, 1, 28, 9, 0, tzinfo=UTC)


async def test_update_feeds_writes_many_rows_and_column_sets(db: Database) -> None:
    async with db.begin() as conn:
        ids = [
            (await feeds.add_feed(conn, f"https://f{n}.example/rss", now=T0)).id for n in range(4)
        ]
        later = T0 + timedelta(minutes=10)
        await feeds.update_feeds(
            conn,
            [
                (ids[0], {"next_poll_at": later, "etag": '"a"', "options": {"k": 1}}),
                (ids[1], {"next_poll_at": later, "etag": None, "options": {}}),
                (ids[2], {"error_count": 3, "last_error": "HTTP 500", "active": False}),
            ],
        )
        stored = {f.id: f for f in await feeds.list_feeds(conn)}
        with pytest.raises(ValueError, match="unknown feed columns"):
            await feeds.update_feeds(conn, [(ids[0], {"nope": 1})])
    assert stored[ids[0]].etag == '"a"' and stored[ids[0]].options == {"k": 1}
    assert stored[ids[0]].next_poll_at == later and stored[ids[1]].next_poll_at == later
    assert stored[ids[2]].error_count == 3 and not stored[ids[2]].active
    assert stored[ids[3]].next_poll_at == T0 and stored[ids[3]].etag is None


async def test_known_articles_by_guid_link_or_hash_and_extra_update(db: Database) -> None:
    async with db.begin() as conn:
        feed = await feeds.add_feed(conn, "https://a.example/rss", now=T0)
        other = await feeds.add_feed(conn, "https://b.example/rss", now=T0)
        first = await articles.insert_article(
            conn, Article(title="One", guid="g1", url="u1", content_hash="h1", feed_id=feed.id)
        )
        second = await articles.insert_article(
            conn, Article(title="Two", guid="g2", url="u2", content_hash="h2", feed_id=feed.id)
        )
        await articles.insert_article(
            conn, Article(title="One", guid="g1", url="u1", content_hash="h1", feed_id=other.id)
        )

        async def ids(**keys: list[str]) -> list[int]:
            return [k.id for k in await articles.known_articles(conn, feed.id, **keys)]

        assert await ids(guids=["g1"]) == [first]
        assert await ids(urls=["u2", "nope"]) == [second]
        assert await ids(content_hashes=["h2"]) == [second]
        assert await ids(guids=["g2"], urls=["u1"]) == [first, second]
        assert await ids() == []
        await articles.set_article_extra(conn, first, {"feed_item_hash": "x"})
        stored = await articles.get_article(conn, first)
    assert stored is not None and stored.extra == {"feed_item_hash": "x"}
