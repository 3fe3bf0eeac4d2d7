"""Feed state changes: logged once each, and admins told of a failing feed once, after
FEED_NOTICE_AFTER failures or time (whichever comes first)."""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from pytest_httpserver import HTTPServer

from bot.config import Settings
from bot.ingest.poller import Poller
from storage.db import Database
from tests.test_ingest_poller import Clock, Site, add, items, next_cycle, reload, serve


@dataclass(frozen=True)
class Config:
    notice_after: tuple[int | None, int | None]
    poll_concurrency: int = 4
    poll_per_host_concurrency: int = 2
    poll_tick_seconds: float = 1.0
    fetch_timeout_seconds: float = 5.0
    fetch_max_bytes: int = 1 << 20
    feed_max_failures: int = 20


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def poller(
    db: Database, http: httpx.AsyncClient, clock: Clock, notices: list[str], config: Config
) -> Poller:
    async def notify(text: str) -> None:
        notices.append(text)

    return Poller(db, http, config, notify, clock, rng=random.Random(3), tick_wait=0)


def test_default_is_five_failures_or_one_hour() -> None:
    assert Settings().notice_after == (5, 3600)
    assert Settings(feed_notice_after="3").notice_after == (3, None)
    assert Settings(feed_notice_after="30m").notice_after == (None, 1800)


async def test_notice_after_n_failures_once_and_again_after_recovery(
    db: Database, httpserver: HTTPServer, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    notices: list[str] = []
    site = Site(items("a"), status=500)
    feed = await add(db, serve(httpserver, "/feed", site), clock, interval_seconds=60)
    p = poller(db, http, clock, notices, Config(notice_after=(3, None)))
    caplog.set_level(logging.INFO, logger="bot.ingest.poller")
    await p.run_until_idle()
    for _ in range(4):
        await next_cycle(p, clock, db, feed.id)
    assert (await reload(db, feed.id)).error_count == 5
    [notice] = notices
    assert f"Feed #{feed.id} is failing: 3 failure(s)" in notice and "HTTP 500" in notice
    failing = [r.getMessage() for r in caplog.records if "failing:" in r.getMessage()]
    assert failing == [f"feed #{feed.id} failing: HTTP 500 INTERNAL SERVER ERROR ({feed.url})"]

    site.status = 200
    await next_cycle(p, clock, db, feed.id)
    assert any("recovered after 5 failures" in r.getMessage() for r in caplog.records)
    site.status = 500
    for _ in range(3):
        await next_cycle(p, clock, db, feed.id)
    assert len(notices) == 2  # a new spell of failures is told again


async def test_notice_after_an_hour_of_failures(
    db: Database, httpserver: HTTPServer, http: httpx.AsyncClient
) -> None:
    clock = Clock()
    notices: list[str] = []
    site = Site(items("a"), status=503)
    feed = await add(db, serve(httpserver, "/feed", site), clock, interval_seconds=3600)
    p = poller(db, http, clock, notices, Config(notice_after=(50, 3600)))
    await p.run_until_idle()
    assert notices == []
    clock.advance(hours=1, minutes=30)
    await next_cycle(p, clock, db, feed.id)
    stored = await reload(db, feed.id)
    assert stored.error_count == 2
    [notice] = notices
    assert "2 failure(s)" in notice


async def test_a_feed_enabled_by_hand_is_told_again(
    db: Database, httpserver: HTTPServer, http: httpx.AsyncClient
) -> None:
    from bot.ingest.manage import set_feed_active

    clock = Clock()
    notices: list[str] = []
    site = Site(items("a"), status=500)
    feed = await add(db, serve(httpserver, "/feed", site), clock, interval_seconds=60)
    p = poller(db, http, clock, notices, Config(notice_after=(2, None)))
    await p.run_until_idle()
    await next_cycle(p, clock, db, feed.id)
    assert len(notices) == 1
    assert await set_feed_active(db, feed.id, True, now=clock.now)
    await next_cycle(p, clock, db, feed.id)
    await next_cycle(p, clock, db, feed.id)
    assert len(notices) == 2
