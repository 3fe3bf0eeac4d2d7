"""Sentence compression: drop what a human summary never keeps.

A picked sentence is shortened by removing attribution tails (", he said.",
", according to police."), source leads ("据新华社报道，"), parenthetical asides
and leading discourse markers. Only whole, recognisable pieces go, and a
compression that would leave too little text is not applied, so the sentence
always still reads as a sentence. Pure and deterministic.
"""

from __future__ import annotations

import re

from bot.analysis.text import text_weight

MIN_KEPT_SHARE = 0.5  # a compression must keep at least this share of the sentence's weight
MIN_KEPT_WEIGHT = 12  # … and at least this much text

_VERB = (
    r"(?:said|says|told|tells|added|adds|announced|announces|explained|explains|warned|warns|"
    r"reported|reports|confirmed|confirms|noted|notes|stated|states|wrote|writes|insisted|"
    r"insists|claimed|claims|argued|argues|revealed|reveals|admitted|admits)"
)
# a short subject: a name or noun phrase with no clause of its own
_SUBJECT = r"(?:(?!(?:but|and|that|which|who|because|while|as|if)\b)[^,;:\"“”()]){1,70}?"
# when/where the speaker said it: "on Tuesday", "in a statement", "last week"
_WHEN = (
    r"(?:\s+(?:on|in|at|to|during|last|this|earlier|later|yesterday|today|after|before|"
    r"via|through)\b[^,;:\"“”()]{0,50})?"
)
_APPOSITIVE = r"(?:,\s+(?:a|an|the|who|its|his|her|their)\b[^,;:\"“”()]{1,80})?"
_EN_TAIL = re.compile(
    r",\s+(?:"
    rf"according to [^,;:\"“”()]{{1,70}}{_APPOSITIVE}|"  # , according to police.
    rf"{_VERB}{_WHEN}\s+[A-Z][^,;:\"“”()]{{0,60}}{_APPOSITIVE}|"  # , said Jane Doe, a spokeswoman.
    rf"{_SUBJECT}\s+{_VERB}{_WHEN}{_APPOSITIVE}"  # , the report said on Monday.
    r")\s*(?P<end>[.!]?[\"”’']?)\s*$"
)
_EN_LEAD = re.compile(
    r"^(?:according to [^,;:\"“”()]{1,70},|meanwhile,|in addition,|additionally,|indeed,|"
    r"moreover,|furthermore,|separately,|now,|still,|in fact,|of course,)\s+",
    re.IGNORECASE,
)
# a leading frame that only says where or when something was said: "In a statement on
# Monday, …", "Speaking at the conference, …", "On Wednesday afternoon, …"
_DAY = (
    r"(?:On )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"(?: (?:morning|afternoon|evening|night))?"
)
_PRONOUN = r"(?:He|She|It|They|We|I|This|That|These|Those|His|Her|Its|Their|There|So|But|And)"
_EN_FRAME = re.compile(
    r"^(?:(?:In|On|At|During|Under|Writing|Speaking)\b[^,;:\"“”()]{0,70}?"
    r"\b(?:statement|interview|op-ed|editorial|speech|address|foreword|letter|post|tweet|"
    r"Twitter|Facebook|questioning|conference|briefing|news release|press release)s?\b"
    r"[^,;:\"“”()]{0,40}|"
    rf"{_DAY}),\s+(?=[A-Z])(?!{_PRONOUN}\b)"
)
_EN_PAREN = re.compile(r"\s+\([^()]{1,60}\)(?=[\s,.;:!?])")

_ZH_VERB = r"(?:说|表示|指出|介绍|称|透露|强调|告诉[^，。]{0,10})"
_ZH_TAIL = re.compile(rf"，(?:[^，。；：“”「」]{{1,16}}){_ZH_VERB}(?P<end>[。！])$")
_ZH_LEAD = re.compile(
    r"^(?:据[^，。；“”]{1,24}(?:报道|消息|介绍|了解|统计|显示|称)|"
    r"(?:记者|笔者)[^，。；“”]{0,8}(?:了解到|获悉|注意到|发现))，"
)
_ZH_PAREN = re.compile(r"[（(][^（）()]{1,30}[）)]")


def _kept(original: str, shorter: str) -> bool:
    """Whether a compression keeps enough of the sentence to stand alone."""
    weight = text_weight(shorter)
    return weight >= MIN_KEPT_WEIGHT and weight >= MIN_KEPT_SHARE * text_weight(original)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def _compress_en(sentence: str) -> str:
    out = sentence
    tail = _EN_TAIL.search(out)
    if tail and not _opens_quote_unclosed(out[: tail.start()]):
        shorter = out[: tail.start()] + (tail.group("end") or ".")
        if _kept(out, shorter):
            out = shorter
    frame = _EN_FRAME.match(out)
    if frame:
        shorter = out[frame.end() :]
        if _kept(out, shorter):
            out = shorter
    lead = _EN_LEAD.match(out)
    if lead:
        shorter = _capitalise(out[lead.end() :])
        if _kept(out, shorter):
            out = shorter
    shorter = _EN_PAREN.sub("", out)
    if shorter != out and _kept(out, shorter):
        out = shorter
    return out


def _compress_zh(sentence: str) -> str:
    out = sentence
    tail = _ZH_TAIL.search(out)
    if tail:
        shorter = out[: tail.start()] + tail.group("end")
        if _kept(out, shorter):
            out = shorter
    lead = _ZH_LEAD.match(out)
    if lead:
        shorter = out[lead.end() :]
        if _kept(out, shorter):
            out = shorter
    shorter = _ZH_PAREN.sub("", out)
    if shorter != out and _kept(out, shorter):
        out = shorter
    return out


def _opens_quote_unclosed(text: str) -> bool:
    """An attribution after a quotation stays: a quotation must keep its speaker."""
    return text.count("“") > text.count("”") or text.count('"') % 2 == 1


def compress(sentence: str, language: str) -> str:
    """The sentence without attribution tails, source leads, asides and discourse markers."""
    return _compress_zh(sentence) if language == "zh" else _compress_en(sentence)
