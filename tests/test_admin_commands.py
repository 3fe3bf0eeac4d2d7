"""Admin commands through the real Application and the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from telegram import BotCommand

from bot.admin import AdminError, parse_addfeed, parse_chat_ref, parse_interval
from bot.models import Article
from bot.urlsafety import Resolver
from handlers.admin import FEED_CHECK_KEY, NETWORK_KEY, RESOLVER_KEY, set_admin_commands
from storage import articles, deliveries, feeds, routes
from storage.db import Database
from tests.test_feedback_support import (
    ADMIN,
    ADMIN_CHAT,
    ANONYMOUS_BOT,
    CHANNEL,
    GROUP,
    READER,
    SECOND_ADMIN,
    World,
    make_settings,
    make_world,
)
from tests.test_urlsafety import FakeNetwork

PAGE = (Path(__file__).parent / "fixtures" / "admin" / "article.html").read_text("utf-8")
REFUSED = "Sorry, only the bot's admins can use this command."
DNS_TABLE = {
    "feeds.example": ["93.184.216.34"],
    "news.example": ["93.184.216.35"],
    "meta.example": ["169.254.169.254"],
    "localhost": ["127.0.0.1"],
}


async def fake_dns(host: str, port: int) -> list[str]:
    if host not in DNS_TABLE:
        raise OSError(f"unknown host {host}")
    return DNS_TABLE[host]


async def feed_found(url: str) -> str:
    """Stands in for the fetch /addfeed makes (tests/test_cli_feedcheck.py tests the real one)."""
    return ""


def use_dns(world: World, resolver: Resolver = fake_dns) -> None:
    world.app.bot_data[RESOLVER_KEY] = resolver
    world.app.bot_data[FEED_CHECK_KEY] = feed_found  # no network here either


@pytest.fixture
async def world(db: Database) -> AsyncIterator[World]:
    async with make_world(db) as built:
        use_dns(built)
        yield built


async def admin_says(world: World, text: str) -> str:
    await world.private(ADMIN, text)
    return world.last(ADMIN).body


async def all_feeds(world: World) -> list[feeds.Feed]:
    async with world.db.begin() as conn:
        return await feeds.list_feeds(conn)


def test_parsers() -> None:
    assert parse_interval("600") == 600
    assert parse_interval("30m") == 1800
    assert parse_interval("1h30m") == 5400
    assert parse_interval("2D") == 172800
    assert parse_interval("@news") is None and parse_interval("5x") is None
    assert parse_chat_ref("@news_channel") == "@news_channel"
    assert parse_chat_ref("https://t.me/news_channel") == "@news_channel"
    assert parse_chat_ref("-100123") == -100123
    assert parse_chat_ref("123") is None
    got = parse_addfeed(["https://a.example/rss", "2h", "@news_channel"])
    assert (got.url, got.target, got.interval) == ("https://a.example/rss", "@news_channel", 7200)
    for bad in ([], ["u", "@a_chan", "@b_chan"], ["u", "what"], ["u", "10s"], ["u", "8d"]):
        with pytest.raises(AdminError):
            parse_addfeed(bad)


async def test_addfeed_checks_rights_and_routes(world: World) -> None:
    answer = await admin_says(world, "/addfeed https://feeds.example/rss @news_channel 30m")
    assert answer == (
        f"Added feed #1: https://feeds.example/rss (every 1800 s) → News ({CHANNEL})."
    )
    answer = await admin_says(world, f"/addfeed https://feeds.example/rss {GROUP}")
    assert answer.startswith("Feed #1 already existed") and answer.endswith(f"News chat ({GROUP}).")
    async with world.db.begin() as conn:
        assert [r.chat_id for r in await routes.list_routes(conn)] == [CHANNEL, GROUP]

    world.fake.add_channel(-1009000000300, "Not ours", username="not_ours")
    world.fake.chats[-1009000000300].bot_status = "member"
    world.fake.add_group(-1009000000400, "Left", bot_status="left")
    answer = await admin_says(world, "/addfeed https://feeds.example/other @not_ours")
    assert answer == "Cannot post there: the bot is not an admin allowed to post in Not ours."
    answer = await admin_says(world, "/addfeed https://feeds.example/other -1009000000400")
    assert answer == "Cannot post there: the bot is not allowed to send messages in Left."
    answer = await admin_says(world, "/addfeed https://feeds.example/other @nobody_here")
    assert answer.startswith("Cannot post there: cannot reach @nobody_here: Chat not found")
    assert (await admin_says(world, "/addfeed")).startswith("Usage: /addfeed URL")
    assert [f.url for f in await all_feeds(world)] == ["https://feeds.example/rss"]

    answer = await admin_says(world, "/addfeed https://feeds.example/bare")
    assert answer.endswith("(every 600 s). No channel given: it has no route yet.")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/rss", "127.0.0.1 points to a loopback address (127.0.0.1)"),
        ("http://10.1.2.3/rss", "10.1.2.3 points to a private address (10.1.2.3)"),
        ("http://[::1]:8080/rss", "::1 points to a loopback address (::1)"),
        ("https://meta.example/latest", "meta.example points to a link-local address"),
        ("file:///etc/passwd", "only http:// and https:// URLs are allowed"),
        (
            "http://[2002:7f00:1::1]/rss",
            "2002:7f00:1::1 points to a 6to4 form of a loopback address (2002:7f00:1::1)",
        ),
        ("https://feeds.example:22/rss", "port 22 is not allowed (allowed: 80, 443, 8080, 8443)"),
    ],
)
async def test_addfeed_refuses_private_urls(world: World, url: str, reason: str) -> None:
    answer = await admin_says(world, f"/addfeed {url} @news_channel")
    assert answer.startswith(f"Refused: {reason}")
    assert await all_feeds(world) == []


async def test_feeds_pause_resume_remove_stats(world: World) -> None:
    now = datetime.now(UTC)
    await admin_says(world, "/addfeed https://feeds.example/rss @news_channel")
    added = (await all_feeds(world))[0]
    assert added.interval_seconds == 600
    assert added.options == {"added_from_chat": True, "added_by": ADMIN}
    too_long = "/addfeed https://feeds.example/" + "a" * 2100
    assert await admin_says(world, too_long) == (
        "Refused: admin commands are limited to 2048 characters."
    )
    assert len(await all_feeds(world)) == 1
    async with world.db.begin() as conn:
        await feeds.update_feed(
            conn,
            1,
            title="Example 新闻",
            last_polled_at=now - timedelta(minutes=5),
            next_poll_at=now + timedelta(minutes=5),
            error_count=2,
            last_error="HTTP 503",
        )
    listing = await admin_says(world, "/feeds")
    lines = listing.splitlines()
    assert lines[0] == "#1 Example 新闻 [active, 2 failures]"
    assert lines[2] == f"  to: {CHANNEL}; every 600 s"
    assert lines[3].startswith("  last poll: ") and lines[3].endswith("(5 min ago)")
    assert lines[4].startswith("  next poll: ") and "(in " in lines[4]
    assert lines[5] == "  last error: HTTP 503"

    assert await admin_says(world, "/pause 1") == "Feed #1 paused."
    assert "[paused, 2 failures]" in await admin_says(world, "/feeds")
    assert "next poll: paused" in world.last(ADMIN).body
    assert await admin_says(world, "/resume #1") == "Feed #1 resumed."
    resumed = (await all_feeds(world))[0]
    assert resumed.active and resumed.error_count == 0 and resumed.next_poll_at <= datetime.now(UTC)
    assert await admin_says(world, "/pause 9") == "No feed #9."
    assert await admin_says(world, "/pause x") == "Usage: /pause FEED_ID"

    stats = await admin_says(world, "/stats")
    assert stats.splitlines()[0] == "Feeds: 1 (1 active, 0 failing)"
    assert "Deliveries: 0 pending, 0 failed" in stats

    assert await admin_says(world, "/removefeed 1") == (
        "Removed feed #1 (https://feeds.example/rss) and its routes."
    )
    assert await all_feeds(world) == []
    assert await admin_says(world, "/removefeed 1") == "No feed #1."
    assert await admin_says(world, "/feeds") == "No feeds yet. Add one with /addfeed URL @channel."
    assert not world.fake.used_parse_mode


async def test_non_admin_is_refused_everything(world: World) -> None:
    await admin_says(world, "/addfeed https://feeds.example/rss @news_channel")
    commands = [
        "/addfeed https://feeds.example/two @news_channel",
        "/removefeed 1",
        "/feeds",
        "/pause 1",
        "/resume 1",
        "/post https://news.example/a @news_channel",
        "/stats",
        "/feedback_open",
        "/comments 1",
    ]
    for command in commands:
        await world.private(READER, command)
        assert world.last(READER).body == REFUSED, command
    await world.private(READER, "/stats", language_code="zh-CN")
    assert world.last(READER).body == "抱歉，只有机器人的管理员可以使用这个命令。"
    remaining = await all_feeds(world)
    assert [(f.url, f.active) for f in remaining] == [("https://feeds.example/rss", True)]
    async with world.db.begin() as conn:
        assert len(await routes.list_routes(conn)) == 1


async def test_anonymous_admin_of_the_admin_chat(world: World) -> None:
    await world.raw_message(
        ADMIN_CHAT,
        sender=ANONYMOUS_BOT,
        sender_chat={"id": ADMIN_CHAT, "type": "supergroup", "title": "Editors"},
        text="/stats",
        entities=[{"type": "bot_command", "offset": 0, "length": 6}],
    )
    assert world.last(ADMIN_CHAT).body.startswith("Feeds: 0 (0 active, 0 failing)")


async def test_changes_from_outside_the_admin_chat_are_noticed_with_a_limit(db: Database) -> None:
    async with make_world(db, notices_per_hour=2) as world:
        use_dns(world)
        await admin_says(world, "/addfeed https://feeds.example/rss @news_channel")
        await admin_says(world, "/pause 1")
        await admin_says(world, "/resume 1")
        notices = world.texts(ADMIN_CHAT)
        assert notices == [
            f"Admin {ADMIN}: Added feed #1: https://feeds.example/rss (every 600 s)"
            f" → News ({CHANNEL}).",
            f"Admin {ADMIN}: Feed #1 paused.",
        ]
        world.clock.now += 3601
        await admin_says(world, "/pause 1")
        assert world.last(ADMIN_CHAT).body == (
            f"Admin {ADMIN}: Feed #1 paused.\n\n(1 earlier notices were suppressed; see the logs.)"
        )
        # Inside the admin chat the reply itself is the notice.
        await world.group(ADMIN_CHAT, ADMIN, "/resume 1")
        assert world.texts(ADMIN_CHAT)[-1] == "Feed #1 resumed."
        assert len(world.texts(ADMIN_CHAT)) == 4


async def test_post_fetches_stores_and_queues(db: Database, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type="text/html")
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/story"}
    )
    settings = make_settings(allow_private_feed_urls=True)
    async with make_world(db, settings=settings) as world:
        answer = await admin_says(world, f"/post {httpserver.url_for('/old')} @news_channel")
        assert answer == "Queued article 1 (央行维持利率不变) for News."
        async with db.begin() as conn:
            queued = await deliveries.deliveries_for_article(conn, 1)
            stored = await articles.get_article(conn, 1)
        assert [(d.chat_id, d.route_id, d.state) for d in queued] == [(CHANNEL, None, "pending")]
        assert stored is not None and stored.url == httpserver.url_for("/story")
        assert "央行周三宣布维持基准利率不变" in stored.content_markdown
        again = await admin_says(world, f"/post {httpserver.url_for('/story')} @news_channel")
        assert again == "Article 1 (央行维持利率不变) was already queued for News."
        assert await admin_says(world, f"/post {httpserver.url_for('/story')}") == (
            "Say where to post: /post URL @channel"
        )
        httpserver.expect_request("/gone").respond_with_data("", status=404)
        gone = await admin_says(world, f"/post {httpserver.url_for('/gone')} {CHANNEL}")
        assert gone.endswith("HTTP 404.")


async def test_post_refuses_private_hosts_and_private_redirects(
    db: Database, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type="text/html")
    secret = httpserver.url_for("/story")
    # The public first hop is a fake socket (no internet here) that redirects inside.
    moved = f"HTTP/1.1 302 Found\r\nLocation: {secret}\r\nContent-Length: 0\r\n\r\n"
    network = FakeNetwork({("93.184.216.35", 80): moved.encode()})
    async with make_world(db) as world:
        use_dns(world)
        world.app.bot_data[NETWORK_KEY] = network
        answer = await admin_says(world, f"/post {secret} @news_channel")
        assert answer == "Refused: localhost points to a loopback address (127.0.0.1)."
        answer = await admin_says(world, "/post http://news.example/a @news_channel")
        assert answer == "Refused: localhost points to a loopback address (127.0.0.1)."
        assert httpserver.log == []
        assert network.connects == [("93.184.216.35", 80)]
        async with db.begin() as conn:
            assert await deliveries.deliveries_for_article(conn, 1) == []


async def test_admin_command_list_per_chat(world: World) -> None:
    world.fake.fail_next(None, "bad_request", method="setMyCommands")
    done = await set_admin_commands(
        world.app.bot, world.services.settings, [BotCommand("help", "How to use this bot")]
    )
    assert done == [ADMIN, SECOND_ADMIN]  # the admin chat's call failed and was skipped
    calls = [c.params for c in world.fake.calls if c.method == "setMyCommands"]
    assert [c["scope"] for c in calls] == [
        {"type": "chat", "chat_id": chat} for chat in (ADMIN_CHAT, ADMIN, SECOND_ADMIN)
    ]
    names = [c["command"] for c in calls[-1]["commands"]]
    assert names[:2] == ["help", "addfeed"] and "feedback_open" in names and len(names) == 13
    assert {"filter", "route"} <= set(names)


async def test_resumechat_after_the_bot_is_added_back(world: World) -> None:
    """A 403 paused the channel's route; /resumechat checks rights, then resumes."""
    await admin_says(world, "/addfeed https://feeds.example/rss @news_channel")
    async with world.db.begin() as conn:
        route = (await routes.list_routes(conn))[0]
        article_id = await articles.insert_article(
            conn, Article(title="Held back", feed_id=route.feed_id)
        )
        await deliveries.enqueue_deliveries(conn, article_id, [route])
        await routes.pause_route(conn, route.id, "bot cannot post: kicked")
        await deliveries.pause_chat_deliveries(conn, CHANNEL, "kicked")

    world.fake.kick_bot(CHANNEL)
    refused = await admin_says(world, f"/resumechat {CHANNEL}")
    assert refused.startswith("Not resumed:")
    world.fake.chats[CHANNEL].bot_status = "administrator"
    world.fake.chats[CHANNEL].kicked = False
    assert await admin_says(world, "/resumechat @news_channel") == (
        "Resumed 1 route(s) to News; 1 held post(s) will follow."
    )
    async with world.db.begin() as conn:
        assert (await routes.list_routes(conn))[0].active
        assert [d.state for d in await deliveries.deliveries_for_article(conn, article_id)] == [
            "pending"
        ]
    assert await admin_says(world, f"/resumechat {CHANNEL}") == "Nothing was paused for News."
    assert await admin_says(world, "/resumechat") == (
        "Usage: /resumechat CHAT (a chat id like -100123… or @channel)"
    )
