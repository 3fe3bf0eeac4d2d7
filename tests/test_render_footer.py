"""Footer templates: placeholders, validation, empty segments, both languages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.models import Article
from bot.render.footer import PLACEHOLDERS, build_footer, validate_template
from bot.render.post import RenderOptions, render_post
from tests.test_render_checks import check_post, entity_text


def _article(**kw: object) -> Article:
    base: dict[str, object] = {
        "title": "Title",
        "url": "https://news.example.com/a/1",
        "authors": ["Ann Lee", "Bo Chen"],
        "translator": None,
        "source": "Example News",
        "published": datetime(2025, 3, 3, 12, 0, tzinfo=UTC),
        "language": "en",
        "content_markdown": "Body text.",
        "extra": {"reading_minutes": 4},
    }
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def test_default_english() -> None:
    footer = build_footer(_article())
    assert footer.text == (
        "Example News · By Ann Lee and Bo Chen\n"
        "2025-03-03 · 4 min read · Original article\n"
        "💬 Reply to this post to comment"
    )
    (link,) = footer.spans
    assert footer.text[link.start : link.end] == "Original article"
    assert link.url == "https://news.example.com/a/1"


def test_default_chinese_with_translator_and_range() -> None:
    article = _article(
        language="zh-CN", translator="ChatGPT o1", authors=["甲", "乙", "丙"],
        extra={"reading_minutes": [11, 14]},
    )  # fmt: skip
    assert build_footer(article).text == (
        "Example News · 文/ 甲、乙 和 丙 · 翻译：ChatGPT o1\n"
        "2025-03-03 · 阅读时长 11–14 分钟 · 阅读原文\n"
        "💬 回复本帖发表评论"
    )


def test_sparse_article_drops_empty_segments() -> None:
    article = _article(url=None, source=None, authors=[], published=None, extra={})
    assert build_footer(article).text == "💬 Reply to this post to comment"


def test_source_falls_back_to_host() -> None:
    assert build_footer(_article(source=None)).text.startswith("news.example.com · By")


def test_custom_template() -> None:
    template = "— {source} ({date})\n{link} · {url}\nThanks, {translator}!\n{comment}"
    footer = build_footer(_article(), template)
    assert footer.text == (
        "— Example News (2025-03-03)\n"
        "Original article · https://news.example.com/a/1\n"
        "💬 Reply to this post to comment"
    )
    post = render_post(_article(), RenderOptions(template=template))
    check_post(post)
    assert entity_text(post[-1], "text_link")[-1] == "Original article"


def test_literal_braces() -> None:
    assert build_footer(_article(), "{{not a field}} {source}").text == "{not a field} Example News"


@pytest.mark.parametrize(
    ("template", "named"),
    [("{source} {bogus}", "{bogus}"), ("{Source}", "{Source}"), ("{date:%Y}", "{date:%Y}"),
     ("{}", "{}"), ("{authors.upper}", "{authors.upper}")],
)  # fmt: skip
def test_unknown_placeholder_is_named(template: str, named: str) -> None:
    with pytest.raises(ValueError, match="unknown placeholder") as info:
        validate_template(template)
    assert named in str(info.value)
    with pytest.raises(ValueError, match="unknown placeholder"):
        RenderOptions(template=template)


def test_malformed_template() -> None:
    with pytest.raises(ValueError, match="malformed"):
        validate_template("{source")


def test_every_documented_placeholder_is_accepted() -> None:
    validate_template(" ".join("{" + p + "}" for p in PLACEHOLDERS))
