"""Feeds: what to poll, and each feed's poll state (the database is the schedule)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import feeds
from storage.types import utcnow


class FeedExistsError(ValueError):
    """A feed with this URL is already stored."""


@dataclass(slots=True)
class Feed:
    id: int
    url: str
    title: str | None
    site_url: str | None
    language: str | None
    interval_seconds: int
    fulltext: bool
    backfill: int
    baseline_done: bool
    active: bool
    etag: str | None
    last_modified: str | None
    last_polled_at: datetime | None
    last_success_at: datetime | None
    next_poll_at: datetime
    lease_until: datetime | None
    error_count: int
    last_error: str | None
    created_at: datetime
    options: dict[str, Any] = field(default_factory=dict)


def _feed(row: sa.Row[Any]) -> Feed:
    return Feed(**row._asdict())


async def add_feed(
    conn: AsyncConnection,
    url: str,
    *,
    title: str | None = None,
    interval_seconds: int = 600,
    fulltext: bool = False,
    backfill: int = 0,
    options: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Feed:
    now = now or utcnow()
    if await get_feed_by_url(conn, url) is not None:
        raise FeedExistsError(f"feed already added: {url}")
    result = await conn.execute(
        feeds.insert()
        .values(
            url=url,
            title=title,
            interval_seconds=interval_seconds,
            fulltext=fulltext,
            backfill=backfill,
            options=options or {},
            next_poll_at=now,
            created_at=now,
        )
        .returning(*feeds.c)
    )
    return _feed(result.one())


async def get_feed(conn: AsyncConnection, feed_id: int) -> Feed | None:
    row = (await conn.execute(feeds.select().where(feeds.c.id == feed_id))).first()
    return _feed(row) if row else None


async def get_feed_by_url(conn: AsyncConnection, url: str) -> Feed | None:
    row = (await conn.execute(feeds.select().where(feeds.c.url == url))).first()
    return _feed(row) if row else None


async def list_feeds(conn: AsyncConnection) -> list[Feed]:
    rows = await conn.execute(feeds.select().order_by(feeds.c.id))
    return [_feed(row) for row in rows]


async def remove_feed(conn: AsyncConnection, feed_id: int) -> bool:
    result = await conn.execute(feeds.delete().where(feeds.c.id == feed_id))
    return result.rowcount > 0


async def update_feed(conn: AsyncConnection, feed_id: int, **values: Any) -> bool:
    """Write back any feed columns (poll state, title, active, …)."""
    unknown = set(values) - set(feeds.c.keys())
    if unknown:
        raise ValueError(f"unknown feed columns: {sorted(unknown)}")
    result = await conn.execute(feeds.update().where(feeds.c.id == feed_id).values(**values))
    return result.rowcount > 0


async def claim_due_feeds(
    conn: AsyncConnection,
    *,
    limit: int,
    lease: timedelta,
    now: datetime | None = None,
) -> list[Feed]:
    """Take up to `limit` due feeds and lease them, so no other process polls them too.

    A lease that runs out (its process died) makes the feed claimable again.
    """
    now = now or utcnow()
    due = (
        sa.select(feeds.c.id)
        .where(
            feeds.c.active.is_(True),
            feeds.c.next_poll_at <= now,
            sa.or_(feeds.c.lease_until.is_(None), feeds.c.lease_until < now),
        )
        .order_by(feeds.c.next_poll_at)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list((await conn.execute(due)).scalars())
    if not ids:
        return []
    rows = await conn.execute(
        feeds.update()
        .where(feeds.c.id.in_(ids))
        .values(lease_until=now + lease)
        .returning(*feeds.c)
    )
    return sorted((_feed(row) for row in rows), key=lambda f: f.next_poll_at)


async def update_feeds(
    conn: AsyncConnection, updates: Sequence[tuple[int, dict[str, Any]]]
) -> None:
    """Write back many feeds' columns at once: one executemany per set of columns.

    The poller's group commit: hundreds of unchanged feeds cost one statement.
    """
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for feed_id, values in updates:
        unknown = set(values) - set(feeds.c.keys())
        if unknown:
            raise ValueError(f"unknown feed columns: {sorted(unknown)}")
        params = {**values, "_feed_id": feed_id}
        by_columns.setdefault(tuple(sorted(values)), []).append(params)
    for columns, rows in by_columns.items():
        statement = (
            feeds.update()
            .where(feeds.c.id == sa.bindparam("_feed_id"))
            .values({name: sa.bindparam(name) for name in columns})
        )
        await conn.execute(statement, rows)
