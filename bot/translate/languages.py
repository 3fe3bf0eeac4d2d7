"""Target languages: BCP 47 tags checked and written canonically, and compared with what
`detect_language` says about a text."""

from __future__ import annotations

import re

from bot.content.language import detect_language

_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_NAMES = {
    "zh-Hans": "Simplified Chinese",
    "zh-Hant": "Traditional Chinese",
    "zh": "Chinese",
    "en": "English",
    "ja": "Japanese",
    "ko": "Korean",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "pt": "Portuguese",
    "it": "Italian",
    "ru": "Russian",
    "ar": "Arabic",
}
_HANT_REGIONS = ("tw", "hk", "mo")


def canonical_tag(tag: str) -> str:
    """'zh-hans' → 'zh-Hans', 'EN-us' → 'en-US'; ValueError for anything not BCP 47-shaped."""
    value = tag.strip().replace("_", "-")
    if not _TAG.match(value):
        raise ValueError(
            f"invalid language {tag!r}: use a BCP 47 tag such as zh-Hans, zh-Hant, en, ja"
        )
    parts = value.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


def chinese_script(tag: str) -> str | None:
    """'Hans' or 'Hant' for a Chinese tag (zh-TW and zh-HK mean Traditional), else None."""
    parts = tag.split("-")
    if parts[0].lower() != "zh":
        return None
    lowered = [p.lower() for p in parts[1:]]
    if "hant" in lowered or any(p in _HANT_REGIONS for p in lowered):
        return "Hant"
    return "Hans"


def language_name(tag: str) -> str:
    """An English name the model understands ('Simplified Chinese'); the tag itself else."""
    script = chinese_script(tag)
    if script is not None:
        return _NAMES[f"zh-{script}"]
    return _NAMES.get(tag, _NAMES.get(tag.split("-")[0], tag))


def is_cjk(tag: str) -> bool:
    return tag.split("-")[0].lower() in ("zh", "ja", "ko")


def same_language(detected: str | None, target: str) -> bool:
    """Does a detected language (e.g. 'zh', 'zh-Hans', 'en') satisfy the target tag?

    The primary language must match; for Chinese, the script too when the detector
    names one (a detector that only says 'zh' accepts either script).
    """
    if not detected:
        return False
    if detected.split("-")[0].lower() != target.split("-")[0].lower():
        return False
    if chinese_script(target) is None or "-" not in detected:
        return True
    return chinese_script(detected) == chinese_script(target)


def text_language(text: str) -> str | None:
    """The language of a text by its content alone (no feed hint)."""
    return detect_language(text, None)
