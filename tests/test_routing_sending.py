"""Link previews and forum topics per route, through the publisher and the stand-in Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.config import Settings
from bot.models import Article
from bot.routing.sending import SendOptions, send_options
from bot.runtime import Runtime, runtime
from bot.standin import FakeBotAPIRequest, FakeTelegram
from storage import articles, deliveries, feeds, routes
from storage.db import Database
from storage.routes import Route
from tests.standin_helpers import process_updates

FORUM, CHANNEL, ADMINS = -1005000000001, -1005000000002, -1005000000009
BODY = "The harbour opens a new pier. " * 30
LONG_BODY = "The harbour opens a new pier. " * 200  # more than one message holds


@dataclass
class World:
    rt: Runtime
    fake: FakeTelegram

    async def route(self, chat: int, feed_title: str, **options: object) -> Route:
        async with self.rt.db.begin() as conn:
            feed = await feeds.add_feed(
                conn, f"https://x.example/{feed_title}.xml", title=feed_title
            )
            return await routes.add_route(conn, feed.id, chat, options=dict(options))

    async def post(self, route: Route, title: str, body: str = BODY) -> list[dict[str, Any]]:
        before = len(self.fake.sent)
        async with self.rt.db.begin() as conn:
            article = Article(title=title, url=f"https://x.example/{title}", content_markdown=body)
            article.feed_id = route.feed_id
            article_id = await articles.insert_article(conn, article)
            await deliveries.enqueue_deliveries(conn, article_id, [route])
        await self.rt.publisher.run_once()
        return [
            {"thread": s.message_thread_id, "preview": s.link_preview_options, "text": s.text}
            for s in self.fake.sent[before:]
            if s.chat_id == route.chat_id
        ]


@pytest.fixture
async def world(db: Database) -> AsyncIterator[World]:
    fake = FakeTelegram()
    fake.add_forum(FORUM, "Harbour forum")
    fake.add_channel(CHANNEL, "Harbour channel")
    fake.add_group(ADMINS, "Admins")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        admin_chat_id=ADMINS,
        send_per_chat_per_second=100.0,
        send_per_group_per_minute=6000,
        send_global_per_second=1000.0,
    )
    async with runtime(
        settings, token=fake.token, request=FakeBotAPIRequest(fake), db=db, with_jobs=False
    ) as rt:
        yield World(rt, fake)


def test_send_options_from_route_options() -> None:
    assert send_options({}, "u") == SendOptions(url="u")
    assert send_options({"preview": "huge", "topic": True}, None) == SendOptions()
    chosen = send_options({"preview": "small", "preview_above": True, "topic": 4}, "u")
    last = chosen.link_preview(last=True, default=False)
    assert (last.url, last.prefer_small_media, last.show_above_text) == ("u", True, True)
    assert chosen.link_preview(last=False, default=True).is_disabled
    assert SendOptions().link_preview(last=True, default=True).is_disabled is False
    assert chosen.thread_id == 4


async def test_link_preview_per_route(world: World) -> None:
    large = await world.route(CHANNEL, "large", preview="large", preview_above=True)
    sent = await world.post(large, "Pier opens", LONG_BODY)
    assert len(sent) > 1  # so that the earlier parts below are really checked
    assert sent[-1]["preview"] == {
        "is_disabled": False,
        "url": "https://x.example/Pier opens",
        "prefer_large_media": True,
        "show_above_text": True,
    }
    assert all((m["preview"] or {}).get("is_disabled") for m in sent[:-1])
    off = await world.route(CHANNEL, "off", preview="off")
    assert all((m["preview"] or {}).get("is_disabled") for m in await world.post(off, "Quiet"))
    small = await world.route(CHANNEL, "small", preview="small")
    preview = (await world.post(small, "Small"))[-1]["preview"]
    assert isinstance(preview, dict) and preview.get("prefer_small_media") is True
    assert not preview.get("show_above_text")


async def test_fixed_topic_and_a_deleted_one_pauses_the_route(world: World) -> None:
    topic = world.fake.chats[FORUM].take_message_id()
    world.fake.chats[FORUM].topics[topic] = "Ferries"
    route = await world.route(FORUM, "ferries", topic=topic)
    sent = await world.post(route, "Ferry timetable")
    assert sent and all(m["thread"] == topic for m in sent)

    world.fake.delete_topic(FORUM, topic)
    assert await world.post(route, "Ferry strike") == []
    async with world.rt.db.begin() as conn:
        paused = await routes.get_route(conn, route.id)
    assert paused is not None and not paused.active
    assert "forum topic" in (paused.paused_reason or "")
    notice = "\n".join(world.fake.texts(ADMINS))
    assert f"Paused route {route.id}" in notice and "routes resume" in notice


async def test_auto_topic_per_feed_created_once_and_recreated(world: World) -> None:
    route = await world.route(FORUM, "Harbour news", topic="auto")
    first = await world.post(route, "Pier opens")
    topics = world.fake.chats[FORUM].topics
    assert list(topics.values()) == ["Harbour news"]
    created = next(iter(topics))
    assert first and all(m["thread"] == created for m in first)
    again = await world.post(route, "Pier closes")
    assert all(m["thread"] == created for m in again) and len(topics) == 1  # remembered

    world.fake.delete_topic(FORUM, created)
    after = await world.post(route, "Pier reopens")
    assert list(topics.values()) == ["Harbour news"] and created not in topics
    recreated = next(iter(topics))
    assert after and all(m["thread"] == recreated for m in after)
    async with world.rt.db.begin() as conn:
        stored = await routes.get_route(conn, route.id)
    assert stored is not None and stored.active and stored.options["topic_id"] == recreated


def test_cli_sets_preview_and_topic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    add = ["feeds", "add", "https://example.com/rss", "--no-check", "--channel", "-1001"]
    assert main([*add, "--preview", "large", "--preview-above", "--topic", "12"]) == 0
    capsys.readouterr()
    assert main(["routes", "list"]) == 0
    assert "preview: large, above · topic 12" in capsys.readouterr().out
    assert main(["routes", "edit", "1", "--preview", "off", "--topic", "auto"]) == 0
    assert "preview: off · topic per feed (not yet created)" in capsys.readouterr().out
    assert main(["routes", "edit", "1", "--preview", "default", "--topic", "0"]) == 0
    out = capsys.readouterr().out
    assert "preview" not in out and "topic" not in out
    assert main(["routes", "edit", "1", "--topic", "general"]) == 1
    assert "--topic takes" in capsys.readouterr().err


async def test_answers_in_a_topic_stay_in_it(world: World) -> None:
    topic = world.fake.chats[FORUM].take_message_id()
    world.fake.chats[FORUM].topics[topic] = "Ferries"
    route = await world.route(FORUM, "ferries", topic=topic)
    await world.post(route, "Ferry timetable")
    asked = world.fake.send_group(FORUM, 4321, "/search harbour pier")
    asked["message_thread_id"] = topic
    asked["is_topic_message"] = True
    before = len(world.fake.sent)
    await process_updates(world.rt.app, world.fake)
    answers = [s for s in world.fake.sent[before:] if s.chat_id == FORUM]
    assert answers and "Ferry timetable" in (answers[0].text or "")
    assert all(s.message_thread_id == topic for s in answers)
