"""Where articles were posted, so readers are answered only about posts they could see.

An article counts as posted in a chat when the bot sent it there (kind "post" or
"post.N") or when Telegram copied that post into the chat (a discussion group's
"discussion_copy"). Articles stored but never sent (a first poll's baseline,
a delivery not yet made) appear in no chat and so are visible to nobody.
"""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.articles import get_article
from storage.posts import POST_KINDS, Post
from storage.schema import chats, messages

DISCUSSION_COPY = "discussion_copy"


def _appeared() -> sa.ColumnElement[bool]:
    return sa.or_(messages.c.kind.like(POST_KINDS), messages.c.kind == DISCUSSION_COPY)


async def chats_of_article(conn: AsyncConnection, article_id: int) -> set[int]:
    """The chats where this article's post (or a discussion copy of it) appeared."""
    rows = await conn.execute(
        sa.select(messages.c.chat_id)
        .where(messages.c.article_id == article_id, _appeared())
        .distinct()
    )
    return {int(chat_id) for (chat_id,) in rows}


async def chats_with_posts(conn: AsyncConnection) -> list[int]:
    """Every chat where some post appeared (the chats a private reader might see)."""
    rows = await conn.execute(sa.select(messages.c.chat_id).where(_appeared()).distinct())
    return sorted(int(chat_id) for (chat_id,) in rows)


async def linked_chat_ids(conn: AsyncConnection, chat_id: int) -> set[int]:
    """The channel/discussion-group links the bot has learned for this chat, both ways."""
    rows = await conn.execute(
        sa.select(chats.c.id, chats.c.linked_chat_id).where(
            sa.or_(chats.c.id == chat_id, chats.c.linked_chat_id == chat_id)
        )
    )
    found: set[int] = set()
    for row_id, linked in rows:
        if row_id == chat_id and linked is not None:
            found.add(int(linked))
        elif row_id != chat_id:
            found.add(int(row_id))
    return found


async def latest_posts_seen_in(
    conn: AsyncConnection, chat_ids: Collection[int], *, limit: int = 10
) -> list[Post]:
    """The latest articles that appeared in any of `chat_ids`, newest first.

    Each comes with its first post in one of those chats (its discussion copy's
    channel post when the chat only holds the copy).
    """
    if not chat_ids:
        return []
    ids = sorted(set(chat_ids))
    seen_here = sa.select(messages.c.article_id).where(messages.c.chat_id.in_(ids), _appeared())
    first = sa.func.min(messages.c.id).label("first_id")
    query = (
        sa.select(messages.c.article_id, first)
        .where(messages.c.kind.like(POST_KINDS), messages.c.article_id.in_(seen_here))
        .group_by(messages.c.article_id)
        .order_by(first.desc())
        .limit(limit)
    )
    found: list[Post] = []
    for article_id, first_id in (await conn.execute(query)).all():
        row = (
            await conn.execute(
                sa.select(messages.c.chat_id, messages.c.message_id).where(
                    messages.c.id == first_id
                )
            )
        ).one()
        article = await get_article(conn, article_id)
        if article is not None:
            found.append(Post(article, int(row.chat_id), int(row.message_id)))
    return found
