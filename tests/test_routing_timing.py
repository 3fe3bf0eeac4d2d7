"""Quiet hours and digest routes: pure timing rules, then through the stand-in Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.models import Article
from bot.routing import digest, timing
from bot.routing.admit import admit, hold_quiet
from bot.runtime import runtime
from bot.standin import FakeBotAPIRequest, FakeTelegram
from storage import articles, deliveries, feeds, held, route_outcomes, routes
from storage.db import Database
from storage.routes import Route

CHANNEL = -1006000000001
SHANGHAI = "Asia/Shanghai"


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_quiet_window_across_midnight_in_a_time_zone() -> None:
    quiet = timing.quiet_from({"quiet": {"from": "22:00", "to": "07:00", "tz": SHANGHAI}})
    assert quiet is not None
    # 23:30 in Shanghai is 15:30 UTC: held until 07:00 Shanghai = 23:00 UTC
    assert quiet.until(_utc(2025, 3, 1, 15, 30)) == _utc(2025, 3, 1, 23, 0)
    assert quiet.until(_utc(2025, 3, 1, 21, 0)) == _utc(2025, 3, 1, 23, 0)  # 05:00 local
    assert quiet.until(_utc(2025, 3, 1, 23, 0)) is None  # 07:00 local: over
    assert quiet.until(_utc(2025, 3, 1, 6, 0)) is None  # 14:00 local
    day = timing.quiet_from({"quiet": {"from": "12:00", "to": "13:00", "tz": "UTC"}})
    assert day is not None and day.until(_utc(2025, 3, 1, 12, 59)) == _utc(2025, 3, 1, 13)
    # DST: Berlin's 02:00-03:00 does not exist on 2025-03-30; the end is still right
    berlin = timing.quiet_from({"quiet": {"from": "01:00", "to": "04:00", "tz": "Europe/Berlin"}})
    assert berlin is not None and berlin.until(_utc(2025, 3, 30, 0, 30)) == _utc(2025, 3, 30, 2)
    for bad in ({"from": "25:00", "to": "07:00"}, {"from": "22:00", "to": "7"}):
        with pytest.raises(timing.TimingError):
            timing.quiet_from({"quiet": bad})
    with pytest.raises(timing.TimingError, match="time zone"):
        timing.parse_quiet("22:00-07:00", "Mars/Olympus")


def test_digest_periods() -> None:
    hourly = timing.digest_from({"digest": "hourly"})
    assert hourly is not None and hourly.next_after(_utc(2025, 3, 1, 9, 59)) == _utc(2025, 3, 1, 10)
    daily = timing.digest_from({"digest": "daily", "digest_at": "08:00", "digest_tz": SHANGHAI})
    assert daily is not None
    assert daily.next_after(_utc(2025, 3, 1, 1, 0)) == _utc(2025, 3, 2, 0, 0)  # 09:00 local
    assert daily.next_after(_utc(2025, 2, 28, 23, 0)) == _utc(2025, 3, 1, 0, 0)
    weekly = timing.digest_from({"digest": "weekly"})  # Mondays 08:00 UTC
    assert weekly is not None
    assert weekly.next_after(_utc(2025, 3, 1, 12)) == _utc(2025, 3, 3, 8)  # Saturday → Monday
    assert weekly.next_after(_utc(2025, 3, 3, 8)) == _utc(2025, 3, 10, 8)
    with pytest.raises(timing.TimingError):
        timing.digest_from({"digest": "monthly"})


def test_digest_article_lists_linked_headlines_sources_and_one_line() -> None:
    items = [
        (
            Article(
                title="大桥今日通车",
                url="https://x/1",
                content_markdown="新建的大桥周一起正式通车。交通压力有望缓解。",
                language="zh",
            ),
            "新华社",
        ),
        (Article(title="港口扩建", url=None, content_markdown="", language="zh"), None),
        (Article(title="Pier [opens]", url="https://x/3", content_markdown="It opens."), "Wire"),
    ]
    made = digest.digest_article(items, "daily", _utc(2025, 3, 1, 8))
    assert made.title.startswith("每日摘要")  # most items are Chinese
    body = made.content_markdown
    assert "[大桥今日通车](https://x/1)" in body and "— 新华社" in body
    assert "新建的大桥周一起正式通车。" in body and "交通压力" not in body
    assert "港口扩建" in body and "[Pier \\[opens\\]](https://x/3)" in body
    english = digest.digest_article(items[2:], "hourly", _utc(2025, 3, 1, 8))
    assert english.title.startswith("Hourly digest")


@pytest.fixture
def fake() -> FakeTelegram:
    made = FakeTelegram()
    made.add_channel(CHANNEL, "Night desk")
    return made


def _settings() -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        send_per_chat_per_second=100.0,
        send_per_group_per_minute=6000,
        send_global_per_second=1000.0,
    )


async def _route(db: Database, name: str, **options: object) -> Route:
    async with db.begin() as conn:
        feed = await feeds.add_feed(conn, f"https://x.example/{name}.xml", title=name)
        return await routes.add_route(conn, feed.id, CHANNEL, options=dict(options))


async def _arrive(db: Database, route: Route, title: str, at: datetime) -> int:
    """What the poller does for a new item: store, admit, queue, hold."""
    async with db.begin() as conn:
        article = Article(
            title=title,
            url=f"https://x.example/{title.replace(' ', '-')}",
            content_markdown=f"{title} happened tonight. More later.",
        )
        article.feed_id = route.feed_id
        article_id = await articles.insert_article(conn, article, now=at)
        admitted = await admit(conn, article_id, article, [route], now=at)
        await deliveries.enqueue_deliveries(conn, article_id, admitted, now=at)
        await hold_quiet(conn, article_id, admitted, now=at)
    return article_id


@pytest.fixture
async def started(db: Database, fake: FakeTelegram) -> AsyncIterator[None]:
    async with runtime(
        _settings(), token=fake.token, request=FakeBotAPIRequest(fake), db=db, with_jobs=False
    ):
        yield


async def test_quiet_hours_hold_then_release_one_by_one(db: Database, fake: FakeTelegram) -> None:
    quiet = timing.parse_quiet("22:00-07:00", SHANGHAI)
    night = await _route(db, "night", quiet=quiet)
    day = await _route(db, "day")
    at_night = _utc(2025, 3, 1, 16, 0)  # 00:00 in Shanghai
    async with runtime(
        _settings(), token=fake.token, request=FakeBotAPIRequest(fake), db=db, with_jobs=False
    ) as rt:
        for title in ("Fire downtown", "Storm warning"):
            await _arrive(db, night, title, at_night)
        await _arrive(db, day, "Day route news", at_night)  # same chat, no quiet hours
        await rt.publisher.run_once()
        texts = "\n".join(fake.texts(CHANNEL))
        assert "Day route news" in texts  # held posts never block the chat's others
        assert "Fire downtown" not in texts and "Storm warning" not in texts
        await digest.tick(db, _utc(2025, 3, 1, 22, 59))  # 06:59 local: still quiet
        await rt.publisher.run_once()
        assert "Fire" not in "\n".join(fake.texts(CHANNEL))
    # the bot restarts; the window has ended meanwhile: nothing was lost
    async with runtime(
        _settings(), token=fake.token, request=FakeBotAPIRequest(fake), db=db, with_jobs=False
    ) as rt:
        await digest.tick(db, _utc(2025, 3, 1, 23, 0))
        await rt.publisher.run_once()
    sent = fake.texts(CHANNEL)
    fire = next(i for i, t in enumerate(sent) if "Fire downtown" in t)
    storm = next(i for i, t in enumerate(sent) if "Storm warning" in t)
    assert fire < storm  # one by one, in arrival order
    # an item arriving in the day is posted at once
    await _arrive(db, night, "Morning brief", _utc(2025, 3, 2, 2, 0))
    async with db.begin() as conn:
        waiting = await held.release_due(conn, _utc(2025, 3, 2, 2, 0))
    assert waiting == 0


async def test_digest_route_posts_one_digest_even_after_downtime(
    db: Database, fake: FakeTelegram
) -> None:
    route = await _route(db, "Wire", digest="hourly")
    quiet_digest = await _route(
        db, "Night wire", quiet=timing.parse_quiet("22:00-07:00", "UTC", "digest")
    )
    for minute, title in ((5, "Bridge opens"), (20, "Budget passes"), (40, "大桥今日通车")):
        await _arrive(db, route, title, _utc(2025, 3, 1, 9, minute))
    await _arrive(db, quiet_digest, "Night fire", _utc(2025, 3, 1, 23, 0))
    await _arrive(db, quiet_digest, "Night storm", _utc(2025, 3, 2, 1, 0))
    async with db.begin() as conn:
        counts = await route_outcomes.outcome_counts(conn)
    assert counts[route.id] == {"digest_pending": 3}
    async with runtime(
        _settings(), token=fake.token, request=FakeBotAPIRequest(fake), db=db, with_jobs=False
    ) as rt:
        await digest.tick(db, _utc(2025, 3, 1, 9, 59))
        await rt.publisher.run_once()
        assert fake.texts(CHANNEL) == []  # the hour is not over
    # down from 09:59 to 12:30: at start, the overdue digests go out once
    async with runtime(
        _settings(), token=fake.token, request=FakeBotAPIRequest(fake), db=db, with_jobs=False
    ) as rt:
        await digest.tick(db, _utc(2025, 3, 2, 12, 30))
        await rt.publisher.run_once()
        await digest.tick(db, _utc(2025, 3, 2, 13, 30))
        await rt.publisher.run_once()
    posts = "\n".join(fake.texts(CHANNEL))
    assert posts.count("Hourly digest") == 1 and posts.count("While you were away") == 1
    for title in ("Bridge opens", "Budget passes", "大桥今日通车", "Night fire", "Night storm"):
        assert posts.count(f"• {title} — ") == 1, title
    assert "\nBridge opens happened tonight.\n" in posts  # the one-line summary, own line
    async with db.begin() as conn:
        counts = await route_outcomes.outcome_counts(conn)
    assert counts[route.id] == {"digested": 3} and counts[quiet_digest.id] == {"digested": 2}


def test_cli_quiet_and_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    add = ["feeds", "add", "https://example.com/rss", "--no-check", "--channel", "-1001"]
    assert main([*add, "--quiet", "22:00-07:00", "--tz", SHANGHAI]) == 0
    capsys.readouterr()
    assert main(["routes", "list"]) == 0
    assert f"quiet 22:00-07:00 {SHANGHAI}" in capsys.readouterr().out
    assert main(["routes", "edit", "1", "--digest", "daily", "--digest-at", "07:30"]) == 0
    assert f"digest daily (07:30 {SHANGHAI})" in capsys.readouterr().out
    assert main(["routes", "edit", "1", "--quiet", "off", "--digest", "off"]) == 0
    assert "quiet" not in capsys.readouterr().out
    assert main(["routes", "edit", "1", "--quiet", "22-07"]) == 1
    assert "expected a time like 22:00" in capsys.readouterr().err
