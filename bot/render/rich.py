"""Styled plain text in Python string indices, converted to UTF-16 entities only at the end.

Working in code points keeps slicing and searching simple; Telegram's UTF-16 offsets are
computed once per finished message, so no offset arithmetic is spread around the renderer.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from bot.models import Entity, OutgoingMessage

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def utf16_len(s: str) -> int:
    """Length of `s` in UTF-16 code units, the unit Telegram counts in."""
    if s.isascii():
        return len(s)
    return len(s.encode("utf-16-le")) // 2


@dataclass(slots=True)
class Span:
    """A styled range [start, end) in code points; becomes an `Entity`."""

    type: str
    start: int
    end: int
    url: str | None = None
    language: str | None = None


@dataclass(slots=True)
class Rich:
    """Text with spans; `keep` lists offsets (end of a heading) after which no cut may fall."""

    text: str = ""
    spans: list[Span] = field(default_factory=list)
    keep: set[int] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.text)

    def slice(self, start: int, end: int) -> Rich:
        """The sub-text [start, end) with spans clipped; a span crossing a bound is cut in two."""
        spans = [
            Span(s.type, max(s.start, start) - start, min(s.end, end) - start, s.url, s.language)
            for s in self.spans
            if s.start < end and s.end > start
        ]
        keep = {k - start for k in self.keep if start <= k <= end}
        return Rich(self.text[start:end], [s for s in spans if s.end > s.start], keep)


def join(parts: list[Rich], sep: str = "\n\n") -> Rich:
    """Concatenate non-empty parts with `sep` between them, shifting their spans."""
    texts: list[str] = []
    spans: list[Span] = []
    keep: set[int] = set()
    pos = 0
    for part in parts:
        if not part.text:
            continue
        if texts:
            texts.append(sep)
            pos += len(sep)
        texts.append(part.text)
        spans.extend(
            Span(s.type, s.start + pos, s.end + pos, s.url, s.language) for s in part.spans
        )
        keep.update(k + pos for k in part.keep)
        pos += len(part.text)
    return Rich("".join(texts), spans, keep)


class Utf16Map:
    """Converts between code-point indices and UTF-16 offsets of one text."""

    __slots__ = ("_astral", "_n")

    def __init__(self, text: str) -> None:
        self._n = len(text)
        if text.isascii() or utf16_len(text) == len(text):
            self._astral: list[int] = []
        else:
            self._astral = [m.start() for m in _ASTRAL.finditer(text)]

    def units(self, index: int) -> int:
        """UTF-16 offset of code-point `index`."""
        return index + bisect_left(self._astral, index) if self._astral else index

    def index(self, units: int) -> int:
        """Largest code-point index whose UTF-16 offset is at most `units` (clamped to the text)."""
        if units >= self.units(self._n):
            return self._n
        if not self._astral:
            return max(units, 0)
        lo, hi = 0, min(units, self._n)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.units(mid) <= units:
                lo = mid
            else:
                hi = mid - 1
        return lo


def to_entities(rich: Rich) -> list[Entity]:
    """Spans → Telegram entities in UTF-16 units, ordered by offset, at most 100."""
    umap = Utf16Map(rich.text)
    ordered = sorted(rich.spans, key=lambda s: (s.start, -s.end))
    entities = [
        Entity(
            type=s.type,
            offset=umap.units(s.start),
            length=umap.units(s.end) - umap.units(s.start),
            url=s.url,
            language=s.language,
        )
        for s in ordered
        if s.end > s.start
    ]
    return entities[:100]


def to_message(rich: Rich, photo: str | None = None) -> OutgoingMessage:
    """A finished message from styled text."""
    return OutgoingMessage(text=rich.text, entities=to_entities(rich), photo=photo)
