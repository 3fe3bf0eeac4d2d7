from __future__ import annotations

import asyncio
import multiprocessing
import random
import threading
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import bot.ingest.poller as poller_module
import storage.deliveries
from bot.ingest import schedule
from bot.ingest.fetch import make_http_client
from bot.ingest.parse import parse_feed
from bot.ingest.poller import Poller, PollReport
from bot.urlsafety import URLGuard
from storage import articles, feeds, routes
from storage.db import Database
from storage.feeds import Feed
from storage.schema import articles as articles_table
from storage.schema import deliveries as deliveries_table
from storage.schema import feeds as feeds_table

T0 = datetime(2025, 1, 28, 9, 0, tzinfo=UTC)
CHAT = -1001234567890


@dataclass(frozen=True)
class Config:
    poll_concurrency: int = 4
    poll_per_host_concurrency: int = 2
    poll_tick_seconds: float = 1.0
    fetch_timeout_seconds: float = 5.0
    fetch_max_bytes: int = 1 << 20
    feed_max_failures: int = 3
    notice_after: tuple[int | None, int | None] = (5, 3600)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Item:
    guid: str | None
    link: str | None
    title: str
    body: str = "Body text."
    published: datetime | None = None


@dataclass
class Site:
    """A feed whose items and status the test changes between polls."""

    items: list[Item] = field(default_factory=list)
    status: int = 200
    ttl: int | None = None
    etag: bool = True
    hits: list[dict[str, str]] = field(default_factory=list)

    def document(self) -> bytes:
        parts = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>']
        parts.append("<title>Test site</title><link>https://site.example/</link>")
        if self.ttl:
            parts.append(f"<ttl>{self.ttl}</ttl>")
        for item in self.items:
            parts.append("<item>")
            parts.append(f"<title>{escape(item.title)}</title>")
            if item.guid:
                parts.append(f'<guid isPermaLink="false">{escape(item.guid)}</guid>')
            if item.link:
                parts.append(f"<link>{escape(item.link)}</link>")
            if item.published:
                parts.append(f"<pubDate>{item.published.strftime('%a, %d %b %Y %H:%M:%S +0000')}")
                parts.append("</pubDate>")
            parts.append(f"<description>{escape(item.body)}</description></item>")
        parts.append("</channel></rss>")
        return "".join(parts).encode()

    def handler(self, request: Request) -> Response:
        self.hits.append(dict(request.headers))
        if self.status != 200:
            return Response("failure", status=self.status)
        body = self.document()
        tag = f'"{abs(hash(body))}"'
        if self.etag and request.headers.get("If-None-Match") == tag:
            return Response(status=304, headers={"ETag": tag})
        headers = {"ETag": tag} if self.etag else {}
        return Response(body, headers=headers, content_type="application/rss+xml")


def items(*names: str, day: int = 1) -> list[Item]:
    return [
        Item(
            f"g-{n}",
            f"https://site.example/{n}",
            f"Story {n}",
            f"Text of story {n}.",
            datetime(2025, 1, day, 8, tzinfo=UTC) + timedelta(minutes=i),
        )
        for i, n in enumerate(names)
    ]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def notices() -> list[str]:
    return []


@pytest.fixture
def threaded() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


def make_poller(
    db: Database, http: httpx.AsyncClient, clock: Clock, notices: list[str], **config: Any
) -> Poller:
    async def notify(text: str) -> None:
        notices.append(text)

    return Poller(db, http, Config(**config), notify, clock, rng=random.Random(7), tick_wait=0)


@pytest.fixture
def poller(db: Database, http: httpx.AsyncClient, clock: Clock, notices: list[str]) -> Poller:
    return make_poller(db, http, clock, notices)


async def add(
    db: Database, url: str, clock: Clock, *, chats: tuple[int, ...] = (CHAT,), **kwargs: Any
) -> Feed:
    async with db.begin() as conn:
        feed = await feeds.add_feed(conn, url, now=clock(), **kwargs)
        for chat in chats:
            await routes.add_route(conn, feed.id, chat, now=clock())
    return feed


async def reload(db: Database, feed_id: int) -> Feed:
    async with db.begin() as conn:
        feed = await feeds.get_feed(conn, feed_id)
    assert feed is not None
    return feed


