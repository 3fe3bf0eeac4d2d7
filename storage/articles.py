"""Articles: stored once per feed, found again through the de-duplication key chain."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.models import Article, Enclosure
from storage import cache, deliveries, search
from storage.async_engine import AsyncConnection
from storage.db import dialect_insert
from storage.schema import articles, messages
from storage.types import utcnow

AD_HOC_POST = "ad_hoc_post"
"""Key in `Article.extra`: an admin's /post, delivered without a route (default options)."""


def _article(row: sa.Row[Any]) -> Article:
    data = row._asdict()
    return Article(
        id=data["id"],
        feed_id=data["feed_id"],
        guid=data["guid"],
        url=data["url"],
        title=data["title"],
        authors=list(data["authors"] or []),
        translator=data["translator"],
        source=data["source"],
        published=data["published_at"],
        language=data["language"],
        content_html=data["content_html"],
        content_markdown=data["content_markdown"],
        content_hash=data["content_hash"],
        lead_image=data["lead_image"],
        enclosures=[Enclosure(**e) for e in data["enclosures"] or []],
        extra=dict(data["extra"] or {}),
    )


def _columns(article: Article) -> dict[str, Any]:
    return {
        "feed_id": article.feed_id,
        "guid": article.guid,
        "url": article.url,
        "title": article.title,
        "authors": list(article.authors),
        "translator": article.translator,
        "source": article.source,
        "published_at": article.published,
        "language": article.language,
        "content_html": article.content_html,
        "content_markdown": article.content_markdown,
        "content_hash": article.content_hash,
        "lead_image": article.lead_image,
        "enclosures": [asdict(e) for e in article.enclosures],
        "extra": article.extra,
    }


async def insert_article(
    conn: AsyncConnection, article: Article, *, now: datetime | None = None
) -> int:
    now = now or utcnow()
    result = await conn.execute(
        articles.insert()
        .values(**_columns(article), created_at=now, updated_at=now)
        .returning(articles.c.id)
    )
    article_id = int(result.scalar_one())
    article.id = article_id
    await search.index_article(conn, article_id, article)
    return article_id


async def insert_article_once(
    conn: AsyncConnection, article: Article, key: str | None, *, now: datetime | None = None
) -> int | None:
    """Insert a feed's article under its item key; None if the key is already stored.

    The unique (feed_id, item_key) index makes a second insert of the same
    item impossible, even from two pollers whose reads both missed the other's
    row; the caller then treats the stored row as the match.
    """
    if key is None or article.feed_id is None:
        return await insert_article(conn, article, now=now)
    now = now or utcnow()
    statement = (
        dialect_insert(conn, articles)
        .values(**_columns(article), item_key=key, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=[articles.c.feed_id, articles.c.item_key])
        .returning(articles.c.id)
    )
    found = (await conn.execute(statement)).scalar()
    if found is None:
        return None
    article.id = int(found)
    await search.index_article(conn, article.id, article)
    return article.id


async def update_article(
    conn: AsyncConnection,
    article_id: int,
    article: Article,
    *,
    now: datetime | None = None,
    edit_chats: Collection[int] = (),
) -> None:
    """Replace an article's content after the feed changed it; counts the update.

    In the same transaction, answers computed from the old content are dropped and
    the posts in `edit_chats` are queued for an edit (the publisher edits them once
    each post is complete), so a crash never keeps one without the other.
    """
    now = now or utcnow()
    await conn.execute(
        articles.update()
        .where(articles.c.id == article_id)
        .values(**_columns(article), updated_at=now, update_count=articles.c.update_count + 1)
    )
    await cache.drop_cached(conn, article_id)
    await deliveries.request_edits(conn, article_id, edit_chats, now=now)
    await search.index_article(conn, article_id, article)


async def update_count(conn: AsyncConnection, article_id: int) -> int:
    """How many times the feed changed the article (0 when never, or not stored)."""
    value = (
        await conn.execute(sa.select(articles.c.update_count).where(articles.c.id == article_id))
    ).scalar_one_or_none()
    return int(value or 0)


