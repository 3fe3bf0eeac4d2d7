"""Include/exclude filters per route, on title, text, authors and categories.

A rule is a plain word or a regular expression, optionally limited to one field:
`budget`, `title:budget`, `author:王小明`, `re:\\bAI\\b`, `text:re:(?i)open ?source`,
`category:/sport|体育/`. Plain words ignore case and width (both sides NFKC +
casefold); a word of Latin letters or digits matches whole words only ("art" is not
in "article"), anything else (Chinese) matches as a substring. Regular expressions
run on the NFKC text through RE2 (google-re2), whose time is linear in the text:
no pattern, however written, can stall the bot. re2 is imported on first use.

A route with include rules posts an item only if one of them matches; an item any
exclude rule matches is never posted. Pure: no I/O.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.models import Article

FIELDS = ("title", "text", "author", "category")
MAX_PATTERN_CHARS = 500
MAX_RULES = 50
RE2_MAX_MEM = 8 << 20  # bytes of compiled program per pattern
OPTIONS_KEY = "filters"
_FIELD_ALIASES = {"authors": "author", "categories": "category", "tag": "category", "body": "text"}
_LATIN_EDGE = re.compile(r"[0-9a-z]", re.ASCII)


class FilterError(ValueError):
    """A rule that cannot be used; the message says why."""


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@functools.lru_cache(maxsize=1024)
def _compiled_regex(pattern: str) -> Any:
    import re2  # heavy native module: only routes with regex rules need it

    options = re2.Options()
    options.max_mem = RE2_MAX_MEM
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        raise FilterError(f"bad regular expression {pattern!r}: {exc}") from None


@functools.lru_cache(maxsize=1024)
def _word_pattern(word: str) -> re.Pattern[str]:
    """The escaped word, bounded where it starts or ends with a Latin letter or digit."""
    head = r"(?<![0-9a-z])" if _LATIN_EDGE.match(word[0]) else ""
    tail = r"(?![0-9a-z])" if _LATIN_EDGE.match(word[-1]) else ""
    return re.compile(head + re.escape(word) + tail, re.ASCII)


@dataclass(frozen=True, slots=True)
class Rule:
    field: str | None  # None: any field
    pattern: str
    regex: bool

    def spec(self) -> str:
        """The rule as the operator writes it (and as it is stored)."""
        body = f"re:{self.pattern}" if self.regex else self.pattern
        return f"{self.field}:{body}" if self.field else body

    def matches(self, fields: NormalizedFields) -> bool:
        if self.regex:
            compiled = _compiled_regex(self.pattern)
            texts = fields.nfkc
            return any(compiled.search(texts[name]) for name in self._names(texts))
        word = _word_pattern(self.pattern)
        return any(word.search(fields.folded[name]) for name in self._names(fields.folded))

    def _names(self, texts: dict[str, str]) -> list[str]:
        return [self.field] if self.field else list(texts)


@dataclass(frozen=True, slots=True)
class NormalizedFields:
    """An item's fields, normalised once for all rules: NFKC (for regexes) and folded."""

    nfkc: dict[str, str]
    folded: dict[str, str]

    @classmethod
    def of(cls, article: Article) -> NormalizedFields:
        nfkc = {k: unicodedata.normalize("NFKC", v) for k, v in article_fields(article).items()}
        return cls(nfkc, {k: v.casefold() for k, v in nfkc.items()})


def parse_rule(text: str) -> Rule:
    """`[field:]word`, `[field:]re:PATTERN` or `[field:]/PATTERN/`; FilterError if unusable."""
    rest = text.strip()
    field: str | None = None
    head, sep, tail = rest.partition(":")
    name = _FIELD_ALIASES.get(head.strip().lower(), head.strip().lower())
    if sep and name in FIELDS:
        field, rest = name, tail.strip()
    regex = False
    if rest.lower().startswith("re:"):
        regex, rest = True, rest[3:]
    elif len(rest) >= 2 and rest.startswith("/") and rest.endswith("/"):
        regex, rest = True, rest[1:-1]
    if not rest.strip():
        raise FilterError(f"empty rule {text!r}")
    if len(rest) > MAX_PATTERN_CHARS:
        raise FilterError(f"rule longer than {MAX_PATTERN_CHARS} characters")
    if regex:
        _compiled_regex(rest)
        return Rule(field, rest, True)
    return Rule(field, normalize(" ".join(rest.split())), False)


@dataclass(frozen=True, slots=True)
class Verdict:
    posted: bool
    reason: str | None = None  # "exclude: RULE" or "no include rule matched"


@dataclass(frozen=True, slots=True)
class RouteFilter:
    include: tuple[Rule, ...] = ()
    exclude: tuple[Rule, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.include or self.exclude)

    def verdict(self, article: Article) -> Verdict:
        fields = NormalizedFields.of(article)
        for rule in self.exclude:
            if rule.matches(fields):
                return Verdict(False, f"exclude {rule.spec()}")
        if self.include and not any(rule.matches(fields) for rule in self.include):
            return Verdict(False, "no include rule matched")
        return Verdict(True)

    def to_options(self) -> dict[str, list[str]]:
        return {
            "include": [r.spec() for r in self.include],
            "exclude": [r.spec() for r in self.exclude],
        }

    def describe(self) -> str:
        parts = [f"+{r.spec()}" for r in self.include] + [f"-{r.spec()}" for r in self.exclude]
        return " ".join(parts) if parts else "none"


def article_fields(article: Article) -> dict[str, str]:
    categories = article.extra.get("categories") or []
    return {
        "title": article.title or "",
        "text": article.content_markdown or "",
        "author": "\n".join(article.authors),
        "category": "\n".join(str(c) for c in categories) if isinstance(categories, list) else "",
    }


def build(include: Sequence[str] = (), exclude: Sequence[str] = ()) -> RouteFilter:
    """Parse rule texts (FilterError on the first bad one); duplicates are dropped."""
    inc = tuple(dict.fromkeys(parse_rule(t) for t in include))
    exc = tuple(dict.fromkeys(parse_rule(t) for t in exclude))
    if len(inc) + len(exc) > MAX_RULES:
        raise FilterError(f"at most {MAX_RULES} rules per route")
    return RouteFilter(inc, exc)


def from_options(options: dict[str, Any]) -> RouteFilter:
    """The route's filter from its stored options (empty when it has none)."""
    stored = options.get(OPTIONS_KEY) or {}
    return build(stored.get("include") or [], stored.get("exclude") or [])


def with_filter(options: dict[str, Any], route_filter: RouteFilter) -> dict[str, Any]:
    """Route options carrying `route_filter` (the key dropped when it is empty)."""
    updated = {k: v for k, v in options.items() if k != OPTIONS_KEY}
    if route_filter:
        updated[OPTIONS_KEY] = route_filter.to_options()
    return updated