async def expire_leases(db: Database) -> None:
    """Every feed lease ends (as it would once its time passed on the database clock)."""
    async with db.begin() as conn:
        await conn.execute(
            sa.update(feeds_table)
            .where(feeds_table.c.lease_until.is_not(None))
            .values(lease_until=datetime(2000, 1, 1, tzinfo=UTC))
        )


async def count(db: Database, table: sa.Table) -> int:
    async with db.begin() as conn:
        query = sa.select(sa.func.count()).select_from(table)
        return int((await conn.execute(query)).scalar_one())


async def next_cycle(poller: Poller, clock: Clock, db: Database, feed_id: int) -> PollReport:
    """Move the clock to the feed's next poll time and poll everything due."""
    clock.now = max(clock.now, (await reload(db, feed_id)).next_poll_at)
    return await poller.run_until_idle()


def serve(httpserver: HTTPServer, path: str, site: Site) -> str:
    httpserver.expect_request(path).respond_with_handler(site.handler)
    return httpserver.url_for(path)


async def test_first_poll_is_a_silent_baseline_then_new_items_are_queued(
    db: Database, httpserver: HTTPServer, poller: Poller, clock: Clock
) -> None:
    site = Site(items("a", "b", "c"))
    feed = await add(db, serve(httpserver, "/feed", site), clock)
    report = await poller.run_until_idle()
    assert [o.status for o in report.outcomes] == ["baseline"]
    assert len(report.outcomes[0].baseline_article_ids) == 3
    assert report.new_article_ids == []
    assert await count(db, articles_table) == 3
    assert await count(db, deliveries_table) == 0
    stored = await reload(db, feed.id)
    assert stored.baseline_done and stored.title == "Test site"
    assert stored.site_url == "https://site.example/"
    assert stored.lease_until is None and stored.next_poll_at > T0

    site.items = items("d", day=2) + site.items
    report = await next_cycle(poller, clock, db, feed.id)
    assert len(report.new_article_ids) == 1
    async with db.begin() as conn:
        article = await articles.get_article(conn, report.new_article_ids[0])
        queued = await storage.deliveries.deliveries_for_article(conn, report.new_article_ids[0])
    assert article is not None and article.title == "Story d" and article.feed_id == feed.id
    assert article.guid == "g-d"
    assert [d.chat_id for d in queued] == [CHAT]
    assert await count(db, articles_table) == 4


async def test_parsing_and_building_in_a_process_pool(
    db: Database, httpserver: HTTPServer, http: httpx.AsyncClient, clock: Clock
) -> None:
    site = Site(items("a", "b"))
    feed = await add(db, serve(httpserver, "/feed", site), clock, backfill=1)
    httpserver.expect_request("/page").respond_with_data("<html><body>no</body></html>")
    page = await add(db, httpserver.url_for("/page"), clock)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        poller = Poller(db, http, Config(), _ignore, clock, rng=random.Random(1), executor=pool)
        report = await poller.run_until_idle()
    assert report.errors == {page.id: "not a feed: got an HTML page"}
    [done] = [o for o in report.outcomes if o.feed_id == feed.id]
    assert len(done.new_article_ids) == 1 and len(done.baseline_article_ids) == 1
    async with db.begin() as conn:
        article = await articles.get_article(conn, done.new_article_ids[0])
    assert article is not None and article.title == "Story b" and article.feed_id == feed.id


async def _ignore(_text: str) -> None:
    return None


async def test_a_repost_under_a_new_guid_and_link_is_stored_once(
    db: Database, httpserver: HTTPServer, poller: Poller, clock: Clock
) -> None:
    site = Site(
        [
            Item("g1", "https://site.example/1", "Same story", "Same words."),
            Item("g2", "https://site.example/2", "Same story", "Same words."),
            Item("g3", "https://site.example/3", "Other story", "Other words."),
        ]
    )
    feed = await add(db, serve(httpserver, "/feed", site), clock)
    await poller.run_until_idle()
    assert await count(db, articles_table) == 2
    site.items.insert(0, Item("g4", "https://site.example/4", "Same story", "Same words."))
    report = await next_cycle(poller, clock, db, feed.id)
    assert report.new_article_ids == [] and await count(db, articles_table) == 2
    async with db.begin() as conn:
        stored = await articles.latest_articles(conn, limit=5)
    assert all("reading_minutes" in a.extra for a in stored)


