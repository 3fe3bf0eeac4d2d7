"""One part to Telegram: entities only (never parse_mode), and what a failure means.

`classify` turns PTB's exceptions into the few cases the publisher treats
differently; PTB 22 strips "Bad Request: " so matching is on the lowered text.
"""

from __future__ import annotations

import enum
import warnings
from dataclasses import dataclass
from datetime import timedelta

from telegram import Bot, LinkPreviewOptions, MessageEntity
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.models import Entity, OutgoingMessage

_TOO_LONG = ("message is too long", "text is too long", "message_too_long")
_ENTITIES = ("can't parse entities", "entity", "entities", "can't find end")
_CHAT_GONE = ("chat not found", "chat_write_forbidden", "not enough rights", "have no rights")
_CAPTION = ("caption is too long", "media_caption_too_long")


class Failure(enum.Enum):
    RETRY_AFTER = "retry_after"  # flood limit: wait as told, this chat only
    TRANSIENT = "transient"  # network, timeout, 5xx: back off and retry
    FORBIDDEN = "forbidden"  # bot removed or blocked: pause the chat
    MIGRATED = "migrated"  # group became a supergroup: follow the new id
    TOO_LONG = "too_long"  # re-cut smaller, then plain
    FORMAT = "format"  # entity trouble: plain text
    MEDIA = "media"  # the photo failed: send the text alone
    REJECTED = "rejected"  # some other 400: fall back, finally give up


@dataclass(frozen=True, slots=True)
class Classified:
    kind: Failure
    detail: str
    retry_after: float = 0.0
    new_chat_id: int | None = None


SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def safe_link(url: str | None) -> bool:
    """Links readers can follow safely: http(s) and mailto, nothing else (`tg://proxy`,
    `javascript:`, `file:` … come from feeds anyone writes)."""
    if not url:
        return False
    scheme, sep, rest = url.strip().partition(":")
    return bool(sep and rest) and scheme.lower() in SAFE_LINK_SCHEMES


def to_message_entities(entities: list[Entity]) -> list[MessageEntity]:
    """The Bot API entities; a text_link to any other scheme is dropped (its text stays)."""
    return [
        MessageEntity(e.type, e.offset, e.length, url=e.url, language=e.language)
        for e in entities
        if e.type != "text_link" or safe_link(e.url)
    ]


async def send_part(
    bot: Bot,
    chat_id: int,
    message: OutgoingMessage,
    *,
    preview: bool = False,
    link_preview: LinkPreviewOptions | None = None,
    thread_id: int | None = None,
) -> int:
    """Send one message (a photo with caption, or text); returns its message id.

    `link_preview` (a route's choice) overrides `preview`; `thread_id` is a forum topic.
    """
    entities = to_message_entities(message.entities)
    if message.photo:
        sent = await bot.send_photo(
            chat_id,
            message.photo,
            caption=message.text or None,
            caption_entities=entities or None,
            message_thread_id=thread_id,
        )
    else:
        sent = await bot.send_message(
            chat_id,
            message.text,
            entities=entities or None,
            link_preview_options=link_preview or LinkPreviewOptions(is_disabled=not preview),
            message_thread_id=thread_id,
        )
    return sent.message_id


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter's wait as seconds, whether PTB gives an int or a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value: int | float | timedelta = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def classify(exc: TelegramError, *, has_photo: bool) -> Classified:
    text = str(exc)
    lowered = text.lower()
    if isinstance(exc, RetryAfter):
        return Classified(Failure.RETRY_AFTER, text, retry_after=retry_seconds(exc))
    if isinstance(exc, ChatMigrated):
        return Classified(Failure.MIGRATED, text, new_chat_id=int(exc.new_chat_id))
    if isinstance(exc, Forbidden):
        return Classified(Failure.FORBIDDEN, text)
    if isinstance(exc, BadRequest):
        return Classified(_bad_request(lowered, has_photo), text)
    if isinstance(exc, InvalidToken | NetworkError):
        return Classified(Failure.TRANSIENT, text)
    return Classified(Failure.TRANSIENT, text)


def _bad_request(lowered: str, has_photo: bool) -> Failure:
    if any(s in lowered for s in _CHAT_GONE):
        return Failure.FORBIDDEN
    if has_photo and any(s in lowered for s in _CAPTION):
        return Failure.MEDIA
    if any(s in lowered for s in _TOO_LONG):
        return Failure.TOO_LONG
    if any(s in lowered for s in _ENTITIES):
        return Failure.FORMAT
    if has_photo:
        return Failure.MEDIA
    return Failure.REJECTED
