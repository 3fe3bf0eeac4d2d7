"""The outbox: one delivery per article and chat, created with the article."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.routes import Route
from storage.schema import deliveries
from storage.types import utcnow

PENDING = "pending"
DONE = "done"
FAILED = "failed"
PAUSED = "paused"


@dataclass(slots=True)
class Delivery:
    id: int
    article_id: int
    route_id: int | None
    chat_id: int
    state: str
    attempts: int
    next_attempt_at: datetime
    lease_until: datetime | None
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None
    rejections: int = 0


def _delivery(row: sa.Row[Any]) -> Delivery:
    return Delivery(**row._asdict())


async def enqueue_deliveries(
    conn: AsyncConnection,
    article_id: int,
    routes: Iterable[Route],
    *,
    now: datetime | None = None,
) -> int:
    """Queue the article for each route's chat; a chat already queued is skipped."""
    now = now or utcnow()
    queued = 0
    for route in routes:
        exists = (
            await conn.execute(
                sa.select(deliveries.c.id).where(
                    deliveries.c.article_id == article_id, deliveries.c.chat_id == route.chat_id
                )
            )
        ).first()
        if exists is None:
            await conn.execute(
                deliveries.insert().values(
                    article_id=article_id,
                    route_id=route.id,
                    chat_id=route.chat_id,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
            queued += 1
    return queued


async def get_delivery(conn: AsyncConnection, delivery_id: int) -> Delivery | None:
    row = (await conn.execute(deliveries.select().where(deliveries.c.id == delivery_id))).first()
    return _delivery(row) if row else None


async def deliveries_for_article(conn: AsyncConnection, article_id: int) -> list[Delivery]:
    rows = await conn.execute(
        deliveries.select().where(deliveries.c.article_id == article_id).order_by(deliveries.c.id)
    )
    return [_delivery(row) for row in rows]


async def claim_due_deliveries(
    conn: AsyncConnection,
    *,
    limit: int,
    lease: timedelta,
    now: datetime | None = None,
    chat_id: int | None = None,
    exclude_chats: Collection[int] = (),
) -> list[Delivery]:
    """Lease up to `limit` due deliveries, at most one per chat, oldest first.

    A chat's deliveries go out in creation order: only a chat's earliest pending
    delivery may be claimed, and not while it is leased (in flight elsewhere) or
    waiting for a retry. A lease that runs out (its process died) frees it again.
    With `chat_id`, only that chat is considered; chats in `exclude_chats` are skipped
    (the caller is already sending there).
    """
    now = now or utcnow()
    cand = deliveries.alias("cand")
    earlier = deliveries.alias("earlier")
    has_earlier = (
        sa.select(earlier.c.id)
        .where(
            earlier.c.chat_id == cand.c.chat_id,
            earlier.c.state == PENDING,
            earlier.c.id < cand.c.id,
        )
        .exists()
    )
    free = sa.or_(cand.c.lease_until.is_(None), cand.c.lease_until < now)
    due = (
        sa.select(cand.c.id)
        .where(cand.c.state == PENDING, cand.c.next_attempt_at <= now, free, ~has_earlier)
        .order_by(cand.c.id)
        .limit(limit)
    )
    if chat_id is not None:
        due = due.where(cand.c.chat_id == chat_id)
    if exclude_chats:
        due = due.where(cand.c.chat_id.not_in(list(exclude_chats)))
    if conn.dialect.name == "postgresql":
        due = due.with_for_update(of=cand, skip_locked=True)
    # One statement: on SQLite it takes the write lock at once (no read-then-write
    # upgrade that a concurrent writer could break); on PostgreSQL the locked rows
    # are skipped by other claimers.
    rows = await conn.execute(
        deliveries.update()
        .where(deliveries.c.id.in_(due.scalar_subquery()))
        .values(lease_until=now + lease, attempts=deliveries.c.attempts + 1)
        .returning(*deliveries.c)
    )
    return sorted((_delivery(row) for row in rows), key=lambda d: d.id)


async def extend_lease(
    conn: AsyncConnection, delivery_id: int, *, lease: timedelta, now: datetime | None = None
) -> None:
    """Keep a delivery ours while its parts go out."""
    now = now or utcnow()
    await conn.execute(
        deliveries.update()
        .where(deliveries.c.id == delivery_id, deliveries.c.state == PENDING)
        .values(lease_until=now + lease)
    )


async def mark_done(
    conn: AsyncConnection, delivery_id: int, *, now: datetime | None = None
) -> None:
    await conn.execute(
        deliveries.update()
        .where(deliveries.c.id == delivery_id)
        .values(state=DONE, lease_until=None, last_error=None, finished_at=now or utcnow())
    )


async def retry_later(
    conn: AsyncConnection, delivery_id: int, *, at: datetime, error: str | None = None
) -> None:
    """Give the delivery back: it is claimable again from `at`."""
    await conn.execute(
        deliveries.update()
        .where(deliveries.c.id == delivery_id)
        .values(next_attempt_at=at, lease_until=None, last_error=error)
    )


async def reject_later(conn: AsyncConnection, delivery_id: int, *, at: datetime, error: str) -> int:
    """Telegram refused even the plainest form: count it, retry from `at`; the new count."""
    result = await conn.execute(
        deliveries.update()
        .where(deliveries.c.id == delivery_id)
        .values(
            next_attempt_at=at,
            lease_until=None,
            last_error=error,
            rejections=deliveries.c.rejections + 1,
        )
        .returning(deliveries.c.rejections)
    )
    return int(result.scalar_one())


async def release(conn: AsyncConnection, delivery_id: int) -> None:
    """Drop the lease so the delivery can be claimed at once (a graceful stop mid-post)."""
    await conn.execute(
        deliveries.update().where(deliveries.c.id == delivery_id).values(lease_until=None)
    )


async def mark_failed(
    conn: AsyncConnection, delivery_id: int, error: str, *, now: datetime | None = None
) -> None:
    """Give up on a delivery Telegram will never accept."""
    await conn.execute(
        deliveries.update()
        .where(deliveries.c.id == delivery_id)
        .values(state=FAILED, lease_until=None, last_error=error, finished_at=now or utcnow())
    )


async def pause_chat_deliveries(conn: AsyncConnection, chat_id: int, reason: str) -> int:
    """The bot cannot post in the chat: park its pending deliveries until resumed."""
    result = await conn.execute(
        deliveries.update()
        .where(deliveries.c.chat_id == chat_id, deliveries.c.state == PENDING)
        .values(state=PAUSED, lease_until=None, last_error=reason)
    )
    return result.rowcount


async def resume_chat_deliveries(
    conn: AsyncConnection, chat_id: int, *, now: datetime | None = None
) -> int:
    """Put a chat's paused deliveries back in the queue (after the route is resumed)."""
    result = await conn.execute(
        deliveries.update()
        .where(deliveries.c.chat_id == chat_id, deliveries.c.state == PAUSED)
        .values(state=PENDING, next_attempt_at=now or utcnow(), last_error=None)
    )
    return result.rowcount


async def count_by_state(conn: AsyncConnection) -> dict[str, int]:
    rows = await conn.execute(
        sa.select(deliveries.c.state, sa.func.count()).group_by(deliveries.c.state)
    )
    return {state: int(count) for state, count in rows}


async def pause_route_deliveries(conn: AsyncConnection, route_id: int, reason: str) -> int:
    """A route was paused by hand: park its pending deliveries (call with pause_route)."""
    result = await conn.execute(
        deliveries.update()
        .where(deliveries.c.route_id == route_id, deliveries.c.state == PENDING)
        .values(state=PAUSED, lease_until=None, last_error=reason)
    )
    return result.rowcount


async def resume_route_deliveries(
    conn: AsyncConnection, route_id: int, *, now: datetime | None = None
) -> int:
    """Put a route's paused deliveries back in the queue (call with resume_route)."""
    result = await conn.execute(
        deliveries.update()
        .where(deliveries.c.route_id == route_id, deliveries.c.state == PAUSED)
        .values(state=PENDING, next_attempt_at=now or utcnow(), last_error=None)
    )
    return result.rowcount
