"""Operational notices for the admins, never the channels, rate-limited against floods."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from telegram.error import RetryAfter

from bot.deliver.telegram_send import retry_seconds
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
    attempts: int = 4
    max_wait: float = 60.0  # longer flood waits drop the notice rather than stall the job
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
        for attempt in range(1, self.attempts + 1):
            try:
                await self.send(self.chat_id, text)
                return
            except RetryAfter as exc:  # a burst of notices met the flood limit: wait, resend
                wait = retry_seconds(exc)
                if attempt == self.attempts or wait > self.max_wait:
                    log.error("admin notice dropped after a flood wait of %.0f s", wait)
                    return
                await asyncio.sleep(wait)
            except Exception:  # a notice must never take down the job that raised it
                log.exception("could not send an admin notice")
                return
