from __future__ import annotations

import pytest

from bot.models import Article
from bot.resolve import (
    ArticleId,
    PostLink,
    article_for_message,
    article_for_reference,
    latest_posted_article,
    parse_reference,
)
from storage import articles, cache, messages, posts
from storage.db import Database


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://t.me/chatwire_news/42", PostLink(42, username="chatwire_news")),
        ("t.me/s/chatwire_news/7?comment=3", PostLink(7, username="chatwire_news")),
        ("https://t.me/c/1234567890/15", PostLink(15, chat_id=-1001234567890)),
        ("12", ArticleId(12)),
        ("#12", ArticleId(12)),
        (" 3 ", ArticleId(3)),
        ("https://example.com/12", None),
        ("twelve", None),
        ("", None),
    ],
)
def test_parse_reference(text: str, expected: object) -> None:
    assert parse_reference(text) == expected


async def _posted(db: Database, title: str, chat_id: int, message_ids: list[int]) -> int:
    async with db.begin() as conn:
        article_id = await articles.insert_article(conn, Article(title=title))
        for part, message_id in enumerate(message_ids, start=1):
            await messages.record_message(
                conn, chat_id=chat_id, message_id=message_id, article_id=article_id, part=part
            )
    return article_id


async def test_resolution_paths(db: Database) -> None:
    assert await latest_posted_article(db) is None
    first = await _posted(db, "First", -1001, [10, 11])
    async with db.begin() as conn:
        await articles.insert_article(conn, Article(title="Stored, never posted"))
    second = await _posted(db, "Second", -1002, [5])

    found = await article_for_message(db, -1001, 11)
    assert found is not None and found.id == first
    assert await article_for_message(db, -1001, 99) is None

    async def lookup(name: str) -> int | None:
        return {"news": -1001}.get(name)

    by_link = await article_for_reference(
        db, PostLink(10, username="news"), chat_id_for_username=lookup
    )
    assert by_link is not None and by_link.id == first
    assert (
        await article_for_reference(db, PostLink(10, username="nope"), chat_id_for_username=lookup)
        is None
    )
    by_id = await article_for_reference(db, ArticleId(second), chat_id_for_username=lookup)
    assert by_id is not None and by_id.title == "Second"

    latest = await latest_posted_article(db)
    assert latest is not None and latest.id == second
    async with db.begin() as conn:
        listed = await posts.latest_posts(conn, limit=5)
        only_first = await posts.latest_posts(conn, chat_ids=[-1001])
    assert [(p.article.id, p.chat_id, p.message_id) for p in listed] == [
        (second, -1002, 5),
        (first, -1001, 10),
    ]
    assert [p.article.id for p in only_first] == [first]


async def test_analysis_cache(db: Database) -> None:
    article_id = await _posted(db, "Cached", -1001, [1])
    async with db.begin() as conn:
        assert await cache.get_cached(conn, article_id, "summary", "m1") is None
        await cache.put_cached(conn, article_id, "summary", "m1", {"text": "a"})
        await cache.put_cached(conn, article_id, "summary", "m1", {"text": "b"})
        await cache.put_cached(conn, article_id, "quotes", "q1", [{"quote": "x"}])
        assert await cache.get_cached(conn, article_id, "summary", "m1") == {"text": "b"}
        await cache.drop_cached(conn, article_id, "summary")
        assert await cache.get_cached(conn, article_id, "summary", "m1") is None
        assert await cache.get_cached(conn, article_id, "quotes", "q1") == [{"quote": "x"}]
        await cache.drop_cached(conn, article_id)
        assert await cache.get_cached(conn, article_id, "quotes", "q1") is None
