"""Where posts are cut: boundaries by preference, emoji kept whole, limits, part caps."""

from __future__ import annotations

import pytest

from bot.models import Article
from bot.render.entities import markdown_to_rich, utf16_len
from bot.render.post import RenderOptions, render_post
from bot.render.rich import Rich, Span
from bot.render.split import Budget, find_cut, is_safe_cut, split_ranges
from tests.test_render_checks import check_post, entity_text


def _cut(text: str, end: int | None = None) -> str:
    return text[: find_cut(text, 0, end if end is not None else len(text) - 1)]


def test_prefers_paragraph_then_sentence_then_clause_then_space() -> None:
    assert _cut("a" * 30 + "\n\n" + "b" * 10 + ". " + "c" * 10) == "a" * 30
    assert _cut("a" * 30 + "。" + "b" * 10 + "，" + "c" * 10) == "a" * 30 + "。"
    assert _cut("a" * 30 + "，" + "b" * 10 + " " + "c" * 10) == "a" * 30 + "，"
    assert _cut("a" * 30 + " " + "b" * 20) == "a" * 30


def test_sentence_end_takes_closing_quotes() -> None:
    text = "甲" * 30 + "他说：“好。”" + "乙" * 10
    assert _cut(text).endswith("“好。”")
    assert _cut("x" * 30 + ' He said "yes." Then ' + "y" * 10).endswith('"yes."')


def test_bare_halfwidth_comma_and_colon_but_not_inside_numbers() -> None:
    assert _cut("a" * 30 + "‘AI,AI,AI’" + "b" * 5).endswith("AI,AI,")
    assert _cut("翻译" * 10 + "说:" + "x" * 12).endswith("说:")
    assert not _cut("1" * 30 + "1,000" + "2" * 8).endswith(",")


def test_decimal_point_is_not_a_sentence_end() -> None:
    text = "x" * 30 + " rose 5.6%" + "y" * 8
    assert not _cut(text).endswith("5.")


def test_only_the_last_half_of_the_window() -> None:
    text = "a。" + "b" * 40
    cut = find_cut(text, 0, 30)
    assert cut == 30  # the 。 at 2 is too early; hard cut instead


@pytest.mark.parametrize(
    "cluster",
    [
        "👨‍👩‍👧‍👦",
        "🇯🇵",
        "1️⃣",
        "❤️",
        "👍🏽",
        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
        "é",
    ],
)
def test_hard_cuts_keep_graphemes_whole(cluster: str) -> None:
    text = cluster * 40
    for end in range(len(cluster), len(text)):
        piece = text[: find_cut(text, 0, end)]
        assert piece and len(piece) % len(cluster) == 0, (cluster, end)


def test_flags_pair_up() -> None:
    text = "🇯🇵🇺🇸🇫🇷"
    assert [i for i in range(len(text) + 1) if is_safe_cut(text, i)] == [0, 2, 4, 6]


def test_heading_stays_with_its_paragraph() -> None:
    md = "p" * 60 + "\n\n## Heading\n\n" + "q" * 20
    rich = markdown_to_rich(md)
    cut = find_cut(rich.text, 0, len(rich.text) - 5, rich.keep)
    assert rich.text[:cut].rstrip() == "p" * 60


def test_entity_crossing_a_cut_becomes_two() -> None:
    rich = Rich("word " * 40, [Span("bold", 0, 199)])
    ranges = split_ranges(rich, first=Budget(120), rest=Budget(120), last_reserve=Budget(0, 0))
    assert len(ranges) == 2
    parts = [rich.slice(a, b) for a, b in ranges]
    assert all(len(p.spans) == 1 for p in parts)
    assert parts[0].spans[0].start == 0 and parts[1].spans[0].start == 0


def test_more_than_100_entities_split_across_messages() -> None:
    md = " ".join(f"**w{i}**" for i in range(450))
    article = Article(title="Many", content_markdown=md, language="en")
    post = render_post(article, RenderOptions(max_parts=20))
    check_post(post)
    assert len(post) >= 5
    assert sum(len(entity_text(m, "bold")) for m in post) == 451  # + the title


