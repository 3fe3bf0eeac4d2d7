from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.models import Article, Enclosure
from storage import articles, deliveries, feeds, messages, routes
from storage.db import Database

T0 = datetime(2025, 1, 28, 9, 0, tzinfo=UTC)


async def test_feed_lifecycle(db: Database) -> None:
    async with db.begin() as conn:
        feed = await feeds.add_feed(conn, "https://example.com/rss", interval_seconds=900, now=T0)
        assert feed.next_poll_at == T0 and feed.active and not feed.baseline_done
        with pytest.raises(feeds.FeedExistsError):
            await feeds.add_feed(conn, "https://example.com/rss")
        assert await feeds.update_feed(conn, feed.id, etag='"abc"', error_count=2)
        with pytest.raises(ValueError, match="unknown feed columns"):
            await feeds.update_feed(conn, feed.id, bogus=1)
        again = await feeds.get_feed(conn, feed.id)
        assert again is not None and again.etag == '"abc"' and again.error_count == 2
        assert (await feeds.get_feed_by_url(conn, "https://example.com/rss")) == again
        assert [f.id for f in await feeds.list_feeds(conn)] == [feed.id]
        assert await feeds.remove_feed(conn, feed.id)
        assert not await feeds.remove_feed(conn, feed.id)
        assert await feeds.get_feed(conn, feed.id) is None


async def test_claim_due_feeds_leases(db: Database) -> None:
    async with db.begin() as conn:
        due = await feeds.add_feed(conn, "https://a.example/feed", now=T0)
        later = await feeds.add_feed(conn, "https://b.example/feed", now=T0)
        await feeds.update_feed(conn, later.id, next_poll_at=T0 + timedelta(hours=1))
        off = await feeds.add_feed(conn, "https://c.example/feed", now=T0)
        await feeds.update_feed(conn, off.id, active=False)
    async with db.begin() as conn:
        claimed = await feeds.claim_due_feeds(conn, limit=10, lease=timedelta(minutes=5), now=T0)
    assert [f.id for f in claimed] == [due.id]
    lease_until = claimed[0].lease_until  # on the database's clock, not the caller's
    assert lease_until is not None
    assert abs((lease_until - datetime.now(UTC)).total_seconds() - 300) < 60
    async with db.begin() as conn:
        assert await feeds.claim_due_feeds(conn, limit=10, lease=timedelta(minutes=5), now=T0) == []
        await feeds.update_feed(conn, due.id, lease_until=T0)  # the lease ran out
        expired = await feeds.claim_due_feeds(
            conn, limit=10, lease=timedelta(minutes=5), now=T0 + timedelta(minutes=6)
        )
    assert [f.id for f in expired] == [due.id]
    assert expired[0].lease_token != claimed[0].lease_token


async def test_routes(db: Database) -> None:
    async with db.begin() as conn:
        feed = await feeds.add_feed(conn, "https://example.com/rss")
        route = await routes.add_route(conn, feed.id, -1001, options={"max_parts": 4})
        same = await routes.add_route(conn, feed.id, -1001, options={"max_parts": 2})
        assert same.id == route.id and same.options == {"max_parts": 2}
        other = await routes.add_route(conn, feed.id, -1002)
        assert [r.id for r in await routes.routes_for_feed(conn, feed.id)] == [route.id, other.id]
        assert await routes.pause_route(conn, other.id, "bot was kicked")
        assert [r.id for r in await routes.routes_for_feed(conn, feed.id)] == [route.id]
        paused = await routes.get_route(conn, other.id)
        assert paused is not None and paused.paused_reason == "bot was kicked"
        assert await routes.resume_route(conn, other.id)
        assert len(await routes.list_routes(conn)) == 2
        assert await routes.move_chat(conn, -1001, -1009) == 1
        moved = await routes.get_route(conn, route.id)
        assert moved is not None and moved.chat_id == -1009


def _article(feed_id: int | None, **overrides: object) -> Article:
    base = Article(
        title="DeepSeek 让科技和华尔街天翻地覆的那一天",
        url="https://example.com/a1",
        guid="a1",
        authors=["Gunjan Banerji", "Asa Fitch"],
        translator="ChatGPT o1",
        source="WSJ",
        published=T0,
        language="zh",
        content_markdown="正文。",
        content_hash="h1",
        enclosures=[Enclosure("https://example.com/a.jpg", "image/jpeg", 10)],
        extra={"reading_minutes": [11, 14]},
        feed_id=feed_id,
    )
    for key, value in overrides.items():
        setattr(base, key, value)
    return base


