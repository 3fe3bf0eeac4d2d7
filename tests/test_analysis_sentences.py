"""Sentence segmentation: Chinese punctuation, English abbreviations, quotations."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.analysis.sentences import split_paragraph, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天下雨。明天晴!后天呢?", ["今天下雨。", "明天晴!", "后天呢?"]),
        ("他问:“你来吗？”我说不来。", ["他问:“你来吗？”", "我说不来。"]),
        ("「好。」她笑了。", ["「好。」", "她笑了。"]),
        (
            "“市场里人人都在看涨。如果你心里还有点逆向思维,就必须反着想了。”他说。下一句。",
            [
                "“市场里人人都在看涨。如果你心里还有点逆向思维,就必须反着想了。”",
                "他说。",
                "下一句。",
            ],
        ),
        ("增长 5.6%,创新高。标普 500 指数下跌。", ["增长 5.6%,创新高。", "标普 500 指数下跌。"]),
        (
            "英伟达(Nvidia)下跌。F. Scott Fitzgerald 写过小说。",
            ["英伟达(Nvidia)下跌。", "F. Scott Fitzgerald 写过小说。"],
        ),
    ],
)
def test_chinese(text: str, expected: list[str]) -> None:
    assert split_paragraph(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith met Dr. Jones. They talked.",
            ["Mr. Smith met Dr. Jones.", "They talked."],
        ),
        ("Pi is 3.14 exactly. Really.", ["Pi is 3.14 exactly.", "Really."]),
        (
            "F. Scott Fitzgerald wrote it. The book sold.",
            ["F. Scott Fitzgerald wrote it.", "The book sold."],
        ),
        (
            "Apple Inc. said sales rose. He joined Apple Inc. The firm grew.",
            ["Apple Inc. said sales rose.", "He joined Apple Inc.", "The firm grew."],
        ),
        (
            "The U.S. economy grew. Growth in the U.S. The end.",
            ["The U.S. economy grew.", "Growth in the U.S.", "The end."],
        ),
        ("It opened Jan. 28 in Ohio. Fine.", ["It opened Jan. 28 in Ohio.", "Fine."]),
        ("Wait... Then go. and so on... okay.", ["Wait...", "Then go. and so on... okay."]),
        ("Really?! Yes.", ["Really?!", "Yes."]),
        (
            '"We are done. We go home," he said. She left.',
            ['"We are done. We go home," he said.', "She left."],
        ),
        ("Visit example.com today. Now.", ["Visit example.com today.", "Now."]),
        (
            "Xi met Modi in Wuhan in April.Previously, Modi hosted Xi.",
            ["Xi met Modi in Wuhan in April.", "Previously, Modi hosted Xi."],
        ),
        (
            "Built on Node.js and ASP.NET by Amazon.Com staff, e.g.The team. Done.",
            ["Built on Node.js and ASP.NET by Amazon.Com staff, e.g.The team.", "Done."],
        ),
    ],
)
def test_english(text: str, expected: list[str]) -> None:
    assert split_paragraph(text) == expected


def test_unclosed_quote_does_not_swallow_the_paragraph() -> None:
    text = "“First sentence. Second sentence. Third one."
    assert len(split_paragraph(text)) == 3


def test_split_sentences_covers_paragraphs_and_strips_markdown() -> None:
    text = "# Title\n\nFirst **bold** claim. Second [link](http://x.y) claim.\n\n第三句。"
    assert split_sentences(text, "en") == [
        "Title",
        "First bold claim.",
        "Second link claim.",
        "第三句。",
    ]


_ALPHABET = st.sampled_from([*'ab 中文。.!?“”"MrU.S3,', "Mr. ", "Dr. ", "。", "……"])


@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_segmentation_loses_no_text(text: str) -> None:
    pieces = split_paragraph(text)
    assert re.sub(r"\s", "", "".join(pieces)) == re.sub(r"\s", "", text)
    assert all(p == p.strip() and p for p in pieces)
