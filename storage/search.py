"""Full-text search over stored articles, with the same answers on SQLite and PostgreSQL.

Each article has one search document: its title, authors and text, NFKC-normalised
and case-folded here in Python, so both databases compare the same characters. A
query matches a document when every query word occurs in it as a substring — the
meaning FTS5's trigram tokenizer gives a quoted phrase and `LIKE '%word%'` gives on
PostgreSQL (pg_trgm's GIN index makes that fast). Substrings rather than stemmed
words because Chinese has no spaces between words. Words shorter than three
characters cannot use a trigram index: a two-character CJK word is found in a
second column where each CJK character is doubled ("大桥" as "大大桥桥", see
`pairs_of`); other one- and two-character words fall back to LIKE on both.

The document is written by `index_article` in the same transaction that stores or
edits the article (storage/articles.py calls it), so search never lags an edit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.models import Article
from storage.async_engine import AsyncConnection
from storage.schema import articles, messages, search_docs

MIN_INDEXED_CHARS = 3  # a trigram index cannot find anything shorter
MAX_DOCUMENT_CHARS = 50_000  # the head of a very long article is enough to find it
MAX_WORDS = 8
NEWEST_PROBE = 1_000  # PostgreSQL: documents read newest first before asking the index
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKS = re.compile(r"[*`#>|~]+|(?<!\w)_+|_+(?!\w)")  # keeps snake_case words
_SPACES = re.compile(r"\s+")
_CJK_RUN = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f]+"
)


def normalize(text: str) -> str:
    """Width- and case-insensitive form: NFKC (full-width → ASCII, ligatures split), casefold."""
    return unicodedata.normalize("NFKC", text).casefold()


def document_of(article: Article) -> str:
    """The searchable text of an article: title, authors, then its text without link targets."""
    text = _MARKDOWN_LINK.sub(r"\1", article.content_markdown or "")
    text = _MARKDOWN_MARKS.sub(" ", text)
    parts = [article.title or "", " ".join(article.authors), text]
    body = _SPACES.sub(" ", "\n".join(parts)).strip()
    return normalize(body[:MAX_DOCUMENT_CHARS])


def query_words(query: str) -> list[str]:
    """The distinct normalised words of a query, in order, at most MAX_WORDS."""
    words: list[str] = []
    for word in normalize(query).split():
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def pairs_of(body: str) -> str:
    """Each run of CJK characters with every character doubled ("大桥" → "大大桥桥").

    A document holds the two-character CJK word "ab" exactly when this holds "aabb",
    which a trigram index can find: Chinese words are mostly two characters long.
    """
    return " ".join("".join(c * 2 for c in run) for run in _CJK_RUN.findall(body))


def _pair_word(word: str) -> bool:
    return len(word) == 2 and _CJK_RUN.fullmatch(word) is not None


async def index_article(conn: AsyncConnection, article_id: int, article: Article) -> None:
    """Write (or rewrite) an article's search document; call inside the article's transaction."""
    await index_document(conn, article_id, document_of(article))


async def index_document(conn: AsyncConnection, article_id: int, body: str) -> None:
    sqlite = conn.dialect.name == "sqlite"
    pairs = pairs_of(body)
    old = (
        await conn.execute(
            sa.select(search_docs.c.body, search_docs.c.pairs).where(
                search_docs.c.article_id == article_id
            )
        )
    ).first()
    if old is not None:
        if old.body == body:
            return
        if sqlite:  # an external-content FTS5 table must be told the old text to forget it
            await conn.execute(
                sa.text(
                    "INSERT INTO search_fts (search_fts, rowid, body, pairs) "
                    "VALUES ('delete', :id, :body, :pairs)"
                ),
                {"id": article_id, "body": old.body, "pairs": old.pairs},
            )
        await conn.execute(
            search_docs.update()
            .where(search_docs.c.article_id == article_id)
            .values(body=body, pairs=pairs)
        )
    else:
        await conn.execute(
            search_docs.insert().values(article_id=article_id, body=body, pairs=pairs)
        )
    if sqlite:
        await conn.execute(
            sa.text("INSERT INTO search_fts (rowid, body, pairs) VALUES (:id, :body, :pairs)"),
            {"id": article_id, "body": body, "pairs": pairs},
        )


async def index_missing(conn: AsyncConnection, *, batch: int = 1_000) -> int:
    """Index every article without a search document (articles stored before search
    existed, or written by another path); returns how many were indexed."""
    done = 0
    after = 0
    while True:
        rows = (
            await conn.execute(
                sa.select(
                    articles.c.id,
                    articles.c.title,
                    articles.c.authors,
                    articles.c.content_markdown,
                )
                .where(
                    articles.c.id > after,
                    ~sa.exists().where(search_docs.c.article_id == articles.c.id),
                )
                .order_by(articles.c.id)
                .limit(batch)
            )
        ).all()
        for row in rows:
            article = Article(
                title=row.title,
                authors=list(row.authors or []),
                content_markdown=row.content_markdown or "",
            )
            await index_article(conn, int(row.id), article)
        done += len(rows)
        if len(rows) < batch:
            return done
        after = int(rows[-1].id)


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: what a result line shows."""

    article_id: int
    title: str
    url: str | None
    published: datetime | None
    stored: datetime


