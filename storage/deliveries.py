"""The outbox: one delivery per article and chat, created with the article."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
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
