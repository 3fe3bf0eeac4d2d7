"""Each metric counts what its name says: deliveries started, parts sent, 429s, feed polls
by outcome. The real runtime against the stand-in Telegram and a local feed."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pytest_httpserver import HTTPServer

from bot.config import Settings
from bot.runtime import runtime
from bot.standin import FakeBotAPIRequest, FakeTelegram
from storage import feeds, routes
from storage.db import Database

CHANNEL = -1001234567890


def feed_xml(count: int, long_every: int = 0) -> str:
    items = []
    for n in range(count):
        body = (
            "Short body."
            if not long_every or n % long_every
            else "<p>" + f"Long {n}. " * 900 + "</p>"
        )
        items.append(
            f"<item><title>Item {n}</title><link>https://m.example/{n}</link><guid>m{n}</guid>"
            f"<pubDate>Tue, 04 Nov 2025 08:{n:02d}:00 GMT</pubDate>"
            f"<description><![CDATA[{body}]]></description></item>"
        )
    return f'<rss version="2.0"><channel><title>M</title>{"".join(items)}</channel></rss>'


def value(text: str, sample: str) -> float:
    for line in text.splitlines():
        if line.startswith(sample + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_metrics_count_what_they_say(db: Database, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/good.xml").respond_with_data(
        feed_xml(10, long_every=5), content_type="application/rss+xml"
    )
    httpserver.expect_request("/bad.xml").respond_with_data("nope", status=500)
    fake = FakeTelegram()
    fake.add_channel(CHANNEL, "Metrics")
    async with db.begin() as conn:
        good = await feeds.add_feed(conn, httpserver.url_for("/good.xml"), backfill=10)
        bad = await feeds.add_feed(conn, httpserver.url_for("/bad.xml"))
        for feed in (good, bad):
            await routes.add_route(conn, feed.id, CHANNEL)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        allow_private_feed_urls=True,
        send_per_chat_per_second=1000,
        send_per_group_per_minute=100000,
    )
    fake.fail_next(CHANNEL, "retry_after", times=2, retry_after=0.01, skip=3)
    async with runtime(
        settings, token=fake.token, request=FakeBotAPIRequest(fake), db=db, with_jobs=False
    ) as rt:
        rt.metrics.record_poll(await rt.poller.run_until_idle())
        for _ in range(100):  # a 429 puts its delivery back for a moment
            await rt.publisher.run_once()
            rt.metrics.record_publish()
            if value((await rt.metrics.exposition(db)).decode(), "chatwire_outbox_pending") == 0:
                break
            await asyncio.sleep(0.1)
        text = (await rt.metrics.exposition(db)).decode()
    posts = fake.sent_to(CHANNEL)
    assert value(text, "chatwire_deliveries_started_total") == 10
    assert value(text, "chatwire_deliveries_completed_total") == 10
    assert value(text, "chatwire_post_parts_sent_total") == len(posts) > 10  # long posts split
    assert value(text, 'chatwire_telegram_rate_limited_total{method="sendMessage"}') == 2
    assert value(text, 'chatwire_feed_polls_total{outcome="baseline"}') == 1
    assert value(text, 'chatwire_feed_polls_total{outcome="error"}') == 1
    assert value(text, "chatwire_new_articles_total") == 10


def test_no_metric_keeps_a_misleading_name() -> None:
    source = (Path(__file__).resolve().parents[1] / "bot" / "metrics.py").read_text()
    assert '"chatwire_polls"' not in source and '"chatwire_poll_errors"' not in source
