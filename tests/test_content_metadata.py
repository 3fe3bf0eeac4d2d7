"""Metadata lines at the head and tail of a body: found, lifted out, and never over-eager."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.content.metadata import extract_metadata, split_names
from bot.content.pipeline import article_from_text
from bot.content.readingtime import estimate_minutes
from bot.render.post import render_post
from tests.test_render_checks import check_post

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
BODY = "This is an ordinary paragraph of the article, long enough to be plainly body text."


def test_english_wsj_like_article() -> None:
    html = (FIXTURES / "wsj-like-en.html").read_text(encoding="utf-8")
    article = article_from_text(
        html,
        fmt="html",
        url="https://www.wsj.com/tech/ai/deepseek",
        title="The Day DeepSeek Turned Tech and Wall Street Upside Down",
    )
    assert article.authors == ["Gunjan Banerji", "Asa Fitch", "Karen Langley"]
    assert article.extra["image_credit"] == "Jane Painter/WSJ"
    assert article.extra["contributors"] == ["Tom Dotan", "Jack Pitcher"]
    assert article.extra["contacts"] == [
        {"name": "Gunjan Banerji", "email": "gunjan.banerji@wsj.com"},
        {"name": "Asa Fitch", "email": "asa.fitch@wsj.com"},
        {"name": "Karen Langley", "email": "karen.langley@wsj.com"},
    ]
    assert article.extra["print_note"].startswith("Appeared in the January 28, 2025, print edition")
    md = article.content_markdown
    for gone in ("Illustration", "By Gunjan", "contributed", "Write to", "@", "print edition"):
        assert gone not in md, gone
    assert md.startswith("For two years")
    assert "### What is DeepSeek?" in md
    post = render_post(article)
    check_post(post)
    (m,) = post
    assert m.text.endswith(
        "wsj.com · By Gunjan Banerji, Asa Fitch and Karen Langley · With Tom Dotan and Jack "
        "Pitcher · Image: Jane Painter/WSJ\n1 min read · Original article\n"
        "💬 Reply to this post to comment"
    )


@pytest.mark.parametrize(
    ("line", "field", "value"),
    [
        ("文/ 张三、李四和王五", "authors", ["张三", "李四", "王五"]),
        ("作者：Jane Doe", "authors", ["Jane Doe"]),
        ("By Jane Doe and John van der Berg", "authors", ["Jane Doe", "John van der Berg"]),
        ("翻译：DeepL", "translator", "DeepL"),
        ("Translated by Lin Wei", "translator", "Lin Wei"),
        ("阅读时长：8 分钟", "reading_minutes", 8),
        ("Reading time: 5-7 min", "reading_minutes", [5, 7]),
        ("6 min read", "reading_minutes", 6),
        ("Photo: Getty Images", "image_credit", "Getty Images"),
        ("图片：新华社", "image_credit", "新华社"),
    ],
)
def test_head_lines(line: str, field: str, value: object) -> None:
    dropped, meta = extract_metadata([line, BODY, BODY])
    assert dropped == [0]
    assert getattr(meta, field) == value


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the year, the company expects to double its revenue again.",
        "By then, nobody was listening.",
        "作者认为，这种趋势还会持续很久。",
        "Photographs show the damage was extensive, according to officials.",
    ],
)
def test_body_sentences_are_not_metadata(line: str) -> None:
    dropped, meta = extract_metadata([line, BODY])
    assert dropped == []
    assert meta.authors == []
    assert meta.image_credit is None


def test_tail_full_width_and_glued() -> None:
    blocks = [
        BODY,
        "—— 张三和李四对本文亦有贡献。",
        "如需联系，电邮至：",
        "张三：",
        "zhang.san@example.cnLi Si:",
        "li.si@example.cn本文在 2025 年 3 月 3 日印刷版上以 “标题” 为题刊出。",
        "频道推荐：某某频道",
        "2025-03-03 08:00",
        "-- Somebot",
        "Reply to comment.",
    ]
    dropped, meta = extract_metadata(blocks)
    assert dropped == list(range(1, len(blocks)))
    assert meta.contributors == ["张三", "李四"]
    assert meta.contacts == [
        {"name": "张三", "email": "zhang.san@example.cn"},
        {"name": "Li Si", "email": "li.si@example.cn"},
    ]
    assert meta.print_note is not None and "印刷版" in meta.print_note
    assert meta.promo == ["频道推荐：某某频道"]
    assert meta.published == datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    assert meta.signature is not None and meta.signature.startswith("-- Somebot")


def test_tail_stops_at_the_first_body_line() -> None:
    quote = "“人类就像平原上的野牛一样,会成群结队,”Arnott 说。"
    dropped, meta = extract_metadata([BODY, quote, "2025-01-28T09:04:57+0000"])
    assert dropped == [2]
    assert meta.published is not None


def test_a_name_line_without_an_email_stays() -> None:
    dropped, _ = extract_metadata([BODY, "Joseph Amato:"])
    assert dropped == []


def test_split_names() -> None:
    assert split_names("Gunjan Banerji, Asa Fitch 和 Karen Langley") == [
        "Gunjan Banerji",
        "Asa Fitch",
        "Karen Langley",
    ]
    assert split_names("the end of the year") is None


def test_reading_time_estimate() -> None:
    assert estimate_minutes("") == 0
    assert estimate_minutes("word " * 230) == 1
    assert estimate_minutes("word " * 231) == 2
    assert estimate_minutes("字" * 800) == 2
    assert estimate_minutes("字" * 400 + " word" * 230) == 2


def test_markdown_file_with_byline() -> None:
    article = article_from_text((FIXTURES / "notes-en.md").read_text(), fmt="md")
    assert article.title == "Release notes: version 2.0"
    assert article.authors == ["Ada Lovelace"]
    assert article.extra["reading_minutes"] == 3
    assert article.content_markdown.startswith("Version 2.0 brings **faster**")


def test_byline_after_a_lead_image() -> None:
    html = (
        '<h1>T</h1><p><img src="https://x.com/a.jpg" alt="Lead"></p><p>By Ann Lee</p>'
        "<p>Body text here that is long enough.</p>"
    )
    article = article_from_text(html, fmt="html")
    assert article.title == "T"
    assert article.authors == ["Ann Lee"]
    assert article.lead_image == "https://x.com/a.jpg"
    assert "By Ann" not in article.content_markdown


def test_english_plain_text_article() -> None:
    text = (FIXTURES / "wsj-like-en.txt").read_text(encoding="utf-8")
    article = article_from_text(text, fmt="txt", url="https://www.wsj.com/x", source="WSJ")
    assert article.title == "The Day DeepSeek Turned Tech and Wall Street Upside Down"
    assert article.authors == ["Gunjan Banerji", "Asa Fitch", "Karen Langley"]
    assert article.language == "en"
    assert article.extra["reading_minutes"] == [11, 14]
    assert article.extra["image_credit"] == "Jane Painter/WSJ"
    assert article.extra["contributors"] == ["Tom Dotan", "Jack Pitcher"]
    assert len(article.extra["contacts"]) == 3
    assert "print edition" in article.extra["print_note"]
    md = article.content_markdown
    assert "## What is DeepSeek?" in md
    assert "## A trade that kept growing" in md
    assert "## Who will win" not in md  # an attributed question is not a heading
    assert "## “This is" not in md
    (m,) = render_post(article)
    check_post([m])
    assert m.text.endswith(
        "WSJ · By Gunjan Banerji, Asa Fitch and Karen Langley · With Tom Dotan and Jack Pitcher"
        " · Image: Jane Painter/WSJ\n11–14 min read · Original article\n"
        "💬 Reply to this post to comment"
    )
