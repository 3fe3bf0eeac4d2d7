from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.ingest import dedup, schedule
from bot.models import FeedItem

T0 = datetime(2025, 1, 28, 9, 0, tzinfo=UTC)


def test_poll_interval_takes_the_longest_hint_up_to_a_day() -> None:
    assert schedule.poll_interval(600) == 600
    assert schedule.poll_interval(600, ttl_minutes=5, max_age=60) == 600
    assert schedule.poll_interval(600, ttl_minutes=60) == 3600
    assert schedule.poll_interval(600, max_age=7200, retry_after=1800) == 7200
    assert schedule.poll_interval(600, ttl_minutes=100_000) == schedule.DAY
    assert schedule.poll_interval(2 * 86_400, ttl_minutes=100_000) == 2 * 86_400


def test_backoff_doubles_and_is_capped_at_a_day() -> None:
    delays = [schedule.backoff_delay(n, 600, retry_after=None) for n in range(1, 12)]
    assert delays[:4] == [600, 1200, 2400, 4800]
    assert max(delays) == schedule.DAY and delays[-1] == schedule.DAY
    assert schedule.backoff_delay(1, 600, retry_after=7200) == 7200
    assert schedule.backoff_delay(1, 600, retry_after=10**9) == schedule.DAY


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=0, max_value=2**32))
def test_jitter_stays_in_bounds(seconds: int, seed: int) -> None:
    when = schedule.jittered(T0, seconds, random.Random(seed))
    delay = (when - T0).total_seconds()
    assert delay <= schedule.DAY
    assert delay >= min(schedule.DAY, max(1.0, seconds * 0.9)) - 1e-6
    assert delay <= max(1.0, seconds * 1.1) + 1e-6


def test_jitter_spreads_feeds_added_together() -> None:
    rng = random.Random(3)
    times = {schedule.jittered(T0, 600, rng, spread=0.5) for _ in range(50)}
    assert max(times) - min(times) > timedelta(seconds=300)


def item(guid: str | None, url: str | None, title: str = "t", **kw: object) -> FeedItem:
    return FeedItem(guid=guid, url=url, title=title, **kw)  # type: ignore[arg-type]


def test_unique_items_and_shared_links() -> None:
    items = [item("a", "u1"), item("a", "u2"), item("b", "home"), item("c", "home")]
    assert [i.url for i in dedup.unique_items(items)] == ["u1", "home", "home"]
    assert dedup.shared_links(items) == {"home"}
    assert dedup.link_key(items[2], {"home"}) is None
    assert dedup.link_key(items[0], {"home"}) == "u1"


def test_oldest_first_orders_by_date_and_keeps_undated_feed_order() -> None:
    newest = item("n", None, published=T0)
    oldest = item("o", None, published=T0 - timedelta(days=1))
    undated = item("u", None)
    assert [i.guid for i in dedup.oldest_first([newest, undated, oldest])] == ["u", "o", "n"]
    assert [i.guid for i in dedup.oldest_first([item("2", None), item("1", None)])] == ["1", "2"]


def test_fingerprint_changes_with_content_only() -> None:
    a = item("g", "u", content_html="<p>x</p>")
    assert dedup.fingerprint(a) == dedup.fingerprint(item("g", "u", content_html="<p>x</p>"))
    assert dedup.fingerprint(a) != dedup.fingerprint(item("g", "u", content_html="<p>y</p>"))
