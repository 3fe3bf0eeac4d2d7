"""Where articles were posted, so readers are answered only about posts they could see.

An article counts as posted in a chat when the bot sent it there (kind "post" or
"post.N") or when Telegram copied that post into the chat (a discussion group's
"discussion_copy"). Articles stored but never sent (a first poll's baseline,
a delivery not yet made) appear in no chat and so are visible to nobody.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa

from storage.async_engine import AsyncConnection
from storage.messages import DISCUSSION_COPY
from storage.posts import POST_KINDS
from storage.schema import articles, chats, messages


@dataclass(frozen=True, slots=True)
class SeenPost:
    """An article as a listing shows it, and the message where it appeared."""

    article_id: int
    title: str
    chat_id: int
    message_id: int


def appeared() -> sa.ColumnElement[bool]:
    """The message is a post of the article, or Telegram's copy of it in a discussion."""
    return sa.or_(messages.c.kind.like(POST_KINDS), messages.c.kind == DISCUSSION_COPY)


async def chats_of_article(conn: AsyncConnection, article_id: int) -> set[int]:
    """The chats where this article's post (or a discussion copy of it) appeared."""
    rows = await conn.execute(
        sa.select(messages.c.chat_id)
        .where(messages.c.article_id == article_id, appeared())
        .distinct()
    )
    return {int(chat_id) for (chat_id,) in rows}


async def chats_with_posts(conn: AsyncConnection) -> list[int]:
    """Every chat where some post appeared (the chats a private reader might see).

    Steps through the distinct chat ids on the (chat_id, message_id) index, one
    lookup per chat, instead of scanning every message.
    """
    found: list[int] = []
    while True:
        query = sa.select(messages.c.chat_id).where(appeared())
        if found:
            query = query.where(messages.c.chat_id > found[-1])
        chat_id = (
            await conn.execute(query.order_by(messages.c.chat_id).limit(1))
        ).scalar_one_or_none()
        if chat_id is None:
            return found
        found.append(int(chat_id))


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


async def _latest_in_chat(
    conn: AsyncConnection, chat_id: int, limit: int, batch: int
) -> list[tuple[int, int, int]]:
    """(row id, message id, article id) of the `limit` articles that appeared last in a chat.

    Walks the chat's messages by message id, newest first, on the (chat_id,
    message_id) index, stopping once `limit` distinct articles are found.
    """
    found: list[tuple[int, int, int]] = []
    seen: set[int] = set()
    before: int | None = None
    while len(found) < limit:
        query = (
            sa.select(messages.c.id, messages.c.message_id, messages.c.article_id)
            .where(messages.c.chat_id == chat_id, appeared())
            .order_by(messages.c.message_id.desc())
            .limit(batch)
        )
        if before is not None:
            query = query.where(messages.c.message_id < before)
        rows = (await conn.execute(query)).all()
        for row_id, message_id, article_id in rows:
            if article_id not in seen and len(found) < limit:
                seen.add(article_id)
                found.append((int(row_id), int(message_id), int(article_id)))
        if len(rows) < batch:
            break
        before = rows[-1].message_id
    return found


async def latest_posts_seen_in(
    conn: AsyncConnection, chat_ids: Collection[int], *, limit: int = 10, batch: int = 100
) -> list[SeenPost]:
    """The articles that appeared most recently in any of `chat_ids`, newest first.

    Each chat is read newest first and only until it has given `limit` articles,
    so the cost does not grow with the number of stored articles. Each post comes
    with its latest message among those chats (the post, or its discussion copy).
    """
    if limit <= 0:
        return []
    candidates: list[tuple[int, int, int, int]] = []  # row id, chat, message, article
    for chat_id in sorted(set(chat_ids)):
        for row_id, message_id, article_id in await _latest_in_chat(conn, chat_id, limit, batch):
            candidates.append((row_id, chat_id, message_id, article_id))
    latest: list[tuple[int, int, int]] = []  # article, chat, message
    seen: set[int] = set()
    for _, chat_id, message_id, article_id in sorted(candidates, reverse=True):
        if article_id not in seen and len(latest) < limit:
            seen.add(article_id)
            latest.append((article_id, chat_id, message_id))
    if not latest:
        return []
    rows = await conn.execute(
        sa.select(articles.c.id, articles.c.title).where(
            articles.c.id.in_([article_id for article_id, _, _ in latest])
        )
    )
    titles = {int(article_id): str(title) for article_id, title in rows}
    return [
        SeenPost(article_id, titles[article_id], chat_id, message_id)
        for article_id, chat_id, message_id in latest
        if article_id in titles
    ]
