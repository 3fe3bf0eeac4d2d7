"""Articles, routes and a small deterministic renderer for delivery tests and benchmarks.

`simple_render` stands in for bot/render/post.py: the title (bold) is part 1, each
"\\n\\n---\\n\\n"-separated section of the body is one more part; with the route
option {"photo": true} and a lead image, part 1 is a photo with the title as caption.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.models import Article, Entity, OutgoingMessage
from storage import articles, deliveries, feeds, routes
from storage.db import Database

SECTION = "\n\n---\n\n"


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def simple_render(article: Article, options: Mapping[str, Any]) -> list[OutgoingMessage]:
    title = article.title
    first = OutgoingMessage(title, [Entity("bold", 0, utf16_len(title))])
    if options.get("photo") and article.lead_image:
        first.photo = article.lead_image
    parts = [first]
    for section in article.content_markdown.split(SECTION):
        if section.strip():
            parts.append(OutgoingMessage(section, _link_entities(section, article.url)))
    return parts


def _link_entities(text: str, url: str | None) -> list[Entity]:
    """Make the first word a link, so parts carry entities that can go wrong."""
    word = text.split(maxsplit=1)[0]
    start = text.index(word)
    if not url:
        return []
    return [Entity("text_link", utf16_len(text[:start]), utf16_len(word), url=url)]


def make_article(number: int, sections: Sequence[str], *, lead_image: str | None = None) -> Article:
    return Article(
        title=f"第{number}篇 Article {number}",
        url=f"https://news.example/{number}",
        guid=f"g{number}",
        content_markdown=SECTION.join(sections),
        lead_image=lead_image,
        published=datetime(2025, 1, 28, tzinfo=UTC) + timedelta(minutes=number),
    )


async def seed_feed(
    db: Database,
    chat_ids: Sequence[int],
    *,
    options: dict[str, Any] | None = None,
    url: str = "https://news.example/feed",
) -> tuple[int, list[routes.Route]]:
    async with db.begin() as conn:
        feed = await feeds.add_feed(conn, url)
        added = [await routes.add_route(conn, feed.id, c, options=options) for c in chat_ids]
    return feed.id, added


async def queue_article(
    db: Database,
    feed_id: int,
    article: Article,
    route_list: Sequence[routes.Route],
    *,
    now: datetime | None = None,
) -> int:
    article.feed_id = feed_id
    async with db.begin() as conn:
        article_id = await articles.insert_article(conn, article, now=now)
        await deliveries.enqueue_deliveries(conn, article_id, route_list, now=now)
    return article_id
