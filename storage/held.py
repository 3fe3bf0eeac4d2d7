"""Posts held back by a route's timing: deliveries parked until quiet hours end, and
items waiting for the route's next digest (route_outcomes rows "digest_pending")."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa

from storage.async_engine import AsyncConnection
from storage.deliveries import PENDING
from storage.schema import deliveries, route_outcomes

HELD = "held"  # a delivery waiting for quiet hours to end (next_attempt_at = the end)
DIGEST_PENDING = "digest_pending"
DIGESTED = "digested"


async def hold_deliveries(
    conn: AsyncConnection, article_id: int, route_ids: Collection[int], until: datetime
) -> int:
    """Park the article's fresh deliveries on these routes until `until`.

    Held deliveries are not pending, so they never block the chat's other posts.
    """
    if not route_ids:
        return 0
    result = await conn.execute(
        deliveries.update()
        .where(
            deliveries.c.article_id == article_id,
            deliveries.c.route_id.in_(sorted(route_ids)),
            deliveries.c.state == PENDING,
        )
        .values(state=HELD, next_attempt_at=until, lease_until=None)
    )
    return result.rowcount


async def release_due(conn: AsyncConnection, now: datetime) -> int:
    """Held deliveries whose quiet hours have ended become pending again (in id order)."""
    result = await conn.execute(
        deliveries.update()
        .where(deliveries.c.state == HELD, deliveries.c.next_attempt_at <= now)
        .values(state=PENDING)
    )
    return result.rowcount


async def pending_digests(conn: AsyncConnection) -> dict[int, datetime]:
    """{route id: when its oldest waiting item arrived} for routes with items waiting."""
    rows = await conn.execute(
        sa.select(route_outcomes.c.route_id, sa.func.min(route_outcomes.c.created_at))
        .where(route_outcomes.c.outcome == DIGEST_PENDING)
        .group_by(route_outcomes.c.route_id)
    )
    return {int(route_id): oldest for route_id, oldest in rows}


async def digest_items(conn: AsyncConnection, route_id: int) -> list[int]:
    """The article ids waiting for this route's digest, oldest first."""
    rows = await conn.execute(
        sa.select(route_outcomes.c.article_id)
        .where(route_outcomes.c.route_id == route_id, route_outcomes.c.outcome == DIGEST_PENDING)
        .order_by(route_outcomes.c.id)
    )
    return [int(article_id) for (article_id,) in rows]


async def mark_digested(
    conn: AsyncConnection, route_id: int, article_ids: Collection[int], digest_id: int
) -> None:
    await conn.execute(
        route_outcomes.update()
        .where(
            route_outcomes.c.route_id == route_id,
            route_outcomes.c.article_id.in_(sorted(article_ids)),
            route_outcomes.c.outcome == DIGEST_PENDING,
        )
        .values(outcome=DIGESTED, detail=f"in digest article {digest_id}")
    )
