"""Re-cutting and plain fallbacks, the resume plan, and error classification."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.deliver.fallback import split_message, strip_entities, utf16_prefix
from bot.deliver.plan import Plan, kind_for, level_of
from bot.deliver.telegram_send import Failure, classify
from bot.models import Entity, OutgoingMessage


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_split_prefers_paragraphs_then_sentences() -> None:
    text = "第一段的内容。\n\n第二段也有内容。Second para here."
    pieces = split_message(OutgoingMessage(text), 20)
    assert [p.text for p in pieces] == ["第一段的内容。\n\n第二段也有内容。", "Second para here."]
    pieces = split_message(OutgoingMessage("aaaaaaaaaa。bb\n\ncc dd ee"), 16)
    assert [p.text for p in pieces] == ["aaaaaaaaaa。bb", "cc dd ee"]


def test_split_clips_entities_in_utf16_units() -> None:
    text = "😀😀 bold words here and more words"
    bold = Entity("bold", 5, 10)  # "bold words"
    link = Entity("text_link", 0, units(text), url="https://e.x")
    pieces = split_message(OutgoingMessage(text, [bold, link]), 16)
    assert [p.text for p in pieces] == ["😀😀 bold words", "here and more", "words"]
    assert pieces[0].entities == [Entity("bold", 5, 10), Entity("text_link", 0, 15, "https://e.x")]
    assert pieces[1].entities == [Entity("text_link", 0, 13, "https://e.x")]


def test_photo_kept_only_when_caption_fits() -> None:
    short = OutgoingMessage("caption", photo="https://e.x/p.jpg")
    assert split_message(short, 4096) == [short]
    long = OutgoingMessage("字" * 1500, photo="https://e.x/p.jpg")
    pieces = split_message(long, 4096)
    assert all(p.photo is None for p in pieces) and "".join(p.text for p in pieces) == long.text


def test_strip_entities_keeps_text_and_photo() -> None:
    message = OutgoingMessage("x", [Entity("bold", 0, 1)], photo="p")
    assert strip_entities([message]) == [OutgoingMessage("x", [], "p")]


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab 字。\n😀,.!")), min_size=1, max_size=400).filter(
        lambda t: t.strip()
    ),
    limit=st.integers(8, 120),
    spans=st.lists(st.tuples(st.integers(0, 399), st.integers(1, 50)), max_size=5),
)
def test_split_property(text: str, limit: int, spans: list[tuple[int, int]]) -> None:
    size = units(text)
    entities = [Entity("italic", o, min(n, size - o)) for o, n in spans if o < size]
    pieces = split_message(OutgoingMessage(text, entities), limit)
    assert all(0 < units(p.text) <= limit for p in pieces)
    squeezed = "".join("".join(p.text.split()) for p in pieces)
    assert squeezed == "".join(text.split())  # nothing lost but whitespace at the cuts
    for piece in pieces:
        prefix = utf16_prefix(piece.text)
        for e in piece.entities:
            assert e.length > 0 and e.offset + e.length <= prefix[-1]


def test_plan_levels_and_resume() -> None:
    base = [OutgoingMessage("title", [Entity("bold", 0, 5)]), OutgoingMessage("a. b. c. " * 40)]
    plan = Plan(base, 100, strip_entities)
    assert plan.messages == base and plan.level_at(1) == 0
    assert plan.escalate(1)
    assert plan.level_at(0) == 0 and plan.level_at(1) == 1
    assert all(units(m.text) <= 256 for m in plan.messages[1:])
    assert plan.escalate(2) and plan.escalate(2) and plan.level_at(2) == 3
    assert not plan.escalate(2)  # no level left
    recorded = [(i + 1, kind_for(plan.level_at(i))) for i in range(len(plan.messages))]
    again = Plan.resume(base, recorded, max_length=100, plain=strip_entities)
    assert again.messages == plan.messages
    assert level_of("post") == 0 and level_of("post.2") == 2 and level_of("discussion_copy") == 0


def test_classify() -> None:
    assert classify(RetryAfter(12), has_photo=False).retry_after == 12
    assert classify(ChatMigrated(-100), has_photo=False).new_chat_id == -100
    assert classify(Forbidden("bot was kicked"), has_photo=False).kind is Failure.FORBIDDEN
    assert classify(BadRequest("Chat not found"), has_photo=False).kind is Failure.FORBIDDEN
    assert classify(BadRequest("Message is too long"), has_photo=False).kind is Failure.TOO_LONG
    assert classify(BadRequest("Can't parse entities: x"), has_photo=False).kind is Failure.FORMAT
    assert classify(BadRequest("Message caption is too long"), has_photo=True).kind is Failure.MEDIA
    assert classify(BadRequest("Wrong file identifier"), has_photo=True).kind is Failure.MEDIA
    assert classify(BadRequest("Something odd"), has_photo=False).kind is Failure.REJECTED
    assert classify(TimedOut(), has_photo=False).kind is Failure.TRANSIENT
    assert classify(NetworkError("502"), has_photo=False).kind is Failure.TRANSIENT
