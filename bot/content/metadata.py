"""Lift byline, translator, reading time, credits, contacts and sign-offs out of a body.

Republished articles carry their metadata as ordinary lines at the head and tail of the
text (`文/ A, B 和 C`, `By A and B`, `Write to X at x@y.com`, a previous bot's signature…).
Those lines belong in the footer, not in the body: this module finds them among the first
and last blocks and says which blocks to drop. Chinese and English, half- and full-width
colons, and tail lines glued together without newlines (`x@wsj.comAsa Fitch:`) are handled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.content.people import contributors_of, translator_of

HEAD_SCAN = 8
TAIL_SCAN = 24
SIGNATURE_SCAN = 6

_C = r"\s*[:：]\s*"  # a colon, either width
_CREDIT = re.compile(
    r"^(?:Illustrations?|Photo(?:graph)?s?|Images?|Graphics?|Video|Artwork|Cover|"
    r"插图|插画|题图|配图|图片|图|摄影|视觉)(?:"
    + _C
    + r"|\s+by\s+|\s*(?:来源|来自)"
    + _C
    + r")(.+)$",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^(?:文\s*[/／|｜]\s*|作者" + _C + r"|撰文" + _C + r"|记者" + _C + r"|By\s+)(.+)$",
    re.IGNORECASE,
)
_TRANSLATOR = re.compile(
    r"^(?:(?:翻译|译者|编译|译)\s*[:：/／|｜]\s*|Translated\s+by\s+|Translation\s*(?:by\s+|[:：]\s*)|"
    r"Translator" + _C + r")(.+)$",
    re.IGNORECASE,
)
_READING = re.compile(
    r"^(?:阅读时长|阅读时间|预计阅读时间|预计阅读|Reading\s+time|Read\s+time)\s*[:：]?\s*(?:约\s*)?"
    r"(\d{1,3})(?:\s*(?:-|–|—|~|～|至|到|to)\s*(\d{1,3}))?\s*(?:分钟|分|min(?:ute)?s?)\.?$",
    re.IGNORECASE,
)
_READ_SHORT = re.compile(
    r"^(\d{1,3})(?:\s*[-–]\s*(\d{1,3}))?\s*min(?:ute)?s?\s+read$", re.IGNORECASE
)
_DATELINE = re.compile(r"^(?:Updated|Published|Posted)\s+\S.*\d{4}.{0,20}$", re.IGNORECASE)

_SIGNATURE = re.compile(r"^--\s*\S")
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_PRINT_NOTE = re.compile(
    r"^(?:本(?:报道|文)[^。]{0,60}印刷版.{0,120}刊出。?|"
    r"(?:This article )?appeared in the .{0,60}print edition.{0,200})$",
    re.IGNORECASE,
)
_PROMO = re.compile(
    r"^(?:频道推荐|推荐频道|推荐阅读|关注频道|欢迎关注|订阅频道|Channel recommendation|"
    r"Recommended channel|Subscribe to our channel)\s*[:：]",
    re.IGNORECASE,
)
_CONTRIB_ZH = re.compile(
    r"^[—–-]{1,2}\s*(.+?)\s*(?:对本文|对此文|参与)(?:亦|也)?有?(?:所)?贡献。?$"
)
_CONTRIB_EN = re.compile(r"^[—–-]{1,2}\s*(.+?)\s+contributed\s+to\s+this\s+article\.?$", re.I)
_CONTACT_HEAD = re.compile(r"^(?:如需联系|联系作者|联系记者|联系方式|作者邮箱)")
_WRITE_TO = re.compile(r"^(?:Write to|Contact|Email)\s+(.+@.+)$", re.IGNORECASE)
_WRITE_PAIR = re.compile(r"(?:^|,\s*|\s+and\s+)(.+?)\s+at\s+([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")
_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
_NAME_COLON = re.compile(r"^(.{1,40}?)\s*[:：]$")
_COPYRIGHT = re.compile(r"^(?:Copyright\b|©|\(c\)\s|版权所有)", re.IGNORECASE)
_GLUE = re.compile(r"(@[\w-]+(?:\.[\w-]+)*?\.[a-z]{2,})(?=[A-Z\u4e00-\u9fff])")
_NAME_SPLIT = re.compile(r"\s*(?:,|，|、|;|；|&|\band\b|和|与|及)\s*")
_PARTICLES = frozenset(
    {"de", "van", "von", "der", "den", "da", "di", "le", "la", "bin", "al", "del"}
)
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(slots=True)
class Metadata:
    """What was lifted out of the body."""

    authors: list[str] = field(default_factory=list)
    translator: str | None = None
    reading_minutes: list[int] | int | None = None
    image_credit: str | None = None
    contributors: list[str] = field(default_factory=list)
    contacts: list[dict[str, str]] = field(default_factory=list)
    print_note: str | None = None
    published: datetime | None = None
    dateline: str | None = None
    copyright: str | None = None
    signature: str | None = None
    promo: list[str] = field(default_factory=list)

    def extra(self) -> dict[str, Any]:
        """Fields for `Article.extra`, only those that were found."""
        found: dict[str, Any] = {
            "reading_minutes": self.reading_minutes,
            "image_credit": self.image_credit,
            "contributors": self.contributors or None,
            "contacts": self.contacts or None,
            "print_note": self.print_note,
            "dateline": self.dateline,
            "copyright": self.copyright,
            "signature": self.signature,
            "promo": self.promo or None,
        }
        return {k: v for k, v in found.items() if v is not None}


def split_names(text: str) -> list[str] | None:
    """ "A, B 和 C" / "A, B and C" → names; None when it does not read as a list of names."""
    text = re.split(r"\s*[|｜]\s*", text.strip())[0].strip()
    names = [n.strip(" .。") for n in _NAME_SPLIT.split(text) if n.strip(" .。")]
    if not names or not all(_is_name(n) for n in names):
        return None
    return names


def _is_name(name: str) -> bool:
    if len(name) > 40 or re.search(r"[。！？!?“”\"]", name):
        return False
    if _CJK.search(name):
        return len(name.replace(" ", "")) <= 10
    words = name.replace("(", " ").replace(")", " ").split()
    if not 1 <= len(words) <= 5:
        return False
    return all(w[0].isupper() or w.lower() in _PARTICLES or not w[0].isalpha() for w in words)


def _minutes(m: re.Match[str]) -> list[int] | int:
    lo = int(m.group(1))
    return [lo, int(m.group(2))] if m.group(2) else lo


def _head_line(text: str, meta: Metadata) -> bool:
    """Record `text` if it is head metadata; True when it was."""
    if m := _CREDIT.match(text):
        meta.image_credit = m.group(1).strip()
    elif (m := _TRANSLATOR.match(text)) and len(m.group(1)) <= 60:
        meta.translator = m.group(1).strip()
    elif name := translator_of(text):
        meta.translator = name
    elif (m := _BYLINE.match(text)) and (names := split_names(m.group(1))):
        meta.authors = names
    elif m := _READING.match(text) or _READ_SHORT.match(text):
        meta.reading_minutes = _minutes(m)
    elif _DATELINE.match(text) and len(text) <= 80:
        meta.dateline = text
    else:
        return False
    return True


def _segments(text: str) -> list[str]:
    """Tail text split at newlines and at e-mail addresses glued to the next line."""
    text = _GLUE.sub("\\1\n", text)
    return [s.strip() for s in text.split("\n") if s.strip()]


def _parse_timestamp(text: str) -> datetime | None:
    try:
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


@dataclass(slots=True)
class _Tail:
    """Tail items, collected backwards; `seen_email` lets a "Name:" line join a contact."""

    items: list[tuple[str, str]] = field(default_factory=list)
    seen_email: bool = False

    def take(self, text: str) -> bool:
        kind: str | None = None
        if _TIMESTAMP.match(text) and _parse_timestamp(text):
            kind = "timestamp"
        elif _PRINT_NOTE.match(text):
            kind = "print_note"
        elif _PROMO.match(text):
            kind = "promo"
        elif (m := _CONTRIB_ZH.match(text) or _CONTRIB_EN.match(text)) and split_names(m.group(1)):
            kind = "contributors"
            text = m.group(1)
        elif contributors_of(text):  # `A and B contributed to this report.`, `参与报道：甲、乙`
            kind = "contributors"
        elif _EMAIL.match(text):
            kind = "email"
            self.seen_email = True
        elif _WRITE_TO.match(text) and _WRITE_PAIR.search(text):
            kind = "write_to"
        elif _CONTACT_HEAD.match(text) and len(text) <= 40:
            kind = "contact_head"
        elif self.seen_email and (m := _NAME_COLON.match(text)) and split_names(m.group(1)):
            kind = "name"
            text = m.group(1)
        elif _COPYRIGHT.match(text) and len(text) <= 200:
            kind = "copyright"
        if kind is None:
            return False
        self.items.append((kind, text))
        return True

    def apply(self, meta: Metadata) -> None:
        name: str | None = None
        for kind, text in reversed(self.items):
            if kind == "timestamp":
                meta.published = _parse_timestamp(text)
            elif kind == "print_note":
                meta.print_note = text
            elif kind == "promo":
                meta.promo.append(text)
            elif kind == "contributors":
                meta.contributors.extend(contributors_of(text) or split_names(text) or [])
            elif kind == "name":
                name = text
            elif kind == "email":
                meta.contacts.append({"name": name, "email": text} if name else {"email": text})
                name = None
            elif kind == "write_to":
                for m in _WRITE_PAIR.finditer(_WRITE_TO.match(text).group(1)):  # type: ignore[union-attr]
                    meta.contacts.append({"name": m.group(1).strip(), "email": m.group(2)})
            elif kind == "copyright":
                meta.copyright = text


def extract_metadata(blocks: list[str]) -> tuple[list[int], Metadata]:
    """Indexes of `blocks` (plain text) that are metadata, and the metadata they hold."""
    meta = Metadata()
    dropped: set[int] = set()
    n = len(blocks)
    for j in range(max(0, n - SIGNATURE_SCAN), n):
        if _SIGNATURE.match(blocks[j]):
            meta.signature = " ".join(blocks[j:])[:500]
            dropped.update(range(j, n))
            n = j
            break
    tail = _Tail()
    j = n - 1
    while j >= max(0, n - TAIL_SCAN):
        segments = _segments(blocks[j])
        mark = (len(tail.items), tail.seen_email)
        if not segments or not all(tail.take(s) for s in reversed(segments)):
            del tail.items[mark[0] :]
            tail.seen_email = mark[1]
            break
        dropped.add(j)
        j -= 1
    tail.apply(meta)
    for k in range(min(HEAD_SCAN, j + 1)):
        text = blocks[k].strip()
        if not text:
            continue
        if not _head_line(text, meta):
            break
        dropped.add(k)
    return sorted(dropped), meta
