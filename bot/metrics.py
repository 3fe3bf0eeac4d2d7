"""Prometheus metrics: feed polls by outcome, deliveries, parts sent, 429s, Bot API
latency, queue depth. Each name says exactly what it counts.

One registry per running bot (no module-level state), scraped from /metrics.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from bot.deliver.publisher import PublisherCounts
from bot.ingest.poller import PollReport
from storage import stats
from storage.db import Database
from storage.types import utcnow

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


@dataclass(slots=True)
class _Latency:
    """A histogram's state: counts per bucket (cumulative at exposition), sum, count."""

    buckets: list[int] = field(default_factory=lambda: [0] * len(LATENCY_BUCKETS))
    total: float = 0.0
    count: int = 0

    def observe(self, seconds: float) -> None:
        for i, bound in enumerate(LATENCY_BUCKETS):
            if seconds <= bound:
                self.buckets[i] += 1
                break
        self.total += seconds
        self.count += 1


class Metrics:
    """Plain counters while the bot runs; prometheus_client is imported only when
    /metrics is scraped (`--metrics-port`), so a process without it never loads it."""

    def __init__(self) -> None:
        self.last_tick: dict[str, float] = {}
        self.feed_polls: Counter[str] = Counter()
        self.new_articles = 0
        self.telegram_requests: Counter[tuple[str, str]] = Counter()
        self.rate_limited: Counter[str] = Counter()
        self.telegram_seconds: dict[str, _Latency] = {}
        self.publisher = PublisherCounts()

    def ticked(self, job: str) -> None:
        self.last_tick[job] = time.monotonic()

    def record_poll(self, report: PollReport) -> None:
        for outcome in report.outcomes:
            self.feed_polls[outcome.status] += 1
        self.new_articles += len(report.new_article_ids)
        self.ticked("poll")

    def watch_publisher(self, counts: PublisherCounts) -> None:
        """Read the publisher's running totals (same object) at every scrape."""
        self.publisher = counts

    def record_publish(self) -> None:
        self.ticked("publish")

    def record_request(self, method: str, status: str, seconds: float) -> None:
        self.telegram_requests[(method, status)] += 1
        if status == "429":
            self.rate_limited[method] += 1
        self.telegram_seconds.setdefault(method, _Latency()).observe(seconds)

    def stale_jobs(self, max_age: dict[str, float]) -> list[str]:
        """Jobs that have not completed a tick within their allowed age."""
        now = time.monotonic()
        return [
            job
            for job, age in max_age.items()
            if now - self.last_tick.get(job, float("-inf")) > age
        ]

    async def exposition(self, db: Database) -> bytes:
        """The Prometheus text format, with the queue gauges read from the database now."""
        from prometheus_client import CollectorRegistry, generate_latest

        async with db.begin() as conn:
            now = await stats.collect_stats(conn, since=utcnow() - timedelta(days=1))
        gauges = {
            "outbox_pending": now.deliveries_pending,
            "outbox_failed": now.deliveries_failed,
            "feeds_failing": now.feeds_failing,
        }
        registry = CollectorRegistry()
        registry.register(_Snapshot(self, gauges))
        return bytes(generate_latest(registry))


class _Snapshot:
    """A prometheus_client collector over the current values."""

    def __init__(self, metrics: Metrics, gauges: dict[str, int]) -> None:
        self.metrics = metrics
        self.gauges = gauges

    def collect(self) -> Any:
        from prometheus_client.core import (
            CounterMetricFamily,
            GaugeMetricFamily,
            HistogramMetricFamily,
        )

        m = self.metrics
        polls = CounterMetricFamily(
            "chatwire_feed_polls",
            "Feed polls finished, by outcome: baseline, new, updated, unchanged, error",
            labels=["outcome"],
        )
        for outcome, count in sorted(m.feed_polls.items()):
            polls.add_metric([outcome], count)
        yield polls
        yield CounterMetricFamily(
            "chatwire_new_articles", "New articles stored", value=m.new_articles
        )
        yield CounterMetricFamily(
            "chatwire_deliveries_started",
            "Deliveries (one article to one chat) the publisher began sending",
            value=m.publisher.started,
        )
        yield CounterMetricFamily(
            "chatwire_deliveries_completed",
            "Deliveries with every part sent",
            value=m.publisher.completed,
        )
        yield CounterMetricFamily(
            "chatwire_post_parts_sent",
            "Messages of posts Telegram accepted (a long post takes several)",
            value=m.publisher.parts_sent,
        )
        limited = CounterMetricFamily(
            "chatwire_telegram_rate_limited",
            "Bot API answers 429 Too Many Requests, by method",
            labels=["method"],
        )
        for method, count in sorted(m.rate_limited.items()):
            limited.add_metric([method], count)
        yield limited
        requests = CounterMetricFamily(
            "chatwire_telegram_requests",
            "Bot API calls by method and HTTP status",
            labels=["method", "status"],
        )
        for (method, status), count in sorted(m.telegram_requests.items()):
            requests.add_metric([method, status], count)
        yield requests
        latency = HistogramMetricFamily(
            "chatwire_telegram_request_seconds", "Bot API call latency", labels=["method"]
        )
        for method, state in sorted(m.telegram_seconds.items()):
            cumulative, running = [], 0
            for bound, count in zip(LATENCY_BUCKETS, state.buckets, strict=True):
                running += count
                cumulative.append((str(float(bound)), running))
            cumulative.append(("+Inf", state.count))
            latency.add_metric([method], cumulative, sum_value=state.total)
        yield latency
        for name, help_text in (
            ("outbox_pending", "Deliveries waiting to be sent"),
            ("outbox_failed", "Deliveries given up on"),
            ("feeds_failing", "Feeds whose last poll failed"),
        ):
            yield GaugeMetricFamily(f"chatwire_{name}", help_text, value=self.gauges[name])


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
            return code, payload
        finally:
            self._metrics.record_request(api_method, status, time.perf_counter() - start)
