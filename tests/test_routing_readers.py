"""Route filters end to end: a real feed, the poller, the publisher and the stand-in Telegram.

Two channels take the same feed; each route keeps or drops items by its rules. An
admin changes the rules from chat (/filter) and the CLI (`routes edit`); items a
route turns away are stored, counted in `routes list` and /feeds, and never posted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pytest
import sqlalchemy as sa
from pytest_httpserver import HTTPServer

from bot.cli import main
from bot.config import Settings
from bot.runtime import Runtime, runtime
from bot.standin import FakeBotAPIRequest, FakeTelegram
from storage import feeds, route_outcomes, routes
from storage.db import Database
from storage.schema import articles
from tests.standin_helpers import process_updates

NEWS, SPORT = -1004000000001, -1004000000002
ADMIN = 9001

ITEMS = [
    ("Budget vote delayed", "The council postponed the vote.", "Ada Lin"),
    ("Derby ends in a draw", "Sport: the derby ended 1-1.", "Bo Chen"),
    ("大桥今日通车", "新建的大桥周一起正式通车。", "王小明"),
    ("体育：女排夺冠", "中国女排在决赛中获胜。", "李华"),
    ("Sponsored: a better mattress", "Buy now.", "Ads Desk"),
]


def _rss(items: list[tuple[str, str, str]]) -> str:
    parts = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>']
    parts.append("<title>Wire</title><link>https://wire.example/</link>")
    for n, (title, body, author) in enumerate(items):
        parts.append(
            f"<item><title>{escape(title)}</title><guid>g{n}</guid>"
            f"<link>https://wire.example/{n}</link><author>{escape(author)}</author>"
            f"<pubDate>Mon, 0{n + 1} Jan 2025 08:00:00 +0000</pubDate>"
            f"<description>{escape(body)}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts)


@dataclass
class World:
    rt: Runtime
    fake: FakeTelegram
    db: Database
    feed_id: int
    route_ids: dict[int, int]

    async def run(self) -> None:
        await self.rt.poller.run_until_idle()
        await self.rt.publisher.run_once()

    async def admin_says(self, text: str) -> str:
        before = len(self.fake.sent_to(ADMIN))
        self.fake.send_private(ADMIN, text)
        await process_updates(self.rt.app, self.fake)
        return "\n".join(m.body for m in self.fake.sent_to(ADMIN)[before:])


@pytest.fixture
async def world(db: Database, httpserver: HTTPServer) -> AsyncIterator[World]:
    httpserver.expect_request("/wire.xml").respond_with_data(
        _rss(ITEMS), content_type="application/rss+xml"
    )
    fake = FakeTelegram()
    fake.add_channel(NEWS, "News")
    fake.add_channel(SPORT, "Sport")
    fake.add_user(ADMIN, "Boss")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        admin_ids=frozenset({ADMIN}),
        commands_per_minute=500,
        send_per_chat_per_second=100.0,
        send_per_group_per_minute=6000,
        send_global_per_second=1000.0,
    )
    async with runtime(
        settings, token=fake.token, request=FakeBotAPIRequest(fake), db=db, with_jobs=False
    ) as rt:
        async with db.begin() as conn:
            feed = await feeds.add_feed(conn, httpserver.url_for("/wire.xml"), backfill=10)
            ids = {chat: (await routes.add_route(conn, feed.id, chat)).id for chat in (NEWS, SPORT)}
        yield World(rt, fake, db, feed.id, ids)


async def test_rules_set_in_chat_keep_and_drop_items_per_route(world: World) -> None:
    news, sport = world.route_ids[NEWS], world.route_ids[SPORT]
    answer = await world.admin_says(f"/filter {news} exclude sport 体育 re:(?i)^sponsored")
    assert f"route {news} → {NEWS}: filter: -sport -体育 -re:(?i)^sponsored" in answer
    answer = await world.admin_says(f'/filter {sport} include "title:derby" 女排 author:nobody')
    assert "+title:derby +女排 +author:nobody" in answer
    assert "bad regular expression" in await world.admin_says(f"/filter {news} include re:(a")
    assert "no route 999" in await world.admin_says("/filter 999 clear")

    await world.run()
    news_posts = "\n".join(world.fake.texts(NEWS))
    sport_posts = "\n".join(world.fake.texts(SPORT))
    assert "Budget vote delayed" in news_posts and "大桥今日通车" in news_posts
    for dropped in ("Derby", "女排", "Sponsored"):
        assert dropped not in news_posts
    assert "Derby ends in a draw" in sport_posts and "女排夺冠" in sport_posts
    assert "Budget" not in sport_posts and "大桥" not in sport_posts

    # Every item is stored; what a route dropped is counted and visible.
    async with world.db.begin() as conn:
        stored = (await conn.execute(sa.select(sa.func.count()).select_from(articles))).scalar()
        counts = await route_outcomes.outcome_counts(conn)
    assert stored == len(ITEMS)
    assert counts == {news: {"filtered": 3}, sport: {"filtered": 3}}
    listing = await world.admin_says("/filter")
    assert f"route {news}: feed {world.feed_id} → {NEWS}: filter: -sport" in listing
    assert "filtered out 3" in listing
    assert f"route {sport} → {SPORT}: filter: +title:derby" in await world.admin_says("/feeds")

    cleared = await world.admin_says(f"/filter {news} remove sport")
    assert "filter: -体育 -re:(?i)^sponsored" in cleared
    assert "filter: none" in await world.admin_says(f"/filter {news} clear")


async def test_non_admins_cannot_touch_rules(world: World) -> None:
    world.fake.send_private(4242, "/filter 1 clear")
    await process_updates(world.rt.app, world.fake)
    assert "only the bot's admins" in "\n".join(world.fake.texts(4242))


def test_cli_feeds_add_and_routes_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    args = ["feeds", "add", "https://example.com/rss", "--no-check", "--channel", "-1001"]
    assert main([*args, "--include", "title:AI", "--exclude", "re:(?i)sponsored"]) == 0
    capsys.readouterr()
    assert main(["routes", "list"]) == 0
    assert "filter: +title:ai -re:(?i)sponsored" in capsys.readouterr().out
    assert main(["routes", "edit", "1", "--exclude", "体育", "--remove", "title:ai"]) == 0
    assert "filter: -re:(?i)sponsored -体育" in capsys.readouterr().out
    assert main(["routes", "edit", "1", "--include", "re:(x"]) == 1
    assert "bad regular expression" in capsys.readouterr().err
    assert main(["routes", "edit", "7", "--clear-filters"]) == 1
    assert "no route 7" in capsys.readouterr().err
    assert (
        main(
            [
                "feeds",
                "add",
                "https://example.com/2",
                "--no-check",
                "--channel",
                "-1002",
                "--include",
                "",
            ]
        )
        == 1
    )
    assert "empty rule" in capsys.readouterr().err


async def test_route_settings_from_chat(world: World) -> None:
    news = world.route_ids[NEWS]
    assert "preview: large" in await world.admin_says(f"/route {news} preview large")
    assert "preview: large, above" in await world.admin_says(f"/route {news} above on")
    assert "topic per feed" in await world.admin_says(f"/route {news} topic auto")
    quiet = await world.admin_says(f"/route {news} quiet 22:00-07:00 Asia/Shanghai digest")
    assert "quiet 22:00-07:00 Asia/Shanghai as one digest" in quiet
    daily = await world.admin_says(f"/route {news} digest daily 07:30")
    assert "digest daily (07:30 Asia/Shanghai)" in daily
    for bad, why in (
        ("preview huge", "preview is off, small, large or default"),
        ("quiet 9-5", "expected a time like 22:00"),
        ("quiet 22:00-07:00 Mars/Base", "unknown time zone"),
        ("topic general", "--topic takes"),
        ("colour red", "Usage: /route"),
    ):
        assert why in await world.admin_says(f"/route {news} {bad}"), bad
    assert "no route 999" in await world.admin_says("/route 999 preview off")
    async with world.db.begin() as conn:
        stored = await routes.get_route(conn, news)
    assert stored is not None and stored.options["digest"] == "daily"
    assert stored.options["preview"] == "large" and stored.options["topic"] == "auto"
    off = await world.admin_says(f"/route {news} quiet off")
    assert "quiet" not in off and "digest daily" in off
