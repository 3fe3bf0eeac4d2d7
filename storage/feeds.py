"""Feeds: what to poll, and each feed's poll state (the database is the schedule)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from storage.async_engine import AsyncConnection
from storage.schema import feeds
from storage.types import UTCDateTime, utcnow

EMPTY_ITEMS_KEY = "empty_items"
"""Key in `Feed.options`: short fingerprints of items skipped for having no title and no text."""


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
    lease_token: str | None = None
    """The claim's fencing token: only the poller that holds it may write the poll's result."""

    @property
    def empty_items(self) -> list[str]:
        """Keys of the items skipped as empty (newest last); [] when none or malformed."""
        found = self.options.get(EMPTY_ITEMS_KEY)
        return [k for k in found if isinstance(k, str)] if isinstance(found, list) else []


class LeaseLostError(RuntimeError):
    """The feed was claimed again by another poller: this poll must write nothing more."""


def db_now(conn: AsyncConnection, *, plus_seconds: float = 0.0) -> sa.ColumnElement[datetime]:
    """The database server's clock (plus an offset), as a SQL expression.

    Leases are compared and set with it, so pollers on hosts whose clocks
    disagree still agree on when a lease ends.
    """
    if conn.dialect.name == "postgresql":
        expr: sa.ColumnElement[Any] = sa.func.clock_timestamp() + sa.literal(
            timedelta(seconds=plus_seconds), sa.Interval()
        )
    else:  # SQLite stores naive UTC as 'YYYY-MM-DD HH:MM:SS.ffffff'
        expr = sa.func.strftime("%Y-%m-%d %H:%M:%f", "now", f"{plus_seconds:+.3f} seconds").concat(
            "000"
        )
    return sa.type_coerce(expr, UTCDateTime)


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

    `now` decides what is due (the schedule); the lease itself runs on the
    database clock, and each claim writes a new `lease_token` that every later
    write of the poll must name. A lease that runs out (its process died or
    stalled) makes the feed claimable again, and the old holder's writes stop
    matching.
    """
    now = now or utcnow()
    due = (
        sa.select(feeds.c.id)
        .where(
            feeds.c.active.is_(True),
            feeds.c.next_poll_at <= now,
            sa.or_(feeds.c.lease_until.is_(None), feeds.c.lease_until < db_now(conn)),
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
        .values(
            lease_until=db_now(conn, plus_seconds=lease.total_seconds()),
            lease_token=secrets.token_hex(16),
        )
        .returning(*feeds.c)
    )
    return sorted((_feed(row) for row in rows), key=lambda f: f.next_poll_at)


async def next_due_at(conn: AsyncConnection) -> datetime | None:
    """When the next unleased active feed falls due: the poller can sleep till then."""
    query = sa.select(sa.func.min(feeds.c.next_poll_at)).where(
        feeds.c.active.is_(True),
        sa.or_(feeds.c.lease_until.is_(None), feeds.c.lease_until < db_now(conn)),
    )
    value = (await conn.execute(query)).scalar()
    if value is None:
        return None
    return UTCDateTime().process_result_value(value, conn.dialect)


async def extend_lease(
    conn: AsyncConnection, feed_id: int, token: str | None, lease: timedelta
) -> None:
    """Push the lease's end out (database clock) if `token` still holds it; else LeaseLostError.

    On PostgreSQL this also locks the feed's row until the transaction ends, so
    no claim can take the feed while the caller stores its items.
    """
    result = await conn.execute(
        feeds.update()
        .where(feeds.c.id == feed_id, _holds(token))
        .values(lease_until=db_now(conn, plus_seconds=lease.total_seconds()))
    )
    if result.rowcount == 0:
        raise LeaseLostError(f"feed {feed_id}: lease lost to another poller")


def _holds(token: str | None) -> sa.ColumnElement[bool]:
    if token is None:
        return feeds.c.lease_token.is_(None)
    return feeds.c.lease_token == token


async def finish_polls(
    conn: AsyncConnection, updates: Sequence[tuple[int, str | None, dict[str, Any]]]
) -> set[int]:
    """Write back poll results whose lease is still held; release those leases.

    Each update is (feed id, lease token, columns). Returns the ids written; a
    feed claimed again meanwhile is left to its new holder.
    """
    if not updates:
        return set()
    ids = sorted({feed_id for feed_id, _, _ in updates})
    if conn.dialect.name == "sqlite":  # take the write lock before reading the tokens
        await conn.execute(
            feeds.update().where(feeds.c.id.in_(ids)).values(lease_token=feeds.c.lease_token)
        )
    query = (
        sa.select(feeds.c.id, feeds.c.lease_token)
        .where(feeds.c.id.in_(ids))
        .order_by(feeds.c.id)  # rows locked in one order: two batches never deadlock
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    tokens = {row.id: row.lease_token for row in await conn.execute(query)}
    held = sorted(
        ((i, v) for i, token, v in updates if i in tokens and tokens[i] == token),
        key=lambda pair: pair[0],
    )
    await update_feeds(
        conn, [(i, {**v, "lease_until": None, "lease_token": None}) for i, v in held]
    )
    return {i for i, _ in held}


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
