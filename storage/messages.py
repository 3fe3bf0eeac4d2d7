"""Every message the bot sent for a post, so any part leads back to its article."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from storage.async_engine import AsyncConnection
from storage.schema import messages
from storage.types import utcnow

POST = "post"
DISCUSSION_COPY = "discussion_copy"


@dataclass(slots=True)
class SentMessage:
    id: int
    chat_id: int
    message_id: int
    article_id: int
    delivery_id: int | None
    part: int
    kind: str
    created_at: datetime


def _sent(row: sa.Row[Any]) -> SentMessage:
    return SentMessage(**row._asdict())


async def record_message(
    conn: AsyncConnection,
    *,
    chat_id: int,
    message_id: int,
    article_id: int,
    part: int,
    delivery_id: int | None = None,
    kind: str = POST,
    now: datetime | None = None,
) -> None:
    """Remember a sent message; recording the same message twice is harmless."""
    exists = (
        await conn.execute(
            sa.select(messages.c.id).where(
                messages.c.chat_id == chat_id, messages.c.message_id == message_id
            )
        )
    ).first()
    if exists is None:
        await conn.execute(
            messages.insert().values(
                chat_id=chat_id,
                message_id=message_id,
                article_id=article_id,
                part=part,
                delivery_id=delivery_id,
                kind=kind,
                created_at=now or utcnow(),
            )
        )


async def find_message(conn: AsyncConnection, chat_id: int, message_id: int) -> SentMessage | None:
    row = (
        await conn.execute(
            messages.select().where(
                messages.c.chat_id == chat_id, messages.c.message_id == message_id
            )
        )
    ).first()
    return _sent(row) if row else None


async def messages_for_delivery(conn: AsyncConnection, delivery_id: int) -> list[SentMessage]:
    rows = await conn.execute(
        messages.select().where(messages.c.delivery_id == delivery_id).order_by(messages.c.part)
    )
    return [_sent(row) for row in rows]


async def messages_for_article(conn: AsyncConnection, article_id: int) -> list[SentMessage]:
    rows = await conn.execute(
        messages.select()
        .where(messages.c.article_id == article_id)
        .order_by(messages.c.chat_id, messages.c.part)
    )
    return [_sent(row) for row in rows]


async def record_discussion_copy(
    conn: AsyncConnection,
    *,
    group_chat_id: int,
    group_message_id: int,
    post: SentMessage,
    now: datetime | None = None,
) -> None:
    """Map a discussion group's automatic copy to the channel post it copies.

    The copy leads to the article and part, but is not a part of the delivery (a
    delivery records each part once).
    """
    await record_message(
        conn,
        chat_id=group_chat_id,
        message_id=group_message_id,
        article_id=post.article_id,
        part=post.part,
        delivery_id=None,
        kind=DISCUSSION_COPY,
        now=now,
    )


async def last_recorded_part(conn: AsyncConnection, delivery_id: int) -> int:
    """The highest part already sent for a delivery (0 when none): resume after it."""
    value = (
        await conn.execute(
            sa.select(sa.func.max(messages.c.part)).where(messages.c.delivery_id == delivery_id)
        )
    ).scalar_one()
    return int(value or 0)


async def messages_in_chat(
    conn: AsyncConnection, chat_id: int, *, article_id: int | None = None
) -> list[SentMessage]:
    """A chat's recorded messages in send order, optionally of one article."""
    query = messages.select().where(messages.c.chat_id == chat_id)
    if article_id is not None:
        query = query.where(messages.c.article_id == article_id)
    rows = await conn.execute(query.order_by(messages.c.message_id))
    return [_sent(row) for row in rows]
