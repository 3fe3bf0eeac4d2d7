"""Two `chatwire run --worker` processes on PostgreSQL; one is frozen mid-post past its lease.

Each worker talks to its own HTTP port of one stand-in, so the stand-in knows who
sends. When a worker sends the second part of the first multi-part post, the
stand-in creates the message and, before answering, freezes that worker (SIGSTOP):
the part is in flight. The lease runs out (DELIVERY_LEASE_SECONDS, shortened here),
the other worker claims the post and finishes it and the rest of the queue. The
frozen worker is then woken (SIGCONT) and gets its answer: it must send nothing
more. The channel shows every part in order, nothing lost, and only the part that
was in flight twice.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from bot.deliver.rendering import render_for_route
from bot.models import Article
from bot.standin import FakeTelegram
from bot.standin.http_botapi import RunningServer, start_in_thread
from storage import articles, deliveries, feeds, messages, routes
from storage.db import create_database
from storage.schema import deliveries as deliveries_table
from tests.reliability_helpers import (
    create_private_database,
    database_url_named,
    drop_private_database,
    entity_dicts,
    private_database_name,
    start_worker,
    stop_worker,
    wait_for,
)

POSTGRES_URL = os.environ.get("CHATWIRE_TEST_POSTGRES_URL")
CHANNEL = -100301
OTHER = -100302
LEASE_SECONDS = 2.0
POSTS = 3
OPTIONS = {"max_length": 400}  # every post goes out in several parts

pytestmark = [
    pytest.mark.skipif(
        POSTGRES_URL is None,
        reason="needs PostgreSQL: set CHATWIRE_TEST_POSTGRES_URL (scripts/postgres.sh start)",
    ),
    pytest.mark.timeout(120),
]


def article(number: int) -> Article:
    paragraphs = [
        f"第{number}篇第{p}段：港口的起重机昼夜不停，集装箱在码头上越堆越高。" * 3
        + f" Paragraph {p} of post {number}, with enough words to need its own part."
        for p in range(4)
    ]
    return Article(
        title=f"Harbour report {number}",
        url=f"https://harbour.example/{number}",
        guid=f"harbour-{number}",
        language="zh",
        content_markdown="\n\n".join(paragraphs),
    )


class Gate:
    """Stands between the workers' ports and the stand-in; freezes a worker mid-post."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.pids: dict[str, int] = {}
        self.lock = threading.Lock()
        self.frozen: str | None = None
        self.frozen_event = threading.Event()
        self.sends: list[tuple[str, int, str]] = []  # (worker, chat, text) in order

    def port(self, name: str) -> Any:
        gate = self

        class Port:
            async def call(
                self,
                token: str,
                method: str,
                raw: dict[str, str],
                files: dict[str, Any] | None = None,
            ) -> tuple[int, dict[str, Any]]:
                status, body = await gate.fake.call(token, method, raw, files)
                if method == "sendMessage" and status == 200:
                    gate.sent(name, body["result"])
                return status, body

        return Port()

    def sent(self, name: str, message: dict[str, Any]) -> None:
        chat, text = int(message["chat"]["id"]), str(message.get("text", ""))
        with self.lock:
            self.sends.append((name, chat, text))
            part = sum(1 for w, c, _ in self.sends if c == chat)
            if self.frozen is None and chat == CHANNEL and part == 2:
                self.frozen = name
                os.kill(self.pids[name], signal.SIGSTOP)  # before it hears the answer
                self.frozen_event.set()


@pytest.fixture
def database_url() -> Iterator[str]:
    assert POSTGRES_URL is not None
    name = private_database_name("fencing")
    asyncio.run(create_private_database(POSTGRES_URL, name))
    yield database_url_named(POSTGRES_URL, name)
    asyncio.run(drop_private_database(POSTGRES_URL, name))


async def seed(url: str) -> None:
    db = create_database(url)
    await db.migrate()
    async with db.begin() as conn:
        feed = await feeds.add_feed(conn, "https://harbour.example/feed.xml")
        await feeds.update_feed(conn, feed.id, active=False)  # nothing to poll
        queued = [
            await routes.add_route(conn, feed.id, chat, options=OPTIONS)
            for chat in (CHANNEL, OTHER)
        ]
        for number in range(1, POSTS + 1):
            item = article(number)
            item.feed_id = feed.id
            article_id = await articles.insert_article(conn, item)
            await deliveries.enqueue_deliveries(conn, article_id, queued)
    await db.close()


