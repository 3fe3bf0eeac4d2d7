"""Chats the bot has seen: type, title, public username and linked discussion group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from storage.async_engine import AsyncConnection
from storage.schema import chats, routes
from storage.types import utcnow


@dataclass(slots=True)
class ChatInfo:
    id: int
    type: str | None
    title: str | None
    username: str | None
    linked_chat_id: int | None
    updated_at: datetime


def _chat(row: sa.Row[Any]) -> ChatInfo:
    return ChatInfo(**row._asdict())


async def upsert_chat(
    conn: AsyncConnection,
    chat_id: int,
    *,
    type: str | None = None,
    title: str | None = None,
    username: str | None = None,
    linked_chat_id: int | None = None,
    now: datetime | None = None,
) -> ChatInfo:
    """Insert or refresh a chat; a field given as None keeps what was stored."""
    now = now or utcnow()
    given = {
        "type": type,
        "title": title,
        "username": username.lstrip("@") if username else None,
        "linked_chat_id": linked_chat_id,
    }
    values = {k: v for k, v in given.items() if v is not None}
    existing = await get_chat(conn, chat_id)
    if existing is None:
        await conn.execute(chats.insert().values(id=chat_id, updated_at=now, **values))
    else:
        await conn.execute(
            chats.update().where(chats.c.id == chat_id).values(updated_at=now, **values)
        )
    found = await get_chat(conn, chat_id)
    assert found is not None
    return found


async def get_chat(conn: AsyncConnection, chat_id: int) -> ChatInfo | None:
    row = (await conn.execute(chats.select().where(chats.c.id == chat_id))).first()
    return _chat(row) if row else None


async def find_chat_by_username(conn: AsyncConnection, username: str) -> ChatInfo | None:
    """Usernames compare without "@" and without case, as Telegram treats them."""
    name = username.lstrip("@").lower()
    row = (
        await conn.execute(
            chats.select()
            .where(sa.func.lower(chats.c.username) == name)
            .order_by(chats.c.updated_at.desc())
            .limit(1)
        )
    ).first()
    return _chat(row) if row else None


async def linked_channel(conn: AsyncConnection, group_chat_id: int) -> ChatInfo | None:
    """The channel whose discussion group this is, if the bot knows it."""
    row = (
        await conn.execute(
            chats.select()
            .where(chats.c.linked_chat_id == group_chat_id, chats.c.type == "channel")
            .limit(1)
        )
    ).first()
    return _chat(row) if row else None


async def move_chat_info(conn: AsyncConnection, old_id: int, new_id: int) -> None:
    """A group became a supergroup: keep its info under the new id."""
    old = await get_chat(conn, old_id)
    if old is None:
        return
    await upsert_chat(
        conn,
        new_id,
        type="supergroup",
        title=old.title,
        username=old.username,
        linked_chat_id=old.linked_chat_id,
    )
    await conn.execute(chats.delete().where(chats.c.id == old_id))


async def has_routes(conn: AsyncConnection, chat_id: int) -> bool:
    """True when some feed is routed to this chat (the bot posts there)."""
    row = (
        await conn.execute(sa.select(routes.c.id).where(routes.c.chat_id == chat_id).limit(1))
    ).first()
    return row is not None
