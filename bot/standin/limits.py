"""Telegram's flood limits as the fake emulates them: a 429 when one is broken.

Per chat: a token bucket (about 1 message/s with a small burst). Groups and
channels: at most 20 messages in any 60 s. Overall: at most 30 in any second.
`scaled(k)` makes every limit k times faster, so a benchmark can run short.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from dataclasses import dataclass, field, replace


@dataclass(frozen=True, slots=True)
class RateLimits:
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 3
    group_per_window: int = 20
    group_window: float = 60.0
    global_per_window: int = 30
    global_window: float = 1.0
    whole_seconds: bool = True  # Telegram's retry_after is an integer

    def scaled(self, factor: float) -> RateLimits:
        """The same limits `factor` times faster (windows shorter, rates higher)."""
        return replace(
            self,
            per_chat_per_second=self.per_chat_per_second * factor,
            group_window=self.group_window / factor,
            global_window=self.global_window / factor,
            whole_seconds=factor == 1,
        )


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


@dataclass(slots=True)
class LimitState:
    """The counters behind `RateLimits`; `admit` books messages or says how long to wait."""

    limits: RateLimits
    buckets: dict[int, _Bucket] = field(default_factory=dict)
    group_sends: dict[int, deque[float]] = field(default_factory=dict)
    global_sends: deque[float] = field(default_factory=deque)
    broken: Counter[str] = field(default_factory=Counter)  # which limit each 429 was for

    def admit(self, chat_id: int, *, is_group: bool, count: int, now: float) -> float | None:
        """Record `count` messages to the chat now, or return the retry_after (nothing recorded)."""
        waits = [
            self._bucket_wait(chat_id, count, now),
            self._window_wait(
                self.global_sends,
                self.limits.global_per_window,
                self.limits.global_window,
                count,
                now,
            ),
        ]
        if is_group:
            sends = self.group_sends.setdefault(chat_id, deque())
            waits.append(
                self._window_wait(
                    sends, self.limits.group_per_window, self.limits.group_window, count, now
                )
            )
        wait = max(waits)
        if wait > 0:
            self.broken[("chat", "global", "group")[waits.index(wait)]] += 1
            return float(max(1, math.ceil(wait))) if self.limits.whole_seconds else wait
        self.buckets[chat_id].tokens -= count
        self.global_sends.extend([now] * count)
        if is_group:
            self.group_sends[chat_id].extend([now] * count)
        return None

    def _bucket_wait(self, chat_id: int, count: int, now: float) -> float:
        rate, burst = self.limits.per_chat_per_second, self.limits.per_chat_burst
        bucket = self.buckets.setdefault(chat_id, _Bucket(float(burst), now))
        bucket.tokens = min(float(burst), bucket.tokens + (now - bucket.at) * rate)
        bucket.at = now
        missing = count - bucket.tokens
        return max(0.0, missing / rate) if missing > 1e-9 else 0.0

    @staticmethod
    def _window_wait(
        sends: deque[float], limit: int, window: float, count: int, now: float
    ) -> float:
        while sends and sends[0] <= now - window:
            sends.popleft()
        excess = len(sends) + count - limit
        if excess <= 0:
            return 0.0
        if excess > len(sends):
            return window
        return sends[excess - 1] + window - now
