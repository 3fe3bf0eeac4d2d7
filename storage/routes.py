"""Routes: which feed goes to which chat, with per-route options."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from storage.async_engine import AsyncConnection
from storage.schema import deliveries, routes
from storage.types import utcnow


@dataclass(slots=True)
class Route:
    id: int
    feed_id: int
    chat_id: int
    active: bool
    paused_reason: str | None
    created_at: datetime
    options: dict[str, Any] = field(default_factory=dict)


def _route(row: sa.Row[Any]) -> Route:
    return Route(**row._asdict())


async def add_route(
    conn: AsyncConnection,
    feed_id: int,
    chat_id: int,
    *,
    options: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Route:
    """Add a route, or return the existing one for this feed and chat (updating options)."""
    existing = (
        await conn.execute(
            routes.select().where(routes.c.feed_id == feed_id, routes.c.chat_id == chat_id)
        )
    ).first()
    if existing is not None:
        route = _route(existing)
        if options is not None:
            await set_route_options(conn, route.id, options)
            route.options = options
        return route
    result = await conn.execute(
        routes.insert()
        .values(feed_id=feed_id, chat_id=chat_id, options=options or {}, created_at=now or utcnow())
        .returning(*routes.c)
    )
    return _route(result.one())


async def get_route(conn: AsyncConnection, route_id: int) -> Route | None:
    row = (await conn.execute(routes.select().where(routes.c.id == route_id))).first()
    return _route(row) if row else None


async def routes_for_feed(
    conn: AsyncConnection, feed_id: int, *, active_only: bool = True
) -> list[Route]:
    query = routes.select().where(routes.c.feed_id == feed_id)
    if active_only:
        query = query.where(routes.c.active.is_(True))
    return [_route(row) for row in await conn.execute(query.order_by(routes.c.id))]


async def list_routes(conn: AsyncConnection) -> list[Route]:
    return [_route(row) for row in await conn.execute(routes.select().order_by(routes.c.id))]


async def set_route_options(conn: AsyncConnection, route_id: int, options: dict[str, Any]) -> None:
    await conn.execute(routes.update().where(routes.c.id == route_id).values(options=options))


async def pause_route(conn: AsyncConnection, route_id: int, reason: str) -> bool:
    result = await conn.execute(
        routes.update().where(routes.c.id == route_id).values(active=False, paused_reason=reason)
    )
    return result.rowcount > 0


async def resume_route(conn: AsyncConnection, route_id: int) -> bool:
    result = await conn.execute(
        routes.update().where(routes.c.id == route_id).values(active=True, paused_reason=None)
    )
    return result.rowcount > 0


async def move_chat(conn: AsyncConnection, old_chat_id: int, new_chat_id: int) -> int:
    """A group became a supergroup: its routes and pending deliveries follow the new id."""
    result = await conn.execute(
        routes.update().where(routes.c.chat_id == old_chat_id).values(chat_id=new_chat_id)
    )
    await conn.execute(
        deliveries.update()
        .where(deliveries.c.chat_id == old_chat_id, deliveries.c.state != "done")
        .values(chat_id=new_chat_id)
    )
    return result.rowcount
