from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.ingest import manage
from bot.ingest.opml import OpmlError, Outline, RouteSpec, build_opml, parse_opml
from bot.urlsafety import URLGuard
from storage import feeds
from storage.db import Database

T0 = datetime(2025, 1, 28, 9, 0, tzinfo=UTC)
CHAT = -1001234567890

OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="News">
      <outline type="rss" text="Example News" xmlUrl="https://news.example.com/rss" htmlUrl="https://news.example.com/"/>
      <outline type="rss" text="\xe4\xb8\xad\xe6\x96\x87" xmlUrl="https://zh.example.cn/feed"/>
    </outline>
    <outline type="rss" text="Duplicate" xmlUrl="https://news.example.com/rss"/>
    <outline type="rss" text="Bad" xmlUrl="ftp://files.example.com/feed"/>
    <outline text="Just a folder"/>
  </body>
</opml>"""


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("600", 600),
        ("90s", 90),
        ("10m", 600),
        ("1h", 3600),
        ("1d", 86400),
        ("1h30m", 5400),
        (" 2H ", 7200),
        (300, 300),
    ],
)
def test_parse_interval(text: str | int, seconds: int) -> None:
    assert manage.parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "ten minutes", "10x", "m10", "0", "-5m", "1.5h", "10m5"])
def test_parse_interval_rejects_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match="interval"):
        manage.parse_interval(text)


def test_validate_feed_url() -> None:
    assert manage.validate_feed_url(" https://Example.com/rss ") == "https://Example.com/rss"
    assert manage.validate_feed_url("feed://example.com/rss") == "http://example.com/rss"
    assert manage.validate_feed_url("HTTP://example.com") == "http://example.com/"
    for bad, reason in [
        ("ftp://example.com/rss", "only http"),
        ("javascript:alert(1)", "only http"),
        ("example.com/rss", "only http"),
        ("https:///path", "no host"),
        ("http://example.com:99999/", "(?i)port"),
        ("http://exa mple.com/", "spaces"),
    ]:
        with pytest.raises(ValueError, match=reason):
            manage.validate_feed_url(bad)


async def test_resolve_chat_id() -> None:
    async def lookup(name: str) -> int:
        return {"@mychannel": -1009}[name]

    assert await manage.resolve_chat_id("-1001234567890") == -1001234567890
    assert await manage.resolve_chat_id(42) == 42
    assert await manage.resolve_chat_id("@mychannel", lookup) == -1009
    with pytest.raises(ValueError, match="numeric chat id"):
        await manage.resolve_chat_id("@mychannel")
    with pytest.raises(ValueError, match="invalid chat"):
        await manage.resolve_chat_id("my channel")


async def test_add_list_remove(db: Database) -> None:
    added = await manage.add_feed(
        db,
        "https://news.example.com/rss",
        chat=str(CHAT),
        interval="15m",
        backfill=3,
        fulltext=True,
        now=T0,
    )
    assert added.created and added.route.chat_id == CHAT
    assert added.feed.interval_seconds == 900 and added.feed.backfill == 3 and added.feed.fulltext
    assert added.feed.next_poll_at == T0
    again = await manage.add_feed(db, "https://news.example.com/rss", chat=-5)
    assert not again.created and again.feed.id == added.feed.id
    listing = await manage.list_feeds(db)
    assert [(item.feed.id, item.chat_ids) for item in listing] == [(added.feed.id, [CHAT, -5])]
    assert await manage.remove_feed(db, added.feed.id)
    assert not await manage.remove_feed(db, added.feed.id)
    assert await manage.list_feeds(db) == []


async def test_add_feed_rejects_bad_input_before_storing(db: Database) -> None:
    with pytest.raises(ValueError, match="only http"):
        await manage.add_feed(db, "file:///etc/passwd", chat=CHAT)
    with pytest.raises(ValueError, match="between 60 s"):
        await manage.add_feed(db, "https://a.example/rss", chat=CHAT, interval="10s")
    with pytest.raises(ValueError, match="numeric chat id"):
        await manage.add_feed(db, "https://a.example/rss", chat="@channel")
    with pytest.raises(ValueError, match="backfill"):
        await manage.add_feed(db, "https://a.example/rss", chat=CHAT, backfill=-1)
    with pytest.raises(ValueError, match="loopback"):
        await manage.add_feed(db, "http://127.0.0.1/rss", chat=CHAT, guard=URLGuard())
    assert await manage.list_feeds(db) == []


async def test_set_feed_active_reenables_with_a_clean_slate(db: Database) -> None:
    added = await manage.add_feed(db, "https://a.example/rss", chat=CHAT, now=T0)
    async with db.begin() as conn:
        await feeds.update_feed(conn, added.feed.id, active=False, error_count=20, last_error="x")
    assert await manage.set_feed_active(db, added.feed.id, True, now=T0)
    async with db.begin() as conn:
        feed = await feeds.get_feed(conn, added.feed.id)
    assert feed is not None and feed.active and feed.error_count == 0 and feed.last_error is None


async def test_opml_import_and_export_round_trip(db: Database) -> None:
    result = await manage.import_opml(db, OPML, chat=CHAT, interval="1h")
    assert [a.feed.url for a in result.added] == [
        "https://news.example.com/rss",
        "https://zh.example.cn/feed",
    ]
    assert [a.feed.title for a in result.added] == ["Example News", "中文"]
    assert [url for url, _ in result.skipped] == ["ftp://files.example.com/feed"]
    assert all(a.feed.interval_seconds == 3600 for a in result.added)
    exported = await manage.export_opml(db)
    route = (RouteSpec(CHAT),)
    assert parse_opml(exported.encode()) == [
        Outline(
            "https://news.example.com/rss",
            "Example News",
            "https://news.example.com/",
            3600,
            False,
            True,
            route,
        ),
        Outline("https://zh.example.cn/feed", "中文", None, 3600, False, True, route),
    ]
    again = await manage.import_opml(db, exported.encode(), chat=CHAT)
    assert [a.created for a in again.added] == [False, False]


def test_opml_refuses_doctypes_and_non_opml() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body/></opml>'
    with pytest.raises(OpmlError, match="DOCTYPE"):
        parse_opml(bomb)
    with pytest.raises(OpmlError, match="not an OPML"):
        parse_opml(b"<rss/>")
    with pytest.raises(OpmlError, match="not valid XML"):
        parse_opml(b"<opml><body>")


def test_build_opml_escapes_titles() -> None:
    text = build_opml([Outline("https://a.example/?x=1&y=2", 'Tom & "Jerry" <3', None)])
    assert parse_opml(text.encode()) == [Outline("https://a.example/?x=1&y=2", 'Tom & "Jerry" <3')]


async def test_default_interval_comes_from_the_caller(db: Database) -> None:
    result = await manage.import_opml(db, OPML, chat=CHAT, default_interval=900)
    assert {a.feed.interval_seconds for a in result.added} == {900}
    added = await manage.add_feed(db, "https://c.example/rss", chat=CHAT, default_interval=1200)
    assert added.feed.interval_seconds == 1200
