"""Two `chatwire run --worker` processes on one PostgreSQL database; one is SIGKILLed.

Fifty feeds on a local server (two items each, added with backfill so they post) go
to four channels of the HTTP stand-in; the last ten feeds answer only after the kill.
One worker is killed while both are sending and both are stuck fetching; its leases
run out (POLL_LEASE_SECONDS / DELIVERY_LEASE_SECONDS, shortened here) and the other
re-fetches its feeds and finishes its posts. Every part must reach every chat in order,
exactly once, except at most the one part per chat that was in flight at the kill.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bot.deliver.rendering import render_for_route
from bot.standin import FakeTelegram, serve_in_thread
from storage import articles, deliveries, feeds, messages, routes
from storage.db import create_database
from storage.schema import deliveries as deliveries_table
from tests.reliability_helpers import (
    create_private_database,
    database_url_named,
    drop_private_database,
    entity_dicts,
    private_database_name,
    start_worker,
    stop_worker,
    wait_for,
)

POSTGRES_URL = os.environ.get("CHATWIRE_TEST_POSTGRES_URL")
DATABASE = private_database_name("scaleout")  # parallel runs never share one
ROOT = Path(__file__).resolve().parents[1]
CHANNELS = [-100201, -100202, -100203, -100204]
FEEDS = 50
ITEMS = 2
SLOW = 10  # the last feeds answer only after the kill
PER_HOST = 2  # fetches at once per process (all feeds share one host)
LEASE_SECONDS = 3

pytestmark = [
    pytest.mark.skipif(
        POSTGRES_URL is None,
        reason="needs PostgreSQL: set CHATWIRE_TEST_POSTGRES_URL (scripts/postgres.sh start)",
    ),
    pytest.mark.timeout(120),
]


def feed_xml(number: int) -> str:
    items = []
    for k in range(ITEMS):
        paragraphs = 1 if (number + k) % 5 else 16  # a few posts need two parts
        body = "".join(
            f"<p>第{number}号源第{k}条第{p}段。"
            + "工人们在港口连夜装卸集装箱，码头的灯一直亮到清晨。" * 12
            + f" Night shift {number}/{k}/{p}.</p>"
            for p in range(paragraphs)
        )
        items.append(
            f"<item><title>Feed {number} item {k}</title>"
            f"<link>https://scale{number}.example/{k}</link><guid>sc-{number}-{k}</guid>"
            f"<pubDate>Tue, 0{k + 1} Sep 2025 08:00:00 GMT</pubDate>"
            f"<description><![CDATA[{body}]]></description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Scale {number}</title><link>https://scale{number}.example/</link>"
        + "".join(items)
        + "</channel></rss>"
    )


def database_url() -> str:
    assert POSTGRES_URL is not None
    return database_url_named(POSTGRES_URL, DATABASE)


@pytest.fixture
def own_database() -> Iterator[None]:
    """A database of our own on the test server, dropped afterwards."""
    assert POSTGRES_URL is not None
    asyncio.run(create_private_database(POSTGRES_URL, DATABASE))
    yield
    asyncio.run(drop_private_database(POSTGRES_URL, DATABASE))


async def seed(server: FeedHost) -> None:
    db = create_database(database_url())
    await db.migrate()
    async with db.begin() as conn:
        for number in range(FEEDS):
            feed = await feeds.add_feed(conn, server.url_for(f"/feed/{number}.xml"), backfill=ITEMS)
            offset = 1 + (number // 4) % 3  # two different channels per feed
            for chat in (CHANNELS[number % 4], CHANNELS[(number + offset) % 4]):
                await routes.add_route(conn, feed.id, chat)
    await db.close()


async def outbox() -> dict[str, int]:
    db = create_database(database_url())
    try:
        async with db.begin() as conn:
            return await deliveries.count_by_state(conn)
    finally:
        await db.close()


async def expected_per_chat() -> tuple[dict[int, list[tuple[Any, ...]]], int]:
    """Each chat's promised parts in delivery order, checked against the records."""
    db = create_database(database_url())
    promised: dict[int, list[tuple[Any, ...]]] = {c: [] for c in CHANNELS}
    try:
        async with db.begin() as conn:
            stored = await articles.count_articles(conn)
            rows = await conn.execute(deliveries_table.select().order_by(deliveries_table.c.id))
            for d in [deliveries.Delivery(**row._asdict()) for row in rows]:
                article = await articles.get_article(conn, d.article_id)
                route = await routes.get_route(conn, d.route_id or 0)
                assert article is not None and route is not None and d.state == "done"
                parts = render_for_route(article, route.options)
                recorded = await messages.messages_for_delivery(conn, d.id)
                assert [m.part for m in recorded] == list(range(1, len(parts) + 1))
                promised[d.chat_id] += [(p.text, entity_dicts(p)) for p in parts]
    finally:
        await db.close()
    return promised, stored


