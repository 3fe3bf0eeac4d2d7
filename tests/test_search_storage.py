"""Search storage on every backend: the same hits on SQLite (FTS5 trigram) and
PostgreSQL (pg_trgm), for English and Chinese, kept in step with edits."""

from __future__ import annotations

import sqlalchemy as sa

from bot.models import Article
from storage import articles, messages
from storage import search as store
from storage.db import Database

CHANNEL, OTHER = -1001, -1002

DOCS = [
    ("Bridge opens over the river", "The new bridge carries traffic from Monday.", ["Ada Lin"]),
    ("Budget vote delayed", "The council postponed the budget vote to March.", []),
    ("大桥今日通车", "新建的大桥周一起正式通车，交通压力有望缓解。", ["王小明"]),
    ("预算投票推迟", "市议会把预算投票推迟到三月。大桥工程不受影响。", []),
    ("ＦＵＬＬＷＩＤＴＨ Ｔｉｔｌｅ", "Straße and 100% of the_budget.", []),
]


async def _fill(db: Database) -> list[int]:
    ids = []
    async with db.begin() as conn:
        for n, (title, text, authors) in enumerate(DOCS, start=1):
            article_id = await articles.insert_article(
                conn, Article(title=title, content_markdown=text, authors=authors)
            )
            await messages.record_message(
                conn, chat_id=CHANNEL, message_id=n, article_id=article_id, part=1
            )
            ids.append(article_id)
    return ids


async def _search(db: Database, query: str, chats: list[int] | None = None) -> list[int]:
    where = [CHANNEL] if chats is None else chats
    async with db.begin() as conn:
        hits = await store.search(conn, store.query_words(query), where, limit=50)
    return [hit.article_id for hit in hits]


async def test_english_and_chinese_queries(db: Database) -> None:
    ids = await _fill(db)
    assert await _search(db, "bridge") == [ids[0]]
    assert await _search(db, "BUDGET") == [ids[4], ids[1]]  # newest first; "the_budget" too
    assert await _search(db, "budget vote") == [ids[1]]
    assert await _search(db, "budget bridge") == []
    assert await _search(db, "今日通车") == [ids[2]]
    assert await _search(db, "大桥 通车") == [ids[2]]
    assert await _search(db, "大桥") == [ids[3], ids[2]]  # two CJK characters: `pairs`
    assert await _search(db, "桥今") == [ids[2]]
    assert await _search(db, "女排") == []  # in no document
    assert await _search(db, "大大桥") == []  # the doubled column never answers for body
    assert await _search(db, "桥通") == []  # not adjacent anywhere
    assert await _search(db, "三月 大桥") == [ids[3]]
    assert await _search(db, "桥") == [ids[3], ids[2]]
    assert await _search(db, "预算 三月") == [ids[3]]
    assert await _search(db, "王小明") == [ids[2]]  # authors are searched too
    assert await _search(db, "ada lin") == [ids[0]]
    assert await _search(db, "nothing-like-this") == []


async def test_width_case_and_special_characters(db: Database) -> None:
    ids = await _fill(db)
    assert await _search(db, "fullwidth title") == [ids[4]]
    assert await _search(db, "ＦＵＬＬ") == [ids[4]]
    assert await _search(db, "STRASSE") == [ids[4]]  # case folding: ß is ss
    assert await _search(db, "100%") == [ids[4]]
    assert await _search(db, "0%") == [ids[4]]  # % is a character, not a wildcard
    assert await _search(db, "e_b") == [ids[4]]  # _ likewise
    assert await _search(db, '"bridge') == []  # quotes cannot break the FTS query
    assert await _search(db, 'bridge"') == []


async def test_only_posts_in_the_given_chats(db: Database) -> None:
    ids = await _fill(db)
    async with db.begin() as conn:
        unposted = await articles.insert_article(conn, Article(title="Bridge baseline"))
        elsewhere = await articles.insert_article(conn, Article(title="Bridge elsewhere"))
        await messages.record_message(
            conn, chat_id=OTHER, message_id=9, article_id=elsewhere, part=1
        )
        await messages.record_message(  # a discussion copy counts as appearing there
            conn, chat_id=OTHER, message_id=10, article_id=ids[0], part=1, kind="discussion_copy"
        )
    assert unposted not in await _search(db, "bridge", [CHANNEL, OTHER])
    assert await _search(db, "bridge", [CHANNEL]) == [ids[0]]
    assert await _search(db, "bridge", [OTHER]) == [elsewhere, ids[0]]
    assert await _search(db, "bridge", []) == []


async def test_edits_are_searchable_at_once(db: Database) -> None:
    ids = await _fill(db)
    async with db.begin() as conn:
        edited = await articles.get_article(conn, ids[0])
        assert edited is not None
        edited.title = "Tunnel opens under the river"
        edited.content_markdown = "隧道周一通车。"
        await articles.update_article(conn, ids[0], edited)
    assert await _search(db, "bridge") == []
    assert await _search(db, "tunnel") == [ids[0]]
    assert await _search(db, "隧道") == [ids[0]]
    assert await _search(db, "river") == [ids[0]]


async def test_paging(db: Database) -> None:
    async with db.begin() as conn:
        ids = []
        for n in range(25):
            article_id = await articles.insert_article(conn, Article(title=f"Wire item {n}"))
            await messages.record_message(
                conn, chat_id=CHANNEL, message_id=n + 1, article_id=article_id, part=1
            )
            ids.append(article_id)
        first = await store.search(conn, ["wire"], [CHANNEL], limit=10)
        third = await store.search(conn, ["wire"], [CHANNEL], limit=10, offset=20)
    assert [h.article_id for h in first] == ids[::-1][:10]
    assert [h.article_id for h in third] == ids[::-1][20:]


async def test_index_missing_catches_up(db: Database) -> None:
    ids = await _fill(db)
    async with db.begin() as conn:
        await conn.execute(sa.text("DELETE FROM search_docs"))
        if db.dialect == "sqlite":
            await conn.execute(sa.text("INSERT INTO search_fts (search_fts) VALUES ('delete-all')"))
    assert await _search(db, "bridge") == []
    async with db.begin() as conn:
        assert await store.index_missing(conn, batch=2) == len(DOCS)
        assert await store.index_missing(conn) == 0
    assert await _search(db, "bridge") == [ids[0]]
    assert await _search(db, "大桥") == [ids[3], ids[2]]


def test_documents_drop_link_targets() -> None:
    doc = store.document_of(
        Article(title="T", content_markdown="See [the **report**](https://x.example/report).")
    )
    assert "https" not in doc and "the report" in doc
    assert store.query_words("Ａ  a  B b") == ["a", "b"]


async def test_a_feed_item_stored_under_its_key_is_searchable_at_once(db: Database) -> None:
    from storage import feeds

    async with db.begin() as conn:
        feed = await feeds.add_feed(conn, "https://example.com/feed.xml")
        article = Article(title="Harbour ferry returns", content_markdown="渡轮今日复航。")
        article.feed_id = feed.id
        article_id = await articles.insert_article_once(conn, article, "guid:ferry-1")
        assert article_id is not None
        await messages.record_message(
            conn, chat_id=CHANNEL, message_id=99, article_id=article_id, part=1
        )
    assert await _search(db, "ferry") == [article_id]
    assert await _search(db, "渡轮") == [article_id]
