"""JSON and chat-text renderings of summaries and quotations."""

from __future__ import annotations

import json

from bot.analysis.quotes import Quote
from bot.analysis.report import (
    format_quotes_json,
    format_summary_json,
    quotes_text,
    summary_text,
)
from bot.analysis.summary import Summary

SUMMARY = Summary("第一句。第二句。", ["第一句。", "第二句。"], "extractive-v1")
QUOTES = [
    Quote("先行者往往并不是最后的胜者。", "Marc Benioff", "Salesforce 首席执行官"),
    Quote("依然需要大量英伟达的 GPU", "英伟达（Nvidia）", None),
]


def test_summary_json() -> None:
    out = format_summary_json(SUMMARY)
    assert json.loads(out) == {"summary": "第一句。第二句。", "sentences": ["第一句。", "第二句。"]}
    assert "第一句" in out  # readable, not \\u-escaped


def test_quotes_json() -> None:
    assert json.loads(format_quotes_json(QUOTES)) == [
        {
            "quote": "先行者往往并不是最后的胜者。",
            "speaker": "Marc Benioff",
            "role": "Salesforce 首席执行官",
        },
        {"quote": "依然需要大量英伟达的 GPU", "speaker": "英伟达（Nvidia）", "role": None},
    ]
    assert json.loads(format_quotes_json([])) == []


def test_summary_text_labels_follow_language() -> None:
    assert summary_text(SUMMARY, "zh") == "摘要：\n第一句。第二句。"
    english = Summary("One. Two.", ["One.", "Two."], "extractive-v1")
    assert summary_text(english, "en") == "Summary:\nOne. Two."
    assert summary_text(Summary("", [], "extractive-v1"), "en").startswith("This article has no")


def test_quotes_text_zh() -> None:
    assert quotes_text(QUOTES, "zh-CN") == (
        "文中引语：\n"
        "1. Marc Benioff（Salesforce 首席执行官）：“先行者往往并不是最后的胜者。”\n"
        "2. 英伟达（Nvidia）：“依然需要大量英伟达的 GPU”"
    )


def test_quotes_text_en_and_empty() -> None:
    qs = [Quote("We gave up more than we wanted.", "Robert Klein", "chief executive")]
    assert quotes_text(qs, "en") == (
        "Quotations:\n1. Robert Klein (chief executive): “We gave up more than we wanted.”"
    )
    assert quotes_text([], "en") == "No direct quotations found in this article."
    assert quotes_text([], "zh") == "这篇文章里没有找到直接引语。"


def test_quotation_by_someone_unnamed_has_no_empty_speaker_label() -> None:
    text = quotes_text([Quote("其实有点好笑", "", None)], "zh")
    assert text.splitlines()[1] == "1. “其实有点好笑”"


def test_chinese_answers_follow_the_posts_typography() -> None:
    text = "过去两年里,市场普遍相信AI将带来增长。"
    summary = Summary(text, [text], "extractive-v1")
    assert summary_text(summary, "zh-Hans") == "摘要：\n过去两年里，市场普遍相信 AI 将带来增长。"
    quote = Quote("在我们行业里,这其实是经典剧情", "Marc Benioff", "Salesforce首席执行官")
    text = quotes_text([quote], "zh-Hans")
    assert "“在我们行业里，这其实是经典剧情”" in text
    assert "Marc Benioff（Salesforce 首席执行官）" in text
    english = Quote("Well, yes.", "Ann Lee", None)
    assert quotes_text([english], "en").endswith("Ann Lee: “Well, yes.”")
