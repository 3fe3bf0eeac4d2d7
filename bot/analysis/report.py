"""Summaries and quotations as JSON (CLI `--json`) or as chat text (bot answers)."""

from __future__ import annotations

import json

from bot.analysis.quotes import Quote
from bot.analysis.summary import Summary
from bot.content.typography import polish_cjk

_LABELS = {
    "zh": {
        "summary": "摘要",
        "no_summary": "这篇文章没有可供摘要的正文。",
        "quotes": "文中引语",
        "no_quotes": "这篇文章里没有找到直接引语。",
    },
    "en": {
        "summary": "Summary",
        "no_summary": "This article has no body text to summarise.",
        "quotes": "Quotations",
        "no_quotes": "No direct quotations found in this article.",
    },
}


def _labels(language: str | None) -> dict[str, str]:
    lang = (language or "en").lower()
    return _LABELS["zh"] if lang.startswith(("zh", "ja", "ko")) else _LABELS["en"]


def _is_zh(language: str | None) -> bool:
    return _labels(language) is _LABELS["zh"]


def format_summary_json(s: Summary) -> str:
    """{"summary": "...", "sentences": [...]} (non-ASCII kept readable)."""
    return json.dumps({"summary": s.text, "sentences": s.sentences}, ensure_ascii=False, indent=2)


def format_quotes_json(qs: list[Quote]) -> str:
    """[{"quote", "speaker", "role"}] in article order."""
    rows = [{"quote": q.quote, "speaker": q.speaker, "role": q.role} for q in qs]
    return json.dumps(rows, ensure_ascii=False, indent=2)


def summary_text(s: Summary, language: str | None) -> str:
    """A chat answer: a label line, then the summary."""
    labels = _labels(language)
    if not s.text:
        return labels["no_summary"]
    colon = "：" if _is_zh(language) else ":"
    # Answers follow the posts' Chinese typography (full-width marks, pangu spacing).
    return f"{labels['summary']}{colon}\n{polish_cjk(s.text, language=language)}"


def _speaker(q: Quote, zh: bool) -> str:
    if not q.speaker:
        return ""  # said by someone the article does not name
    if not q.role:
        return q.speaker
    return f"{q.speaker}（{q.role}）" if zh else f"{q.speaker} ({q.role})"


def quotes_text(qs: list[Quote], language: str | None) -> str:
    """A chat answer: numbered quotations, each with its speaker and role."""
    labels = _labels(language)
    if not qs:
        return labels["no_quotes"]
    zh = _is_zh(language)
    colon = "：" if zh else ": "
    lines = [f"{labels['quotes']}{colon.strip()}"]
    for n, q in enumerate(qs, 1):
        who = polish_cjk(_speaker(q, zh), language=language)
        said = polish_cjk(q.quote, language=language)
        lines.append(f"{n}. {who}{colon}“{said}”" if who else f"{n}. “{said}”")
    return "\n".join(lines)
