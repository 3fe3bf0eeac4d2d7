"""Per-key sliding-window limits: reader commands per actor, feedback and admin notices overall.

Keys are forgotten once idle for a whole window (swept at most once per window,
so the cost stays O(1) per event on average): memory is bounded by the actors
active in the last two windows, not by everyone who ever wrote.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field


@dataclass(slots=True)
class SlidingWindowLimiter:
    """Allows at most `limit` events per key in any `window` seconds."""

    limit: int
    window: float
    clock: Callable[[], float] = time.monotonic
    _events: dict[Hashable, deque[float]] = field(default_factory=dict)
    _warned: set[Hashable] = field(default_factory=set)
    _next_sweep: float = float("-inf")

    def allow(self, key: Hashable) -> bool:
        """Record an event for `key` if within the limit; say whether it was allowed."""
        now = self.clock()
        self._sweep(now)
        events = self._events.get(key)
        if events is None:
            events = self._events[key] = deque()
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        self._warned.discard(key)
        return True

    def retry_in(self, key: Hashable) -> float:
        """Seconds until `key` may act again (0 when it may now)."""
        events = self._events.get(key)
        if not events or len(events) < self.limit:
            return 0.0
        return max(0.0, events[0] + self.window - self.clock())

    def first_refusal(self, key: Hashable) -> bool:
        """True the first time `key` is refused since its last allowed event.

        Lets a handler say "slow down" once instead of answering every message of a flood.
        """
        if key in self._warned:
            return False
        self._warned.add(key)
        return True

    def _sweep(self, now: float) -> None:
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.window
        cutoff = now - self.window
        idle = [key for key, events in self._events.items() if not events or events[-1] <= cutoff]
        for key in idle:
            del self._events[key]
            self._warned.discard(key)

    def __len__(self) -> int:
        """How many keys are remembered now."""
        return len(self._events)
