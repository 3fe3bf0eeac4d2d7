"""Canonical link and text hash per article, to find the same article from another feed."""

from __future__ import annotations

import sqlalchemy as sa

from storage.async_engine import AsyncConnection
from storage.schema import article_keys, deliveries


async def save_keys(
    conn: AsyncConnection, article_id: int, canonical_url: str | None, content_key: str | None
) -> None:
    await conn.execute(article_keys.delete().where(article_keys.c.article_id == article_id))
    await conn.execute(
        article_keys.insert().values(
            article_id=article_id, canonical_url=canonical_url, content_key=content_key
        )
    )


_LOCK_SPACE = 0x63_77_64_75  # "cwdu": keeps these keys apart from other advisory locks


async def lock_chats(conn: AsyncConnection, chat_ids: list[int]) -> None:
    """PostgreSQL: serialise de-duplication per chat until this transaction ends.

    Two feeds polled at once each check, in their own transaction, whether the chat
    already has the article; without the lock both would see nothing and both post.
    Locks are taken in chat-id order (a poll's routes are the same for all its
    items), so two polls cannot deadlock. SQLite already runs one writer at a time.
    """
    if conn.dialect.name != "postgresql":
        return
    for chat_id in sorted(set(chat_ids)):
        await conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(:space, :key)"),
            {"space": _LOCK_SPACE, "key": (chat_id ^ (chat_id >> 32)) & 0x7FFFFFFF},
        )


async def same_article_in_chat(
    conn: AsyncConnection,
    chat_id: int,
    article_id: int,
    canonical_url: str | None,
    content_key: str | None,
) -> tuple[int, str] | None:
    """(earlier article id, "link" or "text") when the chat already has this article
    queued or posted under another id; None otherwise."""
    for column, value, why in (
        (article_keys.c.canonical_url, canonical_url, "link"),
        (article_keys.c.content_key, content_key, "text"),
    ):
        if value is None:
            continue
        found = (
            await conn.execute(
                sa.select(deliveries.c.article_id)
                .join(article_keys, article_keys.c.article_id == deliveries.c.article_id)
                .where(
                    column == value,
                    deliveries.c.chat_id == chat_id,
                    deliveries.c.article_id != article_id,
                )
                .order_by(deliveries.c.article_id)
                .limit(1)
            )
        ).scalar_one_or_none()
        if found is not None:
            return int(found), why
    return None
