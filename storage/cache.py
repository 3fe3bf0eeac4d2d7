"""Answers computed once per article and method (summaries, quotes), then reused."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from storage.async_engine import AsyncConnection
from storage.schema import analysis_cache
from storage.types import utcnow


async def get_cached(conn: AsyncConnection, article_id: int, kind: str, method: str) -> Any | None:
    row = (
        await conn.execute(
            sa.select(analysis_cache.c.payload).where(
                analysis_cache.c.article_id == article_id,
                analysis_cache.c.kind == kind,
                analysis_cache.c.method == method,
            )
        )
    ).first()
    return row[0] if row else None


async def put_cached(
    conn: AsyncConnection,
    article_id: int,
    kind: str,
    method: str,
    payload: Any,
    *,
    now: datetime | None = None,
) -> None:
    """Store an answer; a concurrent writer's equal answer is kept, not an error."""
    await drop_cached(conn, article_id, kind, method)
    await conn.execute(
        analysis_cache.insert().values(
            article_id=article_id,
            kind=kind,
            method=method,
            payload=payload,
            created_at=now or utcnow(),
        )
    )


async def drop_cached(
    conn: AsyncConnection, article_id: int, kind: str | None = None, method: str | None = None
) -> None:
    """Forget answers for an article (all of them when its content changed)."""
    query = analysis_cache.delete().where(analysis_cache.c.article_id == article_id)
    if kind is not None:
        query = query.where(analysis_cache.c.kind == kind)
    if method is not None:
        query = query.where(analysis_cache.c.method == method)
    await conn.execute(query)
