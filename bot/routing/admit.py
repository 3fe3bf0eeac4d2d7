"""Which of a feed's routes get a new article: the poller asks here before queueing.

A route whose filter turns the item away records it (stored, counted, not posted).
A chat that already has the same article from another feed (same canonical link,
or same text: bot/routing/canonical.py) gets it once; the later route records a
duplicate.
A route whose stored rules cannot be read any more posts everything, and says so
in the log, rather than silently dropping the chat's news.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from bot.models import Article
from bot.routing import canonical, filters, timing
from storage import article_keys, held, route_outcomes
from storage.async_engine import AsyncConnection
from storage.routes import Route
from storage.types import utcnow

log = logging.getLogger(__name__)


def route_filter(route: Route) -> filters.RouteFilter:
    try:
        return filters.from_options(route.options)
    except filters.FilterError as exc:
        log.error("route %s: unusable filter, posting everything: %s", route.id, exc)
        return filters.RouteFilter()


async def admit(
    conn: AsyncConnection,
    article_id: int,
    article: Article,
    routes: Sequence[Route],
    *,
    now: datetime | None = None,
) -> list[Route]:
    """The routes that should post this new article; the others record why not."""
    url, text = canonical.canonical_url(article.url), canonical.content_key(article)
    await article_keys.save_keys(conn, article_id, url, text)
    await article_keys.lock_chats(conn, [route.chat_id for route in routes])
    admitted: list[Route] = []
    for route in routes:
        verdict = route_filter(route).verdict(article)
        if not verdict.posted:
            await route_outcomes.record_outcome(
                conn, route.id, article_id, route_outcomes.FILTERED, verdict.reason, now=now
            )
            continue
        same = await article_keys.same_article_in_chat(conn, route.chat_id, article_id, url, text)
        if same is not None:
            detail = f"same {same[1]} as article {same[0]}"
            await route_outcomes.record_outcome(
                conn, route.id, article_id, route_outcomes.DUPLICATE, detail, now=now
            )
            continue
        if _waits_for_digest(route, now or utcnow()):
            await route_outcomes.record_outcome(
                conn, route.id, article_id, held.DIGEST_PENDING, None, now=now
            )
            continue
        admitted.append(route)
    return admitted


def _timing(route: Route) -> tuple[timing.Quiet | None, timing.Digest | None]:
    try:
        return timing.quiet_from(route.options), timing.digest_from(route.options)
    except timing.TimingError as exc:
        log.error("route %s: unusable timing, posting at once: %s", route.id, exc)
        return None, None


def _waits_for_digest(route: Route, now: datetime) -> bool:
    quiet, digest = _timing(route)
    if digest is not None:
        return True
    return quiet is not None and quiet.release == "digest" and quiet.until(now) is not None


async def hold_quiet(
    conn: AsyncConnection,
    article_id: int,
    admitted: Sequence[Route],
    *,
    now: datetime | None = None,
) -> None:
    """Park the article's new deliveries on routes now in their quiet hours until they end."""
    moment = now or utcnow()
    for route in admitted:
        quiet, _ = _timing(route)
        until = quiet.until(moment) if quiet is not None else None
        if until is not None:
            await held.hold_deliveries(conn, article_id, [route.id], until)
