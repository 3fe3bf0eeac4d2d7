"""HTML articles: sanitizing, Markdown, and every kind of markup on its way to entities."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.clean import sanitize_html
from bot.content.markdown import html_to_markdown
from bot.content.pipeline import article_from_text, build_article
from bot.models import Article, Enclosure, FeedItem, OutgoingMessage
from bot.render.entities import markdown_to_rich
from bot.render.post import RenderOptions, render_post
from tests.test_render_checks import check_post, entity_text

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
BASE = "https://example.org/notes/formatting"


@pytest.fixture(scope="module")
def article() -> Article:
    html = (FIXTURES / "en-features.html").read_text(encoding="utf-8")
    return build_article(
        FeedItem(
            guid="g1", url=BASE, title="Field Notes: Formatting Everything", content_html=html
        ),
        source="Example Notes",
    )


@pytest.fixture(scope="module")
def post(article: Article) -> list[OutgoingMessage]:
    return render_post(article)


def test_article_fields(article: Article) -> None:
    assert article.language == "en"
    assert article.lead_image == "https://example.org/images/lead.jpg"
    assert article.source == "Example Notes"
    assert article.guid == "g1"
    assert not article.content_markdown.startswith("# Field Notes")  # title not repeated
    assert "alert" not in article.content_markdown


def test_lead_image_is_the_photo_and_not_repeated(post: list[OutgoingMessage]) -> None:
    check_post(post)
    assert post[0].photo == "https://example.org/images/lead.jpg"
    assert "harbour" not in "".join(m.text for m in post)


def test_styles_become_entities(post: list[OutgoingMessage]) -> None:
    (m,) = post
    assert entity_text(m, "bold")[:1] == ["Field Notes: Formatting Everything"]
    assert "bold" in entity_text(m, "bold")
    assert entity_text(m, "italic") == ["italic"]
    assert entity_text(m, "underline") == ["underlined"]
    assert entity_text(m, "strikethrough") == ["struck"]
    assert entity_text(m, "code") == ["inline_code()"]
    assert entity_text(m, "blockquote") == ["Simplicity is prerequisite for reliability."]
    (pre,) = [e for e in m.entities if e.type == "pre"]
    assert pre.language == "python"
    assert entity_text(m, "pre")[0].startswith('def greet(name):\n    return f"Hello, {name}!"')
    for heading in ("Lists", "A table", "Code"):
        assert heading in entity_text(m, "bold")
        assert f"\n\n{heading}\n\n" in m.text
    links = {e.url for e in m.entities if e.type == "text_link"}
    assert "https://example.org/docs?a=1&b=2" in links
    assert "https://cdn.example.org/chart.png" in links


def test_lists_tables_and_plain_links(post: list[OutgoingMessage]) -> None:
    text = post[0].text
    assert "• First point\n• Second point with emphasis\n  1. nested one\n  2. nested two\n" in text
    assert "City: Lisbon · Population: 545,000\nCity: Porto · Population: 232,000" in text
    assert "write to the desk (desk@example.org)" in text
    assert "+351 21 000 0000." in text  # tel: link shown as its text, not doubled
    assert all(not (e.url or "").startswith(("mailto:", "tel:")) for e in post[0].entities)
    assert "👩‍💻 🇯🇵 1️⃣ ❤️" in text
    assert "中文、日本語のテキスト、한국어, русский, العربية, ελληνικά" in text
    assert "🖼 Figure 1: a chart." in text  # the caption, not the alt, names the image


def test_without_media_the_lead_image_is_a_link(article: Article) -> None:
    (m,) = render_post(article, RenderOptions(with_media=False))
    assert m.photo is None
    assert "🖼 A harbour at dawn" in entity_text(m, "text_link")


def test_sanitizer_drops_scripts_and_unsafe_links() -> None:
    html = '<p onclick="x()">Hi <a href="javascript:alert(1)">there</a><script>bad()</script></p>'
    clean = sanitize_html(html)
    assert "script" not in clean and "javascript" not in clean and "onclick" not in clean
    rich = markdown_to_rich(html_to_markdown(clean))
    assert rich.text == "Hi there"
    assert not rich.spans


def test_markdown_specials_in_text_survive_literally() -> None:
    html = "<p>1. not a list # nor *stars* _under_ [brackets] `ticks` &lt;u&gt;x&lt;/u&gt; a|b</p>"
    html += "<p>- dash start</p><p># hash start</p><p>2) paren</p><p>&amp;amp; stays</p>"
    rich = markdown_to_rich(html_to_markdown(sanitize_html(html)))
    assert rich.text == (
        "1. not a list # nor *stars* _under_ [brackets] `ticks` <u>x</u> a|b\n\n"
        "- dash start\n\n# hash start\n\n2) paren\n\n&amp; stays"
    )
    assert not rich.spans


def test_cjk_emphasis_next_to_punctuation_closes() -> None:
    rich = markdown_to_rich(
        html_to_markdown("<p><strong>“引用”</strong>后面,<em>《书》</em>。</p>")
    )
    assert rich.text == "“引用”后面,《书》。"
    assert [(s.type, rich.text[s.start : s.end]) for s in rich.spans] == [
        ("bold", "“引用”"),
        ("italic", "《书》"),
    ]


def test_image_enclosure_becomes_the_photo() -> None:
    item = FeedItem(
        guid=None,
        url="https://example.org/a",
        title="Pictured",
        content_html="<p>Short body.</p>",
        enclosures=[Enclosure("https://example.org/pic.webp", "image/webp")],
    )
    post = render_post(build_article(item))
    assert len(post) == 1 and post[0].photo == "https://example.org/pic.webp"
    check_post(post)


def test_plain_text_feed_content_is_treated_as_text() -> None:
    body = "第一段很长的文字。" * 8 + "\n小标题\n" + "第二段同样很长的文字。" * 8
    article = build_article(FeedItem(guid=None, url=None, title="标题", content_html=body))
    assert "## 小标题" in article.content_markdown
    assert article.language == "zh-Hans"


def test_full_page_html_uses_title_and_main_text() -> None:
    page = (
        "<html><head><title>Page title</title></head><body><nav>Home | About</nav>"
        "<article><p>" + "Main body sentence. " * 30 + "</p></article></body></html>"
    )
    article = article_from_text(page, fmt="html", url="https://example.org/p")
    assert article.title == "Page title"
    assert "Main body sentence." in article.content_markdown


def test_empty_paragraphs_and_dangling_breaks_leave_no_stray_lines() -> None:
    html = "<p>a</p><p>&nbsp;</p><p><br></p><p>b<br></p><p>\u3000</p><div><br/></div><p>c</p>"
    rich = markdown_to_rich(html_to_markdown(sanitize_html(html)))
    assert rich.text == "a\n\nb\n\nc"
