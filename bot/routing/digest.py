"""Digest posts: one post listing a route's waiting items, built when its period ends.

Each line: the headline linked to the article, its source, and a one-line summary
(the text's first sentence, shortened). The digest is stored as an article of its
own and queued as an ordinary delivery, so it is paced, split when long, retried
and resumed like any post. Everything happens from what is stored: items wait in
the database, so a bot that was down at digest time sends the digest when it is
back, with nothing lost.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import datetime

from bot.models import Article
from bot.routing import timing
from storage import articles, deliveries, feeds, held, routes
from storage.db import Database
from storage.routes import Route

log = logging.getLogger(__name__)

SUMMARY_CHARS = 140
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")
_MARKDOWN = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)|[*_`#>]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_TITLES = {
    "hourly": {"en": "Hourly digest", "zh": "每小时摘要"},
    "daily": {"en": "Daily digest", "zh": "每日摘要"},
    "weekly": {"en": "Weekly digest", "zh": "每周摘要"},
    "quiet": {"en": "While you were away", "zh": "静默时段内的更新"},
}


def one_line(article: Article) -> str:
    """The first sentence of the text, without markup, at most SUMMARY_CHARS characters."""
    text = _MARKDOWN.sub(lambda m: m[1] or "", article.content_markdown or "")
    text = " ".join(text.split())
    first = _SENTENCE_END.split(text, maxsplit=1)[0] if text else ""
    if len(first) > SUMMARY_CHARS:
        first = first[: SUMMARY_CHARS - 1].rstrip() + "…"
    return first


def language_of(items: Sequence[Article]) -> str:
    """Chinese when most items are Chinese (by their language, else their headline)."""
    chinese = sum(
        1
        for a in items
        if (a.language or "").lower().startswith("zh")
        or (not a.language and _CJK.search(a.title or ""))
    )
    return "zh" if items and chinese * 2 >= len(items) else "en"


def _escape(text: str) -> str:
    return re.sub(r"([\[\]()*_`\\])", r"\\\1", text)


def digest_article(
    items: Sequence[tuple[Article, str | None]], kind: str, when: datetime
) -> Article:
    """The digest as an article: a headline and one line per item (markdown)."""
    lang = language_of([a for a, _ in items])
    title = f"{_TITLES[kind][lang]} · {when:%Y-%m-%d %H:%M} UTC"
    lines = []
    for article, source in items:
        head = _escape(article.title or "—")
        linked = f"[{head}]({article.url})" if article.url else head
        parts = [f"• **{linked}**"]
        if source:
            parts.append(f" — {_escape(source)}")
        summary = one_line(article)
        # a backslash before the newline is a hard line break: the summary on its own line
        lines.append("".join(parts) + (f"\\\n{_escape(summary)}" if summary else ""))
    return Article(
        title=title,
        content_markdown="\n\n".join(lines),
        language=lang,
        extra={"digest": {"kind": kind, "count": len(items)}},
    )


def due_at(route: Route, oldest: datetime) -> datetime:
    """When the route's waiting items are due as a digest (at once when its rules cannot say)."""
    try:
        digest = timing.digest_from(route.options)
        if digest is not None:
            return digest.next_after(oldest)
        quiet = timing.quiet_from(route.options)
    except timing.TimingError as exc:
        log.error("route %s: %s; its waiting items go out now", route.id, exc)
        return oldest
    if quiet is not None:
        return quiet.until(oldest) or oldest
    return oldest  # the rule was removed meanwhile: send what waits


async def send_due(db: Database, now: datetime) -> int:
    """Build and queue every digest whose time has come; returns how many were queued."""
    async with db.begin() as conn:
        waiting = await held.pending_digests(conn)
    queued = 0
    for route_id, oldest in sorted(waiting.items()):
        try:
            queued += await _send_one(db, route_id, oldest, now)
        except Exception:  # one route's trouble must not stop the others
            log.exception("digest for route %s failed; it is tried again next tick", route_id)
    return queued


async def _send_one(db: Database, route_id: int, oldest: datetime, now: datetime) -> int:
    async with db.begin() as conn:
        route = await routes.get_route(conn, route_id)
        if route is None:
            return 0
        due = due_at(route, oldest)
        if due > now:
            return 0
        ids = await held.digest_items(conn, route_id)
        items: list[tuple[Article, str | None]] = []
        titles: dict[int, str | None] = {}
        for article_id in ids:
            article = await articles.get_article(conn, article_id)
            if article is None:
                continue
            if article.feed_id is not None and article.feed_id not in titles:
                feed = await feeds.get_feed(conn, article.feed_id)
                titles[article.feed_id] = feed.title if feed else None
            source = article.source or (titles.get(article.feed_id) if article.feed_id else None)
            items.append((article, source))
        kind = str(route.options.get(timing.DIGEST_KEY) or "quiet")
        kind = kind if kind in _TITLES else "daily"
        digest = digest_article(items, kind, now) if items else None
        digest_id = 0
        if digest is not None:
            digest_id = await articles.insert_article(conn, digest, now=now)
            await deliveries.enqueue_deliveries(conn, digest_id, [route], now=now)
        await held.mark_digested(conn, route_id, ids, digest_id)
    log.info("route %s: digest of %d item(s) queued", route_id, len(items))
    return int(digest is not None)


async def tick(db: Database, now: datetime) -> None:
    """The routing job: release held posts whose quiet hours ended, queue due digests."""
    async with db.begin() as conn:
        released = await held.release_due(conn, now)
    if released:
        log.info("released %d post(s) held for quiet hours", released)
    await send_due(db, now)
