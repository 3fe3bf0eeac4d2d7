"""Shared validity checks for rendered messages (imported by the other formatter tests)."""

from __future__ import annotations

from bot.models import OutgoingMessage
from bot.render.entities import utf16_len
from bot.render.post import plain_fallback

WEB = ("http://", "https://")


def check_message(message: OutgoingMessage, max_length: int = 4096) -> None:
    """Everything Telegram would reject, asserted."""
    text = message.text
    assert text, "empty message"
    assert text == text.strip(), "leading/trailing whitespace"
    units = utf16_len(text)
    limit = min(1024, max_length) if message.photo else max_length
    assert units <= limit, f"{units} units > {limit}"
    assert len(message.entities) <= 100
    raw = text.encode("utf-16-le")
    for e in message.entities:
        assert e.length > 0 and e.offset >= 0, e
        assert e.offset + e.length <= units, e
        for bound in (e.offset, e.offset + e.length):
            if bound < units:
                unit = int.from_bytes(raw[2 * bound : 2 * bound + 2], "little")
                assert not 0xDC00 <= unit <= 0xDFFF, f"{e} splits a surrogate pair"
        if e.type == "text_link":
            assert e.url is not None and e.url.startswith(WEB), e
        if e.type == "pre" and e.language is not None:
            assert e.language.strip() == e.language and e.language


def check_post(messages: list[OutgoingMessage], max_length: int = 4096) -> None:
    assert messages
    for m in messages:
        check_message(m, max_length)
    for m in plain_fallback(messages):  # what the deliverer falls back to is valid text too
        assert not m.entities
        check_message(m, max_length)


def entity_text(message: OutgoingMessage, kind: str) -> list[str]:
    """Texts covered by entities of `kind`."""
    raw = message.text.encode("utf-16-le")
    return [
        raw[2 * e.offset : 2 * (e.offset + e.length)].decode("utf-16-le")
        for e in message.entities
        if e.type == kind
    ]


def test_checker_rejects_a_split_surrogate() -> None:
    bad = OutgoingMessage(text="a😀b", entities=[])
    check_message(bad)
    from bot.models import Entity

    bad.entities.append(Entity("bold", 0, 2))
    try:
        check_message(bad)
    except AssertionError:
        return
    raise AssertionError("a bold entity ending inside 😀 passed the check")
