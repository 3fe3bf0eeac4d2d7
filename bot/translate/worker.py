"""The Translator job: takes queued translations, asks the model, stores the result (or the
failure) and wakes the deliveries waiting for it. It runs beside the poller and the
publisher, at most `concurrency` requests at a time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from bot.translate.client import EngineConfig, TransientError
from bot.translate.engine import TranslationFailed, prepare, translate_article
from storage import articles, deliveries, routes, translations
from storage.db import Database
from storage.translations import TranslationRow

log = logging.getLogger(__name__)

NotifyFn = Callable[[str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class TranslatorSettings:
    daily_chars: int = 200_000  # per route, unless the route sets translate_budget; 0 = none
    max_attempts: int = 4  # for a busy or unreachable endpoint, then the fallback
    backoff: float = 30.0  # seconds, doubling per attempt
    lease: timedelta = timedelta(minutes=10)
    batch: int = 8


class Translator:
    def __init__(
        self,
        db: Database,
        http: httpx.AsyncClient,
        config: EngineConfig,
        *,
        notify: NotifyFn | None = None,
        settings: TranslatorSettings | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._db = db
        self._http = http
        self._config = config
        self._notify = notify
        self._settings = settings or TranslatorSettings()
        self._now = now
        self._limit = asyncio.Semaphore(config.concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False

    async def tick(self) -> int:
        """Start every due translation (up to a batch); returns how many started."""
        if self._stopping:
            return 0
        room = self._settings.batch - len(self._tasks)
        if room <= 0:
            return 0
        async with self._db.begin() as conn:
            claimed = await translations.claim_due(
                conn, limit=room, lease=self._settings.lease, now=self._now()
            )
        for row in claimed:
            task = asyncio.create_task(self._run(row), name=f"translate:{row.id}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(claimed)

    def wake(self) -> None:
        """A delivery just asked for a translation: look for work now, not at the next tick."""
        if self._stopping:
            return
        task = asyncio.get_running_loop().create_task(self.tick())
        self._tasks.add(task)  # type: ignore[arg-type]
        task.add_done_callback(self._tasks.discard)

    async def join(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def drain(self) -> None:
        """Stop taking work; let the requests in flight finish."""
        self._stopping = True
        await self.join()

    async def _run(self, row: TranslationRow) -> None:
        try:
            await self._translate(row)
        except Exception:
            log.exception("translation %s of article %s failed", row.id, row.article_id)
            async with self._db.begin() as conn:
                await translations.fail(conn, row.id, "internal error")
                await deliveries.wake_deliveries(conn, row.article_id, now=self._now())

    def _day(self) -> str:
        return self._now().astimezone(UTC).strftime("%Y-%m-%d")

    async def _translate(self, row: TranslationRow) -> None:
        async with self._db.begin() as conn:
            article = await articles.get_article(conn, row.article_id)
            route = await routes.get_route(conn, row.route_id) if row.route_id else None
            cached = await translations.cached_translation(conn, row.target, row.source_hash)
        if article is None:
            await self._settle(row, error="article no longer stored")
            return
        if cached is not None and cached.id != row.id and cached.content_html is not None:
            async with self._db.begin() as conn:
                await translations.finish(
                    conn,
                    row.id,
                    title=cached.title or "",
                    content_html=cached.content_html,
                    translator=cached.translator or self._config.display_name,
                    chars=0,
                )
                await deliveries.wake_deliveries(conn, row.article_id, now=self._now())
            log.info("article %s: %s translation taken from the cache", row.article_id, row.target)
            return
        src = prepare(article)
        needed = src.chars
        budget = self._budget(route.options if route else {})
        if route is not None and budget:
            async with self._db.begin() as conn:
                used, _ = await translations.usage(conn, route.id, self._day())
            if used + needed > budget:
                await self._over_budget(row, route.id, route.chat_id, budget)
                return
        try:
            result = await translate_article(
                article, row.target, self._config, self._http, self._limit, src=src
            )
        except TransientError as exc:
            await self._transient(row, str(exc))
            return
        except TranslationFailed as exc:
            await self._charge(row.route_id, exc.chars)
            await self._settle(row, error=str(exc), chars=exc.chars)
            return
        await self._charge(row.route_id, result.chars)
        async with self._db.begin() as conn:
            await translations.finish(
                conn,
                row.id,
                title=result.title,
                content_html=result.html,
                translator=result.translator,
                chars=result.chars,
            )
            await deliveries.wake_deliveries(conn, row.article_id, now=self._now())
        log.info(
            "article %s translated to %s (%d characters)", row.article_id, row.target, result.chars
        )

    def _budget(self, options: dict[str, object]) -> int:
        value = options.get("translate_budget")
        return int(value) if isinstance(value, int) else self._settings.daily_chars

    async def _charge(self, route_id: int | None, chars: int) -> None:
        if route_id is None or chars <= 0:
            return
        async with self._db.begin() as conn:
            await translations.add_usage(conn, route_id, self._day(), chars)

    async def _settle(self, row: TranslationRow, *, error: str, chars: int = 0) -> None:
        """No translation: record why; the waiting deliveries apply their fallback."""
        log.warning("article %s: %s translation failed: %s", row.article_id, row.target, error)
        async with self._db.begin() as conn:
            await translations.fail(conn, row.id, error, chars=chars)
            await deliveries.wake_deliveries(conn, row.article_id, now=self._now())

    async def _transient(self, row: TranslationRow, error: str) -> None:
        if row.attempts >= self._settings.max_attempts:
            await self._settle(
                row, error=f"endpoint unavailable after {row.attempts} tries: {error}"
            )
            return
        delay = self._settings.backoff * 2 ** max(row.attempts - 1, 0)
        log.info(
            "article %s: translation endpoint unavailable (%s); again in %.0f s",
            row.article_id,
            error,
            delay,
        )
        async with self._db.begin() as conn:
            await translations.retry_later(
                conn, row.id, at=self._now() + timedelta(seconds=delay), error=error
            )

    async def _over_budget(
        self, row: TranslationRow, route_id: int, chat_id: int, budget: int
    ) -> None:
        await self._settle(row, error=f"the route's daily budget of {budget} characters is used up")
        async with self._db.begin() as conn:
            first = await translations.claim_notice(conn, route_id, self._day())
        if first and self._notify is not None:
            text = (
                f"Translation budget reached for route {route_id} (chat {chat_id}): "
                f"{budget} characters today. Further articles get the route's fallback "
                f"until 00:00 UTC."
            )
            try:
                await self._notify(text)
            except Exception:
                log.exception("could not notify admins: %s", text)
