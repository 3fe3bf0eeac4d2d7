"""The pacer alone: pure bookkeeping with a clock the test holds."""

from __future__ import annotations

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


def test_global_cap_spreads_many_chats() -> None:
    pacer = Pacer(PacingConfig(global_per_second=10, margin=1.0))
    slots = [pacer.reserve(chat, 0.0) for chat in range(1, 31)]
    assert all(s.booked for s in slots)
    assert [round(s.at, 6) for s in slots[:11]] == [round(i / 10, 6) for i in range(11)]
    assert round(slots[-1].at, 6) == 2.9


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
            slot = pacer.reserve(chat, slot.at)
        booked.append((chat, slot.at))
    eps = 1e-9
    all_times = sorted(t for _, t in booked)
    for i in range(len(all_times) - 1):
        assert all_times[i + 1] - all_times[i] >= config.global_spacing - eps
    for chat in {c for c, _ in booked}:
        times = sorted(t for c, t in booked if c == chat)
        assert all(b - a >= config.chat_spacing - eps for a, b in itertools.pairwise(times))
        if chat < 0:
            for i in range(len(times) - 20):
                assert times[i + 20] - times[i] >= config.group_window - eps
