"""Sentence segmentation for Chinese and English news text.

Chinese ends sentences with 。！？ (plus closing quotes), English with . ! ? —
except after abbreviations (Mr., U.S., Inc.), initials (F. Scott), inside
decimals (3.14) and, for both, inside a quotation that closes in the paragraph.
"""

from __future__ import annotations

import re

from bot.analysis.lexicon import words
from bot.analysis.marks import top_level
from bot.analysis.text import is_cjk_char, paragraphs

_CJK_STOPS = frozenset("。！？")
_ASCII_STOPS = frozenset(".!?…")
_CLOSERS = frozenset("”」』’\"')）]》")
_OPENERS = frozenset("“「『‘\"'(（[《")
_MAX_PROTECTED = 400

# Never a sentence end: titles before a name, "No. 5", "vs." …
_NEVER_END = words(
    "mr mrs ms messrs dr prof sr jr st gen sen rep gov lt col capt sgt rev hon mt ft no nos "
    "vs v fig figs approx dept est op pp vol"
)
# A sentence end only when the next word usually starts a sentence.
_MAYBE_END = words(
    "inc ltd co corp llc plc bros etc al jan feb mar apr jun jul aug sep sept oct nov dec "
    "a.m p.m u.s u.k e.u u.n i.e e.g d.c n.y"
)
_STARTERS = words(
    "the a an but and he she it they we i in on at this that these those there his her its "
    "their our mr mrs ms dr some many most still yet so shares investors after before while "
    "when if as for however meanwhile other analysts then now also what why how"
)
# A full stop that does not follow a title ("Mr.") or an initial ("F."): the dot first, so the
# fixed-width lookbehinds (Python's re has no variable-width ones) run only at dots.
SENTENCE_DOT = "\\.(?<!\\b[A-Z]\\.)" + "".join(
    f"(?<!\\b{word.capitalize()}\\.)" for word in sorted(_NEVER_END)
)
_WORD_BEFORE = re.compile(r"([A-Za-z](?:[A-Za-z.]*[A-Za-z])?)\.?$")
_TOKEN_BEFORE = re.compile(r"[^\s\"“”'‘’(\[]+$")
_PLAIN_WORD = re.compile(r"[A-Za-z]?[a-z]{2,}")
_CAPITALISED = re.compile(r"(?!(?:Com|Net|Org|Gov|Edu|Info)\b)[A-Z][a-z]{2,}\b")  # not "Amazon.Com"


def _protected(text: str) -> list[tuple[int, int]]:
    return [
        (s.start, s.end) for s in top_level(text) if s.closed and s.end - s.start <= _MAX_PROTECTED
    ]


def _inside(first: int, after: int, spans: list[tuple[int, int]]) -> bool:
    """True when text[first:after] sits inside a quotation that is still open at `after`."""
    return any(a < first and after < b for a, b in spans)


def _abbreviation_blocks(text: str, dot: int, nxt: str) -> bool:
    """True when the '.' at `dot` belongs to an abbreviation or an initial."""
    m = _WORD_BEFORE.search(text[max(0, dot - 12) : dot])
    if not m:
        return False
    word = m.group(1)
    low = word.lower()
    if low in _NEVER_END:
        return True
    if len(word) == 1 and word.isupper():
        return True  # an initial: "F. Scott"
    if low in _MAYBE_END or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):
        return nxt.lower().rstrip(".,") not in _STARTERS
    return False


def _glued(text: str, run_start: int, end: int) -> bool:
    """ "…in April.Previously, Modi…": a feed that lost the space after a full stop.

    Only a bare full stop between a plain lower-case word and a capitalised one; not a
    domain, a path, a version or an abbreviation ("Node.js", "ASP.NET", "e.g.The")."""
    if text[run_start:end] != ".":
        return False
    word = _TOKEN_BEFORE.search(text[max(0, run_start - 40) : run_start])
    return bool(word and _PLAIN_WORD.fullmatch(word.group(0)) and _CAPITALISED.match(text, end))


def _ascii_boundary(text: str, run_start: int, end: int) -> bool:
    """Decide whether ASCII terminators text[run_start:end] (closers included) end a sentence."""
    j = end
    while j < len(text) and text[j] in " \t":
        j += 1
    if j >= len(text):
        return True
    nxt_ch = text[j]
    prev = text[run_start - 1] if run_start else ""
    if j == end:  # no space after
        if is_cjk_char(nxt_ch):
            return text[run_start] != "." or is_cjk_char(prev) or prev in _CLOSERS
        return _glued(text, run_start, end)
    if is_cjk_char(nxt_ch):
        return True
    if not (nxt_ch.isupper() or nxt_ch.isdigit() or nxt_ch in _OPENERS):
        return False
    run = text[run_start:end]
    if run.startswith(".") and not run.startswith("..") and nxt_ch not in _OPENERS:
        m = re.match(r"[\w.'’-]+", text[j:])
        nxt_word = m.group(0) if m else ""
        return not _abbreviation_blocks(text, run_start, nxt_word)
    return True


def split_paragraph(text: str) -> list[str]:
    """Split one paragraph; returns stripped, non-empty sentences."""
    spans = _protected(text)
    out: list[str] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch not in _CJK_STOPS and ch not in _ASCII_STOPS:
            i += 1
            continue
        run_start = i
        while i < n and (text[i] in _CJK_STOPS or text[i] in _ASCII_STOPS):
            i += 1
        while i < n and text[i] in _CLOSERS:
            i += 1
        if _inside(run_start, i, spans):
            continue
        cjk_stop = any(c in _CJK_STOPS for c in text[run_start:i])
        if cjk_stop or _ascii_boundary(text, run_start, i):
            piece = text[start:i].strip()
            if piece:
                out.append(piece)
            start = i
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def sentence_starts(text: str) -> list[int]:
    """Where each of split_paragraph's sentences starts in `text`."""
    starts: list[int] = []
    cursor = 0
    for sentence in split_paragraph(text):
        at = text.find(sentence, cursor)
        starts.append(at)
        cursor = at + len(sentence)
    return starts


def split_sentences(text: str, language: str | None = None) -> list[str]:
    """Sentences of every paragraph, in order (Markdown syntax removed).

    `language` is accepted for symmetry with the other analysers; the rules for
    Chinese and English run together because articles mix both scripts.
    """
    del language
    out: list[str] = []
    for para in paragraphs(text):
        out.extend(split_paragraph(para.text))
    return out
