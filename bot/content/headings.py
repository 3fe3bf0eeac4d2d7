"""Find section headings in plain text, where nothing marks them but their shape.

A heading is a short standalone line between long paragraphs, with no sentence-closing
punctuation, no quotation and no speaker. A question ("什么是 DeepSeek?") still qualifies
when it is short and stands alone; a quoted or attributed question does not.
"""

from __future__ import annotations

import re

MAX_LEN = 40
MAX_WORDS = 12
_CLOSING = re.compile(r"[。.!！,，;；:：、…”’\"'」』)）\]]$")
_QUESTION = re.compile(r"[?？]$")
_QUOTES = re.compile(r"[“”\"「」『』«»]")
_SPEAKER = re.compile(
    r"(?:说|表示|指出|称|问道|问|写道|\bsaid\b|\bsays\b|\basked\b|\basks\b)", re.I
)
_INNER_STOP = re.compile(r"[。！!；;]|[，,]\s*\S|[.?？]\s+\S")
_CJK = re.compile(r"[\u3400-\u9fff]")
_NOT_TEXT = re.compile(r"^(?:[\d\s.,:/+-]+|\S+@\S+|https?://\S+)$")


def _size(text: str) -> int:
    """Length where a CJK character counts double, a fairer measure across scripts."""
    return len(text) + len(_CJK.findall(text))


def looks_like_heading(line: str, prev: str | None, nxt: str | None) -> bool:
    """True when `line` reads as a section heading between `prev` and `nxt`."""
    line = line.strip()
    if not line or nxt is None or len(line) > MAX_LEN or len(line.split()) > MAX_WORDS:
        return False
    if _CLOSING.search(line) or _QUOTES.search(line) or _NOT_TEXT.match(line):
        return False
    if _INNER_STOP.search(line.rstrip("?？")):
        return False
    if _QUESTION.search(line) and _SPEAKER.search(line):
        return False
    size = _size(line)
    floor = max(2 * size, 40)
    if _size(nxt) < floor and not (_size(nxt) >= 1.5 * size and _size(nxt) >= 30):
        return False
    return prev is None or _size(prev) >= floor
