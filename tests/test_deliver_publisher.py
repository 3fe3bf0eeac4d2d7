"""The publisher against the fake Telegram: order, records, resume, and every error path."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from telegram import Bot
from telegram.request import RequestData

from bot.deliver.discussion import (
    on_automatic_forward,
    record_automatic_forward,
    resolve_message,
    resolve_post,
)
from bot.deliver.pacing import PacingConfig
from bot.deliver.publisher import Publisher, PublisherSettings
from bot.deliver.rendering import plain_fallback, render_for_route
from bot.models import Article, OutgoingMessage
from bot.standin import FakeTelegram, fake_telegram_bot
from bot.standin.botapi import FakeBotAPIRequest
from storage import chats, deliveries, messages, routes, schema
from storage.db import Database, create_database
from tests.fakes.clock import VirtualClock
from tests.fakes.posts import make_article, queue_article, seed_feed, simple_render

A, B, C = -1001, -1002, -1003
GROUP = -1009
SECTIONS = [
    "DeepSeek 发布了新模型。市场震动，英伟达股价下跌。",
    "Second section in English, with a link on its first word.",
    "第三部分：结论。",
]


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def fake(clock: VirtualClock) -> FakeTelegram:
    fake = FakeTelegram(clock=clock.monotonic)
    for chat_id in (A, B, C):
        fake.add_channel(chat_id, f"channel {chat_id}")
    return fake


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with fake_telegram_bot(fake) as bot:
        yield bot


async def _eventually(condition: Callable[[], bool]) -> None:
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("condition never became true")


class Notices:
    def __init__(self) -> None:
        self.texts: list[str] = []

    async def __call__(self, text: str) -> None:
        self.texts.append(text)


def publisher(
    db: Database, bot: Bot, clock: VirtualClock, notices: Notices | None = None, **kw: Any
) -> Publisher:
    return Publisher(
        db,
        bot,
        simple_render,
        notify=notices,
        clock=clock,
        settings=PublisherSettings(**kw) if kw else None,
    )


async def _states(db: Database, article_id: int) -> dict[int, str]:
    async with db.begin() as conn:
        return {
            d.chat_id: d.state for d in await deliveries.deliveries_for_article(conn, article_id)
        }


async def test_multi_part_posts_reach_every_chat_in_order(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    feed_id, route_list = await seed_feed(db, [A, B, C])
    first = await queue_article(db, feed_id, make_article(1, SECTIONS), route_list, now=clock.now())
    second = await queue_article(
        db, feed_id, make_article(2, SECTIONS[:1]), route_list, now=clock.now()
    )
    pub = publisher(db, bot, clock)
    assert await pub.run_once() == 3
    for chat_id in (A, B, C):
        texts = fake.texts(chat_id)
        assert texts == ["第1篇 Article 1", *SECTIONS, "第2篇 Article 2", SECTIONS[0]]
        records = fake.sent_to(chat_id)
        assert all(r.parse_mode is None for r in records)
        assert all(r.link_preview_options == {"is_disabled": True} for r in records)
        assert records[0].entities == [{"type": "bold", "offset": 0, "length": 13}]
        async with db.begin() as conn:
            sent = await messages.messages_in_chat(conn, chat_id)
        assert [(m.article_id, m.part, m.kind) for m in sent] == [
            (first, 1, "post"),
            (first, 2, "post"),
            (first, 3, "post"),
            (first, 4, "post"),
            (second, 1, "post"),
            (second, 2, "post"),
        ]
        assert [m.message_id for m in sent] == [r.message_id for r in records]
    assert not fake.used_parse_mode
    assert set((await _states(db, first)).values()) == {"done"}
    assert await pub.run_once() == 0  # nothing left


async def test_chat_sends_are_paced_one_per_second(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    feed_id, route_list = await seed_feed(db, [A, B])
    await queue_article(db, feed_id, make_article(1, SECTIONS), route_list, now=clock.now())
    await publisher(db, bot, clock).run_once()
    for chat_id in (A, B):
        times = [r.time for r in fake.sent_to(chat_id)]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert len(times) == 4 and min(gaps) >= 1.0  # virtual seconds


class _CrashingRequest(FakeBotAPIRequest):
    """Hangs forever on the Nth sendMessage to one chat: the process 'dies' there."""

    def __init__(self, fake: FakeTelegram, chat_id: int, nth: int) -> None:
        super().__init__(fake)
        self.chat_id, self.nth, self.seen = chat_id, nth, 0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        params = request_data.json_parameters if request_data else {}
        if url.endswith("/sendMessage") and params.get("chat_id") == str(self.chat_id):
            self.seen += 1
            if self.seen == self.nth:
                await asyncio.Event().wait()
        return await super().do_request(url, method, request_data, *args, **kwargs)


async def test_resume_after_crash_starts_at_first_unsent_part(
    db: Database, fake: FakeTelegram, clock: VirtualClock
) -> None:
    feed_id, route_list = await seed_feed(db, [A, B])
    article_id = await queue_article(
        db, feed_id, make_article(1, SECTIONS), route_list, now=clock.now()
    )
    crashing = Bot(fake.token, request=_CrashingRequest(fake, A, nth=3))
    async with crashing:
        dying = publisher(db, crashing, clock, lease=timedelta(seconds=30))
        await dying.tick()
        await _eventually(lambda: len(fake.texts(A)) == 2 and dying.busy_chats == {A})
        for task in list(dying._workers.values()):  # the process dies: no clean-up at all
            task.cancel()
        await asyncio.gather(*dying._workers.values(), return_exceptions=True)
    assert len(fake.texts(A)) == 2
    async with db.begin() as conn:
        assert (
            await messages.last_recorded_part(
                conn, (await deliveries.deliveries_for_article(conn, article_id))[0].id
            )
            == 2
        )
    async with fake_telegram_bot(fake) as bot:
        restarted = publisher(db, bot, clock)
        assert await restarted.run_once() == 0  # A is still leased by the dead process
        clock.advance(31)
        assert await restarted.run_once() == 1
    assert fake.texts(A) == ["第1篇 Article 1", *SECTIONS]  # each part exactly once
    async with db.begin() as conn:
        sent = await messages.messages_in_chat(conn, A)
    assert [m.part for m in sent] == [1, 2, 3, 4]
    assert (await _states(db, article_id))[A] == "done"


async def test_graceful_drain_finishes_the_part_in_flight(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    feed_id, route_list = await seed_feed(db, [A])
    article_id = await queue_article(
        db, feed_id, make_article(1, SECTIONS), route_list, now=clock.now()
    )
    pub = publisher(db, bot, clock)
    await pub.tick()
    await _eventually(lambda: bool(fake.texts(A)))
    await pub.drain()
    sent_before = len(fake.texts(A))
    assert 1 <= sent_before < 4
    assert await pub.tick() == 0  # a stopped publisher takes nothing new
    async with db.begin() as conn:
        delivery = (await deliveries.deliveries_for_article(conn, article_id))[0]
        assert delivery.state == "pending" and delivery.lease_until is None
        assert await messages.last_recorded_part(conn, delivery.id) == sent_before
    await publisher(db, bot, clock).run_once()
    assert fake.texts(A) == ["第1篇 Article 1", *SECTIONS]


async def test_flood_wait_in_one_chat_does_not_delay_another(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    feed_id, route_list = await seed_feed(db, [A, B])
    article_id = await queue_article(
        db, feed_id, make_article(1, SECTIONS), route_list, now=clock.now()
    )
    fake.fail_next(A, "retry_after", retry_after=120)
    pub = publisher(db, bot, clock)
    await pub.run_once()
    assert fake.texts(A) == []
    assert len(fake.texts(B)) == 4
    assert max(r.time for r in fake.sent_to(B)) < 10  # B never waited for A's 120 s
    async with db.begin() as conn:
        waiting = (await deliveries.deliveries_for_article(conn, article_id))[0]
    assert waiting.state == "pending" and waiting.next_attempt_at >= clock.now() + timedelta(
        seconds=100
    )
    assert (
        "retry" in (waiting.last_error or "").lower()
        or "flood" in (waiting.last_error or "").lower()
    )
    assert await pub.run_once() == 0  # not due yet
    clock.advance(120)
    await pub.run_once()
    assert fake.texts(A) == ["第1篇 Article 1", *SECTIONS]
    assert min(r.time for r in fake.sent_to(A)) >= 120


async def test_network_errors_back_off_and_retry(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    feed_id, route_list = await seed_feed(db, [A])
    article_id = await queue_article(
        db, feed_id, make_article(1, SECTIONS), route_list, now=clock.now()
    )
    fake.fail_next(A, "timeout")
    fake.fail_next(A, "server_error", times=2)
    pub = publisher(db, bot, clock, backoff_base=5.0)
    delays = []
    for _ in range(4):
        await pub.run_once()
        async with db.begin() as conn:
            d = (await deliveries.deliveries_for_article(conn, article_id))[0]
        if d.state == "done":
            break
        delays.append((d.next_attempt_at - clock.now()).total_seconds())
        clock.advance(delays[-1])
    assert delays == [5.0, 10.0, 20.0]
    assert fake.texts(A) == ["第1篇 Article 1", *SECTIONS]


async def test_forbidden_pauses_route_and_notifies(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    feed_id, route_list = await seed_feed(db, [A, B])
    first = await queue_article(db, feed_id, make_article(1, SECTIONS), route_list, now=clock.now())
    second = await queue_article(
        db, feed_id, make_article(2, SECTIONS), route_list, now=clock.now()
    )
    fake.kick_bot(A)
    notices = Notices()
    await publisher(db, bot, clock, notices).run_once()
    assert (await _states(db, first)) == {A: "paused", B: "done"}
    assert (await _states(db, second)) == {A: "paused", B: "done"}
    async with db.begin() as conn:
        route_a = await routes.get_route(conn, route_list[0].id)
        route_b = await routes.get_route(conn, route_list[1].id)
    assert route_a is not None and not route_a.active and "kicked" in (route_a.paused_reason or "")
    assert route_b is not None and route_b.active
    assert len(notices.texts) == 1 and str(A) in notices.texts[0]
    async with db.begin() as conn:  # the admin adds the bot back and resumes
        await routes.resume_route(conn, route_list[0].id)
        assert await deliveries.resume_chat_deliveries(conn, A, now=clock.now()) == 2
    fake.chats[A].kicked = False
    await publisher(db, bot, clock, notices).run_once()
    assert fake.texts(A)[0] == "第1篇 Article 1" and len(fake.texts(A)) == 8


async def test_migrated_group_gets_the_post_at_its_new_id(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    fake.add_group(-55, "old group", supergroup=False)
    fake.migrate_chat(-55, -100555)
    feed_id, route_list = await seed_feed(db, [-55])
    async with db.begin() as conn:
        await chats.upsert_chat(conn, -55, type="group", title="old group")
    article_id = await queue_article(
        db, feed_id, make_article(1, SECTIONS), route_list, now=clock.now()
    )
    notices = Notices()
    await publisher(db, bot, clock, notices).run_once()
    assert fake.texts(-100555) == ["第1篇 Article 1", *SECTIONS]
    assert fake.texts(-55) == []
    async with db.begin() as conn:
        route = await routes.get_route(conn, route_list[0].id)
        moved = await chats.get_chat(conn, -100555)
        sent = await messages.messages_in_chat(conn, -100555)
    assert route is not None and route.chat_id == -100555
    assert moved is not None and moved.title == "old group"
    assert [m.part for m in sent] == [1, 2, 3, 4]
    assert (await _states(db, article_id)) == {-100555: "done"}
    assert any("-100555" in n for n in notices.texts)


async def test_migration_mid_post_continues_with_the_next_part(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    feed_id, route_list = await seed_feed(db, [A])
    await queue_article(db, feed_id, make_article(1, SECTIONS), route_list, now=clock.now())
    fake.add_group(-1077, "new")
    pub = publisher(db, bot, clock)
    fake.fail_next(A, "migrate", migrate_to=-1077, times=5, skip=2)
    await pub.run_once()
    assert len(fake.texts(A)) + len(fake.texts(-1077)) == 4
    assert fake.texts(A) + fake.texts(-1077) == ["第1篇 Article 1", *SECTIONS]


async def test_too_long_is_recut_then_sent_plain(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    long_section = "。".join(f"第{i}句话讲的是市场与模型" for i in range(400))  # ~5200 units
    feed_id, route_list = await seed_feed(db, [A, B])
    await queue_article(
        db, feed_id, make_article(1, [SECTIONS[0], long_section]), route_list, now=clock.now()
    )
    fake.fail_next(B, "too_long", times=1, method="sendMessage")  # B: part 1 rejected once
    await publisher(db, bot, clock).run_once()
    a_texts = fake.texts(A)
    assert a_texts[:2] == ["第1篇 Article 1", SECTIONS[0]]
    assert "".join(a_texts[2:]).replace("\n", "") == long_section
    assert all(len(t.encode("utf-16-le")) // 2 <= 2048 for t in a_texts[2:])
    async with db.begin() as conn:
        kinds_a = [m.kind for m in await messages.messages_in_chat(conn, A)]
        kinds_b = [m.kind for m in await messages.messages_in_chat(conn, B)]
    assert kinds_a[:2] == ["post", "post"] and set(kinds_a[2:]) == {"post.1"}
    assert set(kinds_b) == {"post.1"}  # recut from part 1 on
    assert fake.texts(B)[0] == "第1篇 Article 1"
    assert fake.sent_to(B)[0].entities  # re-cut keeps formatting


async def test_entity_errors_fall_back_to_plain_text(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    feed_id, route_list = await seed_feed(db, [A])
    article_id = await queue_article(
        db, feed_id, make_article(1, SECTIONS), route_list, now=clock.now()
    )
    fake.fail_next(A, "entities", times=2)
    await publisher(db, bot, clock).run_once()
    records = fake.sent_to(A)
    assert [r.body for r in records] == ["第1篇 Article 1", *SECTIONS]
    assert all(r.entities == [] for r in records)  # plain from the failing part on
    async with db.begin() as conn:
        assert {m.kind for m in await messages.messages_in_chat(conn, A)} == {"post.2"}
    assert (await _states(db, article_id)) == {A: "done"}


async def test_resume_keeps_the_fallback_already_chosen(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    feed_id, route_list = await seed_feed(db, [A])
    await queue_article(db, feed_id, make_article(1, SECTIONS), route_list, now=clock.now())
    fake.fail_next(A, "entities", times=2, skip=1)  # part 2 goes plain after two refusals
    fake.fail_next(A, "server_error", skip=4)  # then part 3 meets a 5xx: the run stops
    pub = publisher(db, bot, clock)
    await pub.run_once()
    assert fake.texts(A) == ["第1篇 Article 1", SECTIONS[0]]
    clock.advance(10)
    await publisher(db, bot, clock).run_once()  # a new process rebuilds the plan
    records = fake.sent_to(A)
    assert [r.body for r in records] == ["第1篇 Article 1", *SECTIONS]
    assert records[0].entities and not any(r.entities for r in records[1:])
    async with db.begin() as conn:
        kinds = [m.kind for m in await messages.messages_in_chat(conn, A)]
    assert kinds == ["post", "post.2", "post.2", "post.2"]


async def test_media_failure_still_sends_the_text(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    image = "https://news.example/lead.jpg"
    feed_id, route_list = await seed_feed(db, [A, B], options={"photo": True})
    await queue_article(
        db, feed_id, make_article(1, SECTIONS, lead_image=image), route_list, now=clock.now()
    )
    fake.fail_next(
        B, "bad_request", method="sendPhoto", description="Bad Request: IMAGE_PROCESS_FAILED"
    )
    await publisher(db, bot, clock).run_once()
    a, b = fake.sent_to(A), fake.sent_to(B)
    assert a[0].photo == image and a[0].caption == "第1篇 Article 1"
    assert b[0].photo is None and b[0].text == "第1篇 Article 1" and b[0].method == "sendMessage"
    assert [r.body for r in b] == ["第1篇 Article 1", *SECTIONS]
    assert b[0].entities == [{"type": "bold", "offset": 0, "length": 13}]


async def test_discussion_copies_resolve_to_the_post(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    fake.add_group(GROUP, "comments")
    fake.link_discussion(A, GROUP)
    feed_id, route_list = await seed_feed(db, [A])
    article_id = await queue_article(
        db, feed_id, make_article(1, SECTIONS), route_list, now=clock.now()
    )
    await publisher(db, bot, clock).run_once()
    updates = await bot.get_updates(timeout=0)
    copies = [u.message for u in updates if u.message and u.message.is_automatic_forward]
    assert len(copies) == 4
    for copy in copies:
        assert await on_automatic_forward(db, copy) == article_id
    assert await on_automatic_forward(db, copies[0]) == article_id  # recording twice is harmless
    copy_of_part2 = fake.automatic_forwards[(A, fake.sent_to(A)[1].message_id)]
    found = await resolve_post(db, GROUP, copy_of_part2)
    assert found is not None and found.article_id == article_id and found.part == 2
    assert found.kind == "discussion_copy"
    comment = fake.send_group(GROUP, 77, "好文章", reply_to=copy_of_part2)
    answer = fake.send_group(GROUP, 78, "/summary", reply_to=comment["message_id"])
    later = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    reply_to_copy, reply_to_comment = later[0].message, later[1].message
    assert reply_to_copy is not None and reply_to_comment is not None
    for message in (reply_to_copy, reply_to_comment):
        resolved = await resolve_message(db, message)
        assert resolved is not None and resolved.article_id == article_id
    assert answer["message_thread_id"] == copy_of_part2
    async with db.begin() as conn:
        channel = await chats.get_chat(conn, A)
        assert channel is not None and channel.linked_chat_id == GROUP
        assert (await chats.linked_channel(conn, GROUP)) == channel


async def test_automatic_forward_of_a_foreign_post_is_ignored(db: Database) -> None:
    assert (
        await record_automatic_forward(
            db, group_chat_id=GROUP, group_message_id=5, channel_chat_id=A, channel_message_id=9
        )
        is None
    )
    assert await resolve_post(db, GROUP, 5) is None


async def test_forward_of_a_channel_post_resolves_in_private(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    feed_id, route_list = await seed_feed(db, [A])
    article_id = await queue_article(
        db, feed_id, make_article(1, SECTIONS), route_list, now=clock.now()
    )
    await publisher(db, bot, clock).run_once()
    fake.send_private(500, "what about this?", forward_from=(A, fake.sent_to(A)[2].message_id))
    update = (await bot.get_updates(timeout=0))[-1]
    assert update.message is not None
    found = await resolve_message(db, update.message)
    assert found is not None and found.article_id == article_id and found.part == 3


SEED = Path("/work/shared/seed/wsj-deepseek-zh.txt")


def _seed_article() -> Article:
    """The Chinese WSJ seed (or a long stand-in), as Markdown with a link and emphasis."""
    text = SEED.read_text("utf-8") if SEED.exists() else "市场普遍相信人工智能。\n" * 400
    title, _, body = text.partition("\n")
    paragraphs = [p for p in body.split("\n") if p.strip()]
    paragraphs[0] = f"**{paragraphs[0]}** [原文](https://www.wsj.com/a)"
    return Article(
        title=title,
        url="https://www.wsj.com/a",
        content_markdown="\n\n".join(paragraphs * 2),
        lead_image="https://images.example/lead.jpg",
        language="zh",
    )


async def test_real_renderer_posts_the_seed_within_limits(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    feed_id, route_list = await seed_feed(db, [A, B], options={"max_parts": 4})
    article = _seed_article()
    await queue_article(db, feed_id, article, route_list, now=clock.now())
    pub = Publisher(db, bot, render_for_route, plain=plain_fallback, clock=clock)
    await pub.run_once()
    expected = render_for_route(article, {"max_parts": 4})
    assert 2 <= len(expected) <= 4
    for chat_id in (A, B):
        records = fake.sent_to(chat_id)
        assert [r.body for r in records] == [m.text for m in expected]
        assert records[0].photo == "https://images.example/lead.jpg"
        assert any(r.entities for r in records)
    assert not fake.used_parse_mode


async def test_a_renderer_crash_retries_later_and_notifies_in_the_end(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    calls = []

    def broken(article: Article, options: Mapping[str, Any]) -> list[OutgoingMessage]:
        calls.append(article.id)
        raise RuntimeError("template exploded")

    feed_id, route_list = await seed_feed(db, [A])
    article_id = await queue_article(
        db, feed_id, make_article(1, SECTIONS), route_list, now=clock.now()
    )
    notices = Notices()
    pub = Publisher(
        db, bot, broken, notify=notices, clock=clock, settings=PublisherSettings(max_attempts=2)
    )
    await pub.run_once()
    assert (await _states(db, article_id)) == {A: "pending"}
    clock.advance(3600)
    await pub.run_once()
    assert (await _states(db, article_id)) == {A: "failed"}
    assert len(calls) == 2 and fake.texts(A) == []
    assert len(notices.texts) == 1 and "template exploded" in notices.texts[0]


async def test_drain_cuts_a_long_pacing_wait_short(
    db: Database, fake: FakeTelegram, bot: Bot
) -> None:
    feed_id, route_list = await seed_feed(db, [A])
    article_id = await queue_article(db, feed_id, make_article(1, SECTIONS), route_list)
    pub = Publisher(db, bot, simple_render, pacing=PacingConfig(per_group_per_minute=1))
    await pub.tick()
    await _eventually(lambda: len(fake.texts(A)) == 1)  # part 2 now waits a minute
    await asyncio.wait_for(pub.drain(), 10)
    assert fake.texts(A) == ["第1篇 Article 1"]
    async with db.begin() as conn:
        delivery = (await deliveries.deliveries_for_article(conn, article_id))[0]
    assert delivery.state == "pending" and delivery.lease_until is None


async def test_two_publishers_share_the_outbox_without_doubles(
    db: Database, fake: FakeTelegram, clock: VirtualClock
) -> None:
    """Two processes (two engines) claim from one outbox: each post once, chats in order."""
    chat_ids = [-2001 - i for i in range(6)]
    for chat_id in chat_ids:
        fake.add_channel(chat_id)
    feed_id, route_list = await seed_feed(db, chat_ids)
    for n in range(1, 4):
        await queue_article(db, feed_id, make_article(n, SECTIONS[:2]), route_list, now=clock.now())
    other_db = create_database(db.engine.url.render_as_string(hide_password=False))
    try:
        async with fake_telegram_bot(fake) as bot_1, fake_telegram_bot(fake) as bot_2:
            one = publisher(db, bot_1, clock)
            two = publisher(other_db, bot_2, clock)
            for _ in range(10):
                await asyncio.gather(one.tick(), two.tick())
                await asyncio.gather(one.join(), two.join())
    finally:
        await other_db.close()
    expected = []
    for n in range(1, 4):
        expected += [f"第{n}篇 Article {n}", *SECTIONS[:2]]
    for chat_id in chat_ids:
        assert fake.texts(chat_id) == expected


async def test_paused_or_removed_routes_are_not_posted(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    feed_id, route_list = await seed_feed(db, [A, B, C])
    article_id = await queue_article(
        db, feed_id, make_article(1, SECTIONS), route_list, now=clock.now()
    )
    async with db.begin() as conn:
        await routes.pause_route(conn, route_list[0].id, "admin")
        await conn.execute(sa.delete(schema.routes).where(schema.routes.c.id == route_list[1].id))
    await publisher(db, bot, clock).run_once()
    assert fake.texts(A) == [] and fake.texts(B) == [] and len(fake.texts(C)) == 4
    assert await _states(db, article_id) == {A: "paused", B: "failed", C: "done"}
    async with db.begin() as conn:
        await routes.resume_route(conn, route_list[0].id)
        await deliveries.resume_route_deliveries(conn, route_list[0].id, now=clock.now())
    await publisher(db, bot, clock).run_once()
    assert len(fake.texts(A)) == 4


async def test_a_copy_arriving_before_the_post_is_recorded_still_maps(
    db: Database, clock: VirtualClock
) -> None:
    feed_id, route_list = await seed_feed(db, [A])
    article_id = await queue_article(
        db, feed_id, make_article(1, SECTIONS), route_list, now=clock.now()
    )

    async def record_late() -> None:
        await asyncio.sleep(0.3)
        async with db.begin() as conn:
            await messages.record_message(
                conn, chat_id=A, message_id=7, article_id=article_id, part=1
            )

    late = asyncio.create_task(record_late())
    found = await record_automatic_forward(
        db, group_chat_id=GROUP, group_message_id=70, channel_chat_id=A, channel_message_id=7
    )
    await late
    assert found == article_id
    copy = await resolve_post(db, GROUP, 70)
    assert copy is not None and copy.kind == "discussion_copy"


async def test_flood_waits_do_not_use_up_the_rejection_budget(
    db: Database, fake: FakeTelegram, bot: Bot, clock: VirtualClock
) -> None:
    """A post retried many times for 429s is still not given up on its first rejection."""
    feed_id, route_list = await seed_feed(db, [A])
    article_id = await queue_article(
        db, feed_id, make_article(1, SECTIONS), route_list, now=clock.now()
    )
    async with db.begin() as conn:
        await conn.execute(
            schema.deliveries.update().values(attempts=50)  # many flood waits before
        )
    fake.fail_next(A, "bad_request", times=40)  # every form of the post refused, for a while
    pub = Publisher(db, bot, simple_render, clock=clock, settings=PublisherSettings(max_attempts=3))
    await pub.run_once()
    async with db.begin() as conn:
        [delivery] = await deliveries.deliveries_for_article(conn, article_id)
    assert delivery.state == "pending" and delivery.rejections == 1
    for _ in range(2):
        clock.advance(3600)
        await pub.run_once()
    assert (await _states(db, article_id)) == {A: "failed"}
