"""Pacing holds for all workers together: three publishers, each with its own database
connection pool (as three processes would have), against the stand-in's flood limits.

Before pacing went through the database each process kept Telegram's limits on its
own, so three of them sent three times the overall rate and drew 429s.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping
from typing import Any

from bot.deliver.pacing import PacingConfig
from bot.deliver.publisher import Publisher
from bot.models import Article, OutgoingMessage
from bot.standin import FakeTelegram, RateLimits, fake_telegram_bot
from storage import deliveries, send_pacing
from storage.db import Database, create_database
from tests.fakes.posts import make_article, queue_article, seed_feed, simple_render

WORKERS = 3


def title_only(article: Article, options: Mapping[str, Any]) -> list[OutgoingMessage]:
    return simple_render(article, options)[:1]


async def _publish_with_workers(
    db: Database, fake: FakeTelegram, pacing: PacingConfig, expected: int
) -> None:
    url = db.engine.url.render_as_string(hide_password=False)
    pools = [db, *(create_database(url) for _ in range(WORKERS - 1))]
    try:
        async with (
            fake_telegram_bot(fake) as b1,
            fake_telegram_bot(fake) as b2,
            fake_telegram_bot(fake) as b3,
        ):
            workers = [
                Publisher(pool, bot, title_only, pacing=pacing)
                for pool, bot in zip(pools, (b1, b2, b3), strict=True)
            ]
            for _ in range(600):
                await asyncio.gather(*(w.tick() for w in workers))
                await asyncio.sleep(0.05)
                async with db.begin() as conn:
                    if (await deliveries.count_by_state(conn)).get(deliveries.DONE) == expected:
                        break
            await asyncio.gather(*(w.drain() for w in workers))
    finally:
        for pool in pools[1:]:
            await pool.close()


def _each_once(fake: FakeTelegram, chats: list[int], posts: int) -> None:
    counts = Counter((r.chat_id, r.text) for r in fake.sent)
    wanted = {(c, f"第{n}篇 Article {n}") for c in chats for n in range(1, posts + 1)}
    assert set(counts) == wanted and set(counts.values()) == {1}


async def test_three_workers_keep_the_overall_and_chat_limits(db: Database) -> None:
    """Telegram's real limits: 30/s overall binds (40 channels want 40/s), 1/s per chat."""
    fake = FakeTelegram(limits=RateLimits())
    chats = [-1_000_100 - i for i in range(40)]
    for chat in chats:
        fake.add_channel(chat)
    feed_id, route_list = await seed_feed(db, chats)
    for n in range(1, 3):
        await queue_article(db, feed_id, make_article(n, ["body"]), route_list)
    await _publish_with_workers(db, fake, PacingConfig(), expected=2 * len(chats))
    assert fake.rate_limited == [], fake.limits_broken
    _each_once(fake, chats, 2)


async def test_three_workers_keep_the_group_window(db: Database) -> None:
    """The per-channel window (20 a minute, here 20 per 3 s) binds, shared by all workers."""
    scale = 20.0
    fake = FakeTelegram(limits=RateLimits().scaled(scale))
    chats = [-1_000_200, -1_000_201]
    for chat in chats:
        fake.add_channel(chat)
    feed_id, route_list = await seed_feed(db, chats)
    for n in range(1, 26):
        await queue_article(db, feed_id, make_article(n, ["body"]), route_list)
    pacing = PacingConfig(
        per_chat_per_second=scale, global_per_second=30 * scale, minute=60 / scale, second=1 / scale
    )
    await _publish_with_workers(db, fake, pacing, expected=50)
    assert fake.rate_limited == [], fake.limits_broken
    _each_once(fake, chats, 25)


async def test_a_flood_wait_holds_the_chat_for_every_worker(db: Database) -> None:
    limits = send_pacing.Limits(
        overall_spacing=0.0, chat_spacing=0.0, group_limit=100, group_window=60.0
    )
    async with db.begin() as conn:
        assert (await send_pacing.book_send(conn, -5, limits, is_group=True)).booked
        await send_pacing.pause_chat(conn, -5, 30.0)
    async with db.begin() as conn:
        held = await send_pacing.book_send(conn, -5, limits, is_group=True)
        other = await send_pacing.book_send(conn, -6, limits, is_group=True)
    assert not held.booked and 29.0 < held.wait <= 30.0
    assert other.booked and other.wait <= 0.0  # at once (the slot began with the booking)
