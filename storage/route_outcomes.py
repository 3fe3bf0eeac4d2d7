"""What each route did not post, and why: counted in `routes list` and /filter."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa

from storage.async_engine import AsyncConnection
from storage.db import dialect_insert
from storage.schema import route_outcomes
from storage.types import utcnow

FILTERED = "filtered"
DUPLICATE = "duplicate"


async def record_outcome(
    conn: AsyncConnection,
    route_id: int,
    article_id: int,
    outcome: str,
    detail: str | None = None,
    *,
    now: datetime | None = None,
) -> None:
    """Remember that the route skipped the article; a second record for the pair is ignored."""
    statement = dialect_insert(conn, route_outcomes).values(
        route_id=route_id,
        article_id=article_id,
        outcome=outcome,
        detail=detail,
        created_at=now or utcnow(),
    )
    await conn.execute(
        statement.on_conflict_do_nothing(
            index_elements=[route_outcomes.c.route_id, route_outcomes.c.article_id]
        )
    )


async def outcome_counts(
    conn: AsyncConnection, route_ids: Collection[int] | None = None
) -> dict[int, dict[str, int]]:
    """{route id: {outcome: count}} for the given routes (all when None)."""
    query = sa.select(
        route_outcomes.c.route_id, route_outcomes.c.outcome, sa.func.count()
    ).group_by(route_outcomes.c.route_id, route_outcomes.c.outcome)
    if route_ids is not None:
        query = query.where(route_outcomes.c.route_id.in_(sorted(route_ids)))
    counts: dict[int, dict[str, int]] = {}
    for route_id, outcome, count in await conn.execute(query):
        counts.setdefault(int(route_id), {})[str(outcome)] = int(count)
    return counts
