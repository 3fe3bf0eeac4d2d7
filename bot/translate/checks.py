"""Checks on a model's answer before it replaces the article: what a translation must be.

Each failed check is a `CheckError` naming the block and the problem, so the log and the
admin notice say why the original (or a hold) was used instead.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence

from bot.analysis.text import cjk_count
from bot.translate.languages import is_cjk, same_language, text_language
from bot.translate.segment import PLACEHOLDER

MIN_RATIO = 0.25
MAX_RATIO = 4.0
"""Allowed translated/source length, in Latin-letter equivalents (a CJK character counts as
three). English → Chinese runs about 0.7–1.2 by this measure; a truncated answer or an
added paragraph of commentary falls outside."""
RATIO_MIN_CHARS = 40
"""Blocks shorter than this are too short for a meaningful ratio (a name, 'Photo: X')."""
_LETTER = re.compile(r"[^\W\d_]")
_FENCE = re.compile(r"^```[a-zA-Z]*\s*|\s*```$")
_REFUSAL = re.compile(
    r"^\s*(?:I'?m sorry|I am sorry|Sorry,|I can(?:no|')t|I am unable|I'm unable|As an AI|"
    r"Here(?: is|'s) the translation|Here are the translations|Translation:|Translated text:|"
    r"Note:|抱歉|对不起|很抱歉|我无法|我不能|作为一个?(?:AI|人工智能)|以下是|译文[:：]|翻译[:：]|注[:：])",
    re.IGNORECASE,
)


class CheckError(Exception):
    """The answer is not a usable translation; the message says why."""


def weight(text: str) -> float:
    """Length in Latin-letter equivalents: a CJK character carries about three letters."""
    plain = PLACEHOLDER.sub("", text)
    cjk = cjk_count(plain)
    rest = len("".join(plain.split())) - cjk
    return rest + 3 * cjk


def parse_answer(content: str) -> list[str]:
    """The model's reply → the list of translated blocks (a JSON array of strings).

    Accepts the array alone, fenced as code, or inside an object under any one key.
    """
    text = _FENCE.sub("", content.strip()).strip()
    start, end = text.find("["), text.rfind("]")
    data: object
    try:
        data = json.loads(text)
    except ValueError:
        if start < 0 or end <= start:
            raise CheckError("the answer is not a JSON array") from None
        try:
            data = json.loads(text[start : end + 1])
        except ValueError:
            raise CheckError("the answer is not valid JSON") from None
    if isinstance(data, dict) and len(data) == 1:
        data = next(iter(data.values()))
    if not isinstance(data, list) or not all(isinstance(x, str) for x in data):
        raise CheckError("the answer is not a JSON array of strings")
    return list(data)


def check_placeholders(source: str, translated: str, index: int) -> None:
    """Every placeholder of the source exactly once, no others, pairs opened before closed."""
    want = Counter(m[0] for m in PLACEHOLDER.finditer(source))
    got = Counter(m[0] for m in PLACEHOLDER.finditer(translated))
    if want != got:
        lost = sorted((want - got).elements())
        extra = sorted((got - want).elements())
        detail = "; ".join(
            part
            for part in (
                f"lost {' '.join(lost)}" if lost else "",
                f"extra or duplicated {' '.join(extra)}" if extra else "",
            )
            if part
        )
        raise CheckError(f"block {index + 1}: placeholders {detail}")
    opened: list[str] = []
    for m in PLACEHOLDER.finditer(translated):
        closing, number, void = m[1] == "/", m[2], m[3] == "/"
        if void:
            continue
        if not closing:
            opened.append(number)
        elif not opened or opened.pop() != number:
            raise CheckError(f"block {index + 1}: placeholder x{number} closed out of order")


def check_block(source: str, translated: str, index: int, target: str) -> None:
    if not PLACEHOLDER.sub("", translated).strip():
        raise CheckError(f"block {index + 1}: empty translation")
    check_placeholders(source, translated, index)
    if _REFUSAL.match(translated) and not _REFUSAL.match(source):
        raise CheckError(f"block {index + 1}: a refusal or commentary, not a translation")
    src, out = weight(source), weight(translated)
    if src >= RATIO_MIN_CHARS and not MIN_RATIO <= out / src <= MAX_RATIO:
        raise CheckError(
            f"block {index + 1}: length ratio {out / src:.2f} outside {MIN_RATIO}–{MAX_RATIO}"
        )


def check_batch(sources: Sequence[str], translated: Sequence[str], target: str) -> None:
    """Raise CheckError unless `translated` is a plausible translation of `sources`."""
    if len(translated) != len(sources):
        what = "missing" if len(translated) < len(sources) else "extra"
        raise CheckError(f"{what} blocks: {len(translated)} answered for {len(sources)} sent")
    for i, (src, out) in enumerate(zip(sources, translated, strict=True)):
        check_block(src, out, i, target)
    text = "\n".join(PLACEHOLDER.sub(" ", t) for t in translated)
    if not _LETTER.search(text):
        return
    if is_cjk(target) and not cjk_count(text):
        raise CheckError(f"the answer has no {target} text")
    if weight(text) >= 12:
        found = text_language(text)
        if not same_language(found, target):
            raise CheckError(f"the answer is in {found or 'no known language'}, not {target}")
