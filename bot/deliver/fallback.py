"""Smaller and plainer versions of a post, for when Telegram rejects a part.

Pure functions over OutgoingMessage: `split_message` re-cuts a part into pieces of at
most `max_units` UTF-16 units at the most natural boundary, clipping entities;
`strip_entities` is the plain-text fallback used when no better one is injected.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from bot.models import Entity, OutgoingMessage

MAX_ENTITIES = 100
CAPTION_UNITS = 1024
_BREAKS = (
    re.compile(r"\n\n"),
    re.compile(r"\n"),
    re.compile(r"[。！？!?…]|\.(?=\s)"),
    re.compile(r"[，,；;：:、]"),
    re.compile(r"\s"),
)


def utf16_prefix(text: str) -> list[int]:
    """prefix[i] = UTF-16 units in text[:i]; len(text) + 1 entries."""
    prefix = [0]
    total = 0
    for ch in text:
        total += 2 if ord(ch) > 0xFFFF else 1
        prefix.append(total)
    return prefix


def strip_entities(messages: list[OutgoingMessage]) -> list[OutgoingMessage]:
    """The same text with no formatting at all: nothing left for Telegram to reject."""
    return [OutgoingMessage(m.text, [], m.photo) for m in messages]


def split_message(message: OutgoingMessage, max_units: int) -> list[OutgoingMessage]:
    """Pieces of at most `max_units` UTF-16 units; a photo stays only if its caption fits."""
    limit = min(max_units, CAPTION_UNITS) if message.photo else max_units
    prefix = utf16_prefix(message.text)
    if prefix[-1] <= limit:
        return [message]
    pieces = [
        OutgoingMessage(message.text[a:b], _clip(message.entities, prefix, a, b))
        for a, b in _ranges(message.text, prefix, max_units)
    ]
    return pieces


def split_all(messages: list[OutgoingMessage], max_units: int) -> list[OutgoingMessage]:
    return [piece for m in messages for piece in split_message(m, max_units)]


def _ranges(text: str, prefix: list[int], max_units: int) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while start < n:
        while start < n and text[start].isspace():
            start += 1
        if start >= n:
            break
        end = bisect_right(prefix, prefix[start] + max_units) - 1
        if end < n:
            end = _best_cut(text, start, end)
        piece_end = start + len(text[start:end].rstrip())
        if piece_end > start:
            ranges.append((start, piece_end))
        start = end
    return ranges


def _best_cut(text: str, start: int, end: int) -> int:
    """Cut after the last paragraph, line, sentence, clause or word break in the back half."""
    low = start + (end - start) // 2
    window = text[low:end]
    for pattern in _BREAKS:
        found = [m.end() for m in pattern.finditer(window)]
        if found:
            return low + found[-1]
    return end if end > start else start + 1


def _clip(entities: list[Entity], prefix: list[int], a: int, b: int) -> list[Entity]:
    clipped: list[Entity] = []
    for e in entities:
        s = max(bisect_left(prefix, e.offset), a)
        t = min(bisect_left(prefix, e.offset + e.length), b)
        if t > s:
            clipped.append(
                Entity(e.type, prefix[s] - prefix[a], prefix[t] - prefix[s], e.url, e.language)
            )
    return clipped[:MAX_ENTITIES]
