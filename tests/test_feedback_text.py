"""The feedback module's text helpers: arguments, thread markers, languages, listings."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.feedback import (
    Origin,
    Reader,
    admin_card,
    answer_text,
    answered_feedback_id,
    clip,
    command_argument,
    text_language,
)
from bot.models import Article
from handlers.common import chunks
from storage.feedback import Feedback

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def feedback(text: str, *, chat_id: int = 42, feedback_id: int = 7) -> Feedback:
    return Feedback(feedback_id, 42, "Ann", chat_id, 3, None, text, None, None, T0, None, None)


def test_command_argument_keeps_lines_and_drops_bot_name() -> None:
    assert command_argument("/feedback@chatwire_bot 第一行\n第二行 ") == "第一行\n第二行"
    assert command_argument("/feedback\n  two words") == "two words"
    assert command_argument("/feedback") == "" and command_argument(None) == ""


def test_answer_marker_round_trips_in_both_languages() -> None:
    zh = answer_text(feedback("标题错了"), "已改")
    en = answer_text(feedback("typo", feedback_id=12), "Fixed.\nThanks")
    assert zh == "编辑对您的反馈 #7 的回复：\n\n已改"
    assert en == "Reply from the editors to your feedback #12:\n\nFixed.\nThanks"
    assert answered_feedback_id(zh) == 7 and answered_feedback_id(en) == 12
    assert answered_feedback_id("Feedback #12 from Ann") is None
    assert answered_feedback_id("quoted: Reply from the editors to your feedback #3:") is None
    assert answered_feedback_id(None) is None
    assert text_language("Mixed 中文 text") == "zh" and text_language("plain") == "en"


def test_admin_card_names_reader_place_post_and_thread() -> None:
    article = Article(title="Budget " * 60, url="https://news.example/b", id=5)
    origin = Origin(-1001, "News chat", 9, article_id=5, parent_id=3)
    card = admin_card(
        feedback("see para 2", chat_id=-1001), Reader(42, "Ann", "ann"), origin, article
    )
    lines = card.splitlines()
    assert lines[0] == "Feedback #7 from Ann @ann (id 42)"
    assert lines[1] == 'From: group "News chat" (-1001)'
    assert lines[2] == "Follow-up to #3"
    assert lines[3].startswith("Post: Budget") and lines[3].endswith("… (article 5)")
    assert len(lines[3]) < 230
    assert lines[4] == "Link: https://news.example/b"
    assert lines[6] == "see para 2"


def test_clip_and_chunks() -> None:
    assert clip("a\n b  c", 10) == "a b c"
    assert clip("x" * 20, 10) == "x" * 9 + "…"
    text = "\n".join(f"line {i} " + "字" * 50 for i in range(200))
    parts = chunks(text, 1000)
    assert all(len(p) <= 1000 for p in parts) and "\n".join(parts) == text
    assert chunks("y" * 2500, 1000) == ["y" * 1000, "y" * 1000, "y" * 500]
    assert chunks("") == [""]
