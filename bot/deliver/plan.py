"""Which messages a delivery sends, including any fallback it already fell back to.

A post is rendered the same way every time. When Telegram rejects a part as too long
or badly formatted, the rest of the post from that part on is re-cut smaller (level
1), then sent as plain text (level 2, 3: plainer and smaller still). Each sent part
is recorded with its level in `messages.kind` ("post", "post.1", …), so after a
restart the same plan is rebuilt from the rendering and the recorded parts, and
sending resumes at the first unsent part.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.deliver.fallback import split_all
from bot.models import Entity, OutgoingMessage

PlainFn = Callable[[list[OutgoingMessage]], list[OutgoingMessage]]
MAX_LEVEL = 3
POST_KIND = "post"


def kind_for(level: int) -> str:
    return POST_KIND if level == 0 else f"{POST_KIND}.{level}"


def level_of(kind: str) -> int:
    head, _, level = kind.partition(".")
    return int(level) if head == POST_KIND and level.isdigit() else 0


def dump_parts(parts: Sequence[OutgoingMessage]) -> list[dict[str, Any]]:
    """A rendering as JSON, stored with the delivery when its first part goes out."""
    return [
        {"text": m.text, "entities": [asdict(e) for e in m.entities], "photo": m.photo}
        for m in parts
    ]


def load_parts(stored: Sequence[dict[str, Any]]) -> list[OutgoingMessage]:
    """The rendering `dump_parts` stored."""
    return [
        OutgoingMessage(
            str(m["text"]), [Entity(**e) for e in m.get("entities") or []], m.get("photo")
        )
        for m in stored
    ]


def transform(
    messages: list[OutgoingMessage], level: int, max_length: int, plain: PlainFn
) -> list[OutgoingMessage]:
    """The fallback form of `messages` at `level` (1: smaller, 2: plain, 3: plain, smaller)."""
    if level <= 0:
        return messages
    units = max(256, max_length // (2 if level < 3 else 4))
    source = plain(messages) if level >= 2 else messages
    return split_all(source, units)


@dataclass(slots=True)
class Plan:
    base: list[OutgoingMessage]
    max_length: int
    plain: PlainFn
    points: list[tuple[int, int]] = field(default_factory=list)  # (part index, level)
    messages: list[OutgoingMessage] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rebuild()

    @classmethod
    def resume(
        cls,
        base: list[OutgoingMessage],
        recorded_kinds: Sequence[tuple[int, str]],
        *,
        max_length: int,
        plain: PlainFn,
    ) -> Plan:
        """Rebuild the plan from recorded (part number, kind) pairs."""
        points: list[tuple[int, int]] = []
        current = 0
        for part, kind in sorted(recorded_kinds):
            level = level_of(kind)
            if level > current:
                points.append((part - 1, level))
                current = level
        return cls(base, max_length, plain, points)

    def level_at(self, index: int) -> int:
        level = 0
        for start, lvl in self.points:
            if start <= index:
                level = lvl
        return level

    def escalate(self, index: int) -> bool:
        """Fall back one level from part `index` on; False when no level is left."""
        level = self.level_at(index) + 1
        if level > MAX_LEVEL:
            return False
        self.points = [p for p in self.points if p[0] < index] + [(index, level)]
        self._rebuild()
        return True

    def _rebuild(self) -> None:
        messages = list(self.base)
        for index, level in self.points:
            messages = messages[:index] + transform(
                messages[index:], level, self.max_length, self.plain
            )
        self.messages = messages
