"""Cut a long styled text into chat-sized pieces at the most natural boundary.

A cut is looked for only in the last half of the window, in this order: paragraph break,
line break, sentence end (。！？.!? and closing quotes), clause mark (，,；;：:、— with or
without a space after), space; failing all, a hard cut that never lands inside a surrogate
pair or an emoji sequence. A cut never separates a heading from the paragraph after it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set
from dataclasses import dataclass

from bot.render.rich import Rich, Utf16Map

_CLOSERS = "”’」』》〉）)】\"'\\]"
_SENTENCE = re.compile(rf"(?:[。！？!?…]+|\.(?=[{_CLOSERS}]*(?:\s|$)))[{_CLOSERS}]*")
_CLAUSE = re.compile(rf"(?:[，；：、]|——?|;|(?<!\d)[,:]|[,:](?!\d))[{_CLOSERS}]*")
_ZWJ = "\u200d"


@dataclass(frozen=True, slots=True)
class Budget:
    """What one part may hold: UTF-16 units of text and number of entities."""

    units: int
    entities: int = 100


def is_safe_cut(text: str, i: int) -> bool:
    """True when cutting before text[i] keeps every grapheme whole."""
    if i <= 0 or i >= len(text):
        return True
    ch, prev = text[i], text[i - 1]
    o = ord(ch)
    if ch == _ZWJ or prev == _ZWJ or (prev == "\r" and ch == "\n"):
        return False
    if (
        0xFE00 <= o <= 0xFE0F
        or 0x1F3FB <= o <= 0x1F3FF
        or o == 0x20E3
        or 0xE0000 <= o <= 0xE01EF
        or 0xD800 <= o <= 0xDFFF
    ):
        return False
    if unicodedata.category(ch) in ("Mn", "Me", "Mc"):
        return False
    if 0x1F1E6 <= o <= 0x1F1FF:
        run = 0
        j = i - 1
        while j >= 0 and 0x1F1E6 <= ord(text[j]) <= 0x1F1FF:
            run += 1
            j -= 1
        return run % 2 == 0
    return True


def _glued(text: str, cut: int, keep: Set[int]) -> bool:
    """True when `cut` would leave a heading (a `keep` offset) at the end of a part."""
    if not keep:
        return False
    j = cut
    while j > 0 and text[j - 1].isspace():
        j -= 1
    return j in keep


def find_cut(text: str, start: int, end: int, keep: Set[int] = frozenset()) -> int:
    """Best cut in (start, end]; the piece is text[start:cut]. Always > start when end > start."""
    if end >= len(text):
        return len(text)
    lo = start + max(1, (end - start) // 2)
    for sub in ("\n\n", "\n"):
        p = text.rfind(sub, lo, end)
        while p > start and _glued(text, p, keep):
            p = text.rfind(sub, lo, p)
        if p > start:
            return p
    for pattern in (_SENTENCE, _CLAUSE):
        cuts = [m.end() for m in pattern.finditer(text, lo, min(len(text), end + 1))]
        for c in reversed(cuts):
            if start < c <= end and is_safe_cut(text, c) and not _glued(text, c, keep):
                return c
    p = max(text.rfind(" ", lo, end), text.rfind("\u3000", lo, end), text.rfind("\t", lo, end))
    while p > start and (_glued(text, p, keep) or not is_safe_cut(text, p)):
        p = max(text.rfind(" ", lo, p), text.rfind("\u3000", lo, p))
    if p > start:
        return p
    c = end
    if _is_flag_half(text[c]) and _is_flag_half(text[c - 1]):
        c = _flag_boundary(text, start, end)
        if c > start:
            return c
        c = end
    while c > start + 1 and not is_safe_cut(text, c):
        c -= 1
    if not is_safe_cut(text, c):  # one long grapheme: cutting it beats an endless loop
        c = end
    return c


def _is_flag_half(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def _flag_boundary(text: str, start: int, end: int) -> int:
    """`end` moved back to a pair boundary inside a run of flag letters, counting from `start`
    (itself a safe cut): one scan per part, where `is_safe_cut` would rescan the whole run."""
    run_start = end - 1
    while run_start > start and _is_flag_half(text[run_start - 1]):
        run_start -= 1
    return end - (end - run_start) % 2


def _skip_space(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i].isspace():
        i += 1
    return i


def _rstrip_at(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


class _SpanIndex:
    """Counts spans overlapping a range; finds where the entity budget runs out."""

    def __init__(self, rich: Rich) -> None:
        self.spans = sorted(rich.spans, key=lambda s: s.start)

    def count(self, start: int, end: int) -> int:
        return sum(1 for s in self.spans if s.start < end and s.end > start)

    def limit_end(self, start: int, end: int, allowed: int) -> int:
        """Largest end ≤ `end` such that at most `allowed` spans overlap [start, end)."""
        carried = sum(1 for s in self.spans if s.start < start < s.end or s.start == start)
        new = [s.start for s in self.spans if start < s.start < end]
        room = allowed - carried
        if room < 0 or room >= len(new):
            return end
        return new[room]


def split_ranges(
    body: Rich,
    *,
    first: Budget,
    rest: Budget,
    last_reserve: Budget,
    max_parts: int | None = None,
) -> list[tuple[int, int]]:
    """Code-point ranges of `body`, one per part; the last part leaves room for `last_reserve`.

    Stops early (returning what it has plus one extra range) once more than `max_parts`
    parts would be needed, so a caller that falls back does not pay for a full split.
    """
    text = body.text
    n = _rstrip_at(text, 0, len(text))
    umap = Utf16Map(text)
    index = _SpanIndex(body)
    ranges: list[tuple[int, int]] = []
    pos = _skip_space(text, 0)
    while pos < n:
        budget = rest if ranges else first
        if max_parts is not None and len(ranges) >= max_parts:
            ranges.append((pos, n))
            break
        tail_units = umap.units(n) - umap.units(pos)
        if (
            tail_units <= budget.units - last_reserve.units
            and index.count(pos, n) <= budget.entities - last_reserve.entities
        ):
            ranges.append((pos, n))
            break
        end = umap.index(umap.units(pos) + max(budget.units, 1))
        end = index.limit_end(pos, end, budget.entities)
        if end >= n:
            end = n - 1
        end = max(end, pos + 1)
        cut = find_cut(text, pos, end, body.keep)
        stop = _rstrip_at(text, pos, cut)
        if stop <= pos:
            stop = cut
        ranges.append((pos, stop))
        pos = _skip_space(text, cut)
    return ranges
