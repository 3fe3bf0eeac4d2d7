"""Bringing a chat back after the bot was removed from it (a 403 paused its routes)."""

from __future__ import annotations

from dataclasses import dataclass

from storage import deliveries, routes
from storage.db import Database


@dataclass(frozen=True, slots=True)
class Resumed:
    routes: int
    deliveries: int


async def resume_chat(db: Database, chat_id: int) -> Resumed:
    """Re-activate the chat's paused routes and requeue the posts held back meanwhile."""
    async with db.begin() as conn:
        paused = [
            r for r in await routes.list_routes(conn) if r.chat_id == chat_id and not r.active
        ]
        for route in paused:
            await routes.resume_route(conn, route.id)
        requeued = await deliveries.resume_chat_deliveries(conn, chat_id)
    return Resumed(len(paused), requeued)
