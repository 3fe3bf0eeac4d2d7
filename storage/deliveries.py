"""The outbox: one delivery per article and chat, created with the article.

Claims are fenced: each claim writes a new `lease_token`, and every write a worker
makes for a claimed delivery can name it (`token=`). Such a write matches nothing
once another worker has claimed the delivery (the first one's lease ran out while it
was stalled), and raises `LeaseLost` so the stale worker stops instead of sending on.
Lease times come from the database's clock (`database_now`), so hosts whose clocks
disagree still agree on when a lease ends.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from storage.async_engine import AsyncConnection
from storage.routes import Route
from storage.schema import articles, deliveries
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
    lease_token: str | None = None
    rendered: list[dict[str, Any]] | None = None  # the parts as first sent (see publisher)
    edit_pending: bool = False

    @property
    def is_edit(self) -> bool:
        """Claimed to edit a finished post (its article changed), not to send one."""
        return self.state == DONE and self.edit_pending


class LeaseLost(Exception):
    """Another worker claimed the delivery after our lease ran out: stop, send nothing more."""

    def __init__(self, delivery_id: int) -> None:
        super().__init__(f"delivery {delivery_id} is no longer ours (its lease was taken over)")
        self.delivery_id = delivery_id


def _delivery(row: sa.Row[Any]) -> Delivery:
    return Delivery(**row._asdict())


async def database_now(conn: AsyncConnection) -> datetime:
    """The database server's time: one clock for every worker, whatever its host says.

    SQLite lives on this host, so its clock is the host's.
    """
    if conn.dialect.name == "postgresql":
        value = (
            await conn.execute(sa.select(sa.func.clock_timestamp(type_=sa.DateTime(True))))
        ).scalar_one()
        assert isinstance(value, datetime)
        return value.astimezone(UTC)
    return utcnow()


def _fenced(delivery_id: int, token: str | None) -> sa.ColumnElement[bool]:
    condition = deliveries.c.id == delivery_id
    if token is not None:
        condition = sa.and_(condition, deliveries.c.lease_token == token)
    return condition


def _check(result: Any, delivery_id: int, token: str | None) -> None:
    if token is not None and result.rowcount == 0:
        raise LeaseLost(delivery_id)


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
    now = now or await database_now(conn)
    cand = deliveries.alias("cand")
    earlier = deliveries.alias("earlier")
    has_earlier = (
        sa.select(earlier.c.id)
        .where(earlier.c.chat_id == cand.c.chat_id, _open(earlier), earlier.c.id < cand.c.id)
        .exists()
    )
    free = sa.or_(cand.c.lease_until.is_(None), cand.c.lease_until < now)
    due = (
        sa.select(cand.c.id)
        .where(_open(cand), cand.c.next_attempt_at <= now, free, ~has_earlier)
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
        .values(
            lease_until=now + lease,
            lease_token=uuid.uuid4().hex,  # one per claim; checks always name the id too
            attempts=deliveries.c.attempts + 1,
        )
        .returning(*deliveries.c)
    )
    return sorted((_delivery(row) for row in rows), key=lambda d: d.id)


def _open(table: sa.FromClause) -> sa.ColumnElement[bool]:
    """Work left for the publisher: a post to send, or a finished post to edit."""
    return sa.or_(
        table.c.state == PENDING,
        sa.and_(table.c.state == DONE, table.c.edit_pending == sa.true()),
    )


async def extend_lease(
    conn: AsyncConnection,
    delivery_id: int,
    *,
    lease: timedelta,
    now: datetime | None = None,
    token: str | None = None,
) -> None:
    """Keep a delivery ours while its parts go out; `LeaseLost` when it is not ours."""
    now = now or await database_now(conn)
    result = await conn.execute(
        deliveries.update()
        .where(_fenced(delivery_id, token), _open(deliveries))
        .values(lease_until=now + lease)
    )
    _check(result, delivery_id, token)


async def store_rendering(
    conn: AsyncConnection, delivery_id: int, rendered: list[dict[str, Any]], *, token: str
) -> None:
    """Keep the parts the post began with, so a resumed post sends the same ones."""
    result = await conn.execute(
        deliveries.update().where(_fenced(delivery_id, token)).values(rendered=rendered)
    )
    _check(result, delivery_id, token)


async def mark_done(
    conn: AsyncConnection,
    delivery_id: int,
    *,
    now: datetime | None = None,
    token: str | None = None,
) -> None:
    """The post is complete; an edit queued meanwhile becomes due now."""
    result = await conn.execute(
        deliveries.update()
        .where(_fenced(delivery_id, token))
        .values(
            state=DONE,
            lease_until=None,
            lease_token=None,
            last_error=None,
            finished_at=now or utcnow(),
        )
    )
    _check(result, delivery_id, token)


async def request_edits(
    conn: AsyncConnection, article_id: int, chat_ids: Collection[int], *, now: datetime
) -> int:
    """The article changed: edit its post in these chats once the post is complete.

    Call in the transaction that stores the change, so a crash cannot keep the one
    without the other. A post still going out keeps its rendering and is edited after.
    """
    if not chat_ids:
        return 0
    wanted = sa.and_(
        deliveries.c.article_id == article_id, deliveries.c.chat_id.in_(list(chat_ids))
    )
    done = await conn.execute(
        deliveries.update()
        .where(wanted, deliveries.c.state == DONE)
        .values(edit_pending=True, next_attempt_at=now)
    )
    pending = await conn.execute(
        deliveries.update()
        .where(wanted, deliveries.c.state.in_([PENDING, PAUSED]))
        .values(edit_pending=True)
    )
    return int(done.rowcount) + int(pending.rowcount)


async def finish_edit(
    conn: AsyncConnection, delivery_id: int, *, seen_update: int, token: str
) -> None:
    """The edit went out; it stays pending if the article changed again since `seen_update`."""
    newer = (
        sa.select(articles.c.update_count)
        .where(articles.c.id == deliveries.c.article_id)
        .scalar_subquery()
    )
    result = await conn.execute(
        deliveries.update()
        .where(_fenced(delivery_id, token))
        .values(
            edit_pending=sa.func.coalesce(newer, 0) > seen_update,
            lease_until=None,
            lease_token=None,
            last_error=None,
        )
    )
    _check(result, delivery_id, token)


async def retry_later(
    conn: AsyncConnection,
    delivery_id: int,
    *,
    at: datetime,
    error: str | None = None,
    token: str | None = None,
) -> None:
    """Give the delivery back: it is claimable again from `at`."""
    result = await conn.execute(
        deliveries.update()
        .where(_fenced(delivery_id, token))
        .values(next_attempt_at=at, lease_until=None, lease_token=None, last_error=error)
    )
    _check(result, delivery_id, token)


async def pause_delivery(
    conn: AsyncConnection, delivery_id: int, reason: str, *, token: str | None = None
) -> None:
    """Park one delivery (state paused) until its chat or route is resumed."""
    result = await conn.execute(
        deliveries.update()
        .where(_fenced(delivery_id, token))
        .values(state=PAUSED, lease_until=None, lease_token=None, last_error=reason)
    )
    _check(result, delivery_id, token)


async def wake_deliveries(
    conn: AsyncConnection, article_id: int, *, now: datetime | None = None
) -> int:
    """The article's translation is settled: its waiting deliveries are due now."""
    now = now or utcnow()
    result = await conn.execute(
        deliveries.update()
        .where(
            deliveries.c.article_id == article_id,
            deliveries.c.state == PENDING,
            deliveries.c.next_attempt_at > now,
            deliveries.c.lease_until.is_(None),
        )
        .values(next_attempt_at=now)
    )
    return int(result.rowcount)


