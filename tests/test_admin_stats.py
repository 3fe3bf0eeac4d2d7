"""The /stats counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.models import Article
from storage import articles, comments, deliveries, feeds, messages, routes, stats
from storage import feedback as fb
from storage.db import Database
from storage.schema import deliveries as deliveries_table

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


async def test_collect_stats_counts_each_thing(db: Database) -> None:
    async with db.begin() as conn:
        feed = await feeds.add_feed(conn, "https://a.example/rss", now=T0)
        off = await feeds.add_feed(conn, "https://b.example/rss", now=T0)
        await feeds.update_feed(conn, off.id, active=False, error_count=3)
        route = await routes.add_route(conn, feed.id, -1001)
        other = await routes.add_route(conn, feed.id, -1002)
        a1 = await articles.insert_article(conn, Article(title="one", feed_id=feed.id))
        a2 = await articles.insert_article(conn, Article(title="two", feed_id=feed.id))
        await deliveries.enqueue_deliveries(conn, a1, [route, other], now=T0)
        await deliveries.enqueue_deliveries(conn, a2, [route], now=T0)
        first = (await deliveries.deliveries_for_article(conn, a1))[0]
        await conn.execute(
            deliveries_table.update()
            .where(deliveries_table.c.id == first.id)
            .values(state="failed")
        )
        await messages.record_message(
            conn, chat_id=-1001, message_id=1, article_id=a1, part=0, now=T0 - timedelta(days=1)
        )
        await messages.record_message(
            conn, chat_id=-1001, message_id=2, article_id=a1, part=1, now=T0
        )
        await fb.add_feedback(conn, user_id=5, user_name=None, chat_id=5, text="hi", now=T0)
        await comments.save_comment(conn, article_id=a1, chat_id=-9, message_id=3, text="c", now=T0)
    async with db.begin() as conn:
        got = await stats.collect_stats(conn, since=T0)
    assert got == stats.Stats(
        feeds=2,
        feeds_active=1,
        feeds_failing=1,
        articles=2,
        deliveries_pending=2,
        deliveries_failed=1,
        messages_since=1,
        feedback_open=1,
        comments=1,
    )
