"""Prometheus metrics: feed polls by outcome, deliveries, parts sent, 429s, Bot API
latency, queue depth. Each name says exactly what it counts.

One registry per running bot (no module-level state), scraped from /metrics.
"""

from __future__ import annotations

import time
from datetime import timedelta

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from bot.deliver.publisher import PublisherCounts
from bot.ingest.poller import PollReport
from storage import stats
from storage.db import Database
from storage.types import utcnow


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.last_tick: dict[str, float] = {}
        r = self.registry
        self.feed_polls = Counter(
            "chatwire_feed_polls",
            "Feed polls finished, by outcome: baseline, new, updated, unchanged, error",
            ["outcome"],
            registry=r,
        )
        self.new_articles = Counter("chatwire_new_articles", "New articles stored", registry=r)
        self.deliveries_started = Counter(
            "chatwire_deliveries_started",
            "Deliveries (one article to one chat) the publisher began sending",
            registry=r,
        )
        self.deliveries_completed = Counter(
            "chatwire_deliveries_completed", "Deliveries with every part sent", registry=r
        )
        self.parts_sent = Counter(
            "chatwire_post_parts_sent",
            "Messages of posts Telegram accepted (a long post takes several)",
            registry=r,
        )
        self.rate_limited = Counter(
            "chatwire_telegram_rate_limited",
            "Bot API answers 429 Too Many Requests, by method",
            ["method"],
            registry=r,
        )
        self._seen = PublisherCounts()
        self._publisher: PublisherCounts | None = None
        self.telegram_requests = Counter(
            "chatwire_telegram_requests",
            "Bot API calls by method and HTTP status",
            ["method", "status"],
            registry=r,
        )
        self.telegram_seconds = Histogram(
            "chatwire_telegram_request_seconds",
            "Bot API call latency",
            ["method"],
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=r,
        )
        self.outbox_pending = Gauge(
            "chatwire_outbox_pending", "Deliveries waiting to be sent", registry=r
        )
        self.outbox_failed = Gauge("chatwire_outbox_failed", "Deliveries given up on", registry=r)
        self.feeds_failing = Gauge(
            "chatwire_feeds_failing", "Feeds whose last poll failed", registry=r
        )

    def ticked(self, job: str) -> None:
        self.last_tick[job] = time.monotonic()

    def record_poll(self, report: PollReport) -> None:
        for outcome in report.outcomes:
            self.feed_polls.labels(outcome.status).inc()
        self.new_articles.inc(len(report.new_article_ids))
        self.ticked("poll")

    def watch_publisher(self, counts: PublisherCounts) -> None:
        """Read the publisher's running totals at each tick and scrape."""
        self._publisher = counts

    def record_publish(self) -> None:
        self._sync_publisher()
        self.ticked("publish")

    def _sync_publisher(self) -> None:
        now, seen = self._publisher, self._seen
        if now is None:
            return
        self.deliveries_started.inc(now.started - seen.started)
        self.parts_sent.inc(now.parts_sent - seen.parts_sent)
        self.deliveries_completed.inc(now.completed - seen.completed)
        self._seen = PublisherCounts(now.started, now.parts_sent, now.completed)

    def stale_jobs(self, max_age: dict[str, float]) -> list[str]:
        """Jobs that have not completed a tick within their allowed age."""
        now = time.monotonic()
        return [
            job
            for job, age in max_age.items()
            if now - self.last_tick.get(job, float("-inf")) > age
        ]

    async def exposition(self, db: Database) -> bytes:
        """The text format, with the queue gauges read from the database now."""
        async with db.begin() as conn:
            now = await stats.collect_stats(conn, since=utcnow() - timedelta(days=1))
        self.outbox_pending.set(now.deliveries_pending)
        self.outbox_failed.set(now.deliveries_failed)
        self.feeds_failing.set(now.feeds_failing)
        self._sync_publisher()
        return generate_latest(self.registry)


class InstrumentedRequest(BaseRequest):
    """Wraps the Bot's request object to count and time every Bot API call."""

    def __init__(self, inner: BaseRequest, metrics: Metrics) -> None:
        self._inner = inner
        self._metrics = metrics

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        api_method = url.rstrip("/").rpartition("/")[2]
        start = time.perf_counter()
        status = "error"
        try:
            code, payload = await self._inner.do_request(
                url,
                method,
                request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
            status = str(code)
            if code == 429:
                self._metrics.rate_limited.labels(api_method).inc()
            return code, payload
        finally:
            self._metrics.telegram_seconds.labels(api_method).observe(time.perf_counter() - start)
            self._metrics.telegram_requests.labels(api_method, status).inc()
