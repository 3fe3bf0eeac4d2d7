"""People in an article's footer: authors, translator, contributors.

Feeds and pages name authors carelessly: an e-mail address (`news@example.com (Jane Doe)`),
a domain (`www.qq.com`), the site's own name, a date glued to the name (`by Lucas Nolan22
Dec 2016651`), `By`/`Par`/`文/` prefixes, upper-case names, a second line with the desk.
`clean_authors` keeps people and desks (`Reuters staff`, `本报记者`) and drops the rest, so a
footer never shows an address, a domain or the source twice. `translator_of` and
`contributors_of` read the credit lines (`翻译：…`, `Translated by …`, `参与报道：…`,
`… contributed to this article`) that the footer shows compactly.
"""

from __future__ import annotations

import re
import unicodedata

from bot.content.language import to_simplified

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3040-\u30ff\uac00-\ud7af]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(
    r"(?:https?://|www\.)[^\s()（）]+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|cn|io|co|uk|jp|de|fr|info|news|tv)(?:/[^\s()]*)?\b",
    re.IGNORECASE,
)
_PREFIX = re.compile(
    r"^(?:(?:by|par|por|von|di|door|av|(?:posted|written|published|words|story) by)\b\s*[:：]?"
    r"|(?:authors?|文|作者|撰文|记者|記者|来源)\s*[:：/／|｜])\s*",
    re.IGNORECASE,
)
_REPORTER = re.compile(
    r"^(?:本报|本台|本刊|本网|新华社|中新社|中新网)?(?:特约|实习|首席)?(?:记者|記者)\s*(\S.{0,20})$"
)
# A second credit glued into the author field: `张三 来源：新华网`, `Jane Doe Source: Reuters`.
_OTHER_LABEL = re.compile(
    r"\s*(?:来源|來源|编辑|編輯|责编|責編|摄影|攝影|图|圖|出处|source|photo|editor)\s*[:：]",
    re.IGNORECASE,
)
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    "july|august|september|october|november|december|mon|tue|wed|thu|fri|sat|sun|monday|"
    "tuesday|wednesday|thursday|friday|saturday|sunday|updated|published|posted|modified"
)
_DATE_WORD = re.compile(rf"^(?:{_MONTHS})\.?$", re.IGNORECASE)
# A date or time glued to or following a name: `Lucas Nolan22 Dec 2016`, `… March 11, 2015`.
_DATE_TAIL = re.compile(
    rf"\s*(?:\d{{1,2}}\s*(?:{_MONTHS})\b|\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\d{{4}}-\d{{1,2}}-\d{{1,2}}"
    rf"|\d{{1,2}}:\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|\s(?:updated|published|posted)\b).*$",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:[,，、;；|｜/]|\band\b|\bund\b|\bet\b|\by\b|\be\b|和|与|及)\s*")
