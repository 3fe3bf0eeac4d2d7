"""Quotation-mark spans in one paragraph (Chinese “”「」『』, English "…" and “…").

Both the sentence splitter (no split inside a quotation) and the quote finder
need the same pairing, so it lives here once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN_TO_CLOSE = {"“": "”", "「": "」", "『": "』", "‘": "’", '"': '"', "《": "》"}
CLOSERS = frozenset(OPEN_TO_CLOSE.values())
TOP_LEVEL_OPENERS = frozenset('“「『"')
_MARK = re.compile('[“”「」『』‘’"《》]')
_OPEN_CONTEXT = frozenset(" \t([{（【《—–-:：,，、;；")


@dataclass(frozen=True, slots=True)
class Span:
    """A quotation: `start` is the opening mark, `end` one past the closing mark.

    `closed` is False when the paragraph ends before the closing mark (English
    multi-paragraph quotations leave it open).
    """

    start: int
    end: int
    depth: int
    closed: bool

    def inner(self, text: str) -> str:
        stop = self.end - 1 if self.closed else self.end
        return text[self.start + 1 : stop]


def _straight_opens(text: str, i: int) -> bool:
    if i == 0:
        return True
    prev = text[i - 1]
    return prev in _OPEN_CONTEXT or ord(prev) > 0x2E7F


def quote_spans(text: str) -> list[Span]:
    """All quotation spans, outermost first within each position order."""
    stack: list[tuple[str, int]] = []
    spans: list[Span] = []
    for mark in _MARK.finditer(text):
        i, ch = mark.start(), mark.group(0)
        if ch == '"':
            if stack and stack[-1][0] == '"':
                start = stack.pop()[1]
                spans.append(Span(start, i + 1, len(stack), True))
            elif _straight_opens(text, i):
                stack.append((ch, i))
            continue
        if (ch in OPEN_TO_CLOSE and ch != "‘") or (ch == "‘" and stack):
            stack.append((ch, i))
        elif ch in CLOSERS:
            for depth in range(len(stack) - 1, -1, -1):
                if OPEN_TO_CLOSE[stack[depth][0]] == ch:
                    start = stack[depth][1]
                    del stack[depth:]
                    spans.append(Span(start, i + 1, depth, True))
                    break
    if stack and stack[0][0] in TOP_LEVEL_OPENERS:
        spans.append(Span(stack[0][1], len(text), 0, False))
    spans.sort(key=lambda s: (s.start, s.depth))
    return spans


def top_level(text: str) -> list[Span]:
    """Outermost quotations made with double or corner marks (‘…’ alone is not speech)."""
    return [s for s in quote_spans(text) if s.depth == 0 and text[s.start] in TOP_LEVEL_OPENERS]