def test_astral_text_measured_in_utf16() -> None:
    md = "😀" * 3000  # 6000 UTF-16 units, 3000 code points
    post = render_post(Article(title="Emoji", content_markdown=md))
    check_post(post)
    assert len(post) == 2
    assert "".join(m.text for m in post).count("😀") == 3000


def test_part_cap_falls_back_to_lead_and_link() -> None:
    paragraphs = [f"Paragraph {i}. " + "Some sentence here. " * 20 for i in range(60)]
    article = Article(
        title="Long read", url="https://example.com/long", content_markdown="\n\n".join(paragraphs),
        language="en", extra={"reading_minutes": 20},
    )  # fmt: skip
    post = render_post(article, RenderOptions(max_parts=3))
    check_post(post)
    (m,) = post
    assert m.text.startswith("Long read\n\nParagraph 0.")
    assert "Paragraph 59" not in m.text
    assert "Continue reading →" in entity_text(m, "text_link")
    assert m.text.endswith("💬 Reply to this post to comment")
    assert utf16_len(m.text) < 4096 // 2
    many = render_post(article, RenderOptions(max_parts=50))
    check_post(many)
    assert 3 < len(many) <= 50
    assert many[-1].text.endswith("💬 Reply to this post to comment")


@pytest.mark.parametrize("max_length", [200, 500, 1000, 3000])
def test_rerender_with_smaller_max_length(max_length: int) -> None:
    md = "\n\n".join("这是一个相当长的句子，用来测试切分。" * 6 for _ in range(10))
    article = Article(title="测试", url="https://example.com/z", content_markdown=md, language="zh")
    post = render_post(article, RenderOptions(max_length=max_length, max_parts=100))
    check_post(post, max_length)
    n = len(post)
    if n > 1:
        assert [m.text.count(f"（{i}/{n}）") for i, m in enumerate(post, 1)] == [1] * n


def test_parts_are_balanced() -> None:
    md = "\n\n".join("Sentence number one is here. " * 5 for _ in range(40))
    post = render_post(Article(title="T", content_markdown=md))
    sizes = [utf16_len(m.text) for m in post]
    assert len(sizes) == 2
    assert max(sizes) - min(sizes) < 1500


def test_caption_or_photo_first() -> None:
    short = Article(title="Pic", url="https://e.com/1", content_markdown="Short.",
                    lead_image="https://e.com/p.jpg")  # fmt: skip
    (only,) = render_post(short)
    assert only.photo == "https://e.com/p.jpg" and only.text.startswith("Pic\n\nShort.")
    long_first = Article(title="Pic", url="https://e.com/1", content_markdown="Long text. " * 200,
                         lead_image="https://e.com/p.jpg")  # fmt: skip
    post = render_post(long_first)
    check_post(post)
    assert post[0].photo == "https://e.com/p.jpg"
    assert post[0].text == "Pic"
    assert all(m.photo is None for m in post[1:])
    assert not post[1].text.startswith("Pic")


def test_lead_in_ending_with_colon_stays_with_the_quote() -> None:
    md = "p" * 60 + "\n\nJoseph Amato 表示:\n\n" + "“引语。”" * 5
    rich = markdown_to_rich(md)
    cut = find_cut(rich.text, 0, len(rich.text) - 3, rich.keep)
    assert rich.text[:cut].rstrip() == "p" * 60


def test_part_cap_with_a_photo_is_one_captioned_message() -> None:
    article = Article(
        title="Long read", url="https://example.com/long", lead_image="https://example.com/p.jpg",
        content_markdown="\n\n".join("A sentence or two. " * 30 for _ in range(80)),
    )  # fmt: skip
    (only,) = render_post(article, RenderOptions(max_parts=2))
    check_post([only])
    assert only.photo == "https://example.com/p.jpg"
    assert only.text.startswith("Long read\n\nA sentence")
    assert "Continue reading →" in entity_text(only, "text_link")


def test_bold_pseudo_heading_stays_with_its_paragraph() -> None:
    md = "p" * 60 + "\n\n**Bold heading**\n\n" + "q" * 20
    rich = markdown_to_rich(md)
    cut = find_cut(rich.text, 0, len(rich.text) - 5, rich.keep)
    assert rich.text[:cut].rstrip() == "p" * 60
