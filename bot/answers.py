"""Answers to readers: summaries and quotations of stored articles, cached per method.

The analysis itself is pure and CPU-bound, so it runs in a worker thread and
the event loop keeps serving other chats meanwhile.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import TYPE_CHECKING

from storage import cache

if TYPE_CHECKING:  # the analysis is imported by the first /summary or /quotes, not at start
    import httpx

    from bot.analysis.llm import LLMConfig
    from bot.analysis.quotes import Quote
    from bot.analysis.summary import Summary
    from bot.models import Article
    from storage.db import Database

SUMMARY = "summary"
QUOTES = "quotes"


async def _cached(db: Database, article_id: int, kind: str, method: str) -> object | None:
    async with db.begin() as conn:
        return await cache.get_cached(conn, article_id, kind, method)


async def _store(db: Database, article_id: int, kind: str, method: str, payload: object) -> None:
    async with db.begin() as conn:
        await cache.put_cached(conn, article_id, kind, method, payload)


async def article_summary(
    db: Database,
    article: Article,
    *,
    llm: LLMConfig | None = None,
    http: httpx.AsyncClient | None = None,
) -> Summary:
    """The article's summary: from the cache, else from the LLM or the extractive summarizer."""
    from bot.analysis.llm import summarize, summarizer_name
    from bot.analysis.summary import Summary, extractive_summary
    from bot.translate.answers import cache_variant

    assert article.id is not None, "only stored articles are summarized"
    method = cache_variant(article, summarizer_name(llm))
    payload = await _cached(db, article.id, SUMMARY, method)
    if isinstance(payload, dict):
        return Summary(payload["text"], list(payload["sentences"]), payload["method"])
    # After an LLM failure this stores the extractive fallback under its own
    # name, so the next reader's request tries the LLM again.
    text, language = article.content_markdown, article.language
    if llm is None:
        summary = await asyncio.to_thread(extractive_summary, text, language)
    else:
        summary = await summarize(text, language, llm=llm, http=http)
    await _store(db, article.id, SUMMARY, cache_variant(article, summary.method), asdict(summary))
    return summary


async def article_quotes(db: Database, article: Article) -> list[Quote]:
    """The article's attributed quotations, from the cache or computed once."""
    from bot.analysis.quotes import QUOTES_NAME, Quote, find_quotes
    from bot.translate.answers import cache_variant

    assert article.id is not None, "only stored articles are analysed"
    payload = await _cached(db, article.id, QUOTES, cache_variant(article, QUOTES_NAME))
    if isinstance(payload, list):
        return [Quote(p["quote"], p["speaker"], p.get("role")) for p in payload]
    quotes = await asyncio.to_thread(find_quotes, article.content_markdown, article.language)
    method = cache_variant(article, QUOTES_NAME)
    await _store(db, article.id, QUOTES, method, [asdict(q) for q in quotes])
    return quotes


def answer_chunks(text: str, limit: int = 4000) -> list[str]:
    """Cut an answer into messages at natural boundaries, as posts are cut."""
    from bot.render.rich import Rich
    from bot.render.split import Budget, split_ranges

    rich = Rich(text=text)
    budget = Budget(limit)
    ranges = split_ranges(rich, first=budget, rest=budget, last_reserve=Budget(0, 0))
    return [text[start:end] for start, end in ranges if text[start:end].strip()]
