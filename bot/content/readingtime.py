"""Reading time from text: CJK characters and other words at their own reading speeds."""

from __future__ import annotations

import math
import re

CJK_PER_MINUTE = 400
WORDS_PER_MINUTE = 230

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")


def estimate_minutes(
    text: str, *, cjk_per_minute: int = CJK_PER_MINUTE, words_per_minute: int = WORDS_PER_MINUTE
) -> int:
    """Whole minutes (at least 1 for any text) to read `text`."""
    cjk = sum(map(len, _CJK.findall(text)))  # runs, then their lengths: no list per character
    words = len(_WORD.findall(text))
    if not cjk and not words:
        return 0
    return max(1, math.ceil(cjk / cjk_per_minute + words / words_per_minute))
