"""Translation routes through the publisher, the Translator job and the LLM stand-in:
translated posts, each fallback, the cache and the daily budget."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import Bot

from bot.content.pipeline import build_article
from bot.deliver.publisher import Publisher
from bot.deliver.rendering import plain_fallback, render_for_route
from bot.models import Article, FeedItem
from bot.standin import FakeTelegram, fake_telegram_bot
from bot.standin.llm import FakeLLM, serve_llm
from bot.translate.answers import reader_version
from bot.translate.client import EngineConfig
from bot.translate.gate import TranslationGate
from bot.translate.worker import Translator, TranslatorSettings
from storage import deliveries, translations
from storage.db import Database
from tests.fakes.clock import VirtualClock
from tests.fakes.posts import queue_article, seed_feed

CHANNEL = -100777
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "articles"
SHORT = (
    "<p>The council voted on Tuesday to reopen the <a href='https://city.example/line'>night "
    "line</a> after a long campaign by residents.</p>"
    "<blockquote><p>“We finally won,” said Ana Ruiz, who led the campaign.</p></blockquote>"
)


class Notices:
    def __init__(self) -> None:
        self.texts: list[str] = []

    async def __call__(self, text: str) -> None:
        self.texts.append(text)


@dataclass
class World:
    db: Database
    fake: FakeTelegram
    llm: FakeLLM
    clock: VirtualClock
    publisher: Publisher
    translator: Translator
    notices: Notices

    async def step(self) -> None:
        """One publisher pass, the translations it asked for, then another pass."""
        await self.publisher.run_once()
        await self.translator.tick()
        await self.translator.join()
        await self.publisher.run_once()

    def posts(self) -> list[str]:
        return [t for t in self.fake.texts(CHANNEL) if t]


@pytest.fixture
def llm() -> FakeLLM:
    return FakeLLM()


@pytest.fixture
def llm_url(llm: FakeLLM) -> Iterator[str]:
    with serve_llm(llm) as url:
        yield url


@pytest.fixture
async def world(db: Database, llm: FakeLLM, llm_url: str) -> AsyncIterator[World]:
    clock = VirtualClock()
    fake = FakeTelegram(clock=clock.monotonic)
    fake.add_channel(CHANNEL, "Translated")
    notices = Notices()
    config = EngineConfig(llm_url, "standin-mt", name="Stand-in MT", timeout=2.0)
    async with fake_telegram_bot(fake) as bot, httpx.AsyncClient() as http:
        translator = Translator(
            db,
            http,
            config,
            notify=notices,
            settings=TranslatorSettings(daily_chars=0, backoff=0.0),
            now=clock.now,
        )
        gate = TranslationGate(db, config, notify=notices, now=clock.now)
        publisher = _publisher(db, bot, clock, notices, gate)
        yield World(db, fake, llm, clock, publisher, translator, notices)


def _publisher(
    db: Database, bot: Bot, clock: VirtualClock, notices: Notices, gate: TranslationGate
) -> Publisher:
    return Publisher(
        db,
        bot,
        render_for_route,
        plain=plain_fallback,
        notify=notices,
        clock=clock,
        prepare=gate,
    )


def _article(html: str, title: str = "Night line to reopen", n: int = 1) -> Article:
    item = FeedItem(
        guid=f"g{n}", url=f"https://city.example/news/{n}", title=title, content_html=html
    )
    return build_article(item, source="City News")


async def _queue(world: World, article: Article, **options: Any) -> int:
    feed_id, route_list = await seed_feed(
        world.db, [CHANNEL], options={"translate": "zh-Hans", **options}
    )
    return await queue_article(world.db, feed_id, article, route_list, now=world.clock.now())


async def _delivery_state(db: Database, article_id: int) -> str:
    async with db.begin() as conn:
        return (await deliveries.deliveries_for_article(conn, article_id))[0].state


async def test_a_translated_route_waits_for_its_translation_then_posts_it(world: World) -> None:
    article_id = await _queue(world, _article(SHORT))
    await world.publisher.run_once()
    assert world.posts() == []  # deferred: the translation is queued, not done
    await world.translator.tick()
    await world.translator.join()
    await world.publisher.run_once()
    [post] = world.posts()
    assert "night" not in post.lower() and "council" not in post.lower()
    assert "翻译：Stand-in MT" in post and "阅读原文" in post
    record = world.fake.sent_to(CHANNEL)[0]
    urls = {e.get("url") for e in record.entities or []}
    assert "https://city.example/line" in urls and "https://city.example/news/1" in urls
    assert any(e["type"] == "blockquote" for e in record.entities or [])
    assert await _delivery_state(world.db, article_id) == "done"
    [request] = world.llm.requests
    assert "city.example/line" not in str(request)  # the href never reached the model


async def test_an_article_already_in_the_language_is_posted_as_is(world: World) -> None:
    html = "<p>市议会周二投票决定重新开通夜间线路，居民们为此奔走多年。</p>"
    await _queue(world, _article(html, "夜间线路将重新开通"))
    await world.publisher.run_once()
    assert world.posts() and "市议会" in world.posts()[0]
    assert world.llm.requests == []


@pytest.mark.parametrize(
    "failure", ["malformed", "wrong_language", "truncated", "cut", "refusal", "lose_placeholder"]
)
async def test_one_bad_answer_is_retried(world: World, failure: str) -> None:
    world.llm.queue(failure)
    await _queue(world, _article(SHORT))
    await world.step()
    assert len(world.llm.requests) == 2
    assert "翻译：Stand-in MT" in world.posts()[0]


@pytest.mark.parametrize("failure", ["malformed", "wrong_language", "truncated", "commentary"])
async def test_two_bad_answers_post_the_original_with_a_note(world: World, failure: str) -> None:
    world.llm.queue(failure, failure)
    article_id = await _queue(world, _article(SHORT))
    await world.step()
    [post] = world.posts()
    assert "未能翻译" in post and "council voted" in post and "翻译：" not in post
    assert await _delivery_state(world.db, article_id) == "done"


async def test_fallback_hold_parks_the_delivery_tells_admins_and_resume_retries(
    world: World,
) -> None:
    world.llm.queue("refusal", "refusal")
    article_id = await _queue(world, _article(SHORT), translate_fallback="hold")
    await world.step()
    assert world.posts() == []
    assert await _delivery_state(world.db, article_id) == "paused"
    assert any("Held article" in t and "/resumechat" in t for t in world.notices.texts)
    async with world.db.begin() as conn:
        await deliveries.resume_chat_deliveries(conn, CHANNEL, now=world.clock.now())
    await world.step()
    assert "翻译：Stand-in MT" in world.posts()[0]
    assert len(world.llm.requests) == 3


async def test_a_busy_endpoint_is_waited_for(world: World) -> None:
    world.llm.queue("status:429", "status:500")
    await _queue(world, _article(SHORT))
    await world.step()  # 429, then 500 on the in-place retry: the job waits
    assert world.posts() == []
    await world.step()
    assert "翻译：Stand-in MT" in world.posts()[0]


async def test_an_endpoint_down_for_good_ends_in_the_fallback(world: World) -> None:
    world.llm.default = "status:500"
    await _queue(world, _article(SHORT))
    for _ in range(5):
        await world.step()
    [post] = world.posts()
    assert "未能翻译" in post


async def test_a_slow_answer_times_out_and_is_tried_again(world: World) -> None:
    world.llm.queue("slow:3", "slow:3")
    await _queue(world, _article(SHORT))
    await world.step()
    assert world.posts() == []
    await world.step()
    assert "翻译：Stand-in MT" in world.posts()[0]


async def test_the_same_text_is_translated_once(world: World) -> None:
    await _queue(world, _article(SHORT, n=1))
    await world.step()
    feed_id, route_list = await seed_feed(
        world.db, [CHANNEL], options={"translate": "zh-Hans"}, url="https://other.example/feed"
    )
    await queue_article(world.db, feed_id, _article(SHORT, n=2), route_list, now=world.clock.now())
    await world.step()
    assert len(world.posts()) == 2 and all("翻译：Stand-in MT" in p for p in world.posts())
    assert len(world.llm.requests) == 1


async def test_the_daily_budget_applies_the_fallback_and_tells_admins_once(world: World) -> None:
    feed_id, route_list = await seed_feed(
        world.db, [CHANNEL], options={"translate": "zh-Hans", "translate_budget": 300}
    )
    for n in (1, 2, 3):
        html = SHORT.replace("Tuesday", f"day {n}")
        await queue_article(
            world.db, feed_id, _article(html, n=n), route_list, now=world.clock.now()
        )
        await world.step()
    posts = world.posts()
    assert len(posts) == 3
    assert "翻译：Stand-in MT" in posts[0]
    assert all("未能翻译" in p for p in posts[1:])
    assert len(world.llm.requests) == 1
    assert sum("budget" in t for t in world.notices.texts) == 1
    async with world.db.begin() as conn:
        used, told = await translations.usage(
            conn, route_list[0].id, world.clock.now().strftime("%Y-%m-%d")
        )
    assert 0 < used <= 300 and told


async def test_a_long_article_is_sent_in_chunks_at_block_boundaries(
    db: Database, llm: FakeLLM, llm_url: str
) -> None:
    from bot.translate.engine import prepare, translate_article

    html = (CORPUS / "readability_aclu.html").read_text(encoding="utf-8")
    article = _article(html, "Facebook Is Tracking Me Even Though I'm Not on Facebook")
    config = EngineConfig(llm_url, "m", context_chars=1500)
    async with httpx.AsyncClient() as http:
        done = await translate_article(article, "zh-Hans", config, http)
    sent = [b for r in llm.blocks_sent for b in r]
    assert len(llm.requests) > 3
    # Chunks go out concurrently: every block once, in any order of requests.
    assert sorted(sent) == sorted(b.source for b in prepare(article).blocks)
    assert all(sum(len(b) for b in r) <= 1500 or len(r) == 1 for r in llm.blocks_sent)
    assert "Facebook" not in done.title and done.html.count("<h3>") == 7


async def test_answers_use_the_translation_the_chat_was_shown(world: World) -> None:
    article_id = await _queue(world, _article(SHORT))
    await world.step()
    from storage import articles

    async with world.db.begin() as conn:
        original = await articles.get_article(conn, article_id)
    assert original is not None
    shown = await reader_version(world.db, original, CHANNEL)
    assert shown.language == "zh-Hans" and "council" not in shown.content_markdown
    assert shown.translator == "Stand-in MT"
    elsewhere = await reader_version(world.db, original, -100999)
    assert elsewhere.language == "zh-Hans"  # the only version ever posted
