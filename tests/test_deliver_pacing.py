"""The pacer alone: pure bookkeeping with a clock the test holds."""

from __future__ import annotations

import heapq
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.deliver.pacing import Pacer, PacingConfig, is_group_chat

EXACT = PacingConfig(margin=1.0)


def drive(pacer: Pacer, chat_id: int, count: int, start: float = 0.0) -> list[float]:
    """Send `count` messages as soon as allowed; returns the send times."""
    now = start
    times: list[float] = []
    while len(times) < count:
        slot = pacer.reserve(chat_id, now)
        if slot.booked:
            times.append(slot.at)
        now = slot.at
    return times


def test_one_chat_gets_one_message_per_second() -> None:
    assert drive(Pacer(EXACT), 42, 4) == [0.0, 1.0, 2.0, 3.0]


def test_group_is_capped_at_twenty_per_minute() -> None:
    times = drive(Pacer(EXACT), -1001, 25)
    assert times[:20] == [float(i) for i in range(20)]
    assert times[20] == 60.0  # the first send leaves the 60 s window
    assert times[21] == 61.0


def simulate(pacer: Pacer, wants: dict[int, int]) -> list[tuple[int, float]]:
    """Each chat sends its messages as soon as allowed, like concurrent workers."""
    queue = [(0.0, chat) for chat in wants]
    heapq.heapify(queue)
    left = dict(wants)
    sent: list[tuple[int, float]] = []
    while queue:
        t, chat = heapq.heappop(queue)
        slot = pacer.reserve(chat, t)
        if not slot.booked:
            heapq.heappush(queue, (slot.at, chat))
            continue
        sent.append((chat, t))
        left[chat] -= 1
        if left[chat]:
            heapq.heappush(queue, (t, chat))
    return sent


def test_global_cap_spreads_many_chats() -> None:
    pacer = Pacer(PacingConfig(global_per_second=10, margin=1.0))
    times = [t for _, t in simulate(pacer, dict.fromkeys(range(1, 31), 1))]
    assert [round(t, 6) for t in times] == [round(i / 10, 6) for i in range(30)]


def test_global_headroom_absorbs_a_late_wake_up_only() -> None:
    config = PacingConfig(global_per_second=30, margin=0.9)  # 27/s, bucket of 3
    pacer = Pacer(config)
    assert pacer.reserve(1, 0.0).booked
    assert not pacer.reserve(2, 0.0).booked  # no burst at the start
    pacer.withdraw(2)  # chat 2 gives up waiting
    late = 1.0  # nobody sent for a second: at most the 3 spare tokens are usable at once
    booked = [pacer.reserve(chat, late).booked for chat in range(10, 16)]
    assert booked == [True, True, True, False, False, False]
    sent = simulate(Pacer(config), dict.fromkeys(range(1, 101), 1))
    times = [t for _, t in sent]
    assert max_in_window(times, 1.0) <= 30
    assert abs(len([t for t in times if t < 3.0]) - 3 * 27) <= 1


def max_in_window(times: list[float], window: float) -> int:
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - window:
            j += 1
        best = max(best, i - j + 1)
    return best


def test_retry_after_pauses_only_that_chat() -> None:
    pacer = Pacer(EXACT)
    pacer.reserve(-1, 0.0)
    pacer.pause_chat(-1, 30.0)
    waiting = pacer.reserve(-1, 5.0)
    assert not waiting.booked and waiting.at == 30.0
    other = pacer.reserve(-2, 5.0)
    assert other.booked and other.at == 5.0  # no global slot was taken by the paused chat
    assert pacer.reserve(-1, 30.0).booked


def test_margin_keeps_headroom() -> None:
    pacer = Pacer(PacingConfig())  # margin 0.95
    times = drive(pacer, 7, 3)
    assert times[1] - times[0] > 1.0


def test_waiters_are_served_in_arrival_order() -> None:
    pacer = Pacer(PacingConfig(global_per_second=10, margin=1.0))
    assert pacer.reserve(1, 0.0).booked
    second, third = pacer.reserve(2, 0.0), pacer.reserve(3, 0.0)
    assert (second.booked, third.booked) == (False, False)
    assert round(second.at, 6) == 0.1 and round(third.at, 6) == 0.2
    assert not pacer.reserve(3, 0.1).booked  # 3 may not jump ahead of 2
    assert pacer.reserve(2, 0.1).booked
    assert pacer.reserve(3, 0.2).booked


def test_a_waiter_that_stops_asking_is_dropped() -> None:
    pacer = Pacer(PacingConfig(global_per_second=10, margin=1.0))
    assert pacer.reserve(1, 0.0).booked
    assert not pacer.reserve(2, 0.0).booked  # 2 queues, then its worker dies
    assert not pacer.reserve(3, 0.1).booked  # still behind 2
    assert pacer.reserve(3, 1.2).booked  # 2 was due at 0.1: stale after a second


def test_forget_drops_a_chat() -> None:
    pacer = Pacer(EXACT)
    drive(pacer, -1, 20)
    pacer.forget(-1)
    assert pacer.reserve(-1, 20.0).booked


def test_group_chats_are_negative() -> None:
    assert is_group_chat(-1001) and not is_group_chat(5)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([-1, -2, -3, 4, 5]), st.floats(0, 5)),
        min_size=1,
        max_size=120,
    )
)
def test_no_limit_is_ever_broken(requests: list[tuple[int, float]]) -> None:
    """Whatever order chats ask in, the booked times respect every limit."""
    config = PacingConfig(per_chat_per_second=1, per_group_per_minute=20, global_per_second=3)
    pacer = Pacer(config)
    now = 0.0
    booked: list[tuple[int, float]] = []
    for chat, step in requests:
        now += step
        slot = pacer.reserve(chat, now)
        while not slot.booked:
            now = slot.at
            slot = pacer.reserve(chat, now)
        booked.append((chat, slot.at))
    eps = 1e-9
    all_times = sorted(t for _, t in booked)
    assert max_in_window(all_times, 1.0 - eps) <= config.global_per_second
    for chat in {c for c, _ in booked}:
        times = sorted(t for c, t in booked if c == chat)
        assert all(b - a >= config.chat_spacing - eps for a, b in itertools.pairwise(times))
        if chat < 0:
            assert max_in_window(times, 60.0 - eps) <= 20
