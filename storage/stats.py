"""Counts for /stats, each one query the database answers from its indexes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from storage.async_engine import AsyncConnection
from storage.schema import articles, comments, deliveries, feedback, feeds, messages


@dataclass(frozen=True, slots=True)
class Stats:
    feeds: int
    feeds_active: int
    feeds_failing: int
    articles: int
    deliveries_pending: int
    deliveries_failed: int
    messages_since: int
    feedback_open: int
    comments: int


async def _count(conn: AsyncConnection, table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
    query = sa.select(sa.func.count()).select_from(table)
    if where:
        query = query.where(*where)
    return int((await conn.execute(query)).scalar_one())


async def collect_stats(conn: AsyncConnection, *, since: datetime) -> Stats:
    """Totals now; `messages_since` counts messages the bot sent from `since` on."""
    return Stats(
        feeds=await _count(conn, feeds),
        feeds_active=await _count(conn, feeds, feeds.c.active.is_(True)),
        feeds_failing=await _count(conn, feeds, feeds.c.error_count > 0),
        articles=await _count(conn, articles),
        deliveries_pending=await _count(conn, deliveries, deliveries.c.state == "pending"),
        deliveries_failed=await _count(conn, deliveries, deliveries.c.state == "failed"),
        messages_since=await _count(conn, messages, messages.c.created_at >= since),
        feedback_open=await _count(conn, feedback, feedback.c.answered_at.is_(None)),
        comments=await _count(conn, comments),
    )
