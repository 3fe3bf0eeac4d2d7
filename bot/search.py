"""/search and inline search: which posts a reader may search, and how a page of hits reads.

The scope is /summary's (bot/scope.py): from a chat, its own and its linked chat's
posts plus public channels' posts; in private, also the posts of chats the reader
is a member of. Inline mode (`@bot words`) answers anyone, anywhere, so it searches
public channels' posts only.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime

from telegram import Bot

from bot.scope import TelegramFacts
from storage import search as store
from storage.db import Database

PAGE_SIZE = 10
MAX_PAGE = 50
_TRAILING_PAGE = re.compile(r"\s+(?:page|p)\s+(\d{1,4})$|\s*第\s*(\d{1,4})\s*页$", re.IGNORECASE)

_TEXTS: dict[str, dict[str, str]] = {
    "usage": {
        "en": "Usage: /search WORDS (add “page 2” for more), e.g. /search bridge budget",
        "zh": "用法：/search 关键词（加上“page 2”看下一页），例如 /search 大桥 预算",
    },
    "none": {
        "en": "No post matches “{query}”.",
        "zh": "没有与“{query}”匹配的帖子。",
    },
    "header": {
        "en": "Posts matching “{query}” (page {page}):",
        "zh": "与“{query}”匹配的帖子（第 {page} 页）：",
    },
    "more": {
        "en": "More: /search {query} page {page}",
        "zh": "更多：/search {query} page {page}",
    },
    "too_far": {
        "en": "Only the first {pages} pages are shown; try more words.",
        "zh": "最多显示前 {pages} 页，请多加几个关键词。",
    },
}


def say(key: str, lang: str, **values: object) -> str:
    entry = _TEXTS[key]
    return entry.get(lang, entry["en"]).format(**values)


@dataclass(frozen=True, slots=True)
class SearchRequest:
    query: str  # as the reader typed it, without the page
    page: int  # 1-based


def parse_request(text: str) -> SearchRequest:
    """`words`, `words page 2`, `words p 2` or `words 第2页` (the page defaults to 1)."""
    text = " ".join(text.split())
    match = _TRAILING_PAGE.search(text)
    if match and text[: match.start()].strip():
        number = int(match[1] or match[2])
        return SearchRequest(text[: match.start()].strip(), max(1, number))
    return SearchRequest(text, 1)


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: list[store.Hit]
    page: int
    more: bool


async def public_chats(db: Database, bot: Bot, facts: TelegramFacts) -> list[int]:
    """The chats with posts that have a public username (inline mode's scope)."""
    candidates = await facts.chats_with_posts(db)
    public = await asyncio.gather(*(facts.is_public(bot, chat_id) for chat_id in candidates))
    return [chat_id for chat_id, ok in zip(candidates, public, strict=True) if ok]


async def find(
    db: Database, chat_ids: list[int], query: str, *, page: int = 1, size: int = PAGE_SIZE
) -> SearchPage:
    """One page of hits, newest first, and whether another page follows."""
    words = store.query_words(query)
    async with db.begin() as conn:
        hits = await store.search(conn, words, chat_ids, limit=size + 1, offset=(page - 1) * size)
    return SearchPage(hits[:size], page, len(hits) > size)


def hit_date(hit: store.Hit) -> datetime:
    return hit.published or hit.stored


def hit_line(number: int, hit: store.Hit) -> str:
    """`3. Headline (2026-11-29)` and, on the next line, the link."""
    line = f"{number}. {hit.title} ({hit_date(hit):%Y-%m-%d})"
    return f"{line}\n{hit.url}" if hit.url else line


def page_text(result: SearchPage, query: str, lang: str) -> str:
    """The answer to /search: header, numbered hits, and how to get the next page."""
    if not result.hits:
        return say("none", lang, query=query)
    first = (result.page - 1) * PAGE_SIZE + 1
    lines = [say("header", lang, query=query, page=result.page)]
    lines += [hit_line(first + i, hit) for i, hit in enumerate(result.hits)]
    if result.more:
        lines += ["", say("more", lang, query=query, page=result.page + 1)]
    return "\n".join(lines)
