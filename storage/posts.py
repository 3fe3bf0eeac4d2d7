"""Posts: articles as readers met them, newest first, with where they appeared."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from bot.models import Article
from storage.articles import get_article
from storage.async_engine import AsyncConnection
from storage.schema import messages

POST_KINDS = "post%"  # "post", or "post.N" for parts sent in a fallback form


@dataclass(frozen=True, slots=True)
class Post:
    article: Article
    chat_id: int
    message_id: int  # the post's first message in that chat


async def latest_posts(
    conn: AsyncConnection, *, limit: int = 10, chat_ids: list[int] | None = None
) -> list[Post]:
    """The latest posted articles, one row per article (its first post anywhere, or in chats)."""
    first = sa.func.min(messages.c.id).label("first_id")
    query = (
        sa.select(messages.c.article_id, first)
        .where(messages.c.kind.like(POST_KINDS))
        .group_by(messages.c.article_id)
        .order_by(first.desc())
        .limit(limit)
    )
    if chat_ids is not None:
        query = query.where(messages.c.chat_id.in_(chat_ids))
    posts = []
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
            posts.append(Post(article, row.chat_id, row.message_id))
    return posts
