"""Extractive summary: the most central body sentences, in article order.

Deterministic and offline, so the caller can cache it per article under
`EXTRACTIVE_NAME`; bump the version whenever the output may change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.analysis.marks import top_level
from bot.analysis.rank import cosine, pagerank, similarity_graph, tfidf, tokens
from bot.analysis.sentences import split_paragraph
from bot.analysis.text import detect_language, paragraphs, text_weight

EXTRACTIVE_NAME = "extractive-v1"

MAX_RANKED = 300  # sentences ranked at most: keeps the graph O(n²) bounded
MIN_SENTENCES = 3
MAX_SENTENCES = 10
SHARE = 0.15  # long articles: about this fraction of their sentences
BUDGET_UTF16 = 3500  # leaves room for a label inside one 4096-unit message
REDUNDANT = 0.5  # cosine above which a sentence repeats a chosen one
MIN_WEIGHT = 12  # shorter sentences (fragments, datelines) are not summary material
QUOTE_PENALTY = 0.6  # mostly-quotation sentences rank below reporting
DANGLING_PENALTY = 0.75  # "该公司…", "He said…": unclear once lifted out of context
PRIOR_EXPONENT = 0.5  # how fast the position prior decays over the article

_DANGLING = re.compile(
    r"^(?:该|其(?![中实])|它|他|她|这|那|此|换言之|此外|不过|但|而|然而|同时|因此|因为|所以|"
    r"(?:he|she|it|they|this|these|those|that|but|however|also|still|meanwhile|so)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Summary:
    text: str
    sentences: list[str]
    method: str


@dataclass(frozen=True, slots=True)
class _Candidate:
    text: str
    position: int


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _quoted_share(sentence: str) -> float:
    inside = sum(s.end - s.start for s in top_level(sentence))
    return inside / max(1, len(sentence))


def candidates(text: str) -> list[_Candidate]:
    """Body sentences long enough to stand alone, in article order."""
    out: list[_Candidate] = []
    for para in paragraphs(text):
        if para.kind != "body":
            continue
        for sentence in split_paragraph(para.text):
            if sentence[-1] in ":：" or text_weight(sentence) < MIN_WEIGHT:
                continue
            out.append(_Candidate(sentence, len(out)))
    return out


def target_count(n: int, max_sentences: int | None) -> int:
    """3 for short articles, ~15% for long ones, never more than MAX_SENTENCES."""
    if max_sentences is not None:
        return max(1, min(n, max_sentences))
    wanted = int(SHARE * n + 0.5)
    return min(n, max(MIN_SENTENCES, min(MAX_SENTENCES, wanted)))


def rank(cands: list[_Candidate]) -> tuple[list[float], list[dict[str, float]]]:
    """Centrality × quotation penalty for each candidate, plus its tf-idf vector."""
    vectors = tfidf([tokens(c.text) for c in cands])
    prior = [(1.0 + c.position) ** -PRIOR_EXPONENT for c in cands]
    scores = pagerank(similarity_graph(vectors), prior)
    for i, c in enumerate(cands):
        if _quoted_share(c.text) > 0.5:
            scores[i] *= QUOTE_PENALTY
        if _DANGLING.match(c.text):
            scores[i] *= DANGLING_PENALTY
    return scores, vectors


def _select(cands: list[_Candidate], count: int) -> list[_Candidate]:
    scores, vectors = rank(cands)
    order = sorted(range(len(cands)), key=lambda i: (-scores[i], i))
    chosen: list[int] = []
    used = 0
    for i in order:
        if len(chosen) >= count:
            break
        if any(cosine(vectors[i], vectors[j]) > REDUNDANT for j in chosen):
            continue
        size = utf16_len(cands[i].text) + 1
        if used + size > BUDGET_UTF16:
            continue
        chosen.append(i)
        used += size
    return [cands[i] for i in sorted(chosen)]


def join_sentences(sentences: list[str], language: str) -> str:
    return ("" if language == "zh" else " ").join(sentences)


def extractive_summary(
    text: str, language: str | None = None, *, max_sentences: int | None = None
) -> Summary:
    """Summarise an article body (Markdown or plain text) without any network."""
    lang = detect_language(text, language)
    cands = candidates(text)[:MAX_RANKED]
    if not cands:
        return Summary("", [], EXTRACTIVE_NAME)
    picked = _select(cands, target_count(len(cands), max_sentences))
    sentences = [c.text for c in picked]
    return Summary(join_sentences(sentences, lang), sentences, EXTRACTIVE_NAME)