def _visible_in(chat_ids: Collection[int]) -> sa.ColumnElement[bool]:
    """The article appeared (as a post or its discussion copy) in one of the chats:
    the rule of storage/visibility.py, as a condition on the search query."""
    # Imported here: storage.posts imports storage.articles, which imports this module.
    from storage.visibility import appeared

    return sa.exists().where(
        messages.c.article_id == articles.c.id,
        messages.c.chat_id.in_(sorted(set(chat_ids))),
        appeared(),
    )


# what a hit shows: the article's id, title, link and dates
_HIT_COLUMNS = (
    articles.c.id,
    articles.c.title,
    articles.c.url,
    articles.c.published_at,
    articles.c.created_at,
)


async def search(
    conn: AsyncConnection,
    words: Iterable[str],
    chat_ids: Collection[int],
    *,
    limit: int = 10,
    offset: int = 0,
) -> list[Hit]:
    """Articles posted in any of `chat_ids` whose document holds every word, newest first.

    `words` must already be normalised (`query_words`). Returns at most `limit` hits
    after skipping `offset`; ask for one more than a page to know whether another follows.
    """
    words = list(words)
    if not words or not chat_ids or limit <= 0:
        return []
    long_words = [w for w in words if len(w) >= MIN_INDEXED_CHARS]
    pair_words = ["".join(c * 2 for c in w) for w in words if _pair_word(w)]
    short_words = [w for w in words if len(w) < MIN_INDEXED_CHARS and not _pair_word(w)]
    conditions: list[sa.ColumnElement[bool]] = []
    source: sa.FromClause
    indexed = bool(long_words or pair_words)
    if conn.dialect.name == "sqlite" and indexed:
        fts = sa.table("search_fts", sa.column("rowid"), sa.column("search_fts"))
        source = fts.join(search_docs, search_docs.c.article_id == fts.c.rowid)
        phrases = [f"body:{_fts_phrase(w)}" for w in long_words]
        phrases += [f"pairs:{_fts_phrase(w)}" for w in pair_words]
        conditions.append(sa.literal_column("search_fts").op("MATCH")(" ".join(phrases)))
        order = fts.c.rowid.desc()
    else:
        source = search_docs
        order = search_docs.c.article_id.desc()
        conditions += [search_docs.c.body.like(_like(w), escape="\\") for w in long_words]
        conditions += [search_docs.c.pairs.like(_like(w), escape="\\") for w in pair_words]
    conditions += [search_docs.c.body.like(_like(w), escape="\\") for w in short_words]
    query = (
        sa.select(*_HIT_COLUMNS)
        .select_from(source.join(articles, articles.c.id == search_docs.c.article_id))
        .where(*conditions, _visible_in(chat_ids))
        .order_by(order)
        .limit(limit)
        .offset(offset)
    )
    if conn.dialect.name == "postgresql" and indexed:
        rows = await _postgres_rows(conn, query, conditions, chat_ids, limit, offset)
    else:
        rows = list(await conn.execute(query))
    return [Hit(int(row.id), row.title, row.url, row.published_at, row.created_at) for row in rows]


async def _postgres_rows(
    conn: AsyncConnection,
    query: sa.Select[Any],
    conditions: list[sa.ColumnElement[bool]],
    chat_ids: Collection[int],
    limit: int,
    offset: int,
) -> list[sa.Row[Any]]:
    """Run the search on PostgreSQL in two steps, so neither common nor rare words are slow.

    A word in many documents is found fastest by reading the newest documents first
    and stopping at a page; a rare one through the trigram index, then sorting its
    few hits. The planner cannot tell which a word is, so: first the newest
    NEWEST_PROBE documents; when they do not fill the page, every document the
    trigram index finds (a materialised set), newest first.
    """
    newest = (await conn.execute(sa.select(sa.func.max(search_docs.c.article_id)))).scalar()
    if newest is None:
        return []
    probe = query.where(search_docs.c.article_id > int(newest) - NEWEST_PROBE)
    rows = list(await conn.execute(probe))
    if len(rows) >= limit:
        return rows
    matched = (sa.select(search_docs.c.article_id).where(*conditions).cte("matched")).prefix_with(
        "MATERIALIZED"
    )
    indexed = (
        sa.select(*_HIT_COLUMNS)
        .select_from(matched.join(articles, articles.c.id == matched.c.article_id))
        .where(_visible_in(chat_ids))
        .order_by(matched.c.article_id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(await conn.execute(indexed))
