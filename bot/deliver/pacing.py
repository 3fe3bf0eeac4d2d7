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
    second: float = 1.0  # the overall window, likewise

    @property
    def chat_spacing(self) -> float:
        return 1.0 / (self.per_chat_per_second * self.margin)

    @property
    def group_window(self) -> float:
        return self.minute / self.margin


def is_group_chat(chat_id: int) -> bool:
    """Groups, supergroups and channels have negative ids; private chats positive."""
    return chat_id < 0


@dataclass(frozen=True, slots=True)
class Slot:
    """`booked`: send now (the slot is yours). Otherwise sleep until `at` and ask again."""

    at: float
    booked: bool


@dataclass(slots=True)
class Pacer:
    """Decides, at the moment of sending, whether a chat may send now.

    Only a send that happens now is booked, so a worker that wakes late cannot
    squeeze its message closer to the others. Overall sends draw from a token
    bucket filled at `global_per_second * margin`, holding at most the headroom
    left to the true limit: any one second sees at most `global_per_second`.
    """

    config: PacingConfig = field(default_factory=PacingConfig)
    _chat_next: dict[int, float] = field(default_factory=dict)
    _group_sends: dict[int, deque[float]] = field(default_factory=dict)
    _tokens: float | None = None
    _waiting: dict[int, float] = field(default_factory=dict)  # chat → when it asks next
    _tokens_at: float = 0.0

    @property
    def _rate(self) -> float:
        return self.config.global_per_second * self.config.margin

    @property
    def _capacity(self) -> float:
        headroom = (self.config.global_per_second - self._rate) * self.config.second
        return max(1.0, headroom)

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

    def global_ready_at(self, now: float) -> float:
        """When the overall bucket next holds a whole token."""
        tokens = self._refill(now)
        return now if tokens >= 1.0 else now + (1.0 - tokens) / self._rate

    def reserve(self, chat_id: int, now: float) -> Slot:
        """Book a send for right now if every limit allows it; else say when to ask again.

        Chats whose own limits allow a send queue for the overall limit in arrival
        order, so every chat progresses at the same pace when the overall cap binds.
        """
        chat_ready = self.chat_ready_at(chat_id, now)
        if chat_ready > now:
            return Slot(chat_ready, booked=False)
        self._drop_stale(now)
        self._waiting.setdefault(chat_id, now)
        position = list(self._waiting).index(chat_id)
        global_ready = self.global_ready_at(now)
        if position > 0 or global_ready > now:
            at = max(global_ready, now) + position / self._rate
            self._waiting[chat_id] = at  # when it will ask again
            return Slot(at, booked=False)
        del self._waiting[chat_id]
        self._tokens = self._refill(now) - 1.0
        self._chat_next[chat_id] = now + self.config.chat_spacing
        if is_group_chat(chat_id):
            self._group_sends.setdefault(chat_id, deque()).append(now)
        return Slot(now, booked=True)

    def withdraw(self, chat_id: int) -> None:
        """The chat no longer waits to send (its worker stopped)."""
        self._waiting.pop(chat_id, None)

    def _drop_stale(self, now: float) -> None:
        """A waiter that stopped asking must not hold up the queue."""
        limit = now - self.config.second
        for chat_id, due in list(self._waiting.items()):
            if due < limit:
                del self._waiting[chat_id]

    def _refill(self, now: float) -> float:
        if self._tokens is None:  # start with one token: the headroom is for catching up
            self._tokens, self._tokens_at = 1.0, now
        elapsed = max(0.0, now - self._tokens_at)
        self._tokens = min(self._capacity, self._tokens + elapsed * self._rate)
        self._tokens_at = max(self._tokens_at, now)
        return self._tokens

    def pause_chat(self, chat_id: int, until: float) -> None:
        """Telegram said RetryAfter for this chat: nothing goes there before `until`."""
        self._chat_next[chat_id] = max(self._chat_next.get(chat_id, until), until)
        self._waiting.pop(chat_id, None)

    def forget(self, chat_id: int) -> None:
        """Drop a chat's state (it migrated to a new id, or was removed)."""
        self._chat_next.pop(chat_id, None)
        self._group_sends.pop(chat_id, None)
        self._waiting.pop(chat_id, None)