async def test_backfill_delivers_the_newest_n(
    db: Database, httpserver: HTTPServer, poller: Poller, clock: Clock
) -> None:
    site = Site(items("old", "mid", "new"))
    site.items.reverse()  # newest first, as feeds list them
    await add(db, serve(httpserver, "/feed", site), clock, backfill=2)
    report = await poller.run_until_idle()
    async with db.begin() as conn:
        found = [await articles.get_article(conn, i) for i in report.new_article_ids]
    titles = [a.title for a in found if a is not None]
    assert titles == ["Story mid", "Story new"]
    assert len(report.outcomes[0].baseline_article_ids) == 1
    assert await count(db, deliveries_table) == 2


async def test_unchanged_feed_uses_etag_and_stores_nothing(
    db: Database, httpserver: HTTPServer, poller: Poller, clock: Clock
) -> None:
    site = Site(items("a"))
    feed = await add(db, serve(httpserver, "/feed", site), clock)
    await poller.run_until_idle()
    report = await next_cycle(poller, clock, db, feed.id)
    assert [o.status for o in report.outcomes] == ["unchanged"]
    assert site.hits[1]["If-None-Match"] == (await reload(db, feed.id)).etag
    assert await count(db, articles_table) == 1


async def test_same_body_without_validators_is_not_parsed_again(
    db: Database,
    httpserver: HTTPServer,
    poller: Poller,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = Site(items("a"), etag=False)
    feed = await add(db, serve(httpserver, "/feed", site), clock)
    await poller.run_until_idle()
    parses = []
    real = parse_feed

    def counting(*args: Any) -> Any:
        parses.append(1)
        return real(*args)

    monkeypatch.setattr(poller_module, "parse_feed", counting)
    report = await next_cycle(poller, clock, db, feed.id)
    assert [o.status for o in report.outcomes] == ["unchanged"] and parses == []
    site.items = items("b", day=2) + site.items
    report = await next_cycle(poller, clock, db, feed.id)
    assert len(report.new_article_ids) == 1 and parses == [1]


async def test_duplicate_guids_and_guid_churn_post_nothing_twice(
    db: Database, httpserver: HTTPServer, poller: Poller, clock: Clock
) -> None:
    site = Site(items("a", "b"))
    feed = await add(db, serve(httpserver, "/feed", site), clock)
    await poller.run_until_idle()
    # The same items under new guids (guid churn), plus one guid used twice.
    site.items = [
        Item("new-guid-a", "https://site.example/a", "Story a", "Text of story a."),
        Item("new-guid-b", "https://site.example/b", "Story b", "Text of story b."),
        Item("x", "https://site.example/x", "Story x", "First x."),
        Item("x", "https://site.example/x2", "Story x again", "Second x."),
    ]
    report = await next_cycle(poller, clock, db, feed.id)
    assert len(report.new_article_ids) == 1
    assert report.updated == []
    assert await count(db, articles_table) == 3
    assert await count(db, deliveries_table) == 1
    report = await next_cycle(poller, clock, db, feed.id)
    assert report.new_article_ids == [] and report.updated == []
    assert await count(db, deliveries_table) == 1


async def test_shared_homepage_links_do_not_hide_new_items(
    db: Database, httpserver: HTTPServer, poller: Poller, clock: Clock
) -> None:
    home = "https://status.example/"
    site = Site([Item("s1", home, "Outage 1", "Down."), Item("s2", home, "Outage 2", "Slow.")])
    feed = await add(db, serve(httpserver, "/feed", site), clock)
    await poller.run_until_idle()
    site.items.insert(0, Item("s3", home, "Outage 3", "Broken."))
    report = await next_cycle(poller, clock, db, feed.id)
    assert len(report.new_article_ids) == 1


async def test_items_without_guid_or_link_dedup_by_title_and_content(
    db: Database, httpserver: HTTPServer, poller: Poller, clock: Clock
) -> None:
    site = Site([Item(None, None, "Bare", "Only text.")])
    feed = await add(db, serve(httpserver, "/feed", site), clock)
    await poller.run_until_idle()
    site.etag = False
    report = await next_cycle(poller, clock, db, feed.id)
    assert report.new_article_ids == [] and await count(db, articles_table) == 1
    site.items.append(Item(None, None, "Bare", "Different text."))
    report = await next_cycle(poller, clock, db, feed.id)
    assert len(report.new_article_ids) == 1


async def test_changed_item_is_recorded_as_an_update(
    db: Database, httpserver: HTTPServer, poller: Poller, clock: Clock
) -> None:
    site = Site(items("a"))
    feed = await add(db, serve(httpserver, "/feed", site), clock)
    async with db.begin() as conn:
        await routes.add_route(conn, feed.id, -200, options={"on_update": "edit"})
    await poller.run_until_idle()
    site.items[0].body = "Corrected text of story a."
    report = await next_cycle(poller, clock, db, feed.id)
    assert report.new_article_ids == []
    [update] = report.updated
    assert update.feed_id == feed.id and update.edit_chat_ids == (-200,)
    assert [o.status for o in report.outcomes] == ["updated"]
    async with db.begin() as conn:
        article = await articles.get_article(conn, update.article_id)
        row = (
            await conn.execute(
                sa.select(articles_table.c.update_count).where(
                    articles_table.c.id == update.article_id
                )
            )
        ).one()
    assert article is not None and "Corrected" in article.content_markdown
    assert "updated" in article.extra and row.update_count == 1
    report = await next_cycle(poller, clock, db, feed.id)
    assert report.updated == []


async def test_restart_mid_poll_stores_everything_exactly_once(
    db: Database,
    httpserver: HTTPServer,
    http: httpx.AsyncClient,
    clock: Clock,
    notices: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = Site(items("a"))
    feed = await add(db, serve(httpserver, "/feed", site), clock)
    first = make_poller(db, http, clock, notices)
    await first.run_until_idle()
    site.items = items("b", "c", "d", "e", day=2) + site.items
    real = storage.deliveries.enqueue_deliveries
    calls = 0

    async def dies_on_third(*args: Any, **kwargs: Any) -> int:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise asyncio.CancelledError  # the process is killed mid-transaction
        return await real(*args, **kwargs)

    monkeypatch.setattr(storage.deliveries, "enqueue_deliveries", dies_on_third)
    clock.now = (await reload(db, feed.id)).next_poll_at
    report = await first.run_until_idle()
    assert report.outcomes == []  # the poll never finished
    assert await count(db, articles_table) == 3  # a, b, c; d rolled back
    assert await count(db, deliveries_table) == 2
    monkeypatch.setattr(storage.deliveries, "enqueue_deliveries", real)

    restarted = make_poller(db, http, clock, notices)
    assert (await restarted.run_until_idle()).outcomes == []  # still leased
    await expire_leases(db)  # leases run on the database clock: the dead process's ran out
    report = await restarted.run_until_idle()
    assert len(report.new_article_ids) == 2
    assert await count(db, articles_table) == 5
    async with db.begin() as conn:
        rows = (await conn.execute(sa.select(deliveries_table.c.article_id))).scalars().all()
    assert len(rows) == len(set(rows)) == 4


async def test_restart_mid_baseline_keeps_it_silent_and_complete(
    db: Database,
    httpserver: HTTPServer,
    http: httpx.AsyncClient,
    clock: Clock,
    notices: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = Site(items(*(str(n) for n in range(150))))
    feed = await add(db, serve(httpserver, "/feed", site), clock)
    real = articles.insert_article_once
    calls = 0

    async def dies_in_second_batch(*args: Any, **kwargs: Any) -> int | None:
        nonlocal calls
        calls += 1
        if calls == 120:
            raise asyncio.CancelledError
        return await real(*args, **kwargs)

    monkeypatch.setattr(articles, "insert_article_once", dies_in_second_batch)
    assert (await make_poller(db, http, clock, notices).run_until_idle()).outcomes == []
    assert await count(db, articles_table) == 100  # the first batch; the second rolled back
    monkeypatch.setattr(articles, "insert_article_once", real)
    restarted = make_poller(db, http, clock, notices)
    await expire_leases(db)  # leases run on the database clock: the dead process's ran out
    report = await restarted.run_until_idle()
    assert [o.status for o in report.outcomes] == ["baseline"]
    assert await count(db, articles_table) == 150
    assert await count(db, deliveries_table) == 0
    assert (await reload(db, feed.id)).baseline_done


async def test_failures_back_off_then_deactivate_with_a_notice(
    db: Database, httpserver: HTTPServer, poller: Poller, clock: Clock, notices: list[str]
) -> None:
    site = Site(items("a"), status=500)
    feed = await add(db, serve(httpserver, "/feed", site), clock, interval_seconds=600)
    delays = []
    for attempt in (1, 2, 3):
        before = clock.now
        report = await poller.run_until_idle()
        assert report.errors == {feed.id: "HTTP 500 INTERNAL SERVER ERROR"}
        stored = await reload(db, feed.id)
        assert (
            stored.error_count == attempt and stored.last_error == "HTTP 500 INTERNAL SERVER ERROR"
        )
        delays.append((stored.next_poll_at - before).total_seconds())
        clock.now = stored.next_poll_at
    assert 540 <= delays[0] <= 660 and 1080 <= delays[1] <= 1320
    assert report.deactivated == [feed.id]
    assert not (await reload(db, feed.id)).active
    [notice] = notices
    assert f"#{feed.id}" in notice and feed.url in notice and "3 failures" in notice
    clock.advance(days=2)
    assert (await poller.run_until_idle()).outcomes == []


async def test_success_resets_the_error_count(
    db: Database, httpserver: HTTPServer, poller: Poller, clock: Clock
) -> None:
    site = Site(items("a"), status=503)
    feed = await add(db, serve(httpserver, "/feed", site), clock)
    await poller.run_until_idle()
    site.status = 200
    await next_cycle(poller, clock, db, feed.id)
    stored = await reload(db, feed.id)
    assert stored.error_count == 0 and stored.last_error is None and stored.baseline_done


async def test_gone_feed_is_deactivated_at_once(
    db: Database, httpserver: HTTPServer, poller: Poller, clock: Clock, notices: list[str]
) -> None:
    feed = await add(db, serve(httpserver, "/feed", Site(status=410)), clock)
    report = await poller.run_until_idle()
    assert report.deactivated == [feed.id] and "410" in notices[0]


async def test_not_a_feed_is_recorded_not_raised(
    db: Database, httpserver: HTTPServer, poller: Poller, clock: Clock
) -> None:
    httpserver.expect_request("/page").respond_with_data(
        "<!DOCTYPE html><html><body>Hello</body></html>", content_type="text/html"
    )
    feed = await add(db, httpserver.url_for("/page"), clock)
    await poller.run_until_idle()
    stored = await reload(db, feed.id)
    assert stored.last_error == "not a feed: got an HTML page" and stored.error_count == 1


async def test_permanent_redirect_moves_the_feed_temporary_does_not(
    db: Database, httpserver: HTTPServer, poller: Poller, clock: Clock
) -> None:
    serve(httpserver, "/new", Site(items("a")))
    httpserver.expect_request("/moved").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/away").respond_with_data(
        "", status=302, headers={"Location": "/new"}
    )
    moved = await add(db, httpserver.url_for("/moved"), clock)
    away = await add(db, httpserver.url_for("/away"), clock, chats=(-5,))
    await poller.run_until_idle()
    assert (await reload(db, moved.id)).url == httpserver.url_for("/new")
    assert (await reload(db, away.id)).url == httpserver.url_for("/away")


async def test_ttl_stretches_the_interval(
    db: Database, httpserver: HTTPServer, poller: Poller, clock: Clock
) -> None:
    site = Site(items("a"), ttl=120)
    feed = await add(db, serve(httpserver, "/feed", site), clock, interval_seconds=600)
    await poller.run_until_idle()
    site.items.append(Item("b", "https://site.example/b", "B"))
    await next_cycle(poller, clock, db, feed.id)
    delay = ((await reload(db, feed.id)).next_poll_at - clock.now).total_seconds()
    assert 7200 * 0.9 <= delay <= 7200 * 1.1


@pytest.mark.parametrize(
    ("status", "headers", "low", "high"),
    [
        (503, {"Retry-After": "7200"}, 7200 * 0.9, 7200 * 1.1),
        (429, {"Retry-After": "999999"}, schedule.DAY * 0.9, schedule.DAY),
        (200, {"Cache-Control": "max-age=5400"}, 5400 * 0.5, 5400 * 1.5),
    ],
)
async def test_server_hints_delay_the_next_poll(
    db: Database,
    httpserver: HTTPServer,
    poller: Poller,
    clock: Clock,
    status: int,
    headers: dict[str, str],
    low: float,
    high: float,
) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        Site(items("a")).document(), status=status, headers=headers
    )
    feed = await add(db, httpserver.url_for("/feed"), clock, interval_seconds=600)
    await poller.run_until_idle()
    delay = ((await reload(db, feed.id)).next_poll_at - clock.now).total_seconds()
    assert low <= delay <= high


async def test_per_host_cap_is_respected(
    db: Database, threaded: HTTPServer, http: httpx.AsyncClient, clock: Clock, notices: list[str]
) -> None:
    lock = threading.Lock()
    state = {"active": 0, "peak": 0}
    arrived = threading.Condition(lock)
    body = Site(items("a")).document()

    def handler(_request: Request) -> Response:
        with arrived:
            state["active"] += 1
            state["peak"] = max(state["peak"], state["active"])
            arrived.notify_all()
            arrived.wait_for(lambda: state["active"] >= 2, timeout=2)
        threading.Event().wait(0.05)
        with lock:
            state["active"] -= 1
        return Response(body, content_type="application/rss+xml")

    for n in range(6):
        threaded.expect_request(f"/f{n}").respond_with_handler(handler)
        await add(db, threaded.url_for(f"/f{n}"), clock, chats=(-n - 1,))
    poller = make_poller(db, http, clock, notices, poll_concurrency=6, poll_per_host_concurrency=2)
    report = await poller.run_until_idle()
    assert report.polled == 6 and not report.errors
    assert state["peak"] == 2


async def test_a_slow_feed_does_not_delay_a_fast_one(
    db: Database, threaded: HTTPServer, http: httpx.AsyncClient, clock: Clock, notices: list[str]
) -> None:
    release = threading.Event()
    body = Site(items("a")).document()

    def slow(_request: Request) -> Response:
        release.wait(20)
        return Response(body, content_type="application/rss+xml")

    threaded.expect_request("/slow").respond_with_handler(slow)
    threaded.expect_request("/fast").respond_with_data(body, content_type="application/rss+xml")
    slow_feed = await add(db, threaded.url_for("/slow"), clock)
    fast_feed = await add(db, threaded.url_for("/fast"), clock, chats=(-7,))
    poller = make_poller(db, http, clock, notices, fetch_timeout_seconds=30)
    try:
        done: list[int] = []
        for _ in range(400):
            report = await poller.tick()
            done += [o.feed_id for o in report.outcomes]
            if fast_feed.id in done:
                break
            await asyncio.sleep(0.05)
        assert done == [fast_feed.id]
        assert poller.in_flight == 1  # the slow one is still being fetched
        assert (await reload(db, fast_feed.id)).last_success_at == T0
        assert (await reload(db, slow_feed.id)).lease_until is not None
    finally:
        release.set()
    report = await poller.drain()
    assert [o.feed_id for o in report.outcomes] == [slow_feed.id]


async def test_a_dead_slow_feed_times_out_and_is_recorded(
    db: Database, threaded: HTTPServer, http: httpx.AsyncClient, clock: Clock, notices: list[str]
) -> None:
    release = threading.Event()

    def hang(_request: Request) -> Response:
        release.wait(20)
        return Response("late")

    threaded.expect_request("/hang").respond_with_handler(hang)
    feed = await add(db, threaded.url_for("/hang"), clock)
    poller = make_poller(db, http, clock, notices, fetch_timeout_seconds=0.3)
    try:
        report = await poller.run_until_idle()
    finally:
        release.set()
    assert report.errors == {feed.id: "timed out after 0.3 s"}


async def test_fulltext_replaces_a_teaser_and_a_failure_keeps_it(
    db: Database, httpserver: HTTPServer, poller: Poller, clock: Clock
) -> None:
    paragraphs = "".join(
        f"<p>Paragraph {n}: the whole story continues with enough words to be the main text "
        f"of this page, as an extractor expects from a real article.</p>"
        for n in range(12)
    )
    page = (
        "<html><head><title>Full story</title><meta name='author' content='Jane Roe'></head>"
        f"<body><nav>Home | World</nav><article><h1>Full story</h1>{paragraphs}</article>"
        "<footer>© Site</footer></body></html>"
    )
    httpserver.expect_request("/story").respond_with_data(page, content_type="text/html")
    httpserver.expect_request("/missing").respond_with_data("no", status=404)
    site = Site(
        [
            Item("s", httpserver.url_for("/story"), "Full story", "The story begins… Read more"),
            Item("m", httpserver.url_for("/missing"), "Missing", "Only a teaser…"),
        ]
    )
    await add(db, serve(httpserver, "/feed", site), clock, fulltext=True, backfill=2)
    report = await poller.run_until_idle()
    assert len(report.new_article_ids) == 2 and not report.errors
    async with db.begin() as conn:
        stored = [await articles.get_article(conn, i) for i in report.new_article_ids]
    by_title = {a.title: a for a in stored if a is not None}
    assert "Paragraph 11" in by_title["Full story"].content_markdown
    assert by_title["Full story"].authors == ["Jane Roe"]
    assert "Only a teaser" in by_title["Missing"].content_markdown


async def test_a_feed_is_not_claimed_twice_while_leased(
    db: Database, threaded: HTTPServer, http: httpx.AsyncClient, clock: Clock, notices: list[str]
) -> None:
    release = threading.Event()
    hits = []
    body = Site(items("a")).document()

    def slow(_request: Request) -> Response:
        hits.append(1)
        release.wait(20)
        return Response(body, content_type="application/rss+xml")

    threaded.expect_request("/slow").respond_with_handler(slow)
    await add(db, threaded.url_for("/slow"), clock)
    one = make_poller(db, http, clock, notices)
    other = make_poller(db, http, clock, notices)
    try:
        first = await one.tick()
        second = await other.tick()
        assert (first.claimed, second.claimed) == (1, 0)
    finally:
        release.set()
    await one.drain()
    await one.aclose()
    assert len(hits) == 1


async def test_a_failed_claim_does_not_break_the_tick(
    db: Database,
    httpserver: HTTPServer,
    poller: Poller,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await add(db, serve(httpserver, "/feed", Site(items("a"))), clock)
    real = feeds.claim_due_feeds

    async def unavailable(*_args: Any, **_kwargs: Any) -> list[Feed]:
        raise OSError("database is unavailable")

    monkeypatch.setattr(feeds, "claim_due_feeds", unavailable)
    report = await poller.tick()
    assert (report.claimed, report.outcomes) == (0, [])
    monkeypatch.setattr(feeds, "claim_due_feeds", real)
    assert (await poller.tick()).claimed == 1
    assert [o.status for o in (await poller.drain()).outcomes] == ["baseline"]


async def test_feeds_added_from_chat_are_fetched_through_the_guard(
    db: Database, httpserver: HTTPServer, http: httpx.AsyncClient, clock: Clock, notices: list[str]
) -> None:
    """A chat-added feed may not reach private addresses at poll time; CLI feeds may."""
    site = Site(items("a"))
    trusted = await add(db, serve(httpserver, "/cli", site), clock)
    from_chat = await add(
        db, serve(httpserver, "/chat", site), clock, options={"added_from_chat": True}
    )
    async with make_http_client(4, guard=URLGuard()) as guarded:
        poller = Poller(
            db,
            http,
            Config(),
            _ignore,
            clock,
            rng=random.Random(7),
            tick_wait=0,
            guarded_http=guarded,
        )
        report = await poller.run_until_idle()
    by_feed = {o.feed_id: o for o in report.outcomes}
    assert by_feed[trusted.id].status == "baseline"
    assert by_feed[from_chat.id].status == "error"
    refused = await reload(db, from_chat.id)
    assert refused.last_error and "loopback address" in refused.last_error
    assert [r.path for r, _ in httpserver.log] == ["/cli"]


async def test_an_item_that_cannot_be_built_does_not_stop_its_feed(
    db: Database, httpserver: HTTPServer, http: httpx.AsyncClient, clock: Clock, notices: list[str]
) -> None:
    from bot.content.pipeline import build_article

    def fragile(item: Any, **kwargs: Any) -> Any:
        if item.guid == "g-bad":
            raise RecursionError("maximum recursion depth exceeded")
        return build_article(item, **kwargs)

    site = Site(items("a"))
    feed = await add(db, serve(httpserver, "/feed", site), clock, backfill=0)
    poller = Poller(
        db, http, Config(), _ignore, clock, rng=random.Random(7), tick_wait=0, build_article=fragile
    )
    await poller.run_until_idle()
    site.items = items("a", "bad", "c", day=2)
    report = await next_cycle(poller, clock, db, feed.id)
    assert [o.status for o in report.outcomes] == ["new"]
    async with db.begin() as conn:
        titles = {a.title for a in await articles.latest_articles(conn, limit=10)}
    assert titles == {"Story a", "Story c"}
    assert len(report.new_article_ids) == 1
