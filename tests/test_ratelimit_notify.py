from __future__ import annotations

from bot.notify import AdminNotifier
from bot.ratelimit import SlidingWindowLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_sliding_window_per_key() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(limit=2, window=60, clock=clock)
    assert limiter.allow("a") and limiter.allow("a")
    assert not limiter.allow("a")
    assert limiter.allow("b")
    assert limiter.retry_in("a") == 60
    clock.now += 30
    assert limiter.retry_in("a") == 30
    clock.now += 30
    assert limiter.allow("a")
    assert limiter.retry_in("c") == 0


async def test_notifier_rate_limits_and_reports_suppressed() -> None:
    clock = Clock()
    sent: list[tuple[int, str]] = []

    async def send(chat_id: int, text: str) -> None:
        sent.append((chat_id, text))

    notify = AdminNotifier(send, chat_id=-5, limit=2, window=60, clock=clock)
    for i in range(5):
        await notify(f"feed {i} failed")
    assert [t for _, t in sent] == ["feed 0 failed", "feed 1 failed"]
    clock.now += 61
    await notify("feed 5 failed")
    assert sent[-1][0] == -5
    assert sent[-1][1].startswith("feed 5 failed") and "3 earlier notices" in sent[-1][1]


async def test_notifier_without_chat_or_with_failing_send() -> None:
    async def broken(chat_id: int, text: str) -> None:
        raise RuntimeError("network down")

    await AdminNotifier(broken, chat_id=None)("ignored")
    await AdminNotifier(broken, chat_id=1)("swallowed, logged")


async def test_notifier_waits_out_a_flood_limit() -> None:
    from telegram.error import RetryAfter

    calls: list[str] = []

    async def flaky(chat_id: int, text: str) -> None:
        calls.append(text)
        if len(calls) < 3:
            raise RetryAfter(0)

    await AdminNotifier(flaky, chat_id=1)("feed down")
    assert calls == ["feed down"] * 3

    async def flooded(chat_id: int, text: str) -> None:
        calls.append(text)
        raise RetryAfter(3600)

    calls.clear()
    await AdminNotifier(flooded, chat_id=1)("dropped, logged")
    assert calls == ["dropped, logged"]
