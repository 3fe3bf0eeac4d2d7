"""Route filters: plain words (case, width, Chinese), field limits, RE2 regexes."""

from __future__ import annotations

import time

import pytest

from bot.models import Article
from bot.routing import filters
from bot.routing.filters import FilterError, build, parse_rule

ARTICLE = Article(
    title="ＡＩ Act passes the European Parliament",
    content_markdown="Lawmakers voted 523 to 46. 欧洲议会通过了人工智能法案。",
    authors=["Ada Lin"],
    extra={"categories": ["Tech", "政策"]},
)


def _posted(include: list[str] = [], exclude: list[str] = []) -> bool:  # noqa: B006
    return build(include, exclude).verdict(ARTICLE).posted


def test_plain_words_ignore_case_and_width_and_match_whole_latin_words() -> None:
    assert _posted(include=["ai"])  # full-width ＡＩ in the title
    assert _posted(include=["EUROPEAN parliament"])
    assert not _posted(include=["art"])  # not inside "parliament" … or "passes"
    assert not _posted(include=["euro"])
    assert _posted(include=["人工智能"])  # Chinese: substring
    assert _posted(include=["议会"])
    assert not _posted(exclude=["523"]) and _posted(exclude=["52"])


def test_fields_limit_where_a_rule_looks() -> None:
    assert _posted(include=["title:parliament"])
    assert not _posted(include=["title:lawmakers"])
    assert _posted(include=["text:lawmakers"])
    assert _posted(include=["author:ada lin"]) and not _posted(include=["author:lawmakers"])
    assert _posted(include=["category:政策"]) and not _posted(include=["category:sport"])
    assert not _posted(exclude=["categories:tech"])
    # an unknown prefix is part of the word
    assert parse_rule("http://x").field is None


def test_include_any_exclude_all() -> None:
    assert _posted(include=["sport", "parliament"])
    assert not _posted(include=["sport"], exclude=[])
    assert not _posted(include=["parliament"], exclude=["lawmakers"])
    verdict = build(["parliament"], ["text:法案"]).verdict(ARTICLE)
    assert not verdict.posted and verdict.reason == "exclude text:法案"
    assert build().verdict(ARTICLE).posted


def test_regular_expressions() -> None:
    assert _posted(include=[r"re:\bAI Act\b"])  # on NFKC text: ＡＩ became AI
    assert not _posted(include=[r"re:\bai act\b"])  # case as written …
    assert _posted(include=[r"re:(?i)\bai act\b"])  # … unless asked
    assert _posted(include=["title:/Parliament$/"])
    assert _posted(exclude=[r"re:\d{3} to \d+"]) is False
    assert _posted(include=["re:人工.能"])
    with pytest.raises(FilterError, match="bad regular expression"):
        parse_rule("re:(unclosed")
    with pytest.raises(FilterError, match="bad regular expression"):
        parse_rule(r"re:(\w+)\1")  # backreferences: not linear-time, RE2 refuses them
    with pytest.raises(FilterError, match="empty"):
        parse_rule("title:")


def test_catastrophic_patterns_finish_fast_on_re2() -> None:
    """Patterns that make a backtracking engine take exponential time (Python's `re` needs
    seconds for 25 characters of this input; bench/filters.py measures both)."""
    text = "a" * 30_000 + "!"
    article = Article(title="x", content_markdown=text)
    for pattern in (r"(a+)+$", r"(a|aa)+$", r"(a*)*b", r"^(([a-z])+.)+[A-Z]([a-z])+$"):
        started = time.perf_counter()
        assert not build([f"re:{pattern}"]).verdict(article).posted
        assert time.perf_counter() - started < 1.0, pattern


def test_options_round_trip() -> None:
    route_filter = build(["title:AI", "re:(?i)law"], ["体育"])
    options = filters.with_filter({"template": "{link}"}, route_filter)
    assert options["filters"] == {"include": ["title:ai", "re:(?i)law"], "exclude": ["体育"]}
    assert filters.from_options(options) == route_filter
    assert filters.with_filter(options, build()) == {"template": "{link}"}
    assert route_filter.describe() == "+title:ai +re:(?i)law -体育"
