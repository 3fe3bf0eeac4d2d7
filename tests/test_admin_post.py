"""`/post` end to end: fetched through the guard, queued, and published into the channel."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import bot.admin as core
from bot.deliver.publisher import Publisher
from bot.deliver.rendering import plain_fallback, render_for_route
from bot.models import Article
from handlers.admin import NETWORK_KEY, RESOLVER_KEY
from storage import articles, deliveries
from storage.db import Database
from tests.test_deliver_edits import FAST
from tests.test_feedback_support import ADMIN, CHANNEL, World, make_settings, make_world
from tests.test_urlsafety import FakeNetwork, Rebinding

PAGE = (Path(__file__).parent / "fixtures" / "admin" / "article.html").read_text("utf-8")


async def admin_says(world: World, text: str) -> str:
    await world.private(ADMIN, text)
    return world.last(ADMIN).body


async def publish(world: World) -> None:
    publisher = Publisher(
        world.db, world.app.bot, render_for_route, plain=plain_fallback, pacing=FAST
    )
    await publisher.run_once()


async def test_post_is_published_into_the_channel(db: Database, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type="text/html")
    async with make_world(db, settings=make_settings(allow_private_feed_urls=True)) as world:
        answer = await admin_says(world, f"/post {httpserver.url_for('/story')} @news_channel")
        assert answer == "Queued article 1 (央行维持利率不变) for News."
        await publish(world)
        posted = world.texts(CHANNEL)
        async with db.begin() as conn:
            [delivery] = await deliveries.deliveries_for_article(conn, 1)
    assert posted and "央行维持利率不变" in posted[0]
    assert any("央行周三宣布维持基准利率不变" in text for text in posted)
    assert (delivery.state, delivery.last_error) == ("done", None)


async def test_a_feed_article_whose_route_was_removed_is_still_dropped(db: Database) -> None:
    """Only an admin's post goes without a route; a removed route still means "drop"."""
    async with make_world(db) as world:
        async with db.begin() as conn:
            article_id = await articles.insert_article(
                conn, Article(title="Orphan", content_markdown="Text.")
            )
            route: Any = type("R", (), {"id": None, "chat_id": CHANNEL})()
            await deliveries.enqueue_deliveries(conn, article_id, [route])
        await publish(world)
        async with db.begin() as conn:
            [delivery] = await deliveries.deliveries_for_article(conn, article_id)
    assert (delivery.state, delivery.last_error) == ("failed", "route removed")
    assert world.texts(CHANNEL) == []


async def test_post_parses_the_page_off_the_event_loop(
    db: Database, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type="text/html")
    threads: list[int] = []
    real = core._page_article

    def watched(*args: Any) -> Article:
        threads.append(threading.get_ident())
        return real(*args)

    monkeypatch.setattr(core, "_page_article", watched)
    async with make_world(db, settings=make_settings(allow_private_feed_urls=True)) as world:
        answer = await admin_says(world, f"/post {httpserver.url_for('/story')} @news_channel")
    assert answer.startswith("Queued article 1")
    assert threads and threads[0] != threading.get_ident()


@pytest.fixture
def slow_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


async def test_post_fetch_has_an_overall_deadline(
    db: Database, slow_server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that trickles bytes never trips a per-read timeout; the deadline stops it."""

    def trickle(_request: Request) -> Response:
        def body() -> Iterator[bytes]:
            for _ in range(40):
                time.sleep(0.1)
                yield b"<p>slow</p>"

        return Response(body(), content_type="text/html")

    slow_server.expect_request("/slow").respond_with_handler(trickle)
    defaults = dict(core.post_url.__kwdefaults__ or {})
    monkeypatch.setattr(core.post_url, "__kwdefaults__", {**defaults, "deadline": 0.5})
    async with make_world(db, settings=make_settings(allow_private_feed_urls=True)) as world:
        started = time.monotonic()
        answer = await admin_says(world, f"/post {slow_server.url_for('/slow')} @news_channel")
        elapsed = time.monotonic() - started
    assert answer.endswith("no answer within 0.5 s.")
    assert elapsed < 3.5  # the trickle takes 4 s


async def test_post_connects_only_to_checked_addresses(
    db: Database, httpserver: HTTPServer
) -> None:
    """DNS that alternates public and loopback answers: /post never reaches loopback."""
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type="text/html")
    port = httpserver.port
    page = PAGE.encode()
    answer_bytes = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        + f"Content-Length: {len(page)}\r\n\r\n".encode()
        + page
    )
    network = FakeNetwork({("93.184.216.34", port): answer_bytes})
    settings = make_settings(url_allowed_ports=frozenset({port}))
    answers = []
    async with make_world(db, settings=settings) as world:
        world.app.bot_data[NETWORK_KEY] = network
        # Each /post resolves three times (pre-check, hop hook, connection): every phase
        # of the cycle meets a loopback answer somewhere, or none.
        for pattern in ((True, False), (False, True), (True, True, False), (True,)):
            world.app.bot_data[RESOLVER_KEY] = Rebinding(pattern=pattern)
            for _ in range(3):
                url = f"http://rebind.example:{port}/story"
                answers.append(await admin_says(world, f"/post {url} @news_channel"))
    assert network.connects and all(host == "93.184.216.34" for host, _ in network.connects)
    assert httpserver.log == []
    refused = [a for a in answers if a.startswith("Refused")]
    assert refused and all("loopback" in a for a in refused)
    assert any(a.startswith("Queued article") for a in answers)
