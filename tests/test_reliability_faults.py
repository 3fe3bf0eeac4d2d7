"""A storm of faults on both sides, with the real Poller and Publisher as the runtime
builds them (its Application, HTTP client, notifier and renderer; our clock).

Feeds on a local server time out, reset the connection, answer 500, answer garbage,
stream without end or send a gzip bomb, while good feeds keep growing to 200 posts
across six chats. The stand-in Telegram applies its flood limits and answers 429,
5xx, timeouts, 403 and migrate at random (seeded); some answers to sends are lost
after the message went out. Afterwards every post must be in every active chat
exactly as the outbox promised, in order, repeated only where an answer was lost;
nothing may be stuck; bad feeds must carry a clear error and back off; and the same
Poller and Publisher must still post a new item.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from bot.config import Settings
from bot.deliver.plan import Plan
from bot.deliver.publisher import Publisher, PublisherSettings
from bot.deliver.rendering import plain_fallback, render_for_route
from bot.ingest import schedule
from bot.ingest.fetch import FetchError, fetch
from bot.ingest.poller import Poller
from bot.models import Article, OutgoingMessage
from bot.notify import AdminNotifier
from bot.runtime import Runtime, pacing_config, runtime
from bot.standin import (
    FakeBotAPIRequest,
    FakeTelegram,
    RateLimits,
    SentRecord,
    fake_telegram_bot,
)
from storage import articles, deliveries, feeds, messages, routes
from storage.db import Database
from storage.schema import deliveries as deliveries_table
from tests.fakes.clock import VirtualClock
from tests.fakes.posts import make_article, queue_article, seed_feed, simple_render
from tests.reliability_helpers import (
    Behaviour,
    FeedServer,
    LossyRequest,
    drip,
    endless,
    entity_dicts,
    feed_server,
    gzip_bomb,
    hang,
    reset,
    respond,
    truncated,
)

SEED = 20251128
ADMIN = -100900
C1, C2, C3 = -100101, -100102, -100103
GROUP, GROUP_NEW = -4001, -100400  # a basic group that becomes a supergroup midway
KICKED = -100666  # the bot is removed from this channel midway: its route stays paused
FLAKY = -100777  # one 403 for a channel the bot is still in: paused, then resumed by hand
CHATS = [C1, C2, C3, GROUP, KICKED, FLAKY]
GOOD_FEEDS = 8
ITEMS_FIRST, ITEMS_MORE, ROUNDS = 10, 5, 4  # 8 feeds × (10 + 3 × 5) = 200 posts
INTERVAL = 600
MAX_BYTES = 256 * 1024
FETCH_TIMEOUT = 2.0  # 0.5 s timed out healthy answers (500, reset) on a loaded machine
FAILURES_TO_DEACTIVATE = 3
FAULT_CHANCE = 0.3  # per publisher step
TELEGRAM_FAULTS = ("retry_after", "server_error", "bad_gateway", "timeout", "network")
REJECTIONS = ("too_long", "entities")  # 400s: the publisher re-cuts, then goes plain
BAD_PHOTO_FEED = 5  # Telegram cannot fetch this feed's images: posts go out as text
BAD_FEEDS: dict[str, tuple[Behaviour, str]] = {
    "/timeout.xml": (hang(), r"timed out"),
    "/reset.xml": (reset(), r"(connection|disconnected)"),
    "/500.xml": (respond(b"oops", 500), r"^HTTP 500 Internal Server Error$"),
    "/garbage.xml": (respond(bytes(random.Random(1).randbytes(4000))), r"^not a feed"),
    "/endless.xml": (endless(), r"^body too large: over 262144 bytes"),
    "/drip.xml": (drip(), rf"^timed out after {FETCH_TIMEOUT:g} s$"),
    "/truncated.xml": (truncated(), r"RemoteProtocolError: peer closed connection"),
    "/bomb.xml": (
        gzip_bomb(32 * 1024 * 1024),
        r"^body too large: over 262144 bytes after decoding",
    ),
}
ROUTE_OPTIONS: list[dict[str, Any]] = [
    {},
    {"max_parts": 2},
    {"with_media": False},
    {"template": "{title} · {source}\n{link}"},
]

pytestmark = pytest.mark.timeout(120)


# ---- the good feeds --------------------------------------------------------------


def article_html(feed: int, n: int, rng: random.Random) -> str:
    zh = "人工智能的发展正在改变全球经济格局，投资者重新评估科技公司的估值。"
    en = "Markets re-priced the sector after the news, and analysts disagreed. "
    paragraphs = [
        f"<p>{(zh if (feed + k) % 2 else en) * rng.randint(1, 8)} ({feed}/{n}/{k})</p>"
        for k in range(rng.randint(1, 14))
    ]
    if n % 4 == 1:
        paragraphs.insert(0, f'<p><img src="https://img.example/{feed}/{n}.jpg" alt=""></p>')
    if n % 3 == 0:
        paragraphs.append(f'<p>Read <a href="https://src.example/{feed}/{n}">the source</a>.</p>')
    return "".join(paragraphs)


@dataclass
class GoodFeed:
    number: int
    shown: int = ITEMS_FIRST
    bodies: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        rng = random.Random(SEED + self.number)
        self.bodies = [article_html(self.number, n, rng) for n in range(100)]

    @property
    def path(self) -> str:
        return f"/good/{self.number}.xml"

    def document(self) -> bytes:
        items = []
        for n in reversed(range(self.shown)):
            day, minute = divmod(n, 60)
            items.append(
                f"<item><title>Feed {self.number} story {n} 第{n}条</title>"
                f"<link>https://site{self.number}.example/{n}</link>"
                f"<guid>s{self.number}-{n}</guid>"
                f"<pubDate>Mon, {day + 1:02d} Sep 2025 08:{minute:02d}:00 GMT</pubDate>"
                f"<description>{escape(self.bodies[n])}</description></item>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Good feed {self.number}</title><link>https://site{self.number}.example/</link>"
            + "".join(items)
            + "</channel></rss>"
        ).encode()

    def behaviour(self) -> Behaviour:
        async def behave(reader: Any, writer: Any) -> None:
            await respond(self.document())(reader, writer)

        return behave


# ---- the world ------------------------------------------------------------------------


@dataclass
class World:
    db: Database
    rt: Runtime
    fake: FakeTelegram
    server: FeedServer
    clock: VirtualClock
    poller: Poller
    publisher: Publisher
    lossy: LossyRequest
    good: list[GoodFeed]
    feed_ids: dict[str, int]
    rng: random.Random
    events: list[str] = field(default_factory=list)
    migrated: bool = False
    new_publisher: Callable[[], Publisher] | None = None

    def live_chats(self) -> list[int]:
        return [GROUP_NEW if c == GROUP and self.migrated else c for c in CHATS]


def settings() -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        admin_chat_id=ADMIN,
        fetch_timeout_seconds=FETCH_TIMEOUT,
        fetch_max_bytes=MAX_BYTES,
        poll_concurrency=8,
        poll_per_host_concurrency=16,
        feed_max_failures=FAILURES_TO_DEACTIVATE,
        send_per_chat_per_second=2.0,  # a little over the fake's limits: some 429s
        send_per_group_per_minute=30,
        send_global_per_second=40.0,
    )


def make_fake(clock: VirtualClock) -> FakeTelegram:
    fake = FakeTelegram(clock=clock.monotonic)
    fake.add_group(ADMIN, "Admins")
    for chat in (C1, C2, C3, KICKED, FLAKY):
        fake.add_channel(chat, f"Channel {chat}")
    fake.add_group(GROUP, "Small group", supergroup=False)
    fake.enable_rate_limits(RateLimits())
    for n in range(100):
        fake.reject_media(f"https://img.example/{BAD_PHOTO_FEED}/{n}.jpg")
    return fake


async def add_feeds(
    db: Database, server: FeedServer, good: list[GoodFeed], now: datetime
) -> dict[str, int]:
    ids: dict[str, int] = {}
    async with db.begin() as conn:
        for feed in good:
            row = await feeds.add_feed(
                conn,
                server.url(feed.path),
                interval_seconds=INTERVAL,
                backfill=ITEMS_FIRST,
                now=now,
            )
            ids[feed.path] = row.id
            for k in range(2):
                chat = CHATS[(feed.number + k * 3) % len(CHATS)]
                options = ROUTE_OPTIONS[(feed.number + k) % len(ROUTE_OPTIONS)]
                await routes.add_route(conn, row.id, chat, options=options, now=now)
        for path in BAD_FEEDS:
            row = await feeds.add_feed(conn, server.url(path), interval_seconds=INTERVAL, now=now)
            ids[path] = row.id
            await routes.add_route(conn, row.id, C1, now=now)
    return ids


@pytest.fixture
async def world(db: Database) -> AsyncIterator[World]:
    clock = VirtualClock()
    fake = make_fake(clock)
    rng = random.Random(SEED)
    lossy = LossyRequest(fake, random.Random(SEED + 1), rate=0.02)
    good = [GoodFeed(n) for n in range(GOOD_FEEDS)]
    async with feed_server() as server:
        for feed in good:
            server.routes[feed.path] = feed.behaviour()
        for path, (behaviour, _) in BAD_FEEDS.items():
            server.routes[path] = behaviour
        feed_ids = await add_feeds(db, server, good, clock.now())
        s = settings()
        async with runtime(
            s,
            token=fake.token,
            request=lossy,
            updates_request=FakeBotAPIRequest(fake),
            db=db,
            with_jobs=False,
        ) as rt:
            poller = Poller(
                db,
                rt.http,
                s,
                rt.services.notify,
                clock.now,
                rng=random.Random(SEED + 2),
                tick_wait=0,
            )

            def new_publisher() -> Publisher:
                return Publisher(
                    db,
                    rt.app.bot,
                    render_for_route,
                    plain=plain_fallback,
                    pacing=pacing_config(s),
                    notify=rt.services.notify,
                    clock=clock,
                    settings=PublisherSettings(backoff_base=1.0, backoff_max=30.0),
                )

            w = World(
                db, rt, fake, server, clock, poller, new_publisher(), lossy, good, feed_ids, rng
            )
            w.new_publisher = new_publisher
            yield w
            await w.publisher.drain()
            await poller.aclose()


# ---- driving it -------------------------------------------------------------------------


def inject_faults(w: World) -> None:
    """Random Telegram trouble for random chats, and the three one-off events."""
    if w.rng.random() < FAULT_CHANCE:
        chat = w.rng.choice(w.live_chats())
        kind = w.rng.choice(TELEGRAM_FAULTS + REJECTIONS)
        w.fake.fail_next(
            chat,
            kind,
            times=1 if kind in REJECTIONS else w.rng.randint(1, 2),
            skip=w.rng.randint(0, 4),
            retry_after=w.rng.randint(1, 20),
        )
    if not w.migrated and len(w.fake.sent_to(GROUP)) >= 15:
        w.fake.migrate_chat(GROUP, GROUP_NEW)
        w.migrated = True
        w.events.append("migrated")
    if "kicked" not in w.events and len(w.fake.sent_to(KICKED)) >= 25:
        w.fake.kick_bot(KICKED)
        w.events.append("kicked")
    if "flaky" not in w.events and len(w.fake.sent_to(FLAKY)) >= 10:
        w.fake.fail_next(FLAKY, "forbidden", skip=1)
        w.events.append("flaky")


async def restart_publisher(w: World) -> None:
    """A graceful stop while chats are mid-post (SIGTERM), then a fresh publisher."""
    assert w.new_publisher is not None
    assert await w.publisher.tick(), "nothing to interrupt"
    for _ in range(50):
        await asyncio.sleep(0)
    assert w.publisher.busy_chats, "every chat finished before the stop"
    await w.publisher.drain()
    w.publisher = w.new_publisher()
    w.events.append("restarted")


async def pending(db: Database) -> list[deliveries.Delivery]:
    async with db.begin() as conn:
        rows = await conn.execute(
            deliveries_table.select().where(deliveries_table.c.state == deliveries.PENDING)
        )
        return [deliveries.Delivery(**row._asdict()) for row in rows]


async def publish_step(w: World, *, faults: bool = True) -> bool:
    """One publisher tick (and the work it starts); False once nothing is pending.

    When nothing could be claimed, virtual time jumps to the next retry or lease end.
    """
    if faults:
        inject_faults(w)
    started = await w.publisher.tick()
    await w.publisher.join()
    waiting = await pending(w.db)
    if not waiting:
        return False
    if started:
        return True
    now = w.clock.now()
    later = [d.next_attempt_at for d in waiting if d.next_attempt_at > now]
    later += [d.lease_until for d in waiting if d.lease_until and d.lease_until >= now]
    if not later:
        raise AssertionError(f"pending deliveries nobody can claim: {waiting[:3]}")
    w.clock.advance((min(later) - now).total_seconds() + 0.001)  # a lease ends *after* it
    return True


async def publish_until_empty(w: World, *, faults: bool = True, limit: int = 3000) -> None:
    for _ in range(limit):
        if not await publish_step(w, faults=faults):
            return
    stuck = await pending(w.db)
    first: dict[int, deliveries.Delivery] = {}
    for d in sorted(stuck, key=lambda d: d.id):
        first.setdefault(d.chat_id, d)
    raise AssertionError(f"the outbox never emptied at {w.clock.now()}: {first}")


async def feed_states(w: World) -> dict[str, feeds.Feed]:
    async with w.db.begin() as conn:
        by_id = {f.id: f for f in await feeds.list_feeds(conn)}
    return {path: by_id[i] for path, i in w.feed_ids.items()}


async def poll_round(w: World) -> None:
    """Make every active feed due, then poll them while the publisher is busy."""
    states = await feed_states(w)
    due = max(f.next_poll_at for f in states.values() if f.active)
    if due > w.clock.now():
        w.clock.advance((due - w.clock.now()).total_seconds() + 1)
    await w.publisher.tick()
    report = await w.poller.run_until_idle()
    await w.publisher.join()
    assert report.polled == sum(1 for f in states.values() if f.active)


# ---- checking what arrived ----------------------------------------------------------


@dataclass
class Expected:
    bodies: list[tuple[Any, ...]]
    states: list[str]


def as_sent(record: SentRecord) -> tuple[Any, ...]:
    return (record.body, record.entities, record.photo)


async def expected_for(w: World, chat_ids: Sequence[int]) -> Expected:
    """What the outbox promises the chat: each delivery's parts, in delivery order.

    A done delivery promises every part; a paused one the parts it recorded, after
    which the chat gets nothing more.
    """
    bodies: list[tuple[Any, ...]] = []
    states = []
    async with w.db.begin() as conn:
        rows = await conn.execute(
            deliveries_table.select()
            .where(deliveries_table.c.chat_id.in_(list(chat_ids)))
            .order_by(deliveries_table.c.id)
        )
        for d in [deliveries.Delivery(**row._asdict()) for row in rows]:
            article = await articles.get_article(conn, d.article_id)
            route = await routes.get_route(conn, d.route_id or 0)
            assert article is not None and route is not None
            recorded = await messages.messages_for_delivery(conn, d.id)
            parts = promised_parts(w, article, route.options, recorded)
            assert [m.part for m in recorded] == list(range(1, len(recorded) + 1))
            for m in recorded:  # each recorded id is the message of that part
                sent = next(r for r in w.fake.sent_to(m.chat_id) if r.message_id == m.message_id)
                assert sent.body == parts[m.part - 1].text
            if d.state == deliveries.DONE:
                assert len(recorded) == len(parts), d
            else:
                parts = parts[: len(recorded)]
            bodies += [(p.text, entity_dicts(p), p.photo) for p in parts]
            states.append(d.state)
    return Expected(bodies, states)


def promised_parts(
    w: World,
    article: Article,
    options: dict[str, Any],
    recorded: Sequence[messages.SentMessage],
) -> list[OutgoingMessage]:
    """The route's rendering, at the fallback levels the records name, minus bad photos."""
    plan = Plan.resume(
        render_for_route(article, options),
        [(m.part, m.kind) for m in recorded],
        max_length=int(options.get("max_length", 4096)),
        plain=plain_fallback,
    )
    return [
        OutgoingMessage(m.text, m.entities) if m.photo in w.fake.bad_media else m
        for m in plan.messages
    ]