_AMPERSAND = re.compile(r"\s+&\s+")
_PAREN = re.compile(r"\s*[(（]([^()（）]*)[)）]\s*")
_NOT_NAMES = frozenset(
    {"admin", "administrator", "anonymous", "unknown", "null", "none", "undefined", "n/a",
     "guest", "user", "editor", "staff writer", "search", "login", "home", "menu", "share",
     "搜索", "登录", "首页", "佚名", "匿名", "未知", "网友", "作者", "编辑", "小编", "记者",
     "admin123"}
)  # fmt: skip
_SENTENCE = re.compile(r"[。！？!?]|[a-z]{2,}\.\s+\S")
_WITH = re.compile(r"^(?:avec|with|con|mit|met|and|et|y|und)\b", re.IGNORECASE)


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _key(text: str) -> str:
    """Case-, width- and punctuation-insensitive form for comparing names and sources."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"^(?:the|www)\s*\.?\s*", "", text)
    text = re.sub(r"\.(?:com|net|org|cn|fr|de|co\.uk)$", "", text)
    return re.sub(r"[\W_]+", "", text)


def _titlecase(name: str) -> str:
    """`JOE HILDEBRAND` → `Joe Hildebrand`; mixed case is left as written."""
    letters = [c for c in name if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and not _CJK.search(name):
        return " ".join(w.capitalize() if len(w) > 1 else w for w in name.split())
    return name


def _is_person_or_desk(name: str) -> bool:
    if not name or _key(name) in {_key(n) for n in _NOT_NAMES} or not _key(name):
        return False
    if _EMAIL.search(name) or _URL.search(name) or _SENTENCE.search(name):
        return False
    if _CJK.search(name):
        return len(name.replace(" ", "")) <= 16
    words = name.split()
    if not 1 <= len(words) <= 6 or len(name) > 60:
        return False
    capitalized = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    if len(words) >= 3 and capitalized * 2 < len(words):
        return False  # `to the decline were rising rates` is a phrase, not a name
    if any(_DATE_WORD.match(w) for w in words) and len(words) <= 2:
        return False
    if re.search(r"[\[\]{}<>=|\\]", name) or (" " not in name and name.count(".") >= 2):
        return False  # a template placeholder or a dotted identifier
    letters = sum(c.isalpha() for c in name)
    return letters >= 4 or (letters >= 2 and letters * 2 >= len(name))  # a handle, not a number


def _pieces(raw: str) -> list[str]:
    """One author field → candidate names: lines, separators, parentheses handled."""
    lines = [line.strip() for line in raw.replace("\r", "\n").split("\n") if line.strip()]
    if not lines:
        return []
    out: list[str] = []
    # RFC 822 style `address (Name)`: the name is in the parentheses.
    for line in lines[:2]:
        line = _normal(line)
        m = re.match(r"^\S+@\S+\s*\((.+)\)$", line)
        if m:
            out.append(m.group(1))
            continue
        for _ in range(2):
            line = _PREFIX.sub("", line).strip()  # before `文/` is taken for a separator
        line = _URL.sub(" ", _EMAIL.sub(" ", line))
        if line.count(")") > line.count("("):
            line = line.replace(")", " ")  # `Author name)`: a stray bracket

        def aside(match: re.Match[str]) -> str:
            inner = match.group(1).strip()
            keep = inner and not (
                _EMAIL.search(inner)
                or _URL.search(inner)
                or _WITH.match(inner)
                or re.search(r"\d", inner)
            )
            return f" ({inner}) " if keep else " "

        line = _normal(_PAREN.sub(aside, line))
        line = _OTHER_LABEL.split(line, maxsplit=1)[0]
        if not _CJK.search(line):
            line = re.sub(r"\s+(?:on|at|le|am|el)$", "", _DATE_TAIL.sub("", line), flags=re.I)
        for part in _SPLIT.split(line):
            part = part.strip(" .·•-–—:：")
            both = _AMPERSAND.split(part)
            if len(both) == 2 and all(len(b.split()) >= 2 for b in both):  # not `Simon & Schuster`
                out.extend(both)
            elif part:
                out.append(part)
    return out


def _clean_one(name: str) -> str:
    name = _EMAIL.sub(" ", name)
    name = _normal(name)
    for _ in range(2):
        name = _PREFIX.sub("", name).strip()
    if m := _REPORTER.match(name):
        name = m.group(1)
    if not _CJK.search(name):
        name = _DATE_TAIL.sub("", name).strip(_DASHES)
    return _titlecase(name.strip(_TRIM))


def clean_authors(names: list[str], *, source: str | None = None) -> list[str]:
    """People and desks from raw author fields; addresses, domains, dates, the source's own
    name and empty or garbled entries dropped; duplicates (any case or width) removed."""
    source_key = _key(source) if source else ""
    seen: set[str] = set()
    result: list[str] = []
    for raw in names:
        if not raw or not raw.strip():
            continue
        for piece in _pieces(raw):
            name = _clean_one(piece)
            key = _key(name)
            if not _is_person_or_desk(name) or key in seen:
                continue
            if source_key and key == source_key:
                continue
            seen.add(key)
            result.append(name)
    return result


_TRANSLATOR = (
    re.compile(r"^(?:翻译|翻譯|译者|譯者|编译|編譯|译|譯)\s*[:：/／|｜]\s*(.+)$"),
    re.compile(
        r"^(?:translated by|translation by|traduit par|traducido por|übersetzt von)\s+(.+)$"
        r"|^(?:translation|translator|translators)\s*[:：]\s*(.+)$",
        re.IGNORECASE,
    ),
)
_BRACKETS = "[]【】()（）〔〕 "
_DASHES = " ,.-–—"
_TRIM = " .,:;·•-–—:：\"'“”"
_CONTRIBUTORS = (
    re.compile(
        r"^(?:(?:contributing|contributors?|also contributing)\s*[:：]"
        r"|(?:additional|with) reporting (?:by\b|[:：])|contributing reporting by\b"
        r"|(?:参与报[道导]|参与采写|参与采访|协助采访|实习生|通讯员)\s*[:：/])\s*(.+?)\.?$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^[—–-]{0,2}\s*(.+?)\s+contributed(?: reporting| research)?(?: to (?:this|the) "
        r"(?:article|report|story|piece))?(?: from .+?)?\.?$",
        re.IGNORECASE,
    ),
    re.compile(r"^[—–-]{0,2}\s*(.+?)\s*(?:对本文|对此文|对本报[道导])(?:亦|也)?有?所?贡献。?$"),
)
# `… in Cape Canaveral, Florida, and …`: where a contributor filed from is not their name.
_PLACE = re.compile(
    r"\s+(?:in|from)\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*"
    r"(?:,\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*(?=,?\s+and\b|,))?"
)
# `CNN's Jane Doe`, `Aerospace Writer Jane Doe`, `Associated Press reporter Jane Doe`.
_ROLE = re.compile(
    r"^(?:\S+['’]s\s+|(?:[A-Z][\w-]*\s+){0,3}(?:writer|correspondent|reporter|editor"
    r"|photographer|producer|researcher)s?\s+)(?=[A-Z])",
    re.IGNORECASE,
)


def _credited(line: str, patterns: tuple[re.Pattern[str], ...]) -> str | None:
    """The name part of a credit line, read from the original characters; the label may be
    Traditional (`翻譯：`, `參與報導：`) since the patterns see the line in Simplified."""
    simple = to_simplified(line)
    for pattern in patterns:
        m = pattern.match(simple)
        if m:
            group = next(k for k, g in enumerate(m.groups(), 1) if g)
            if len(simple) == len(line):
                return line[m.start(group) : m.end(group)]
            return m.group(group)
    return None


def translator_of(text: str) -> str | None:
    """The translator named by a credit line (`翻译：ChatGPT o1`, `Translated by Jane Doe`)."""
    line = _normal(text).strip(_BRACKETS)
    if not line or len(line) > 80:
        return None
    name = _credited(line, _TRANSLATOR)
    if name is None:
        return None
    name = name.strip(" .。")
    if not name or len(name) > 60 or _SENTENCE.search(name) or name.endswith(("。", ".")):
        return None
    return name


def contributors_of(text: str) -> list[str] | None:
    """Contributors named by a credit line (`Contributing: A, B`, `A contributed to this
    article`, `参与报道：甲、乙`); None when the line is not one."""
    line = _normal(text)
    if not line or len(line) > 200:
        return None
    credited = _credited(line, _CONTRIBUTORS)
    if credited is not None:
        names: list[str] = []
        for part in _pieces(_PLACE.sub("", credited)):
            name = _clean_one(_ROLE.sub("", part))
            # `Jane Doe, USA TODAY`: an upper-case outlet after a person is an affiliation.
            if names and part.isupper() and not _CJK.search(part):
                continue
            if _is_person_or_desk(name) and _key(name) not in {_key(n) for n in names}:
                names.append(name)
        return names or None
    return None


__all__ = ["clean_authors", "contributors_of", "translator_of"]
