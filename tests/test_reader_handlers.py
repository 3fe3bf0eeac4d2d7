"""/summary, /quotes, /latest and /help through the real Application and the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.content.pipeline import load_article_file
from bot.runtime import Runtime, runtime
from bot.standin import FakeBotAPIRequest, FakeTelegram
from storage import articles, deliveries, feeds, routes
from storage.db import Database
from tests.standin_helpers import process_updates

SEED = Path(__file__).parent / "fixtures" / "articles" / "wsj-deepseek-zh.txt"
CHANNEL, GROUP, READER = -1002000000001, -1002000000002, 5150


@dataclass
class World:
    rt: Runtime
    fake: FakeTelegram

    async def deliver_updates(self) -> None:
        """Hand every update the fake queued to the Application, once each."""
        await process_updates(self.rt.app, self.fake)

    async def say(self, queued: dict[str, Any], chat_id: int) -> str:
        """Process the message the fake just queued; return what the bot said in `chat_id`."""
        assert queued["message_id"]
        before = len(self.fake.sent_to(chat_id))
        await self.deliver_updates()
        answers = self.fake.sent_to(chat_id)[before:]
        assert answers, "the bot did not answer"
        return "\n".join(a.body for a in answers)


@pytest.fixture
async def world(db: Database) -> AsyncIterator[World]:
    fake = FakeTelegram()
    fake.add_channel(CHANNEL, "Wire", username="wire_news")
    fake.add_group(GROUP, "Wire comments")
    fake.link_discussion(CHANNEL, GROUP)
    fake.add_user(READER, "Ada")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        commands_per_minute=5,
        send_per_chat_per_second=100.0,
        send_per_group_per_minute=6000,
        send_global_per_second=1000.0,
    )
    async with runtime(
        settings,
        token=fake.token,
        request=FakeBotAPIRequest(fake),
        updates_request=FakeBotAPIRequest(fake),
        db=db,
        with_jobs=False,
    ) as rt:
        yield World(rt, fake)


async def _post_seed(world: World) -> int:
    article = load_article_file(SEED)
    async with world.rt.db.begin() as conn:
        feed = await feeds.add_feed(conn, "https://example.com/wsj.xml")
        route = await routes.add_route(conn, feed.id, CHANNEL)
        article.feed_id = feed.id
        article_id = await articles.insert_article(conn, article)
        await deliveries.enqueue_deliveries(conn, article_id, [route])
    await world.rt.publisher.run_once()
    await world.deliver_updates()  # the discussion copies
    return article_id


async def test_reply_to_part_two_in_discussion_gets_that_summary(world: World) -> None:
    await _post_seed(world)
    parts = world.fake.sent_to(CHANNEL)
    assert len(parts) >= 2
    copy_id = world.fake.automatic_forwards[(CHANNEL, parts[1].message_id)]
    text = await world.say(
        world.fake.send_group(GROUP, READER, "/summary", reply_to=copy_id), GROUP
    )
    assert text.startswith("DeepSeek 让科技和华尔街天翻地覆的那一天")
    assert "摘要" in text and "英伟达" in text
    assert not world.fake.used_parse_mode


async def test_forwarded_post_in_private_gets_quotes(world: World) -> None:
    await _post_seed(world)
    first = world.fake.sent_to(CHANNEL)[0]
    forwarded = world.fake.send_private(READER, "…", forward_from=(CHANNEL, first.message_id))
    await world.deliver_updates()
    text = await world.say(
        world.fake.send_private(READER, "/quotes", reply_to=forwarded["message_id"]), READER
    )
    for speaker in ("Marc Benioff", "Leon Cooperman", "Rob Arnott", "Michael Reynolds"):
        assert speaker in text


async def test_links_ids_and_latest(world: World) -> None:
    article_id = await _post_seed(world)
    first = world.fake.sent_to(CHANNEL)[0]
    by_link = await world.say(
        world.fake.send_private(READER, f"/quotes https://t.me/wire_news/{first.message_id}"),
        READER,
    )
    assert "Marc Benioff" in by_link
    by_id = await world.say(world.fake.send_private(READER, f"/summary {article_id}"), READER)
    assert "摘要" in by_id
    latest = await world.say(world.fake.send_private(READER, "/latest"), READER)
    assert f"{article_id}. DeepSeek" in latest
    alone = await world.say(world.fake.send_private(READER, "/summary"), READER)
    assert alone.startswith("DeepSeek")


async def test_no_post_gets_a_helpful_answer(world: World) -> None:
    nothing = await world.say(world.fake.send_private(READER, "/summary"), READER)
    assert "Nothing has been posted yet" in nothing
    await _post_seed(world)
    unknown = await world.say(world.fake.send_private(READER, "/summary 99999"), READER)
    assert "I have no post for 99999" in unknown and "/latest" in unknown
    garbled = await world.say(world.fake.send_private(READER, "/quotes tomorrow"), READER)
    assert "can't tell which post" in garbled
    plain = world.fake.send_private(READER, "hello")
    not_ours = await world.say(
        world.fake.send_private(READER, "/summary", reply_to=plain["message_id"]), READER
    )
    assert "can't tell which post" in not_ours


async def test_help_and_rate_limit(world: World) -> None:
    help_text = await world.say(world.fake.send_private(READER, "/help"), READER)
    assert "/summary" in help_text and "/quotes" in help_text
    for command in ("/latest", "/start", "/summary", "/quotes"):  # five with /help
        await world.say(world.fake.send_private(READER, command), READER)
    slow = await world.say(world.fake.send_private(READER, "/summary"), READER)
    assert "faster than I can answer" in slow
    before = len(world.fake.sent_to(READER))
    for command in ("/help", "/latest", "/quotes"):  # a flood is told once, not answered
        world.fake.send_private(READER, command)
    await world.deliver_updates()
    assert len(world.fake.sent_to(READER)) == before


async def test_help_and_answers_follow_the_readers_language(world: World) -> None:
    message = world.fake.send_private(READER, "/help")
    message["from"]["language_code"] = "zh-hans"
    help_zh = await world.say(message, READER)
    assert "如何提问" in help_zh and "/summary" in help_zh
    message = world.fake.send_private(READER, "/summary")
    message["from"]["language_code"] = "zh-hant"
    assert "还没有发布任何帖子" in await world.say(message, READER)
