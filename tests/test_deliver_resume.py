"""A post resumed later keeps the rendering it began with; edits follow the stored change.

Reproduced before the fix: a post interrupted after two parts, whose article the feed
edited meanwhile, was resumed from the new rendering, splicing the new parts onto the
old ones (`['Article 1', 'Section A', 'Section A', 'Section B', 'Section C']`). And
an edit stored by a poll whose process died before it edited the post (or dropped the
cached answers) was never applied.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from telegram import Bot

from bot.deliver.publisher import Publisher
from bot.models import Article, OutgoingMessage
from bot.standin import FakeTelegram, fake_telegram_bot
from storage import articles, cache, deliveries
from storage.db import Database
from tests.fakes.clock import VirtualClock
from tests.fakes.posts import SECTION, make_article, queue_article, seed_feed, simple_render

A = -1001
TITLE = "第1篇 Article 1"


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def fake() -> FakeTelegram:
    fake = FakeTelegram()
    fake.add_channel(A, "channel")
    return fake


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with fake_telegram_bot(fake) as bot:
        yield bot


def same_shape(article: Article, options: Mapping[str, Any], parts: int) -> list[OutgoingMessage]:
    return simple_render(article, options)[:parts]


def publisher(db: Database, bot: Bot, clock: VirtualClock) -> Publisher:
    return Publisher(db, bot, simple_render, clock=clock, edit_render=same_shape)


async def _interrupted_after_two_parts(
    db: Database, fake: FakeTelegram, pub: Publisher, clock: VirtualClock
) -> int:
    feed_id, route_list = await seed_feed(db, [A])
    article_id = await queue_article(
        db, feed_id, make_article(1, ["Section A", "Section B"]), route_list, now=clock.now()
    )
    fake.fail_next(A, "server_error", skip=2)  # part 3 fails: the post waits for a retry
    await pub.run_once()
    assert fake.texts(A) == [TITLE, "Section A"]
    return article_id


async def _edit_article(db: Database, article_id: int, sections: list[str], **kw: Any) -> None:
    kw.setdefault("now", VirtualClock().now())
    async with db.begin() as conn:
        stored = await articles.get_article(conn, article_id)
        assert stored is not None
        changed = replace(stored, content_markdown=SECTION.join(sections))
        await articles.update_article(conn, article_id, changed, **kw)


async def test_a_resumed_post_keeps_the_rendering_it_began_with(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    pub = publisher(db, bot, clock)
    article_id = await _interrupted_after_two_parts(db, fake, pub, clock)
    await _edit_article(db, article_id, ["Preface", "Section A", "Section B", "Section C"])
    clock.advance(3600)
    await pub.run_once()
    assert fake.texts(A) == [TITLE, "Section A", "Section B"]  # not spliced onto the new cut


async def test_an_edit_arriving_mid_post_is_applied_after_the_post(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    pub = publisher(db, bot, clock)
    article_id = await _interrupted_after_two_parts(db, fake, pub, clock)
    await _edit_article(
        db, article_id, ["Section A, corrected", "Section B, corrected"], edit_chats=[A]
    )
    clock.advance(3600)
    await pub.run_once()
    sent = fake.sent_to(A)
    assert [r.body for r in sent] == [TITLE, "Section A", "Section B"]
    edited = {(e.message_id, e.text) for e in fake.edits if e.chat_id == A}
    assert edited == {  # the title did not change ("not modified" for Telegram)
        (sent[1].message_id, "Section A, corrected"),
        (sent[2].message_id, "Section B, corrected"),
    }
    async with db.begin() as conn:
        [delivery] = await deliveries.deliveries_for_article(conn, article_id)
    assert delivery.state == deliveries.DONE and not delivery.edit_pending
    assert delivery.lease_until is None


async def test_an_edit_stored_before_a_crash_is_still_applied(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    """The poll stored the change and the process died: the next publisher edits the post."""
    feed_id, route_list = await seed_feed(db, [A])
    article_id = await queue_article(
        db, feed_id, make_article(1, ["Section A"]), route_list, now=clock.now()
    )
    await publisher(db, bot, clock).run_once()
    async with db.begin() as conn:
        await cache.put_cached(conn, article_id, "summary", "extractive-v1", {"text": "old"})
    await _edit_article(db, article_id, ["Section A, corrected"], edit_chats=[A])
    # ... crash here: nothing else ran in the process that polled.
    async with db.begin() as conn:
        assert await cache.get_cached(conn, article_id, "summary", "extractive-v1") is None
    await publisher(db, bot, clock).run_once()
    assert [e.text for e in fake.edits if e.chat_id == A] == ["Section A, corrected"]


async def test_a_change_that_is_rolled_back_leaves_cache_and_posts_alone(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    feed_id, route_list = await seed_feed(db, [A])
    article_id = await queue_article(
        db, feed_id, make_article(1, ["Section A"]), route_list, now=clock.now()
    )
    await publisher(db, bot, clock).run_once()
    async with db.begin() as conn:
        await cache.put_cached(conn, article_id, "summary", "extractive-v1", {"text": "old"})
    with pytest.raises(RuntimeError):
        async with db.begin() as conn:
            stored = await articles.get_article(conn, article_id)
            assert stored is not None
            changed = replace(stored, content_markdown="Section A, corrected")
            await articles.update_article(conn, article_id, changed, edit_chats=[A])
            raise RuntimeError("the poll failed before it committed")
    async with db.begin() as conn:
        assert await cache.get_cached(conn, article_id, "summary", "extractive-v1") == {
            "text": "old"
        }
        [delivery] = await deliveries.deliveries_for_article(conn, article_id)
    assert not delivery.edit_pending
    assert await publisher(db, bot, clock).run_once() == 0 and fake.edits == []


async def test_an_edit_during_an_edit_is_applied_too(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    """The article changes again while its edit is going out: a second edit follows."""
    feed_id, route_list = await seed_feed(db, [A])
    article_id = await queue_article(
        db, feed_id, make_article(1, ["v1"]), route_list, now=clock.now()
    )
    pub = Publisher(db, bot, simple_render, clock=clock, edit_render=same_shape)
    await pub.run_once()
    await _edit_article(db, article_id, ["v2"], edit_chats=[A])
    async with db.begin() as conn:  # claimed for the edit, then the feed changes again
        [claimed] = await deliveries.claim_due_deliveries(
            conn, limit=1, lease=timedelta(minutes=5), now=clock.now()
        )
        seen = await articles.update_count(conn, article_id)
    await _edit_article(db, article_id, ["v3"], edit_chats=[A])
    async with db.begin() as conn:
        await deliveries.finish_edit(
            conn, claimed.id, seen_update=seen, token=claimed.lease_token or ""
        )
        [delivery] = await deliveries.deliveries_for_article(conn, article_id)
    assert delivery.edit_pending  # v3 still to do
    await pub.run_once()
    assert [e.text for e in fake.edits if e.chat_id == A][-1] == "v3"
