"""Translate one article: its sanitized HTML block by block, checked, then rebuilt.

The result is HTML again, so the normal pipeline (bot/content) turns it into the post:
headings, quotations, links and the footer come out as for any article.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
import re
import unicodedata
from dataclasses import dataclass

import httpx

from bot.content.clean import sanitize_html
from bot.content.metadata import extract_metadata
from bot.models import Article
from bot.translate.checks import CheckError, check_batch, parse_answer
from bot.translate.client import EngineConfig, TransientError, complete
from bot.translate.prompt import PROMPT_VERSION, batches, build_request
from bot.translate.segment import Block, Document, plain_block, restore, segment

log = logging.getLogger(__name__)

_TAG = re.compile(r"<[A-Za-z!/][^>]*>")
TRANSIENT_WAIT_MAX = 5.0  # seconds waited in place before one retry of a busy endpoint


@dataclass(frozen=True, slots=True)
class Source:
    """What is sent: the headline block and the body document."""

    headline: Block
    document: Document

    @property
    def blocks(self) -> list[Block]:
        return [self.headline, *self.document.blocks]

    @property
    def chars(self) -> int:
        return sum(len(b.source) for b in self.blocks)


@dataclass(frozen=True, slots=True)
class Translation:
    title: str
    html: str
    chars: int  # source characters sent, retries included
    translator: str


class TranslationFailed(Exception):
    """The model's answers failed the checks twice (or it refused): use the fallback."""

    def __init__(self, reason: str, chars: int = 0) -> None:
        super().__init__(reason)
        self.chars = chars


def source_html(article: Article) -> str:
    """The article body as sanitized HTML: the feed's HTML, else its Markdown rendered."""
    raw = article.content_html or ""
    if _TAG.search(raw):
        return sanitize_html(raw)
    if article.content_markdown.strip():
        from markdown_it import MarkdownIt

        return sanitize_html(MarkdownIt("commonmark").render(article.content_markdown))
    paragraphs = [line.strip() for line in raw.splitlines() if line.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def prepare(article: Article) -> Source:
    """Segment the body; leave out what the post never shows (metadata lines moved into the
    footer, a first heading repeating the title) so it is neither paid for nor posted."""
    document = segment(source_html(article))
    blocks = document.blocks
    dropped, _ = extract_metadata([b.plain for b in blocks])
    for index in sorted(set(dropped)):
        document.drop(blocks[index])
    rest = document.blocks
    if rest and article.title and _norm(rest[0].plain) == _norm(article.title):
        document.drop(rest[0])
    return Source(plain_block(article.title), document)


def source_hash(src: Source, target: str, model: str) -> str:
    """Cache key of a translation: what is sent, the target, the model and the prompt."""
    digest = hashlib.sha256()
    for part in (PROMPT_VERSION, target, model, *(b.source for b in src.blocks)):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


async def _ask(
    http: httpx.AsyncClient, config: EngineConfig, sources: list[str], target: str
) -> list[str]:
    """One request; a busy endpoint is waited for once (briefly) before giving up."""
    request = build_request(sources, target, config.model)
    try:
        content = await complete(http, config, request)
    except TransientError as exc:
        wait = min(exc.retry_after if exc.retry_after is not None else 1.0, TRANSIENT_WAIT_MAX)
        log.info("translation endpoint busy (%s); retrying in %.1f s", exc, wait)
        await asyncio.sleep(wait)
        content = await complete(http, config, request)
    answer = parse_answer(content)
    check_batch(sources, answer, target)
    return answer


async def translate_blocks(
    sources: list[str],
    target: str,
    config: EngineConfig,
    http: httpx.AsyncClient,
    limit: asyncio.Semaphore,
) -> tuple[list[str], int]:
    """Translate all blocks in batches within the context budget: (translations, chars).

    A batch failing its checks is asked again once; a second failure raises
    TranslationFailed. TransientError passes through (the caller tries later).
    """
    spent = 0
    groups = batches([len(s) for s in sources], config.context_chars)

    async def run(group: range) -> list[str]:
        nonlocal spent
        chunk = [sources[i] for i in group]
        size = sum(len(s) for s in chunk)
        problem = ""
        for attempt in (1, 2):
            async with limit:
                spent += size
                try:
                    return await _ask(http, config, chunk, target)
                except CheckError as exc:
                    problem = str(exc)
                    log.warning(
                        "translation to %s failed its checks (attempt %d): %s",
                        target,
                        attempt,
                        problem,
                    )
        raise TranslationFailed(problem, spent)

    tasks = [asyncio.ensure_future(run(g)) for g in groups]
    try:
        results = await asyncio.gather(*tasks)
    except BaseException as exc:
        # one batch failed: stop the others before they spend more on a lost article
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if isinstance(exc, TranslationFailed):
            raise TranslationFailed(str(exc), spent) from None
        raise
    return [t for part in results for t in part], spent


def plain_text(src: Source) -> str:
    """The visible text that would be sent (to tell its language)."""
    return "\n".join(b.plain for b in src.blocks)


async def translate_article(
    article: Article,
    target: str,
    config: EngineConfig,
    http: httpx.AsyncClient,
    limit: asyncio.Semaphore | None = None,
    *,
    src: Source | None = None,
) -> Translation:
    """The article in `target`; `src` is `prepare(article)` when the caller already made it."""
    src = src if src is not None else prepare(article)
    headed = bool(src.headline.source)
    sources = [b.source for b in (src.blocks if headed else src.document.blocks)]
    done, spent = await translate_blocks(
        sources, target, config, http, limit or asyncio.Semaphore(config.concurrency)
    )
    title = html.unescape(restore(src.headline, done[0])).strip() if headed else ""
    body = src.document.rebuild(done[1:] if headed else done)
    return Translation(title, body, spent, config.display_name)
