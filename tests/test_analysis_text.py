"""Paragraph tagging and Markdown removal before analysis."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.analysis.text import body_text, detect_language, paragraphs, strip_inline_markdown

SEED = Path(__file__).parent / "fixtures" / "analysis" / "wsj-deepseek-zh.txt"  # copy of the seed
FIXTURES = Path(__file__).parent / "fixtures" / "analysis"


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("**Bold** and *italic* and _under_", "Bold and italic and under"),
        ("See [the report](https://example.com/a_(b)) now", "See the report now"),
        ("![chart](https://example.com/x.png)Shares fell", "Shares fell"),
        ("Use `pip` and ~~old~~ new", "Use pip and old new"),
        ("snake_case_name stays", "snake_case_name stays"),
        ("Escaped \\*stars\\*", "Escaped *stars*"),
        ("<b>html</b> tags", "html tags"),
    ],
)
def test_strip_inline_markdown(markdown: str, plain: str) -> None:
    assert strip_inline_markdown(markdown) == plain


def test_markdown_blocks_headings_and_soft_wraps() -> None:
    text = (
        "# Big news\n\nThe first paragraph is\nwrapped over two lines.\n\n"
        "> A quoted block line.\n\n- a list item that is a sentence.\n\n---\n\n## Section\n\nEnd."
    )
    got = [(p.kind, p.text) for p in paragraphs(text)]
    assert got == [
        ("heading", "Big news"),
        ("body", "The first paragraph is wrapped over two lines."),
        ("body", "A quoted block line."),
        ("body", "a list item that is a sentence."),
        ("heading", "Section"),
        ("body", "End."),
    ]


def test_cjk_soft_wrap_joins_without_space() -> None:
    text = "第一段的前半句\n和后半句。\n\n第二段。"
    assert [p.text for p in paragraphs(text)] == ["第一段的前半句和后半句。", "第二段。"]


def test_seed_metadata_lines_are_meta() -> None:
    paras = paragraphs(SEED.read_text(encoding="utf-8"))
    meta = [p.text for p in paras if p.kind == "meta"]
    for start in (
        "Illustration:",
        "文/ Gunjan Banerji",
        "翻译:ChatGPT o1",
        "阅读时长",
        "——Tom Dotan",
        "如需联系",
        "Gunjan Banerji:",
        "asa.fitch@wsj.com",
        "karen.langley@wsj.com本报道",
        "频道推荐",
        "2025-01-28T09:04:57+0000",
        "-- Mobot",
    ):
        assert any(m.startswith(start) for m in meta), start
    body = [p.text for p in paras if p.kind == "body"]
    assert body[0].startswith("过去两年里")
    assert body[-1].startswith("“人类就像平原上的野牛一样")
    headings = [p.text for p in paras if p.kind == "heading"]
    assert headings == [
        "DeepSeek 让科技和华尔街天翻地覆的那一天",
        "什么是 DeepSeek?",
        "一场不断滚大的交易",
        "对市场泡沫的担忧",
    ]


def test_english_byline_and_contact_are_meta() -> None:
    paras = paragraphs((FIXTURES / "harbor-port-en.md").read_text(encoding="utf-8"))
    kinds = {p.text: p.kind for p in paras}
    assert kinds["By Laura Whitfield and Tom Becker"] == "meta"
    assert kinds["Reading time: 4 min read"] == "meta"
    assert kinds["Write to Laura Whitfield at laura.whitfield@example.com"] == "meta"
    assert kinds["Harbor City port strike ends after nine days"] == "heading"


def test_sentence_starting_with_by_is_body() -> None:
    text = "By the end of the week, prices had fallen by a third across the region."
    assert paragraphs(text)[0].kind == "body"


def test_body_text_drops_everything_but_body() -> None:
    body = body_text(SEED.read_text(encoding="utf-8"))
    assert "wsj.com" not in body
    assert "翻译" not in body
    assert "Mobot" not in body
    assert "什么是 DeepSeek" not in body


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("这是一段中文,带一点 English。", None, "zh"),
        ("Plain English text with one 字.", None, "en"),
        ("anything", "zh-CN", "zh"),
        ("随便什么", "en", "en"),
        ("", None, "en"),
    ],
)
def test_detect_language(text: str, hint: str | None, expected: str) -> None:
    assert detect_language(text, hint) == expected


def test_code_blocks_and_tables_are_not_prose() -> None:
    text = (
        "Intro sentence about the release.\n\n"
        "```python\ndef greet(name):\n    return f'Hello, {name}!'\n```\n\n"
        "| City | Population |\n| --- | --- |\n| Lisbon | 545,000 |\n\n"
        "~~~\nraw block\n~~~\n\n"
        "Closing sentence."
    )
    assert [p.text for p in paragraphs(text)] == [
        "Intro sentence about the release.",
        "Closing sentence.",
    ]


def _kinds(markdown: str) -> list[tuple[str, str]]:
    return [(p.kind, p.text) for p in paragraphs(markdown)]


def test_caption_under_an_image_is_not_body() -> None:
    markdown = (
        "Water mains break more often in winter.\n\n"
        "![](https://example.com/worker.jpg)\n"
        "A worker repairing cables in Queens. The likely source was rock salt.\n\n"
        "The city has one of the oldest networks in the world."
    )
    assert _kinds(markdown) == [
        ("body", "Water mains break more often in winter."),
        ("meta", "A worker repairing cables in Queens. The likely source was rock salt."),
        ("body", "The city has one of the oldest networks in the world."),
    ]


def test_image_alone_does_not_hide_the_next_paragraph() -> None:
    markdown = "![](https://example.com/a.jpg)\n\nGunmen opened fire on visitors on Wednesday."
    assert _kinds(markdown) == [("body", "Gunmen opened fire on visitors on Wednesday.")]


def test_a_paragraph_repeating_the_images_alt_text_is_its_caption() -> None:
    markdown = (
        "Strandings are rising.\n\n"
        "![Kauri Parata, watched by his father Hori Parata, carves a traditional design]"
        "(https://example.com/a.jpg)\n\n"
        "- Kauri (Te Kaurinui Robert) Parata, watched by his father, Hori Parata, carves a "
        "traditional Māori design\n\n"
        "![工人于香港特首梁振英位于维多利亚山顶的宅第拆除违章建筑](https://example.com/b.jpg)\n\n"
        "梁振英的山顶大宅于6月份被揭发存有违章建筑。\n\n"
        "梁振英强调承诺将在两周内解决其住宅的违建问题。"
    )
    assert [k for k, _ in _kinds(markdown)] == ["body", "meta", "meta", "body"]


def test_a_paragraph_after_an_image_that_says_something_else_stays_body() -> None:
    markdown = (
        "![Firefighters at the scene of the blaze in Leeds](https://example.com/a.jpg)\n\n"
        "Firefighters said the blaze in Leeds started in a kitchen on the second floor and "
        "spread to the roof within minutes, forcing forty residents out."
    )
    assert [k for k, _ in _kinds(markdown)] == ["body"]


@pytest.mark.parametrize(
    "line",
    [
        "Netanyahu reacts at the Western Wall on March 18. (Thomas Coex/AFP/Getty Images)",
        "In 1978, a water main break flooded Bushwick.CreditFred R. Conrad/The New York Times",
        "In this photo dated Tuesday, the rocket is installed on a launch pad in Baikonur.",
        "Whole Foods touted a price cut on halibut. (Ellen M. Banner/The Seattle Times)",
        "[What you need to know to start the day: Get New York Today in your inbox.]",
    ],
)
def test_captions_credits_and_bracketed_promos_are_meta(line: str) -> None:
    assert _kinds(line) == [("meta", line)]


@pytest.mark.parametrize(
    "line",
    [
        "The agency said the results (published on Monday) were final.",
        "Police said the photo was taken in [the] early hours.",
        "This photography exhibition opens on Friday in London.",
    ],
)
def test_ordinary_sentences_stay_body(line: str) -> None:
    assert _kinds(line) == [("body", line)]


def test_blockquoted_paragraphs_are_marked_as_excerpts() -> None:
    markdown = "The minister spoke.\n\n> We will not raise taxes this year.\n\nShe left."
    assert [(p.text, p.excerpt) for p in paragraphs(markdown)] == [
        ("The minister spoke.", False),
        ("We will not raise taxes this year.", True),
        ("She left.", False),
    ]


def test_a_markdown_hard_line_break_ends_a_line_and_is_not_text() -> None:
    text = "Added a new player model\\\nAdded new game rules.\n\nA path ends in C:\\\\"
    assert [p.text for p in paragraphs(text)] == [
        "Added a new player model",
        "Added new game rules.",
        "A path ends in C:\\",
    ]