async def test_articles_roundtrip_and_dedup_chain(db: Database) -> None:
    async with db.begin() as conn:
        feed = await feeds.add_feed(conn, "https://example.com/rss")
        article_id = await articles.insert_article(conn, _article(feed.id), now=T0)
        stored = await articles.get_article(conn, article_id)
        assert stored is not None
        assert stored.authors == ["Gunjan Banerji", "Asa Fitch"]
        assert stored.published == T0 and stored.extra == {"reading_minutes": [11, 14]}
        assert stored.enclosures == [Enclosure("https://example.com/a.jpg", "image/jpeg", 10)]

        async def find(**keys: str | None) -> int | None:
            args: dict[str, str | None] = {"guid": None, "url": None, "title": None}
            args["content_hash"] = None
            args.update(keys)
            found = await articles.find_duplicate(conn, feed.id, **args)
            return found.id if found else None

        assert await find(guid="a1") == article_id
        assert await find(guid="new", url="https://example.com/a1") == article_id
        assert await find(guid="x", url="y", title=stored.title, content_hash="h1") == article_id
        assert await find(guid="x", url="y", title=stored.title, content_hash="h2") is None
        assert (
            await articles.find_duplicate(
                conn, None, guid="a1", url=None, title=None, content_hash=None
            )
            is None
        )

        changed = _article(feed.id, content_markdown="新正文。", content_hash="h2")
        await articles.update_article(conn, article_id, changed)
        updated = await articles.get_article(conn, article_id)
        assert updated is not None and updated.content_markdown == "新正文。"
        assert await articles.count_articles(conn) == 1


async def test_outbox_and_messages(db: Database) -> None:
    async with db.begin() as conn:
        feed = await feeds.add_feed(conn, "https://example.com/rss")
        r1 = await routes.add_route(conn, feed.id, -1001)
        r2 = await routes.add_route(conn, feed.id, -1002)
        article_id = await articles.insert_article(conn, _article(feed.id))
        assert await deliveries.enqueue_deliveries(conn, article_id, [r1, r2], now=T0) == 2
        assert await deliveries.enqueue_deliveries(conn, article_id, [r1], now=T0) == 0
        queued = await deliveries.deliveries_for_article(conn, article_id)
        assert [(d.chat_id, d.state) for d in queued] == [(-1001, "pending"), (-1002, "pending")]
        got = await deliveries.get_delivery(conn, queued[0].id)
        assert got == queued[0]

        for part in (1, 2):
            await messages.record_message(
                conn,
                chat_id=-1001,
                message_id=10 + part,
                article_id=article_id,
                part=part,
                delivery_id=queued[0].id,
            )
        await messages.record_message(
            conn, chat_id=-1001, message_id=11, article_id=article_id, part=1
        )
        found = await messages.find_message(conn, -1001, 12)
        assert found is not None and found.article_id == article_id and found.part == 2
        assert await messages.find_message(conn, -1001, 99) is None
        assert [m.part for m in await messages.messages_for_delivery(conn, queued[0].id)] == [1, 2]
        assert len(await messages.messages_for_article(conn, article_id)) == 2
        assert [a.id for a in await articles.latest_articles(conn, chat_id=-1001)] == [article_id]
        assert await articles.latest_articles(conn, chat_id=-1002) == []


async def test_leases_rejections_options_and_routed_chats(db: Database) -> None:
    from storage import chats

    async with db.begin() as conn:
        feed = await feeds.add_feed(conn, "https://example.com/rss")
        route = await routes.add_route(conn, feed.id, -1001)
        assert await chats.has_routes(conn, -1001)
        assert not await chats.has_routes(conn, -1002)
        await routes.set_route_options(conn, route.id, {"template": "{link}"})
        stored = await routes.get_route(conn, route.id)
        assert stored is not None and stored.options == {"template": "{link}"}

        article_id = await articles.insert_article(conn, _article(feed.id))
        await deliveries.enqueue_deliveries(conn, article_id, [route], now=T0)
        [delivery] = await deliveries.deliveries_for_article(conn, article_id)
        await deliveries.extend_lease(conn, delivery.id, lease=timedelta(minutes=5), now=T0)
        leased = await deliveries.get_delivery(conn, delivery.id)
        assert leased is not None and leased.lease_until == T0 + timedelta(minutes=5)

        later = T0 + timedelta(hours=1)
        assert await deliveries.reject_later(conn, delivery.id, at=later, error="bad") == 1
        assert await deliveries.reject_later(conn, delivery.id, at=later, error="bad") == 2
        rejected = await deliveries.get_delivery(conn, delivery.id)
        assert rejected is not None
        assert (rejected.rejections, rejected.lease_until, rejected.next_attempt_at) == (
            2,
            None,
            later,
        )
        assert rejected.last_error == "bad" and rejected.state == "pending"
