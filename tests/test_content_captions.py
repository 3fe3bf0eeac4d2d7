"""Captions outside <figcaption>: <p class="caption"> beside an image belongs to the image."""

from __future__ import annotations

from bot.content.model import Block
from bot.content.pipeline import parse_html

IMG = '<img src="https://example.com/photo.jpg" width="600" height="400" alt="{alt}">'


def _blocks(html: str) -> list[Block]:
    return parse_html(html, base_url="https://example.com/story").blocks


def _figures(blocks: list[Block]) -> list[tuple[str, str]]:
    return [(b.url or "", b.text) for b in blocks if b.kind == "figure"]


def _paragraphs(blocks: list[Block]) -> list[str]:
    return [b.text for b in blocks if b.kind == "paragraph"]


def test_bbc_style_caption_paragraph_is_the_images_caption() -> None:
    html = (
        "<p>The chief executive apologised to lawmakers on Tuesday.</p>"
        '<div class="module"><div class="image">'
        + IMG.format(alt="Workers at the house")
        + '<p class="caption">Illegal structures were found at the house in June.</p>'
        "</div></div><p>He promised to fix the problems within two weeks.</p>"
    )
    blocks = _blocks(html)
    assert _figures(blocks) == [
        ("https://example.com/photo.jpg", "Illegal structures were found at the house in June.")
    ]
    assert _paragraphs(blocks) == [
        "The chief executive apologised to lawmakers on Tuesday.",
        "He promised to fix the problems within two weeks.",
    ]


def test_wordpress_caption_is_the_images_caption() -> None:
    html = (
        '<div class="wp-caption aligncenter"><a href="https://example.com/big.jpg">'
        + IMG.format(alt="")
        + '</a><p class="wp-caption-text">The bridge at dawn.</p></div>'
        "<p>The bridge reopened on Monday after a year of repairs.</p>"
    )
    blocks = _blocks(html)
    assert [text for _, text in _figures(blocks)] == ["The bridge at dawn."]
    assert _paragraphs(blocks) == ["The bridge reopened on Monday after a year of repairs."]


def test_a_caption_control_is_not_a_caption() -> None:
    html = (
        '<div class="gallery">'
        + IMG.format(alt="Cars slide on the road")
        + '<div class="galleryCaptionControl">HIDE CAPTION</div></div>'
        "<p>Snow fell across the region overnight.</p>"
    )
    blocks = _blocks(html)
    assert all("HIDE CAPTION" not in text for _, text in _figures(blocks))


def test_a_caption_class_without_an_image_stays_text() -> None:
    html = '<div><p class="caption">Table 1: results by region.</p><p>Sales rose.</p></div>'
    assert _paragraphs(_blocks(html)) == ["Table 1: results by region.", "Sales rose."]


def test_a_figcaption_wins_and_a_second_caption_element_stays_text() -> None:
    html = (
        "<figure>" + IMG.format(alt="") + '<p class="caption">Photo: Jane Roe for the paper</p>'
        "<figcaption>The bridge at dawn on Monday.</figcaption></figure>"
        "<p>The bridge reopened on Monday.</p>"
    )
    blocks = _blocks(html)
    assert [text for _, text in _figures(blocks)] == ["The bridge at dawn on Monday."]
    assert "Photo: Jane Roe for the paper" in _paragraphs(blocks)
