"""Quotation-mark spans in one paragraph: “…” "…" ‘…’ '…' «…» 「…」 『…』 (and 《…》 titles).

Both the sentence splitter (no split inside a quotation) and the quote finder
need the same pairing, so it lives here once. Single quotes double as
apostrophes (I’d, players’, rock 'n' roll), so a single mark only opens before a
word at a word start and only closes after a word at a word end; an opener
that finds no closer in its paragraph is taken for an apostrophe and dropped,
unless it opens the paragraph (a quotation continued in the next paragraph).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN_TO_CLOSE = {
    "“": "”",
    "「": "」",
    "『": "』",
    "‘": "’",
    '"': '"',
    "'": "'",
    "«": "»",
    "《": "》",
}
CLOSERS = frozenset(OPEN_TO_CLOSE.values())
TOP_LEVEL_OPENERS = frozenset("“「『‘\"'«")
SINGLE = frozenset("‘'")
_MARK = re.compile("[“”「」『』‘’\"'《》«»]")
_OPEN_CONTEXT = frozenset(" \t([{（【《—–-:：,，、;；\u200e\u200f")
_MAX_PASSES = 6


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


def _opens_at(text: str, i: int) -> bool:
    """A mark at a word start: after a space, an opening bracket, punctuation or CJK."""
    if i == 0:
        return True
    prev = text[i - 1]
    return prev in _OPEN_CONTEXT or prev in "“‘\"'«「『" or ord(prev) > 0x2E7F


def _single_may_open(text: str, i: int) -> bool:
    nxt = text[i + 1 : i + 2]
    return _opens_at(text, i) and bool(nxt) and not nxt.isspace()


def _single_may_close(text: str, i: int) -> bool:
    """’ or ' after a word and not before a letter (I’d and don't are apostrophes)."""
    if i == 0 or text[i - 1].isspace():
        return False
    nxt = text[i + 1 : i + 2]
    return not (nxt.isalnum() and ord(nxt) < 0x2E80)


def _possessive(text: str, i: int, opener_at: int) -> bool:
    """players’ union: a plural possessive, when a likelier closer follows in the paragraph."""
    if not (text[i - 1 : i] in "sS" and text[i + 1 : i + 2] == " "):
        return False
    ch = "’" if text[i] == "’" else "'"
    return re.search(rf"[,.!?…;:\w]{re.escape(ch)}(?![A-Za-z0-9])", text[i + 1 :]) is not None


def _pair(text: str, ignored: set[int]) -> tuple[list[Span], list[tuple[str, int]]]:
    stack: list[tuple[str, int]] = []
    spans: list[Span] = []
    for mark in _MARK.finditer(text):
        i, ch = mark.start(), mark.group(0)
        if i in ignored:
            continue
        mismatched = ch == '"' and stack and stack[-1][0] == "“"  # “…" is common in Chinese
        if mismatched and not any(o == '"' for o, _ in stack) and _single_may_close(text, i):
            start = stack.pop()[1]
            spans.append(Span(start, i + 1, len(stack), True))
            continue
        if ch in ('"', "'"):
            open_depth = next((d for d in range(len(stack) - 1, -1, -1) if stack[d][0] == ch), -1)
            closes = open_depth >= 0 and (ch == '"' or _single_may_close(text, i))
            if closes and ch == "'" and _possessive(text, i, stack[open_depth][1]):
                closes = False
            if closes:
                start = stack[open_depth][1]
                del stack[open_depth:]
                spans.append(Span(start, i + 1, open_depth, True))
            elif (ch == '"' and _opens_at(text, i)) or (ch == "'" and _single_may_open(text, i)):
                stack.append((ch, i))
            continue
        if ch == "‘":
            if _single_may_open(text, i) or stack:
                stack.append((ch, i))
            continue
        if ch in OPEN_TO_CLOSE:
            stack.append((ch, i))
            continue
        for depth in range(len(stack) - 1, -1, -1):
            if OPEN_TO_CLOSE[stack[depth][0]] != ch:
                continue
            if ch == "’" and not _single_may_close(text, i):
                break
            if ch == "’" and _possessive(text, i, stack[depth][1]):
                break
            start = stack[depth][1]
            del stack[depth:]
            spans.append(Span(start, i + 1, depth, True))
            break
    return spans, stack


def quote_spans(text: str) -> list[Span]:
    """All quotation spans, outermost first within each position order."""
    ignored: set[int] = set()
    for _ in range(_MAX_PASSES):
        spans, stack = _pair(text, ignored)
        stray = [at for ch, at in stack if ch in SINGLE and (at > 0 and text[:at].strip() != "")]
        if not stray:
            break
        ignored.update(stray)
    if stack and stack[0][0] in TOP_LEVEL_OPENERS:
        spans.append(Span(stack[0][1], len(text), 0, False))
    spans.sort(key=lambda s: (s.start, s.depth))
    return spans


def top_level(text: str) -> list[Span]:
    """Outermost quotations (《…》 titles excluded)."""
    return [s for s in quote_spans(text) if s.depth == 0 and text[s.start] in TOP_LEVEL_OPENERS]
