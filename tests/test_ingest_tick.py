"""The running bot's poll job keeps the schedule: feeds are claimed as capacity frees.

Before, each tick claimed one batch (twice the concurrency) and waited: 40 feeds
per 5-second tick, ~8 feeds/s, whatever the polls cost. These tests count what
one tick does; they allow several times the work's own duration.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bot.ingest.poller import Poller
from storage import feeds
from storage.db import Database
from storage.types import utcnow
from tests.test_ingest_poller import Config, Site, items

FEEDS = 12


async def _ignore(_text: str) -> None:
    return None


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    body = Site(items("a")).document()

    def slow(_request: Request) -> Response:
        time.sleep(0.05)
        return Response(body, content_type="application/rss+xml")

    srv.expect_request("/feed").respond_with_handler(slow)
    srv.start()
    yield srv
    srv.clear()
    srv.stop()


async def _add(db: Database, url: str, count: int, *, due_in: float = 0.0) -> None:
    when = utcnow() + timedelta(seconds=due_in)
    async with db.begin() as conn:
        for n in range(count):
            await feeds.add_feed(conn, f"{url}?n={n}&due={due_in}", now=when)


async def test_one_tick_polls_more_than_its_slots(db: Database, server: HTTPServer) -> None:
    """Capacity 4 (concurrency 2): a 2-second tick polls all 12 due feeds, not 4."""
    await _add(db, server.url_for("/feed"), FEEDS)
    async with httpx.AsyncClient() as http:
        poller = Poller(
            db, http, Config(poll_concurrency=2), _ignore, rng=random.Random(1), tick_wait=2.0
        )
        report = await poller.tick()
        await poller.aclose()
    assert poller.capacity == 4
    assert report.claimed == FEEDS
    assert len(report.outcomes) == FEEDS


async def test_a_feed_falling_due_mid_tick_is_polled_in_that_tick(
    db: Database, server: HTTPServer
) -> None:
    await _add(db, server.url_for("/feed"), 1, due_in=0.5)
    async with httpx.AsyncClient() as http:
        poller = Poller(db, http, Config(), _ignore, rng=random.Random(1), tick_wait=2.0)
        report = await poller.tick()
        await poller.aclose()
    assert [o.status for o in report.outcomes] == ["baseline"]
