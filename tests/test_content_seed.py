"""The Chinese WSJ seed, end to end: metadata out of the body, headings, quotes, parts."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.content.pipeline import article_from_text, load_article_file
from bot.content.typography import polish_cjk
from bot.models import Article, OutgoingMessage
from bot.render.post import RenderOptions, render_post
from tests.test_render_checks import check_post, entity_text

SEED = Path(__file__).parent / "fixtures" / "articles" / "wsj-deepseek-zh.txt"
URL = "https://cn.wsj.com/articles/deepseek-ai-nvidia"
HEADINGS = ("什么是 DeepSeek?", "一场不断滚大的交易", "对市场泡沫的担忧")
SHOWN_HEADINGS = tuple(polish_cjk(h) for h in HEADINGS)  # as posted: full-width marks
AUTHORS = ["Gunjan Banerji", "Asa Fitch", "Karen Langley"]


@pytest.fixture(scope="module")
def seed() -> Article:
    return article_from_text(
        SEED.read_text(encoding="utf-8"), fmt="txt", url=URL, source="华尔街日报"
    )


@pytest.fixture(scope="module")
def post(seed: Article) -> list[OutgoingMessage]:
    return render_post(seed)


def _footer_start(message: OutgoingMessage) -> int:
    return message.text.index("华尔街日报 ·")


def test_fixture_is_the_shared_seed() -> None:
    shared = Path(__file__).parents[2] / "shared" / "seed" / "wsj-deepseek-zh.txt"
    if shared.exists():
        assert shared.read_bytes() == SEED.read_bytes()


def test_fields(seed: Article) -> None:
    assert seed.title == "DeepSeek 让科技和华尔街天翻地覆的那一天"
    assert seed.authors == AUTHORS
    assert seed.translator == "ChatGPT o1"
    assert seed.language == "zh-Hans"
    assert seed.published == datetime(2025, 1, 28, 9, 4, 57, tzinfo=UTC)
    extra = seed.extra
    assert extra["reading_minutes"] == [11, 14]
    assert extra["image_credit"] == "Rachel Mendelson/WSJ, Bloomberg (3), iStock (3)"
    assert extra["contributors"] == ["Tom Dotan", "Jack Pitcher"]
    assert [c["email"] for c in extra["contacts"]] == [
        "gunjan.banerji@wsj.com",
        "asa.fitch@wsj.com",
        "karen.langley@wsj.com",
    ]
    assert [c["name"] for c in extra["contacts"]] == AUTHORS
    assert "DeepSeek Flips Script on AI" in extra["print_note"]
    assert "Mobot" in extra["signature"]
    assert seed.content_hash and len(seed.content_hash) == 64


def test_body_markdown_is_clean(seed: Article) -> None:
    md = seed.content_markdown
    gone_words = ["Illustration", "文/", "翻译:", "阅读时长", "@", "Mobot", "频道推荐"]
    gone_words += ["2025-01-28T", "印刷版", "对本文亦有贡献", "如需联系"]
    for gone in gone_words:
        assert gone not in md, gone
    assert md.startswith("过去两年里")
    assert md.rstrip().endswith("而这就是泡沫形成的方式。”")
    for heading in HEADINGS:
        assert f"## {heading}" in md


def test_title_first_bold_and_linked(post: list[OutgoingMessage]) -> None:
    first = post[0]
    title = "DeepSeek 让科技和华尔街天翻地覆的那一天"
    assert first.text.startswith(title + "\n\n过去两年里")
    kinds = {(e.type, e.offset, e.length, e.url) for e in first.entities}
    assert ("bold", 0, len(title), None) in kinds
    assert ("text_link", 0, len(title), URL) in kinds


def test_headings_bold_on_their_own_line(post: list[OutgoingMessage]) -> None:
    bold = [t for m in post for t in entity_text(m, "bold")]
    text = "\n".join(m.text for m in post)
    for heading in SHOWN_HEADINGS:
        assert heading in bold
        assert f"\n\n{heading}\n\n" in text


def test_parts_are_valid_and_marked(post: list[OutgoingMessage]) -> None:
    assert len(post) >= 2
    check_post(post)
    for i, m in enumerate(post, 1):
        assert f"（{i}/{len(post)}）" in m.text  # the marker in the article's language


def test_no_metadata_in_body(post: list[OutgoingMessage]) -> None:
    body = "\n".join(m.text for m in post[:-1]) + post[-1].text[: _footer_start(post[-1])]
    for name in [*AUTHORS, "ChatGPT o1", "Rachel Mendelson", "Tom Dotan"]:
        assert name not in body, name
    everything = "\n".join(m.text for m in post)
    assert not re.search(r"[\w.]+@[\w.]+", everything)
    for gone in ("Mobot", "频道推荐", "Illustration", "cn.fan", "2025-01-28T09"):
        assert gone not in everything, gone
    assert "\n\n\n" not in everything


def test_footer(post: list[OutgoingMessage]) -> None:
    last = post[-1]
    footer = last.text[_footer_start(last) :]
    assert "Gunjan Banerji、Asa Fitch 和 Karen Langley" in footer
    assert "ChatGPT o1" in footer
    assert "2025-01-28" in footer
    assert "11–14 分钟" in footer
    assert footer.endswith("💬 回复本帖发表评论")
    assert footer.count("\n") <= 3
    links = [e for e in last.entities if e.type == "text_link"]
    assert links and links[-1].url == URL


def test_every_quotation_intact(post: list[OutgoingMessage]) -> None:
    quotes = re.findall(r"“[^”]*”", SEED.read_text(encoding="utf-8").split("——Tom")[0])
    assert len(quotes) > 10
    for quote in quotes:  # every word kept; only the marks inside turn full-width
        assert any(polish_cjk(quote) in m.text for m in post), quote


@pytest.mark.parametrize("max_length", [4096, 2000, 900, 400])
def test_smaller_windows_stay_valid(seed: Article, max_length: int) -> None:
    post = render_post(seed, RenderOptions(max_length=max_length, max_parts=50))
    check_post(post, max_length)
    joined = "".join("".join(m.text.split()) for m in post)
    for quote in re.findall(r"“[^”]{0,60}”", seed.content_markdown):
        assert "".join(polish_cjk(quote).split()) in joined


def test_load_article_file_reads_the_seed() -> None:
    article = load_article_file(SEED)
    assert article.title.startswith("DeepSeek")
    assert article.authors == AUTHORS
    post = render_post(article)
    check_post(post)
    assert not any(e.type == "text_link" for e in post[0].entities[:1])  # no URL, no link


def test_with_lead_image(seed: Article) -> None:
    from dataclasses import replace

    pictured = replace(seed, lead_image="https://images.wsj.net/deepseek.jpg")
    post = render_post(pictured)
    check_post(post)
    assert post[0].photo == "https://images.wsj.net/deepseek.jpg"
    assert all(m.photo is None for m in post[1:])
    assert "DeepSeek 让科技" in post[0].text
    text_only = render_post(pictured, RenderOptions(with_media=False))
    assert all(m.photo is None for m in text_only)


def test_seed_as_line_html_from_a_channel_feed() -> None:
    from html import escape

    from bot.content.pipeline import build_article
    from bot.models import FeedItem

    lines = SEED.read_text(encoding="utf-8").splitlines()
    html = "<br>".join(escape(line) for line in lines)
    html = html.replace("什么是 DeepSeek?", "<b>什么是 DeepSeek?</b>")
    item = FeedItem(guid="1", url="https://t.me/s/chan/1", title=lines[0], content_html=html)
    article = build_article(item, source="频道")
    assert article.authors == AUTHORS
    assert article.translator == "ChatGPT o1"
    assert article.published == datetime(2025, 1, 28, 9, 4, 57, tzinfo=UTC)
    assert not article.content_markdown.startswith("DeepSeek 让科技")
    post = render_post(article)
    check_post(post)
    bold = [t for m in post for t in entity_text(m, "bold")]
    for heading in SHOWN_HEADINGS:
        assert bold.count(heading) == 1, heading
    everything = "\n".join(m.text for m in post)
    assert "Mobot" not in everything and "@" not in everything


_HALF_IN_CHINESE = re.compile(r"[\u4e00-\u9fff][,.:;?!()](?=[\u4e00-\u9fff“])")


def test_seed_gains_full_width_punctuation(seed: Article, post: list[OutgoingMessage]) -> None:
    assert len(_HALF_IN_CHINESE.findall(seed.content_markdown)) > 20  # the source has them
    for m in post:
        assert not _HALF_IN_CHINESE.search(m.text), _HALF_IN_CHINESE.search(m.text)
    everything = "".join(m.text for m in post)
    assert "英伟达（Nvidia）" in everything and "，" in everything
    plain = render_post(seed, RenderOptions(typography=False))
    assert _HALF_IN_CHINESE.search("".join(m.text for m in plain))  # off per route
