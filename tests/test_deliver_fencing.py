"""Fenced delivery leases: a worker whose lease ran out mid-post stops at the part in flight.

Two publishers share one database. The first sends part 1 of a three-part post and
its answer stalls past the lease (a frozen process, a stalled event loop); the
second claims the delivery and sends the post. When the first wakes up, every write
it makes for the delivery is refused and it sends nothing more: the channel shows
at most the part that was in flight twice, never the rest of the post.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from telegram import Bot
from telegram.request import RequestData

from bot.deliver.pacing import PacingConfig
from bot.deliver.publisher import Publisher, PublisherSettings
from bot.standin import FakeTelegram, fake_telegram_bot
from bot.standin.botapi import FakeBotAPIRequest
from storage import deliveries, messages, schema
from storage.async_engine import AsyncConnection
from storage.db import Database
from tests.fakes.posts import make_article, queue_article, seed_feed, simple_render

CHAT = -1001
FAST = PacingConfig(per_chat_per_second=1000, per_group_per_minute=60000, global_per_second=1000)
LEASE = timedelta(seconds=0.6)


class StallingRequest(FakeBotAPIRequest):
    """Telegram does the send at once; the answer waits until `release` is set."""

    def __init__(self, fake: FakeTelegram) -> None:
        super().__init__(fake, read_timeout=60.0)
        self.stall_next = asyncio.Event()
        self.stalled = asyncio.Event()
        self.release = asyncio.Event()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        answer = await super().do_request(url, method, request_data)
        if url.endswith("/sendMessage") and self.stall_next.is_set():
            self.stall_next.clear()
            self.stalled.set()
            await self.release.wait()
        return answer


@pytest.fixture
def fake() -> FakeTelegram:
    fake = FakeTelegram()
    fake.add_channel(CHAT, "channel")
    return fake


@pytest.fixture
async def stalling(fake: FakeTelegram) -> AsyncIterator[tuple[Bot, StallingRequest]]:
    request = StallingRequest(fake)
    async with Bot(fake.token, request=request) as bot:
        yield bot, request


@pytest.fixture
async def healthy(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with fake_telegram_bot(fake) as bot:
        yield bot


def _publisher(db: Database, bot: Bot) -> Publisher:
    return Publisher(db, bot, simple_render, pacing=FAST, settings=PublisherSettings(lease=LEASE))


async def test_lease_lost_mid_post_repeats_at_most_the_part_in_flight(
    db: Database, fake: FakeTelegram, stalling: tuple[Bot, StallingRequest], healthy: Bot
) -> None:
    slow_bot, request = stalling
    feed_id, route_list = await seed_feed(db, [CHAT])
    article_id = await queue_article(
        db, feed_id, make_article(1, ["part two", "part three"]), route_list
    )
    first, second = _publisher(db, slow_bot), _publisher(db, healthy)

    request.stall_next.set()
    assert await first.tick() == 1
    await asyncio.wait_for(request.stalled.wait(), 5)
    await asyncio.sleep(LEASE.total_seconds() + 0.3)  # the first worker's lease runs out
    assert await second.run_once() == 1
    assert fake.texts(CHAT) == ["第1篇 Article 1", "第1篇 Article 1", "part two", "part three"]

    request.release.set()  # the first worker wakes up
    await first.join()
    await asyncio.sleep(0.2)
    assert fake.texts(CHAT) == ["第1篇 Article 1", "第1篇 Article 1", "part two", "part three"]
    async with db.begin() as conn:
        [delivery] = await deliveries.deliveries_for_article(conn, article_id)
        recorded = await messages.messages_for_delivery(conn, delivery.id)
    assert delivery.state == deliveries.DONE and delivery.lease_until is None
    assert [m.part for m in recorded] == [1, 2, 3]
    # The stale worker's message still leads back to the article (replies to it work).
    async with db.begin() as conn:
        every = await messages.messages_in_chat(conn, CHAT, article_id=article_id)
    assert sorted(m.message_id for m in every) == [r.message_id for r in fake.sent_to(CHAT)]


async def test_two_records_of_one_part_are_refused(db: Database) -> None:
    feed_id, route_list = await seed_feed(db, [CHAT])
    article_id = await queue_article(db, feed_id, make_article(1, ["two"]), route_list)
    async with db.begin() as conn:
        [delivery] = await deliveries.deliveries_for_article(conn, article_id)
        await messages.record_message(
            conn, chat_id=CHAT, message_id=1, article_id=article_id, part=1, delivery_id=delivery.id
        )
    with pytest.raises(sa.exc.IntegrityError):
        async with db.begin() as conn:
            await messages.record_message(
                conn,
                chat_id=CHAT,
                message_id=2,
                article_id=article_id,
                part=1,
                delivery_id=delivery.id,
            )


async def test_every_write_of_a_taken_over_claim_is_refused(db: Database) -> None:
    feed_id, route_list = await seed_feed(db, [CHAT])
    article_id = await queue_article(db, feed_id, make_article(1, ["two"]), route_list)
    lease = timedelta(minutes=5)
    async with db.begin() as conn:
        [stale] = await deliveries.claim_due_deliveries(conn, limit=1, lease=lease)
        now = await deliveries.database_now(conn)
        assert stale.lease_until is not None
        assert abs((stale.lease_until - now - lease).total_seconds()) < 5  # the database's clock
        # The lease ran out while its worker stalled; another worker claims the delivery.
        await conn.execute(
            schema.deliveries.update().values(lease_until=now - timedelta(seconds=1))
        )
        [fresh] = await deliveries.claim_due_deliveries(conn, limit=1, lease=lease)
    assert fresh.id == stale.id and fresh.lease_token != stale.lease_token
    token = stale.lease_token
    later = now + timedelta(minutes=1)
    writes: dict[str, Callable[[AsyncConnection], Awaitable[object]]] = {
        "extend": lambda c: deliveries.extend_lease(c, stale.id, lease=lease, token=token),
        "done": lambda c: deliveries.mark_done(c, stale.id, token=token),
        "retry": lambda c: deliveries.retry_later(c, stale.id, at=later, token=token),
        "reject": lambda c: deliveries.reject_later(c, stale.id, at=later, error="x", token=token),
        "fail": lambda c: deliveries.mark_failed(c, stale.id, "x", token=token),
        "release": lambda c: deliveries.release(c, stale.id, token=token),
        "render": lambda c: deliveries.store_rendering(c, stale.id, [], token=token or ""),
        "edit": lambda c: deliveries.finish_edit(c, stale.id, seen_update=0, token=token or ""),
    }
    for name, write in writes.items():
        with pytest.raises(deliveries.LeaseLost):
            async with db.begin() as conn:
                await write(conn)
        async with db.begin() as conn:
            current = await deliveries.get_delivery(conn, stale.id)
        assert current == fresh, name  # nothing changed
    async with db.begin() as conn:  # the holder's writes go through
        await deliveries.extend_lease(conn, fresh.id, lease=lease, token=fresh.lease_token)
        await deliveries.mark_done(conn, fresh.id, token=fresh.lease_token)
        done = await deliveries.get_delivery(conn, fresh.id)
    assert done is not None and done.state == deliveries.DONE and done.lease_token is None
    assert article_id == done.article_id


async def test_upgrade_keeps_parts_sent_twice_and_discussion_copies(empty_db: Database) -> None:
    """Migration 4 adds UNIQUE(delivery_id, part) over data the old code could write."""
    assert await empty_db.migrate(target=3) == [1, 2, 3]
    t = datetime(2025, 1, 28)  # naive: the columns of version 3 are plain SQL
    rows = [  # (chat, message id, part, kind): part 2 went out twice; a discussion copy
        (CHAT, 1, 1, "post"),
        (CHAT, 2, 2, "post"),
        (CHAT, 3, 2, "post"),
        (-2002, 70, 1, "discussion_copy"),
    ]
    async with empty_db.begin() as conn:
        for statement in (
            "INSERT INTO feeds (url, next_poll_at, created_at, options) "
            "VALUES ('https://e.example/f', :t, :t, '{}')",
            "INSERT INTO articles (feed_id, title, authors, content_markdown, enclosures, "
            "extra, created_at, updated_at) VALUES (1, 'A', '[]', '', '[]', '{}', :t, :t)",
            "INSERT INTO deliveries (article_id, chat_id, next_attempt_at, created_at) "
            "VALUES (1, -1001, :t, :t)",
        ):
            await conn.execute(sa.text(statement), {"t": t})
        for chat, message_id, part, kind in rows:
            await conn.execute(
                sa.text(
                    "INSERT INTO messages (chat_id, message_id, article_id, delivery_id, part, "
                    "kind, created_at) VALUES (:c, :m, 1, 1, :p, :k, :t)"
                ),
                {"c": chat, "m": message_id, "p": part, "k": kind, "t": t},
            )
    assert 4 in await empty_db.migrate()
    async with empty_db.begin() as conn:
        kept = await messages.messages_in_chat(conn, CHAT)
        copy = await messages.find_message(conn, -2002, 70)
        parts = await messages.messages_for_delivery(conn, 1)
        [delivery] = await deliveries.deliveries_for_article(conn, 1)
    assert [m.message_id for m in kept] == [1, 2, 3]  # replies to any of them still resolve
    assert [(m.part, m.message_id) for m in parts] == [(1, 1), (2, 2)]
    assert copy is not None and copy.delivery_id is None and copy.article_id == 1
    assert delivery.lease_token is None and delivery.rendered is None
    assert not delivery.edit_pending


async def test_a_stalled_transaction_cannot_hold_the_other_workers(
    db: Database, healthy: Bot
) -> None:
    """PostgreSQL ends a publisher transaction left idle (its process frozen inside it)."""
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL only")
    publisher = _publisher(db, healthy)  # a short lease: idle transactions end after 5 s
    with pytest.raises(sa.exc.DBAPIError):
        async with publisher._begin() as conn:
            await conn.execute(sa.text("SELECT 1"))
            await asyncio.sleep(6)  # frozen, as far as the server can tell
            await conn.execute(sa.text("SELECT 1"))
    async with db.begin() as conn:  # other transactions are not affected
        assert (await conn.execute(sa.text("SELECT 1"))).scalar_one() == 1
