"""Virtual time for publisher tests: sleeping advances the clock instead of waiting."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta


class VirtualClock:
    """Concurrent sleepers overlap: two 1 s sleeps started together end at t+1, not t+2."""

    def __init__(self, start: datetime | None = None) -> None:
        self.start = start or datetime(2025, 1, 28, 9, 0, tzinfo=UTC)
        self.t = 0.0
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.t)

    def monotonic(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        target = self.t + max(0.0, seconds)
        self.slept.append(seconds)
        await asyncio.sleep(0)
        self.t = max(self.t, target)

    def advance(self, seconds: float) -> None:
        self.t += seconds