def arrived(w: World, chat_ids: Sequence[int]) -> tuple[list[tuple[Any, ...]], int]:
    """What the chat shows, minus copies whose answer was lost; and how many those were."""
    lost = set(w.lossy.lost)
    records = [r for c in chat_ids for r in w.fake.sent_to(c)]
    kept = [as_sent(r) for r in records if (r.chat_id, r.message_id) not in lost]
    return kept, len(records) - len(kept)


async def assert_chat(w: World, chat_ids: Sequence[int], *, all_done: bool) -> Expected:
    expected = await expected_for(w, chat_ids)
    shown, _ = arrived(w, chat_ids)
    assert shown == expected.bodies, f"chat {chat_ids}: {len(shown)} vs {len(expected.bodies)}"
    if all_done:
        assert set(expected.states) == {deliveries.DONE}, expected.states
    return expected


async def assert_nothing_stuck(w: World) -> None:
    async with w.db.begin() as conn:
        left = (
            await conn.execute(
                sa.select(sa.func.count()).where(
                    deliveries_table.c.state == deliveries.PENDING,
                )
            )
        ).scalar_one()
        leased = (
            await conn.execute(
                sa.select(sa.func.count()).where(deliveries_table.c.lease_until.is_not(None))
            )
        ).scalar_one()
    assert (left, leased) == (0, 0)