async def get_article(conn: AsyncConnection, article_id: int) -> Article | None:
    row = (await conn.execute(articles.select().where(articles.c.id == article_id))).first()
    return _article(row) if row else None


async def find_duplicate(
    conn: AsyncConnection,
    feed_id: int | None,
    *,
    guid: str | None,
    url: str | None,
    title: str | None,
    content_hash: str | None,
) -> Article | None:
    """The stored article this item repeats: by guid, else link, else title and content."""
    same_feed = articles.c.feed_id.is_(None) if feed_id is None else articles.c.feed_id == feed_id
    keys: list[sa.ColumnElement[bool]] = []
    if guid:
        keys.append(articles.c.guid == guid)
    if url:
        keys.append(articles.c.url == url)
    if title and content_hash:
        keys.append(sa.and_(articles.c.title == title, articles.c.content_hash == content_hash))
    for key in keys:
        row = (
            await conn.execute(
                articles.select().where(same_feed, key).order_by(articles.c.id).limit(1)
            )
        ).first()
        if row is not None:
            return _article(row)
    return None


async def latest_articles(
    conn: AsyncConnection, *, limit: int = 10, chat_id: int | None = None
) -> list[Article]:
    """Newest first; with `chat_id`, only articles posted to that chat."""
    query = articles.select().order_by(articles.c.id.desc()).limit(limit)
    if chat_id is not None:
        posted = sa.select(messages.c.article_id).where(messages.c.chat_id == chat_id)
        query = query.where(articles.c.id.in_(posted))
    return [_article(row) for row in await conn.execute(query)]


async def count_articles(conn: AsyncConnection) -> int:
    return int((await conn.execute(sa.select(sa.func.count()).select_from(articles))).scalar_one())


@dataclass(frozen=True, slots=True)
class KnownArticle:
    """The keys and fingerprints of a stored article, without its body (for de-duplication)."""

    id: int
    guid: str | None
    url: str | None
    title: str
    content_hash: str | None
    extra: dict[str, Any]


_KNOWN_COLUMNS = (
    articles.c.id,
    articles.c.guid,
    articles.c.url,
    articles.c.title,
    articles.c.content_hash,
    articles.c.extra,
)


def _known(row: Any) -> KnownArticle:
    return KnownArticle(
        id=row.id,
        guid=row.guid,
        url=row.url,
        title=row.title,
        content_hash=row.content_hash,
        extra=dict(row.extra or {}),
    )


async def known_articles(
    conn: AsyncConnection,
    feed_id: int,
    *,
    guids: Iterable[str] = (),
    urls: Iterable[str] = (),
    content_hashes: Iterable[str] = (),
) -> list[KnownArticle]:
    """The feed's stored articles with any of the given guids, links or content hashes.

    One query for a whole feed document, where `find_duplicate` takes up to three
    per item. Oldest first, as `find_duplicate` prefers.
    """
    keys: list[sa.ColumnElement[bool]] = []
    for column, values in (
        (articles.c.guid, guids),
        (articles.c.url, urls),
        (articles.c.content_hash, content_hashes),
    ):
        wanted = sorted(set(values))
        if wanted:
            keys.append(column.in_(wanted))
    if not keys:
        return []
    query = (
        sa.select(*_KNOWN_COLUMNS)
        .where(articles.c.feed_id == feed_id, sa.or_(*keys))
        .order_by(articles.c.id)
    )
    return [_known(row) for row in await conn.execute(query)]


async def known_by_key(conn: AsyncConnection, feed_id: int, key: str) -> KnownArticle | None:
    """The feed's stored article under this item key, if any."""
    query = sa.select(*_KNOWN_COLUMNS).where(
        articles.c.feed_id == feed_id, articles.c.item_key == key
    )
    row = (await conn.execute(query)).first()
    return None if row is None else _known(row)


async def set_article_extra(conn: AsyncConnection, article_id: int, extra: dict[str, Any]) -> None:
    """Replace an article's `extra` without counting it as a content update."""
    await conn.execute(articles.update().where(articles.c.id == article_id).values(extra=extra))