def collapse(seq: list[tuple[Any, ...]]) -> tuple[list[tuple[Any, ...]], int]:
    out: list[tuple[Any, ...]] = []
    for item in seq:
        if not out or out[-1] != item:
            out.append(item)
    return out, len(seq) - len(out)


class FeedHost:
    """The feeds; the last SLOW of them hold every request until `release` is set."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.hits: Counter[int] = Counter()
        self.waiting = 0

    def url_for(self, path: str) -> str:
        return self.server.url_for(path)

    def handle(self, request: Request) -> Response:
        number = int(request.path.rsplit("/", 1)[1].split(".")[0])
        with self.lock:
            self.hits[number] += 1
        if number >= FEEDS - SLOW:
            with self.lock:
                self.waiting += 1
            self.release.wait(timeout=60)
            with self.lock:
                self.waiting -= 1
        return Response(feed_xml(number), content_type="application/rss+xml")


@pytest.fixture
def feed_host() -> Iterator[FeedHost]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    host = FeedHost(server)
    server.expect_request(re.compile(r"^/feed/\d+\.xml$")).respond_with_handler(host.handle)
    server.start()
    yield host
    host.release.set()
    server.clear()
    server.stop()


def test_two_workers_one_killed_nothing_lost(
    tmp_path: Path, feed_host: FeedHost, own_database: None
) -> None:
    asyncio.run(seed(feed_host))
    fake = FakeTelegram()
    fake.latency = 0.03  # each send is done before its answer: a window to die in
    for chat in CHANNELS:
        fake.add_channel(chat, f"Scale {chat}")
    with serve_in_thread(fake) as api:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DATABASE_URL": database_url(),
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "POLL_TICK_SECONDS": "0.2",
            "PUBLISH_TICK_SECONDS": "0.2",
            "POLL_CONCURRENCY": "4",
            "POLL_PER_HOST_CONCURRENCY": str(PER_HOST),
            "SEND_PER_CHAT_PER_SECOND": "40",
            "SEND_PER_GROUP_PER_MINUTE": "10000",
            "SEND_GLOBAL_PER_SECOND": "200",
            "POLL_LEASE_SECONDS": str(LEASE_SECONDS),
            "DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
            "LOG_LEVEL": "INFO",
        }
        logs = [tmp_path / "victim.log", tmp_path / "survivor.log"]
        victim, survivor = (start_worker(env, log) for log in logs)
        try:
            # Kill while both are sending (each has delivered a post: with shared pacing one
            # worker can win the first slots) and both are stuck fetching slow feeds.
            busy = wait_for(
                lambda: (
                    len(fake.sent) >= 40
                    and feed_host.waiting >= 2 * PER_HOST
                    and all("delivered article" in log.read_text() for log in logs)
                ),
                timeout=60,
            )
            assert busy, (len(fake.sent), feed_host.waiting, logs[0].read_text()[-2000:])
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=10)
            sent_at_kill = len(fake.sent)
            feed_host.release.set()
            done = wait_for(lambda: asyncio.run(outbox()) == {"done": 200}, timeout=60, every=0.3)
        finally:
            stop_worker(victim)
            stop_worker(survivor)
    victim_log, survivor_log = (log.read_text() for log in logs)
    assert done, (asyncio.run(outbox()), survivor_log[-3000:])
    assert survivor.returncode == 0, survivor_log[-3000:]
    assert victim.returncode == -signal.SIGKILL
    assert "delivered article" in victim_log and "delivered article" in survivor_log
    assert fake.token not in victim_log + survivor_log

    promised, stored = asyncio.run(expected_per_chat())
    assert stored == FEEDS * ITEMS  # no item lost or stored twice by the two pollers
    refetched = [n for n, hits in feed_host.hits.items() if hits > 1]
    assert refetched and all(n >= FEEDS - SLOW for n in refetched)  # the victim's, after its lease
    assert sum(len(p) for p in promised.values()) > sent_at_kill  # killed midway
    repeats = 0
    for chat in CHANNELS:
        shown = [(r.body, r.entities) for r in fake.sent_to(chat)]
        unique, repeated = collapse(shown)
        assert unique == promised[chat], chat
        assert repeated <= 1, (chat, repeated)  # only the part in flight at the kill
        repeats += repeated
    print(f"{len(fake.sent)} messages, {sent_at_kill} before the kill, {repeats} repeated")