async def outbox(url: str) -> dict[str, int]:
    db = create_database(url)
    try:
        async with db.begin() as conn:
            return await deliveries.count_by_state(conn)
    finally:
        await db.close()


async def promised(url: str, chat: int) -> list[tuple[Any, ...]]:
    """The chat's parts in delivery order, checked against the recorded parts."""
    db = create_database(url)
    out: list[tuple[Any, ...]] = []
    try:
        async with db.begin() as conn:
            rows = await conn.execute(
                deliveries_table.select()
                .where(deliveries_table.c.chat_id == chat)
                .order_by(deliveries_table.c.id)
            )
            for d in [deliveries.Delivery(**row._asdict()) for row in rows]:
                stored = await articles.get_article(conn, d.article_id)
                assert stored is not None and d.state == "done" and d.lease_until is None
                parts = render_for_route(stored, OPTIONS)
                recorded = await messages.messages_for_delivery(conn, d.id)
                assert [m.part for m in recorded] == list(range(1, len(parts) + 1))
                out += [(p.text, entity_dicts(p)) for p in parts]
    finally:
        await db.close()
    return out


def test_a_worker_frozen_past_its_lease_sends_nothing_more(
    tmp_path: Path, database_url: str
) -> None:
    asyncio.run(seed(database_url))
    fake = FakeTelegram()
    fake.add_channel(CHANNEL, "Harbour")
    fake.add_channel(OTHER, "Harbour too")
    gate = Gate(fake)
    servers: list[RunningServer] = [
        start_in_thread(cast(FakeTelegram, gate.port(name))) for name in ("a", "b")
    ]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "PUBLISH_TICK_SECONDS": "0.2",
        "POLL_TICK_SECONDS": "5",
        "SEND_PER_CHAT_PER_SECOND": "20",
        "SEND_PER_GROUP_PER_MINUTE": "10000",
        "SEND_GLOBAL_PER_SECOND": "100",
        "DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
        "LOG_LEVEL": "INFO",
    }
    logs = {name: tmp_path / f"{name}.log" for name in ("a", "b")}
    procs = {
        name: start_worker({**env, "TELEGRAM_API_BASE_URL": server.base_url}, logs[name])
        for name, server in zip(("a", "b"), servers, strict=True)
    }
    for name, proc in procs.items():
        gate.pids[name] = proc.pid
    try:
        assert gate.frozen_event.wait(60), logs["a"].read_text()[-2000:]
        victim = gate.frozen
        assert victim is not None
        survivor = "b" if victim == "a" else "a"
        # The survivor takes the post over once the lease has passed and finishes everything.
        finished = wait_for(
            lambda: asyncio.run(outbox(database_url)) == {"done": 2 * POSTS}, timeout=60, every=0.3
        )
        assert finished, (asyncio.run(outbox(database_url)), logs[survivor].read_text()[-3000:])
        with gate.lock:
            sent_at_wake = len(gate.sends)
        procs[victim].send_signal(signal.SIGCONT)
        assert wait_for(lambda: "taken over" in logs[victim].read_text(), timeout=20), logs[
            victim
        ].read_text()[-3000:]
        time.sleep(2 * float(env["PUBLISH_TICK_SECONDS"]) + 0.5)  # a few more ticks to misbehave
    finally:
        for proc in procs.values():
            stop_worker(proc)
        for server in servers:
            server.stop()
    victim_log, survivor_log = logs[victim].read_text(), logs[survivor].read_text()
    assert procs[survivor].returncode == 0, survivor_log[-3000:]
    assert procs[victim].returncode == 0, victim_log[-3000:]
    assert fake.token not in victim_log + survivor_log

    with gate.lock:
        woken = [w for w, _, _ in gate.sends[sent_at_wake:]]
    assert victim not in woken  # the woken worker sent nothing more
    # The part in flight at the freeze (part 2 of the first post) is shown twice.
    shown = [(r.body, r.entities) for r in fake.sent_to(CHANNEL)]
    expected = asyncio.run(promised(database_url, CHANNEL))
    assert shown == [*expected[:2], expected[1], *expected[2:]]
    # The other channel: nothing lost, at most a part the frozen worker had in flight there.
    shown = [(r.body, r.entities) for r in fake.sent_to(OTHER)]
    expected = asyncio.run(promised(database_url, OTHER))
    unique = [m for i, m in enumerate(shown) if i == 0 or shown[i - 1] != m]
    assert unique == expected and len(shown) - len(unique) <= 1
