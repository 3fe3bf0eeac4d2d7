"""Article language: from the feed when it says, else from the scripts the text is written in."""

from __future__ import annotations

import re

_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
)
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def normalize_language(tag: str | None) -> str | None:
    """ "zh-CN" → "zh", "en_US" → "en"; empty → None."""
    if not tag or not tag.strip():
        return None
    return tag.strip().replace("_", "-").split("-")[0].lower() or None


def detect_language(text: str, hint: str | None = None) -> str | None:
    """The feed's language when given, else the dominant script of `text` (None if no letters)."""
    hinted = normalize_language(hint)
    if hinted:
        return hinted
    sample = text[:4000]
    latin = len(_LATIN.findall(sample))
    counts = {code: len(p.findall(sample)) for code, p in _SCRIPTS}
    if counts["ja"] and counts["ja"] * 10 >= counts["zh"]:
        counts["ja"] += counts["zh"]
    # a CJK character carries about as much as three Latin letters
    scores = {code: n * (3 if code in ("zh", "ja", "ko") else 1) for code, n in counts.items()}
    best = max(scores, key=lambda code: scores[code])
    if scores[best] and scores[best] >= latin:
        return best
    return "en" if latin else None
