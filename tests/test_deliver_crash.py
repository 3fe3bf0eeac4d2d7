"""Crash safety with a real process: SIGKILL a publisher mid-post, again and again.

Every part must reach every channel in order; a kill may repeat only the part that
was in flight in each chat (sent, but not yet recorded when the process died).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.standin import FakeTelegram, serve_in_thread
from storage import deliveries, messages
from storage.db import create_database
from tests.fakes.posts import make_article, queue_article, seed_feed

ROOT = Path(__file__).resolve().parents[1]
CHANNELS = [-1001, -1002, -1003]
KILLS = 20
ARTICLES = {
    n: [f"a{n}p{k} " + "内容" * 30 + f" section {k} of article {n}." for k in range(2, 10)]
    for n in (1, 2, 3)
}


def expected_bodies() -> list[str]:
    bodies: list[str] = []
    for n, sections in ARTICLES.items():
        bodies += [f"第{n}篇 Article {n}", *sections]
    return bodies


def collapse(seq: list[str]) -> tuple[list[str], int]:
    """Drop immediate repeats; returns the sequence and how many were dropped."""
    out: list[str] = []
    for item in seq:
        if not out or out[-1] != item:
            out.append(item)
    return out, len(seq) - len(out)


async def _seed(url: str) -> None:
    db = create_database(url)
    await db.migrate()
    feed_id, route_list = await seed_feed(db, CHANNELS)
    for n, sections in ARTICLES.items():
        await queue_article(db, feed_id, make_article(n, sections), route_list)
    await db.close()


def _driver(url: str, base_url: str, token: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.publisher_driver", url, base_url, token],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


async def _check_records(url: str) -> None:
    db = create_database(url)
    async with db.begin() as conn:
        assert await deliveries.count_by_state(conn) == {"done": len(CHANNELS) * len(ARTICLES)}
        for chat_id in CHANNELS:
            recorded = await messages.messages_in_chat(conn, chat_id)
            by_article: dict[int, list[int]] = {}
            for m in recorded:
                by_article.setdefault(m.article_id, []).append(m.part)
            assert all(parts == list(range(1, 10)) for parts in by_article.values())
    await db.close()


@pytest.mark.timeout(90)
def test_sigkill_at_random_points_loses_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    asyncio.run(_seed(url))
    fake = FakeTelegram()
    fake.latency = 0.02  # a window in which a part is sent but not yet recorded
    for chat_id in CHANNELS:
        fake.add_channel(chat_id)
    rng = random.Random(20250128)
    kills = 0
    with serve_in_thread(fake) as server:
        for _ in range(KILLS):
            proc = _driver(url, server.base_url, fake.token)
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready"
            time.sleep(rng.uniform(0.0, 0.25))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait(timeout=10)
        final = _driver(url, server.base_url, fake.token)
        out, _ = final.communicate(timeout=60)
        assert final.returncode == 0 and out.split() == ["ready", "done"]
    assert kills >= KILLS // 2  # most runs really died mid-work
    expected = expected_bodies()
    total_repeats = 0
    for chat_id in CHANNELS:
        bodies, repeats = collapse(fake.texts(chat_id))
        assert bodies == expected  # every part, in order, none missing
        assert repeats <= kills  # at most the part in flight per kill
        total_repeats += repeats
    assert total_repeats <= kills * len(CHANNELS)
    asyncio.run(_check_records(url))
    print(f"{kills} kills, {total_repeats} repeated parts, {len(fake.sent)} messages sent")
