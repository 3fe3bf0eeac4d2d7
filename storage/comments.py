"""Readers' comments under a post's discussion copy, kept so admins can read them later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from storage.async_engine import AsyncConnection
from storage.schema import comments
from storage.types import utcnow


@dataclass(slots=True)
class Comment:
    id: int
    article_id: int
    chat_id: int
    message_id: int
    user_id: int | None
    user_name: str | None
    text: str
    created_at: datetime


def _comment(row: sa.Row[Any]) -> Comment:
    return Comment(**row._asdict())


async def save_comment(
    conn: AsyncConnection,
    *,
    article_id: int,
    chat_id: int,
    message_id: int,
    text: str,
    user_id: int | None = None,
    user_name: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Store a comment; the same message again (an edit) replaces its text. True if new."""
    key = sa.and_(comments.c.chat_id == chat_id, comments.c.message_id == message_id)
    exists = (await conn.execute(sa.select(comments.c.id).where(key))).first()
    if exists is not None:
        await conn.execute(comments.update().where(key).values(text=text))
        return False
    await conn.execute(
        comments.insert().values(
            article_id=article_id,
            chat_id=chat_id,
            message_id=message_id,
            user_id=user_id,
            user_name=user_name,
            text=text,
            created_at=now or utcnow(),
        )
    )
    return True


async def latest_comments(
    conn: AsyncConnection, article_id: int, *, limit: int = 10
) -> list[Comment]:
    """The newest `limit` comments on an article, returned oldest first to read in order."""
    rows = await conn.execute(
        comments.select()
        .where(comments.c.article_id == article_id)
        .order_by(comments.c.created_at.desc(), comments.c.id.desc())
        .limit(limit)
    )
    return [_comment(row) for row in reversed(list(rows))]


async def count_comments(conn: AsyncConnection, article_id: int | None = None) -> int:
    query = sa.select(sa.func.count()).select_from(comments)
    if article_id is not None:
        query = query.where(comments.c.article_id == article_id)
    return int((await conn.execute(query)).scalar_one())
