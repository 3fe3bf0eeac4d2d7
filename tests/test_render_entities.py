"""Markdown → text + entities, unit by unit; offsets in UTF-16 code units."""

from __future__ import annotations

from bot.models import Entity
from bot.render.entities import markdown_to_rich, utf16_len
from bot.render.rich import Rich, Span, Utf16Map, to_entities


def _styles(md: str) -> list[tuple[str, str]]:
    rich = markdown_to_rich(md)
    return [(s.type, rich.text[s.start : s.end]) for s in rich.spans]


def test_utf16_len() -> None:
    assert utf16_len("") == 0
    assert utf16_len("abc") == 3
    assert utf16_len("中文") == 2
    assert utf16_len("😀") == 2
    assert utf16_len("👨‍👩‍👧") == 8
    assert utf16_len("🇯🇵") == 4


def test_offsets_after_astral_characters_are_utf16() -> None:
    rich = markdown_to_rich("😀😀 **bold** 🇯🇵 *it*")
    assert to_entities(rich) == [Entity("bold", 5, 4), Entity("italic", 15, 2)]


def test_utf16_map_round_trip() -> None:
    text = "a😀b🇯🇵c"
    umap = Utf16Map(text)
    assert [umap.units(i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 6, 8, 9]
    assert [umap.index(u) for u in range(10)] == [0, 1, 1, 2, 3, 3, 4, 4, 5, 6]


def test_nested_styles() -> None:
    assert _styles("**bold *both* bold**") == [("italic", "both"), ("bold", "bold both bold")]
    assert _styles("***x***") in (
        [("bold", "x"), ("italic", "x")],
        [("italic", "x"), ("bold", "x")],
    )


def test_links() -> None:
    assert _styles("[site](https://e.com/a)") == [("text_link", "site")]
    assert markdown_to_rich("[](https://e.com/a)").text == "https://e.com/a"
    assert markdown_to_rich("[rel](/a/b)").text == "rel"
    rich = markdown_to_rich("[mail](mailto:a@b.co?subject=hi) [a@b.co](mailto:a@b.co)")
    assert rich.text == "mail (a@b.co) a@b.co"
    assert not rich.spans
    assert _styles("[**bold link**](https://e.com)") == [
        ("bold", "bold link"),
        ("text_link", "bold link"),
    ]


def test_no_link_inside_a_link() -> None:
    assert _styles("[a ![img](https://e.com/i.png) b](https://e.com/)") == [
        ("text_link", "a 🖼 img b")
    ]


def test_code_and_pre() -> None:
    rich = markdown_to_rich("Use `a*b` here.\n\n```js\nlet x = 1;\n```\n\n    indented\n")
    assert rich.text == "Use a*b here.\n\nlet x = 1;\n\nindented"
    spans = [(s.type, rich.text[s.start : s.end], s.language) for s in rich.spans]
    assert spans == [("code", "a*b", None), ("pre", "let x = 1;", "js"), ("pre", "indented", None)]


def test_underline_and_strike_from_inline_html() -> None:
    assert _styles("<u>under</u> ~~gone~~ <s>old</s>") == [
        ("underline", "under"),
        ("strikethrough", "gone"),
        ("strikethrough", "old"),
    ]


def test_blockquote_not_nested() -> None:
    rich = markdown_to_rich("> outer\n>\n> > inner\n\nafter")
    assert rich.text == "outer\ninner\n\nafter"
    assert [(s.type, rich.text[s.start : s.end]) for s in rich.spans] == [
        ("blockquote", "outer\ninner")
    ]


def test_lists_nest_and_number() -> None:
    md = "- a\n- b\n  - c\n    - d\n\n3. three\n4. four\n\nafter"
    assert markdown_to_rich(md).text == "• a\n• b\n  ◦ c\n    ▪ d\n\n3. three\n4. four\n\nafter"


def test_table_without_header_labels() -> None:
    md = "| | |\n| --- | --- |\n| a | b |\n| c | d |"
    assert markdown_to_rich(md).text == "a · b\nc · d"


def test_headings_are_bold_and_keep_their_paragraph() -> None:
    rich = markdown_to_rich("# One\n\ntext\n\n### Three\n\nmore")
    assert rich.text == "One\n\ntext\n\nThree\n\nmore"
    assert [(s.type, rich.text[s.start : s.end]) for s in rich.spans] == [
        ("bold", "One"),
        ("bold", "Three"),
    ]
    assert rich.keep == {3, 16}


def test_soft_breaks_join_with_space_except_between_cjk() -> None:
    assert markdown_to_rich("one\ntwo").text == "one two"
    assert markdown_to_rich("中文\n文字").text == "中文文字"


def test_entities_capped_at_100() -> None:
    rich = Rich("x" * 300, [Span("bold", i, i + 1) for i in range(150)])
    assert len(to_entities(rich)) == 100
