"""When to poll next: the feed's interval, the server's hints, jitter and backoff."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

DAY = 86_400.0
JITTER = 0.1
"""Each poll lands within ±10 % of the interval, so feeds added together drift apart."""
FIRST_SPREAD = 0.5
"""After a feed's first poll, spread it over ±50 % of its interval."""


def poll_interval(
    interval_seconds: float,
    *,
    ttl_minutes: int | None = None,
    max_age: float | None = None,
    retry_after: float | None = None,
) -> float:
    """The feed's interval, stretched by any longer server hint, capped at one day."""
    hints = [
        (ttl_minutes or 0) * 60.0,
        max_age or 0.0,
        retry_after or 0.0,
    ]
    longest = max(hints)
    if longest <= interval_seconds:
        return float(interval_seconds)
    return max(float(interval_seconds), min(longest, DAY))


def backoff_delay(error_count: int, interval_seconds: float, *, retry_after: float | None) -> float:
    """Exponential backoff from the feed's interval, capped at one day; at least Retry-After."""
    exponent = max(0, min(error_count - 1, 20))
    delay = min(interval_seconds * (2.0**exponent), DAY)
    if retry_after:
        delay = max(delay, min(retry_after, DAY))
    return delay


def jittered(
    now: datetime,
    seconds: float,
    rng: random.Random,
    *,
    spread: float = JITTER,
    cap: float = DAY,
) -> datetime:
    """`now + seconds`, moved by up to ±`spread` of it, never beyond `cap` seconds."""
    factor = 1.0 + rng.uniform(-spread, spread)
    return now + timedelta(seconds=min(cap, max(1.0, seconds * factor)))
