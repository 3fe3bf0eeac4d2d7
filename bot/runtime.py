"""Assembles the running bot: database, HTTP client, Application, poller and publisher.

`chatwire run` and `chatwire demo` both start from here, so the demo exercises
exactly the wiring production uses; only the Bot API endpoint differs.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from telegram.error import TelegramError
from telegram.ext import Application
from telegram.request import BaseRequest, HTTPXRequest

from bot.app import READER_COMMANDS, PeriodicJob, build_application, schedule_jobs
from bot.config import Settings
from bot.deliver.pacing import PacingConfig
from bot.deliver.publisher import Publisher, PublisherSettings
from bot.deliver.rendering import plain_fallback, render_for_route
from bot.ingest.fetch import make_http_client
from bot.ingest.poller import Poller
from bot.malloc import MemoryReleaser
from bot.metrics import InstrumentedRequest, Metrics
from bot.notify import AdminNotifier
from bot.ratelimit import SlidingWindowLimiter
from bot.routing import digest as routing_timing
from bot.services import Services
from bot.tls import shared_tls_context
from bot.urlsafety import URLGuard
from handlers import admin, discussion, feedback, reader, routing, search
from storage import search as search_store
from storage.db import Database, open_database
from storage.types import utcnow

log = logging.getLogger(__name__)


def parse_threads(cpus: int | None = None) -> int:
    """Threads for the poller's parsing and article building: one per core, 2 to 4.

    The work holds the GIL except inside nh3 and lexbor, so threads beyond the cores finish
    a cycle no sooner; each one in flight holds a document's parse and keeps its own malloc
    cache (measured: 6 threads → 2 saves ~0.8 MiB RSS with 1,000 feeds). A pool of its own
    also leaves asyncio's default executor to DNS lookups, which a burst of parsing would
    otherwise queue behind.
    """
    return min(4, max(2, cpus if cpus is not None else os.cpu_count() or 2))


def pacing_config(settings: Settings) -> PacingConfig:
    return PacingConfig(
        per_chat_per_second=settings.send_per_chat_per_second,
        per_group_per_minute=settings.send_per_group_per_minute,
        global_per_second=settings.send_global_per_second,
    )


@dataclass(slots=True)
class Runtime:
    settings: Settings
    db: Database
    http: httpx.AsyncClient
    app: Application[Any, Any, Any, Any, Any, Any]
    poller: Poller
    publisher: Publisher
    services: Services
    metrics: Metrics

    def job_max_age(self) -> dict[str, float]:
        """How stale each job's last tick may be before /healthz reports it."""
        s = self.settings
        return {
            "poll": max(60.0, 10 * s.poll_tick_seconds),
            "publish": max(60.0, 10 * s.publish_tick_seconds),
        }


def _shared_tls() -> dict[str, Any]:
    return {"verify": shared_tls_context()}


def all_handlers() -> list[tuple[int, Any]]:
    return [
        *discussion.grouped_handlers(),
        *reader.grouped_handlers(),
        *search.grouped_handlers(),
        *routing.grouped_handlers(),
        *feedback.grouped_handlers(),
        *admin.grouped_handlers(),
    ]


async def publish_commands(
    app: Application[Any, Any, Any, Any, Any, Any], settings: Settings
) -> None:
    """The command menus: reader commands for everyone, admin commands for admins."""
    try:
        await app.bot.set_my_commands(READER_COMMANDS)
    except TelegramError:
        log.warning("could not set the bot's command list", exc_info=True)
    await admin.set_admin_commands(app.bot, settings, READER_COMMANDS)


@asynccontextmanager
async def runtime(
    settings: Settings,
    *,
    token: str,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
    db: Database | None = None,
    with_jobs: bool = True,
) -> AsyncIterator[Runtime]:
    """Everything `chatwire run` needs, built and torn down in the right order.

    The Application is initialised but not started: the caller chooses polling,
    webhook, or (tests, demo) feeding updates itself.
    """
    own_db = db is None
    database = db or await open_database(settings.stored_database_url())
    async with database.begin() as conn:  # articles stored before search existed
        if indexed := await search_store.index_missing(conn):
            log.info("indexed %s articles for search", indexed)
    http = make_http_client(settings.poll_concurrency)
    guarded_http = (
        None
        if settings.allow_private_feed_urls
        else make_http_client(
            settings.poll_concurrency, guard=URLGuard(allowed_ports=settings.url_allowed_ports)
        )
    )
    app: Application[Any, Any, Any, Any, Any, Any] | None = None

    async def send_notice(chat_id: int, text: str) -> object:
        assert app is not None
        return await app.bot.send_message(chat_id, text)

    notify = AdminNotifier(send_notice, settings.admin_chat_id)
    services = Services(
        db=database,
        settings=settings,
        http=http,
        notify=notify,
        command_limiter=SlidingWindowLimiter(settings.commands_per_minute, 60.0),
        feedback_limiter=SlidingWindowLimiter(settings.feedback_per_minute, 60.0),
    )
    metrics = Metrics()
    app = build_application(
        token=token,
        services=services,
        handlers=all_handlers(),
        base_url=settings.telegram_api_base_url,
        request=InstrumentedRequest(
            request or HTTPXRequest(connection_pool_size=64, httpx_kwargs=_shared_tls()), metrics
        ),
        # PTB's own default for getUpdates (a one-connection pool), on the shared TLS context
        updates_request=updates_request
        or HTTPXRequest(connection_pool_size=1, httpx_kwargs=_shared_tls()),
    )
    poll_lease = settings.poll_lease_seconds
    parse_pool = ThreadPoolExecutor(parse_threads(), thread_name_prefix="poll-parse")
    poller = Poller(
        database,
        http,
        settings,
        notify,
        lease=timedelta(seconds=poll_lease) if poll_lease else None,
        guarded_http=guarded_http,
        executor=parse_pool,
    )
    from bot.translate.wiring import translation_parts

    translator, gate = translation_parts(settings, database, http, notify)
    publisher = Publisher(
        database,
        app.bot,
        render_for_route,
        plain=plain_fallback,
        pacing=pacing_config(settings),
        notify=notify,
        settings=PublisherSettings(lease=timedelta(seconds=settings.delivery_lease_seconds)),
        prepare=gate,
    )

    releaser = MemoryReleaser()

    async def poll() -> None:
        report = await poller.tick()
        metrics.record_poll(report)  # updated articles' edits are queued in the outbox
        releaser.after_tick(busy=report.polled > 0)  # a cycle's parse churn back to the system

    metrics.watch_publisher(publisher.counts)

    async def publish() -> None:
        await routing_timing.tick(database, utcnow())  # quiet hours ended, digests due
        await publisher.tick()
        metrics.record_publish()

    from bot.translate.wiring import translator_jobs

    if with_jobs:
        schedule_jobs(
            app,
            [
                PeriodicJob("poll", settings.poll_tick_seconds, poll),
                PeriodicJob("publish", settings.publish_tick_seconds, publish),
                *translator_jobs(translator, settings),
            ],
        )
    try:
        async with app:
            await publish_commands(app, settings)
            yield Runtime(settings, database, http, app, poller, publisher, services, metrics)
            await publisher.drain()
            await poller.drain()
            if translator is not None:
                await translator.drain()
    finally:
        await poller.aclose()
        parse_pool.shutdown(wait=False, cancel_futures=True)  # a parse under way ends alone
        await http.aclose()
        if guarded_http is not None:
            await guarded_http.aclose()
        if own_db:
            await database.close()
