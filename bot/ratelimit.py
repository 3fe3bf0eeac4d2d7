"""Per-key sliding-window limits: reader commands per user, admin notices per window."""

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

    def allow(self, key: Hashable) -> bool:
        """Record an event for `key` if within the limit; say whether it was allowed."""
        now = self.clock()
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        return True

    def retry_in(self, key: Hashable) -> float:
        """Seconds until `key` may act again (0 when it may now)."""
        events = self._events.get(key)
        if not events or len(events) < self.limit:
            return 0.0
        return max(0.0, events[0] + self.window - self.clock())
