"""Delivery benchmark: 500 posts to 50 channels through the fake Telegram with its limits on.

The fake answers 429 whenever a flood limit is broken (≈1 msg/s per chat with a burst
of 3, 20/min per channel, 30/s overall), so the figure that matters is how close the
publisher gets to the allowed rate *without* a single 429, and that nothing is lost
or sent twice. With 10 posts per channel the overall cap (30/s) is the binding one.

The run is real time (about 18 s at Telegram's limits). `--scale K` makes every limit,
on both sides, K times faster (windows K times shorter) to shorten it; the figures
are then reported in scaled units too. The database is a fresh SQLite file; as in
production, every send is booked through the database (storage/send_pacing.py, the
pacing all workers share) under a fenced lease, and every part is recorded in its own
transaction.

    .venv/bin/python bench/deliver.py                # real limits, in-process fake
    .venv/bin/python bench/deliver.py --http         # through the HTTP fake (httpx)
    .venv/bin/python bench/deliver.py --scale 4      # four times faster limits
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Bot

from bot.deliver.pacing import PacingConfig
from bot.deliver.publisher import Publisher
from bot.models import Article, OutgoingMessage
from bot.standin import FakeTelegram, RateLimits, fake_telegram_bot, serve_in_thread
from storage import deliveries
from storage.db import Database, create_database
from tests.fakes.posts import make_article, queue_article, seed_feed, simple_render


@dataclass(slots=True)
class Result:
    posts: int
    sent: int
    elapsed: float
    allowed_rate: float
    rate_limited: int
    broken: dict[str, int]
    per_second: list[int]
    lost: int
    duplicated: int

    @property
    def rate(self) -> float:
        return self.sent / self.elapsed


def title_only(article: Article, options: Mapping[str, Any]) -> list[OutgoingMessage]:
    """One message per post: the benchmark counts messages, not rendering."""
    return simple_render(article, options)[:1]


async def seed(db: Database, channels: list[int], posts_per_channel: int) -> None:
    await db.migrate()
    feed_id, route_list = await seed_feed(db, channels)
    for n in range(posts_per_channel):
        await queue_article(db, feed_id, make_article(n + 1, ["body"]), route_list)


async def pending(db: Database) -> int:
    async with db.begin() as conn:
        return (await deliveries.count_by_state(conn)).get(deliveries.PENDING, 0)


async def publish_all(db: Database, bot: Bot, pacing: PacingConfig, tick: float) -> float:
    publisher = Publisher(db, bot, title_only, pacing=pacing)
    start = time.monotonic()
    while await pending(db):
        await publisher.tick()
        await asyncio.sleep(tick)
    await publisher.join()
    return time.monotonic() - start


async def run(channels: int, posts: int, scale: float, http: bool, margin: float) -> Result:
    fake = FakeTelegram(limits=RateLimits().scaled(scale))
    chat_ids = [-1000_000 - i for i in range(channels)]
    for chat_id in chat_ids:
        fake.add_channel(chat_id)
    pacing = PacingConfig(
        per_chat_per_second=1.0 * scale,
        per_group_per_minute=20,
        global_per_second=30.0 * scale,
        margin=margin,
        minute=60.0 / scale,
        second=1.0 / scale,
    )
    with tempfile.TemporaryDirectory() as tmp:
        db = create_database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        await seed(db, chat_ids, posts // channels)
        if http:
            with serve_in_thread(fake) as server:
                async with Bot(fake.token, base_url=server.base_url) as bot:
                    elapsed = await publish_all(db, bot, pacing, 0.2 / scale)
        else:
            async with fake_telegram_bot(fake) as bot:
                elapsed = await publish_all(db, bot, pacing, 0.2 / scale)
        await db.close()
    counts = Counter((r.chat_id, r.text) for r in fake.sent)
    expected = {
        (c, f"第{n + 1}篇 Article {n + 1}") for c in chat_ids for n in range(posts // channels)
    }
    allowed = min(30.0 * scale, channels * 1.0 * scale)
    return Result(
        posts=len(expected),
        sent=len(fake.sent),
        elapsed=elapsed,
        allowed_rate=allowed,
        rate_limited=len(fake.rate_limited),
        broken=fake.limits_broken,
        per_second=_per_second([r.time for r in fake.sent], 1.0 / scale),
        lost=len(expected - set(counts)),
        duplicated=sum(n - 1 for n in counts.values()),
    )


def _per_second(times: list[float], second: float) -> list[int]:
    if not times:
        return []
    start = min(times)
    counts = Counter(int((t - start) / second) for t in times)
    return [counts.get(i, 0) for i in range(max(counts) + 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--scale", type=float, default=1.0, help="limits K times faster")
    parser.add_argument("--margin", type=float, default=0.95, help="pacing headroom")
    parser.add_argument("--http", action="store_true", help="go through the HTTP fake")
    parser.add_argument("--timeline", action="store_true", help="print messages per second")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    result = asyncio.run(run(args.channels, args.posts, args.scale, args.http, args.margin))
    unit = "" if args.scale == 1 else f" (limits scaled x{args.scale:g})"
    print(
        f"posts: {result.posts} to {args.channels} channels via "
        f"{'HTTP' if args.http else 'in-process'} fake{unit}"
    )
    print(f"elapsed: {result.elapsed:.1f} s, messages sent: {result.sent}")
    print(
        f"rate: {result.rate:.2f} msg/s of {result.allowed_rate:.0f} allowed "
        f"({100 * result.rate / result.allowed_rate:.1f}%)"
    )
    print(
        f"429s received: {result.rate_limited} {result.broken or ''}, lost: {result.lost}, "
        f"duplicated: {result.duplicated}"
    )
    if args.timeline:
        print("messages per (scaled) second:", result.per_second)


if __name__ == "__main__":
    main()
