"""Operational notices for the admins, never the channels, rate-limited against floods."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.ratelimit import SlidingWindowLimiter

log = logging.getLogger(__name__)

Send = Callable[[int, str], Awaitable[object]]


@dataclass(slots=True)
class AdminNotifier:
    """Sends notices to ADMIN_CHAT_ID; beyond `limit` per `window` it counts and summarises.

    A bad night (a dead host behind fifty feeds) becomes a handful of messages
    and one "N more notices suppressed" line, not a flood.
    """

    send: Send
    chat_id: int | None
    limit: int = 10
    window: float = 3600.0
    clock: Callable[[], float] = time.monotonic
    suppressed: int = 0
    _limiter: SlidingWindowLimiter = field(init=False)

    def __post_init__(self) -> None:
        self._limiter = SlidingWindowLimiter(self.limit, self.window, self.clock)

    async def __call__(self, text: str) -> None:
        log.warning("admin notice: %s", text)
        if self.chat_id is None:
            return
        if not self._limiter.allow("notice"):
            self.suppressed += 1
            return
        if self.suppressed:
            text = f"{text}\n\n({self.suppressed} earlier notices were suppressed; see the logs.)"
            self.suppressed = 0
        try:
            await self.send(self.chat_id, text)
        except Exception:  # a notice must never take down the job that raised it
            log.exception("could not send an admin notice")