async def reject_later(
    conn: AsyncConnection,
    delivery_id: int,
    *,
    at: datetime,
    error: str,
    token: str | None = None,
) -> int:
    """Telegram refused even the plainest form: count it, retry from `at`; the new count."""
    result = await conn.execute(
        deliveries.update()
        .where(_fenced(delivery_id, token))
        .values(
            next_attempt_at=at,
            lease_until=None,
            lease_token=None,
            last_error=error,
            rejections=deliveries.c.rejections + 1,
        )
        .returning(deliveries.c.rejections)
    )
    count = result.scalar_one_or_none()
    if count is None:
        raise LeaseLost(delivery_id)
    return int(count)


async def release(conn: AsyncConnection, delivery_id: int, *, token: str | None = None) -> None:
    """Drop the lease so the delivery can be claimed at once (a graceful stop mid-post)."""
    result = await conn.execute(
        deliveries.update()
        .where(_fenced(delivery_id, token))
        .values(lease_until=None, lease_token=None)
    )
    _check(result, delivery_id, token)


async def mark_failed(
    conn: AsyncConnection,
    delivery_id: int,
    error: str,
    *,
    now: datetime | None = None,
    token: str | None = None,
) -> None:
    """Give up on a delivery Telegram will never accept."""
    result = await conn.execute(
        deliveries.update()
        .where(_fenced(delivery_id, token))
        .values(
            state=FAILED,
            lease_until=None,
            lease_token=None,
            edit_pending=False,
            last_error=error,
            finished_at=now or utcnow(),
        )
    )
    _check(result, delivery_id, token)


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
