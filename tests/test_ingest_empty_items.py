"""Rule 8: an item with no title and no text is never posted, logged once, counted in listings."""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bot.admin import feeds_text
from bot.cli import main
from bot.ingest.poller import MAX_EMPTY_ITEMS, Poller
from storage import articles, feeds, routes
from storage.db import Database, create_database
from tests.test_ingest_poller import T0, Clock, Config, _ignore, next_cycle, reload

CHAT = -1001234567890
EMPTY_AUTHOR = "<item><author></author></item>"
ONLY_ID = '<item><guid isPermaLink="false">tag:site.example,2025:item-77</guid></item>'


@dataclass
class Site:
    """An RSS document whose real items grow each poll (so each poll parses it again)."""

    empty: list[str]
    stories: list[str] = field(default_factory=list)

    def handler(self, request: Request) -> Response:
        items = [
            f"<item><title>Story {n}</title><guid>g-{n}</guid>"
            f"<link>https://site.example/{n}</link><description>Text of {n}.</description></item>"
            for n in self.stories
        ]
        body = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>Test site</title><link>https://site.example/</link>"
            + "".join(self.empty + items)
            + "</channel></rss>"
        )
        return Response(body, content_type="application/rss+xml")


async def test_empty_items_are_never_posted_and_logged_once(
    db: Database, httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    site = Site([], ["a"])
    httpserver.expect_request("/feed").respond_with_handler(site.handler)
    clock = Clock()
    async with db.begin() as conn:
        feed = await feeds.add_feed(conn, httpserver.url_for("/feed"), now=T0)
        await routes.add_route(conn, feed.id, CHAT, now=T0)
    async with httpx.AsyncClient() as http:
        poller = Poller(db, http, Config(), _ignore, clock, rng=random.Random(7), tick_wait=0)
        await poller.run_until_idle()  # baseline: story a
        site.empty = [EMPTY_AUTHOR, ONLY_ID]
        caplog.set_level(logging.WARNING, logger="bot.ingest.poller")
        posted: list[int] = []
        for n in ("b", "c", "d"):
            site.stories.append(n)
            report = await next_cycle(poller, clock, db, feed.id)
            assert [o.status for o in report.outcomes] == ["new"]
            posted += report.new_article_ids
    async with db.begin() as conn:
        titles = [(await articles.get_article(conn, i)).title for i in posted]  # type: ignore[union-attr]
    assert titles == ["Story b", "Story c", "Story d"]
    skipped = [r for r in caplog.records if "no title and no text" in r.getMessage()]
    assert len(skipped) == 2, [r.getMessage() for r in skipped]
    assert any("tag:site.example,2025:item-77" in r.getMessage() for r in skipped)
    stored = await reload(db, feed.id)
    assert len(stored.empty_items) == 2
    assert "skipped: 2 empty item(s)" in await feeds_text(db, now=clock())


async def test_an_empty_item_that_gains_text_is_posted(
    db: Database, httpserver: HTTPServer
) -> None:
    site = Site([], ["a"])
    httpserver.expect_request("/feed").respond_with_handler(site.handler)
    clock = Clock()
    async with db.begin() as conn:
        feed = await feeds.add_feed(conn, httpserver.url_for("/feed"), now=T0)
        await routes.add_route(conn, feed.id, CHAT, now=T0)
    async with httpx.AsyncClient() as http:
        poller = Poller(db, http, Config(), _ignore, clock, rng=random.Random(7), tick_wait=0)
        await poller.run_until_idle()
        site.empty = ['<item><guid isPermaLink="false">late-1</guid></item>']
        site.stories.append("b")
        await next_cycle(poller, clock, db, feed.id)
        assert len((await reload(db, feed.id)).empty_items) == 1
        site.empty = [
            '<item><guid isPermaLink="false">late-1</guid><title>Late title</title></item>'
        ]
        report = await next_cycle(poller, clock, db, feed.id)
    async with db.begin() as conn:
        titles = {(await articles.get_article(conn, i)).title for i in report.new_article_ids}  # type: ignore[union-attr]
    assert titles == {"Late title"}


async def test_the_remembered_keys_are_bounded(db: Database, httpserver: HTTPServer) -> None:
    many = [f'<item><guid isPermaLink="false">e-{i}</guid></item>' for i in range(130)]
    site = Site(many, ["a"])
    httpserver.expect_request("/feed").respond_with_handler(site.handler)
    async with db.begin() as conn:
        feed = await feeds.add_feed(conn, httpserver.url_for("/feed"), now=T0)
    async with httpx.AsyncClient() as http:
        poller = Poller(db, http, Config(), _ignore, Clock(), rng=random.Random(7), tick_wait=0)
        await poller.run_until_idle()
    assert len((await reload(db, feed.id)).empty_items) == MAX_EMPTY_ITEMS


def test_feeds_list_shows_the_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert (
        main(["feeds", "add", "https://example.com/rss", "--channel", "-1001", "--no-check"]) == 0
    )
    assert main(["feeds", "list"]) == 0
    assert "empty item" not in capsys.readouterr().out

    async def mark() -> None:
        db = create_database(url)
        try:
            async with db.begin() as conn:
                options = {feeds.EMPTY_ITEMS_KEY: ["0123456789abcdef", "fedcba9876543210"]}
                await feeds.update_feed(conn, 1, options=options)
        finally:
            await db.close()

    asyncio.run(mark())
    assert main(["feeds", "list"]) == 0
    assert "skipped 2 empty item(s)" in capsys.readouterr().out
