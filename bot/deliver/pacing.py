"""Per-chat pacing under Telegram's flood limits: pure bookkeeping, the caller sleeps.

Telegram allows about one message a second per chat, twenty a minute in groups and
channels, and about thirty a second overall. Sending below those limits, instead
of retrying after 429s, keeps every chat flowing; a RetryAfter pauses only the chat
it came from. Times are plain floats from an injected monotonic clock.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class PacingConfig:
    """The limits to stay under; `margin` (<1) keeps a little headroom for jitter."""

    per_chat_per_second: float = 1.0
    per_group_per_minute: int = 20
    global_per_second: float = 30.0
    margin: float = 0.95
    minute: float = 60.0  # the group window, shortened only in benchmarks

    @property
    def chat_spacing(self) -> float:
        return 1.0 / (self.per_chat_per_second * self.margin)

    @property
    def global_spacing(self) -> float:
        return 1.0 / (self.global_per_second * self.margin)

    @property
    def group_window(self) -> float:
        return self.minute / self.margin


def is_group_chat(chat_id: int) -> bool:
    """Groups, supergroups and channels have negative ids; private chats positive."""
    return chat_id < 0


@dataclass(frozen=True, slots=True)
class Slot:
    """`booked`: send at `at` (the slot is yours). Otherwise sleep until `at` and ask again."""

    at: float
    booked: bool


@dataclass(slots=True)
class Pacer:
    """Books send times per chat and overall so that no limit is broken."""

    config: PacingConfig = field(default_factory=PacingConfig)
    _chat_next: dict[int, float] = field(default_factory=dict)
    _group_sends: dict[int, deque[float]] = field(default_factory=dict)
    _global_next: float = float("-inf")

    def chat_ready_at(self, chat_id: int, now: float) -> float:
        """The earliest moment the chat's own limits allow its next message."""
        ready = max(now, self._chat_next.get(chat_id, now))
        if is_group_chat(chat_id):
            sends = self._group_sends.get(chat_id)
            if sends is not None:
                window = self.config.group_window
                while sends and sends[0] <= now - window:
                    sends.popleft()
                if len(sends) >= self.config.per_group_per_minute:
                    ready = max(ready, sends[-self.config.per_group_per_minute] + window)
        return ready

    def reserve(self, chat_id: int, now: float) -> Slot:
        """Book the chat's next message if the chat may send now.

        A chat that must wait gets no global slot, so a paused or busy chat never
        holds up the others; a ready chat gets the next free global slot.
        """
        ready = self.chat_ready_at(chat_id, now)
        if ready > now:
            return Slot(ready, booked=False)
        at = max(now, self._global_next)
        self._global_next = at + self.config.global_spacing
        self._chat_next[chat_id] = at + self.config.chat_spacing
        if is_group_chat(chat_id):
            self._group_sends.setdefault(chat_id, deque()).append(at)
        return Slot(at, booked=True)

    def pause_chat(self, chat_id: int, until: float) -> None:
        """Telegram said RetryAfter for this chat: nothing goes there before `until`."""
        self._chat_next[chat_id] = max(self._chat_next.get(chat_id, until), until)

    def forget(self, chat_id: int) -> None:
        """Drop a chat's state (it migrated to a new id, or was removed)."""
        self._chat_next.pop(chat_id, None)
        self._group_sends.pop(chat_id, None)
