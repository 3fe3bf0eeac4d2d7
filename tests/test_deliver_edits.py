"""Updated articles: posts in chats whose route says on_update=edit are edited in place,
by the publisher, through the outbox (queued with the stored change)."""

from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa

from bot.deliver.pacing import PacingConfig
from bot.deliver.publisher import Publisher
from bot.deliver.rendering import plain_fallback, render_for_route
from bot.models import Article
from bot.standin import FakeTelegram, fake_telegram_bot
from storage import articles, cache, deliveries, feeds, routes, schema
from storage.db import Database
from storage.types import utcnow

EDITED, KEPT = -1003000000001, -1003000000002
FAST = PacingConfig(per_chat_per_second=1000, per_group_per_minute=60000, global_per_second=1000)


def _article(feed_id: int, body: str) -> Article:
    return Article(
        title="Harbour turbines",
        url="https://example.com/turbines",
        guid="turbines",
        language="en",
        content_markdown=body,
        feed_id=feed_id,
        source="Coast Wire",
    )


async def test_edit_route_gets_its_post_edited_and_answers_are_recomputed(db: Database) -> None:
    fake = FakeTelegram()
    fake.add_channel(EDITED, "Edited")
    fake.add_channel(KEPT, "Kept")
    async with db.begin() as conn:
        feed = await feeds.add_feed(conn, "https://example.com/feed.xml")
        edit_route = await routes.add_route(conn, feed.id, EDITED, options={"on_update": "edit"})
        keep_route = await routes.add_route(conn, feed.id, KEPT)
        article_id = await articles.insert_article(
            conn, _article(feed.id, "Six turbines began feeding the grid in October.")
        )
        await deliveries.enqueue_deliveries(conn, article_id, [edit_route, keep_route])
        await cache.put_cached(conn, article_id, "summary", "extractive-v1", {"text": "old"})
    async with fake_telegram_bot(fake) as bot:
        publisher = Publisher(db, bot, render_for_route, plain=plain_fallback, pacing=FAST)
        await publisher.run_once()
        posted = fake.sent_to(EDITED)[0]

        async with db.begin() as conn:
            stored = await articles.get_article(conn, article_id)
            assert stored is not None
            corrected = replace(stored, content_markdown="Seven turbines began feeding the grid.")
            await articles.update_article(conn, article_id, corrected, edit_chats=(EDITED,))
        assert await publisher.run_once() == 1
        # The same content again is "not modified" for Telegram: no error, nothing breaks.
        async with db.begin() as conn:
            await articles.update_article(conn, article_id, corrected, edit_chats=(EDITED,))
        assert await publisher.run_once() == 1
        assert await publisher.run_once() == 0  # nothing left to edit

    edits = [e for e in fake.edits if e.chat_id == EDITED]
    assert edits and edits[0].message_id == posted.message_id
    assert "Seven turbines" in (edits[0].text or "")
    assert not [e for e in fake.edits if e.chat_id == KEPT]
    assert "Six turbines" in fake.sent_to(KEPT)[0].body
    async with db.begin() as conn:
        assert await cache.get_cached(conn, article_id, "summary", "extractive-v1") is None


async def test_an_unposted_article_gets_no_edit(db: Database) -> None:
    fake = FakeTelegram()
    async with db.begin() as conn:
        feed = await feeds.add_feed(conn, "https://example.com/feed.xml")
        article_id = await articles.insert_article(conn, _article(feed.id, "Body."))
        changed = _article(feed.id, "New body.")
        assert await deliveries.request_edits(conn, article_id, (EDITED,), now=utcnow()) == 0
        await articles.update_article(conn, article_id, changed, edit_chats=(EDITED,))
    async with fake_telegram_bot(fake) as bot:
        assert await Publisher(db, bot, render_for_route, pacing=FAST).run_once() == 0
    assert fake.edits == []


async def test_edits_are_paced_with_the_posts(db: Database) -> None:
    """An edit books its send slot like a post does (Telegram counts edits too)."""
    fake = FakeTelegram()
    fake.add_channel(EDITED, "Edited")
    async with db.begin() as conn:
        feed = await feeds.add_feed(conn, "https://example.com/feed.xml")
        route = await routes.add_route(conn, feed.id, EDITED, options={"on_update": "edit"})
        article_id = await articles.insert_article(conn, _article(feed.id, "Six turbines."))
        await deliveries.enqueue_deliveries(conn, article_id, [route])
    async with fake_telegram_bot(fake) as bot:
        publisher = Publisher(db, bot, render_for_route, pacing=FAST)
        await publisher.run_once()
        async with db.begin() as conn:
            changed = _article(feed.id, "Seven turbines.")
            await articles.update_article(conn, article_id, changed, edit_chats=(EDITED,))
        await publisher.run_once()
    async with db.begin() as conn:
        booked = (
            await conn.execute(
                sa.select(sa.func.count())
                .select_from(schema.send_log)
                .where(schema.send_log.c.chat_id == EDITED)
            )
        ).scalar_one()
    posted = len(fake.sent_to(EDITED))
    assert fake.edits and booked == posted + len(fake.edits)