async def assert_feeds(w: World, round_number: int) -> None:
    states = await feed_states(w)
    for feed in w.good:
        state = states[feed.path]
        assert (state.error_count, state.last_error, state.active) == (0, None, True)
        async with w.db.begin() as conn:
            count = await conn.execute(
                sa.text("SELECT count(*) FROM articles WHERE feed_id = :f"), {"f": state.id}
            )
            assert count.scalar_one() == feed.shown
    failures = min(round_number, FAILURES_TO_DEACTIVATE)
    for path, (_, pattern) in BAD_FEEDS.items():
        state = states[path]
        assert state.error_count == failures, (path, state.last_error)
        assert state.last_error is not None
        assert re.search(pattern, state.last_error), (path, state.last_error)
        assert "internal error" not in state.last_error
        assert state.active == (failures < FAILURES_TO_DEACTIVATE)
        assert state.last_polled_at is not None and state.lease_until is None
        delay = (state.next_poll_at - state.last_polled_at).total_seconds()
        base = schedule.backoff_delay(failures, INTERVAL, retry_after=None)
        assert base * (1 - schedule.JITTER) <= delay <= base * (1 + schedule.JITTER), path


# ---- the test ---------------------------------------------------------------------------


async def test_storm_on_both_sides_loses_nothing(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.notify")
    w = world
    for round_number in range(1, ROUNDS + 1):
        if round_number > 1:
            for feed in w.good:
                feed.shown += ITEMS_MORE
        before = dict(w.server.hits)
        await poll_round(w)
        await assert_feeds(w, round_number)
        if round_number > FAILURES_TO_DEACTIVATE:  # deactivated feeds are left alone
            assert all(w.server.hits.get(p) == before.get(p) for p in BAD_FEEDS)
        if round_number == 3:
            await restart_publisher(w)
        for _ in range(40):
            if not await publish_step(w):
                break
    await publish_until_empty(w)
    assert sum(f.shown for f in w.good) == 200
    assert sorted(w.events) == ["flaky", "kicked", "migrated", "restarted"]

    # Every active chat has every post, in order; the group's history spans its two ids.
    for chat_ids in ([C1], [C2], [C3], [GROUP, GROUP_NEW]):
        await assert_chat(w, chat_ids, all_done=True)
    kicked = await assert_chat(w, [KICKED], all_done=False)
    assert deliveries.PAUSED in kicked.states and set(kicked.states) <= {"done", "paused"}
    flaky = await assert_chat(w, [FLAKY], all_done=False)
    assert deliveries.PAUSED in flaky.states
    async with w.db.begin() as conn:
        by_chat = {r.chat_id: r for r in await routes.list_routes(conn)}
    assert GROUP not in by_chat and by_chat[GROUP_NEW].active
    assert not by_chat[KICKED].active and "kicked" in (by_chat[KICKED].paused_reason or "")
    assert not by_chat[FLAKY].active
    await assert_nothing_stuck_but_paused(w)

    # The admin puts the bot back in FLAKY and resumes its routes: the rest goes out.
    async with w.db.begin() as conn:
        for route in await routes.list_routes(conn):
            if route.chat_id == FLAKY:
                await routes.resume_route(conn, route.id)
                await deliveries.resume_route_deliveries(conn, route.id, now=w.clock.now())
    await publish_until_empty(w)
    await assert_chat(w, [FLAKY], all_done=True)

    # Duplicates only where an answer was lost, and the fake's faults made none.
    total_lost = 0
    for chat_ids in ([C1], [C2], [C3], [GROUP, GROUP_NEW], [KICKED], [FLAKY]):
        _, lost = arrived(w, chat_ids)
        total_lost += lost
    assert total_lost == len([x for x in w.lossy.lost if x[0] != ADMIN])
    assert w.fake.rate_limited, "the flood limits never bit: the storm was too mild"
    bad_photos = [
        c
        for c in w.fake.calls
        if c.method == "sendPhoto" and c.params.get("photo") in w.fake.bad_media
    ]
    assert bad_photos, "no post met a photo Telegram cannot fetch"
    async with w.db.begin() as conn:
        kinds = set((await conn.execute(sa.text("SELECT DISTINCT kind FROM messages"))).scalars())
    assert kinds & {"post.1", "post.2", "post.3"}, f"no part went out re-cut or plain: {kinds}"
    assert not w.fake.used_parse_mode
    print(
        f"sent {len(w.fake.sent)}, lost answers {total_lost}, 429s {len(w.fake.rate_limited)},"
        f" faults {sum(1 for c in w.fake.calls if c.method.startswith('send'))} send calls,"
        f" virtual {w.clock.t:.0f} s, events {w.events}"
    )

    # The admins were told about the dead feeds, the migration and the removals. (Read
    # from the notifier's log line: the fake's flood limits run on virtual time here,
    # which a notifier waiting in real time cannot see pass; test_admin_notices_survive_
    # a_burst checks that a burst of notices really arrives.)
    notices = "\n".join(r.getMessage() for r in caplog.records if "admin notice" in r.getMessage())
    for path in BAD_FEEDS:
        assert f"Feed #{w.feed_ids[path]} deactivated" in notices, path
    assert f"Chat {GROUP} became supergroup {GROUP_NEW}" in notices
    assert f"to chat {KICKED}" in notices

    # The same Poller and Publisher still work after the storm.
    w.lossy.enabled = False
    sent_before = {c: len(w.fake.sent_to(c)) for c in w.live_chats()}
    w.good[0].shown += 1
    await poll_round(w)
    await publish_until_empty(w, faults=False)
    grew = {c for c in w.live_chats() if len(w.fake.sent_to(c)) > sent_before[c]}
    async with w.db.begin() as conn:
        targets = {
            r.chat_id for r in await routes.routes_for_feed(conn, w.feed_ids[w.good[0].path])
        }
    assert grew == targets and targets
    for chat_ids in ([C1], [C2], [C3], [GROUP, GROUP_NEW], [FLAKY]):
        await assert_chat(w, chat_ids, all_done=True)
    await assert_nothing_stuck(w)


async def assert_nothing_stuck_but_paused(w: World) -> None:
    """No delivery is pending or holds a lease; only the paused routes' ones are left."""
    async with w.db.begin() as conn:
        counts = await deliveries.count_by_state(conn)
        leased = (
            await conn.execute(
                sa.select(sa.func.count()).where(deliveries_table.c.lease_until.is_not(None))
            )
        ).scalar_one()
        paused_chats = set(
            (
                await conn.execute(
                    sa.select(deliveries_table.c.chat_id)
                    .where(deliveries_table.c.state == deliveries.PAUSED)
                    .distinct()
                )
            ).scalars()
        )
    assert counts.get(deliveries.PENDING, 0) == 0 and leased == 0
    assert paused_chats == {KICKED, FLAKY}
    assert counts.get(deliveries.FAILED, 0) == 0, counts


# ---- single faults, each with the message an admin reads -----------------------------


async def test_a_reset_connection_is_a_clear_error() -> None:
    async with feed_server() as server, httpx.AsyncClient() as client:
        server.routes["/reset.xml"] = reset()
        with pytest.raises(FetchError) as caught:
            await fetch(client, server.url("/reset.xml"), time_limit=5, max_bytes=MAX_BYTES)
    assert re.search(r"connection", caught.value.message, re.I), caught.value.message


async def test_admin_notices_survive_a_burst() -> None:
    """Six feeds dying in one poll round make six notices at once; all must arrive."""
    fake = FakeTelegram()
    fake.add_group(ADMIN, "Admins")
    fake.enable_rate_limits(RateLimits().scaled(20))  # Telegram's limits, 20 times faster
    async with fake_telegram_bot(fake) as bot:
        notify = AdminNotifier(bot.send_message, ADMIN)
        for n in range(6):
            await notify(f"Feed #{n} deactivated: 3 failures in a row.")
    assert len(fake.sent_to(ADMIN)) == 6, fake.rate_limited


async def test_one_hostile_item_does_not_stop_its_feed(db: Database) -> None:
    """An item nested 3,000 levels deep (broken CMS output) posts like the others."""
    maze = "<div><ul><li>" * 1000 + "the bottom" + "</li></ul></div>" * 1000
    items = "".join(
        f"<item><title>Item {n}</title><link>https://maze.example/{n}</link>"
        f"<guid>maze-{n}</guid><description>{escape(body)}</description></item>"
        for n, body in enumerate(["<p>Plain first.</p>", maze, "<p>Plain last.</p>"])
    )
    document = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Maze</title>{items}'
    clock = VirtualClock()
    async with feed_server() as server, httpx.AsyncClient() as client:
        server.routes["/maze.xml"] = respond((document + "</channel></rss>").encode())
        async with db.begin() as conn:
            feed = await feeds.add_feed(conn, server.url("/maze.xml"), backfill=3, now=clock.now())
            await routes.add_route(conn, feed.id, C1, now=clock.now())

        async def notify(text: str) -> None:
            raise AssertionError(f"no notice expected: {text}")

        poller = Poller(db, client, settings(), notify, clock.now, tick_wait=0)
        report = await poller.run_until_idle()
    assert [(o.status, o.error) for o in report.outcomes] == [("baseline", None)]
    async with db.begin() as conn:
        state = await feeds.get_feed(conn, feed.id)
        stored = [await articles.get_article(conn, i) for i in report.new_article_ids]
    assert state is not None and state.error_count == 0
    by_title = {a.title: a for a in stored if a is not None}
    assert sorted(by_title) == ["Item 0", "Item 1", "Item 2"]
    assert "the bottom" in by_title["Item 1"].content_markdown


async def test_drain_releases_deliveries_whose_chat_had_not_started(db: Database) -> None:
    """SIGTERM right after a tick: what was claimed but not begun is free again at once."""
    fake = FakeTelegram()
    chats = [C1, C2, C3]
    for chat in chats:
        fake.add_channel(chat)
    clock = VirtualClock()
    feed_id, route_list = await seed_feed(db, chats)
    for n in range(3):
        article = make_article(n, ["one", "two"])
        await queue_article(db, feed_id, article, route_list, now=clock.now())
    async with fake_telegram_bot(fake) as bot:
        publisher = Publisher(db, bot, simple_render, clock=clock)
        assert await publisher.tick() == len(chats)
        await publisher.drain()  # before any chat's worker ran
    async with db.begin() as conn:
        rows = await conn.execute(
            sa.select(deliveries_table.c.id).where(deliveries_table.c.lease_until.is_not(None))
        )
        assert list(rows) == []
    assert fake.sent == []
