"""Outbox claims: oldest first, one in flight per chat, leases that expire, and state moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import chats, deliveries, messages
from storage.db import Database
from tests.fakes.posts import make_article, queue_article, seed_feed

T0 = datetime(2025, 1, 28, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


async def _claim(
    db: Database, now: datetime = T0, *, limit: int = 10, chat_id: int | None = None
) -> list[deliveries.Delivery]:
    async with db.begin() as conn:
        return await deliveries.claim_due_deliveries(
            conn, limit=limit, lease=LEASE, now=now, chat_id=chat_id
        )


async def test_claims_one_per_chat_in_creation_order(db: Database) -> None:
    feed_id, route_list = await seed_feed(db, [-1, -2])
    first = await queue_article(db, feed_id, make_article(1, ["a"]), route_list, now=T0)
    second = await queue_article(db, feed_id, make_article(2, ["b"]), route_list, now=T0)
    claimed = await _claim(db)
    assert [(d.article_id, d.chat_id) for d in claimed] == [(first, -1), (first, -2)]
    assert all(d.lease_until == T0 + LEASE and d.attempts == 1 for d in claimed)
    assert await _claim(db) == []  # the chats' earlier deliveries are in flight
    async with db.begin() as conn:
        await deliveries.mark_done(conn, claimed[0].id, now=T0)
    again = await _claim(db)
    assert [(d.article_id, d.chat_id) for d in again] == [(second, -1)]


async def test_limit_and_chat_filter(db: Database) -> None:
    feed_id, route_list = await seed_feed(db, [-1, -2, -3])
    await queue_article(db, feed_id, make_article(1, ["a"]), route_list, now=T0)
    assert [d.chat_id for d in await _claim(db, limit=2)] == [-1, -2]
    assert [d.chat_id for d in await _claim(db, chat_id=-3)] == [-3]
    assert await _claim(db, chat_id=-3) == []


async def test_expired_lease_is_claimed_again(db: Database) -> None:
    feed_id, route_list = await seed_feed(db, [-1])
    await queue_article(db, feed_id, make_article(1, ["a"]), route_list, now=T0)
    (held,) = await _claim(db)
    assert await _claim(db, now=T0 + LEASE) == []  # lease_until is not yet past
    (stolen,) = await _claim(db, now=T0 + LEASE + timedelta(seconds=1))
    assert stolen.id == held.id and stolen.attempts == 2


async def test_retry_later_keeps_later_deliveries_waiting(db: Database) -> None:
    feed_id, route_list = await seed_feed(db, [-1])
    await queue_article(db, feed_id, make_article(1, ["a"]), route_list, now=T0)
    await queue_article(db, feed_id, make_article(2, ["b"]), route_list, now=T0)
    (first,) = await _claim(db)
    async with db.begin() as conn:
        await deliveries.retry_later(conn, first.id, at=T0 + timedelta(minutes=1), error="5xx")
    assert await _claim(db) == []  # the second may not overtake the first
    (again,) = await _claim(db, now=T0 + timedelta(minutes=1))
    assert again.id == first.id and again.last_error == "5xx"


async def test_pause_and_resume_a_chat(db: Database) -> None:
    feed_id, route_list = await seed_feed(db, [-1, -2])
    await queue_article(db, feed_id, make_article(1, ["a"]), route_list, now=T0)
    await queue_article(db, feed_id, make_article(2, ["b"]), route_list, now=T0)
    async with db.begin() as conn:
        assert await deliveries.pause_chat_deliveries(conn, -1, "kicked") == 2
    assert [d.chat_id for d in await _claim(db)] == [-2]
    async with db.begin() as conn:
        assert (await deliveries.count_by_state(conn))["paused"] == 2
        assert await deliveries.resume_chat_deliveries(conn, -1, now=T0) == 2
    assert [d.chat_id for d in await _claim(db)] == [-1]


async def test_failed_and_released(db: Database) -> None:
    feed_id, route_list = await seed_feed(db, [-1])
    await queue_article(db, feed_id, make_article(1, ["a"]), route_list, now=T0)
    await queue_article(db, feed_id, make_article(2, ["b"]), route_list, now=T0)
    (first,) = await _claim(db)
    async with db.begin() as conn:
        await deliveries.release(conn, first.id)
    (same,) = await _claim(db)
    assert same.id == first.id
    async with db.begin() as conn:
        await deliveries.mark_failed(conn, first.id, "refused", now=T0)
        failed = await deliveries.get_delivery(conn, first.id)
    assert failed is not None and failed.state == "failed" and failed.finished_at == T0
    (second,) = await _claim(db)  # a failed delivery no longer blocks its chat
    assert second.id != first.id


async def test_recorded_parts_and_discussion_copies(db: Database) -> None:
    feed_id, route_list = await seed_feed(db, [-1])
    article_id = await queue_article(db, feed_id, make_article(1, ["a"]), route_list, now=T0)
    (delivery,) = await _claim(db)
    async with db.begin() as conn:
        assert await messages.last_recorded_part(conn, delivery.id) == 0
        for part in (1, 2):
            await messages.record_message(
                conn,
                chat_id=-1,
                message_id=10 + part,
                article_id=article_id,
                part=part,
                delivery_id=delivery.id,
            )
        assert await messages.last_recorded_part(conn, delivery.id) == 2
        post = await messages.find_message(conn, -1, 12)
        assert post is not None
        await messages.record_discussion_copy(
            conn, group_chat_id=-9, group_message_id=40, post=post
        )
        copy = await messages.find_message(conn, -9, 40)
    assert copy is not None and copy.kind == "discussion_copy" and copy.part == 2
    assert copy.article_id == article_id


async def test_chats_upsert_lookup_and_move(db: Database) -> None:
    async with db.begin() as conn:
        info = await chats.upsert_chat(conn, -1, type="channel", title="新闻", username="@News_CN")
        assert info.username == "News_CN"
        again = await chats.upsert_chat(conn, -1, linked_chat_id=-9)
        assert again.title == "新闻" and again.linked_chat_id == -9  # None keeps old values
        found = await chats.find_chat_by_username(conn, "@news_cn")
        assert found is not None and found.id == -1
        assert await chats.find_chat_by_username(conn, "other") is None
        assert (await chats.linked_channel(conn, -9)) == again
        await chats.upsert_chat(conn, -5, type="group", title="g")
        await chats.move_chat_info(conn, -5, -1005)
        assert await chats.get_chat(conn, -5) is None
        moved = await chats.get_chat(conn, -1005)
        assert moved is not None and moved.type == "supergroup" and moved.title == "g"


async def test_pause_and_resume_one_route(db: Database) -> None:
    feed_id, route_list = await seed_feed(db, [-1, -2])
    await queue_article(db, feed_id, make_article(1, ["a"]), route_list, now=T0)
    async with db.begin() as conn:
        assert await deliveries.pause_route_deliveries(conn, route_list[0].id, "by admin") == 1
    assert [d.chat_id for d in await _claim(db)] == [-2]
    async with db.begin() as conn:
        assert await deliveries.resume_route_deliveries(conn, route_list[0].id, now=T0) == 1
    assert [d.chat_id for d in await _claim(db)] == [-1]
