"""Telegram's validation of message text, captions, entities and media groups."""

from __future__ import annotations

from typing import Any

from bot.standin.errors import ApiError

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_ENTITIES = 100
ENTITY_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
        "date_time",
    }
)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def check_text(text: Any) -> str:
    """Message text: a non-blank string of at most 4096 UTF-16 units."""
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise ApiError(400, "Bad Request: message is too long")
    return text


def check_caption(caption: Any) -> str | None:
    if caption is None:
        return None
    if not isinstance(caption, str):
        raise ApiError(400, "Bad Request: can't parse caption")
    if utf16_len(caption) > MAX_CAPTION:
        raise ApiError(400, "Bad Request: message caption is too long")
    return caption


def check_markup(parse_mode: Any, entities: Any) -> None:
    """parse_mode and explicit entities exclude each other."""
    if parse_mode is not None and entities:
        raise ApiError(
            400, "Bad Request: can't parse entities: parse_mode and entities are both given"
        )


def check_entities(text: str, entities: Any) -> list[dict[str, Any]]:
    """Every entity typed, in range of the UTF-16 text; at most 100 of them."""
    if entities is None:
        return []
    if not isinstance(entities, list):
        raise ApiError(400, "Bad Request: can't parse entities: expected an array")
    if len(entities) > MAX_ENTITIES:
        raise ApiError(400, f"Bad Request: too many entities: {len(entities)} > {MAX_ENTITIES}")
    size = utf16_len(text)
    for index, entity in enumerate(entities):
        _check_entity(index, entity, size)
    return entities


def _check_entity(index: int, entity: Any, size: int) -> None:
    where = f"Bad Request: can't parse entities: entity {index}"
    if not isinstance(entity, dict):
        raise ApiError(400, f"{where} is not an object")
    kind = entity.get("type")
    offset = entity.get("offset")
    length = entity.get("length")
    if kind not in ENTITY_TYPES:
        raise ApiError(400, f"{where} has unsupported type {kind!r}")
    if not isinstance(offset, int) or not isinstance(length, int):
        raise ApiError(400, f"{where} has no integer offset/length")
    if offset < 0 or length <= 0 or offset + length > size:
        raise ApiError(400, f"{where} is out of range of the text ({offset}+{length} > {size})")
    if kind == "text_link" and not entity.get("url"):
        raise ApiError(400, f"{where}: text_link without url")
    if kind == "text_mention" and not isinstance(entity.get("user"), dict):
        raise ApiError(400, f"{where}: text_mention without user")
    if kind == "custom_emoji" and not entity.get("custom_emoji_id"):
        raise ApiError(400, f"{where}: custom_emoji without custom_emoji_id")


def check_media_group(media: Any) -> list[dict[str, Any]]:
    """2–10 items; documents and audio only group with their own kind."""
    if not isinstance(media, list) or not 2 <= len(media) <= 10:
        count = len(media) if isinstance(media, list) else 0
        raise ApiError(400, f"Bad Request: wrong number of media in the album: {count}")
    kinds = set()
    for item in media:
        if not isinstance(item, dict) or item.get("type") not in (
            "photo",
            "video",
            "document",
            "audio",
        ):
            raise ApiError(400, "Bad Request: can't parse InputMedia: unsupported type")
        if not item.get("media"):
            raise ApiError(400, "Bad Request: there is no media in the request")
        kinds.add(item["type"])
    for lonely in ("document", "audio"):
        if lonely in kinds and len(kinds) > 1:
            raise ApiError(400, f"Bad Request: {lonely} can't be mixed with other media types")
    return media
