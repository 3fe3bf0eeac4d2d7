"""Decode Bot API parameters the way Telegram does: every value arrives as a string.

PTB sends non-string values JSON-encoded (in a form body or a multipart part); the
in-process request and the HTTP server both pass the same strings through here, so
the two transports behave alike.
"""

from __future__ import annotations

import json
from typing import Any

from bot.standin.errors import ApiError

INT_FIELDS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "reply_to_message_id",
        "message_thread_id",
        "cache_time",
        "from_chat_id",
    }
)
JSON_FIELDS = frozenset(
    {
        "entities",
        "caption_entities",
        "media",
        "link_preview_options",
        "reply_parameters",
        "reply_markup",
        "allowed_updates",
        "commands",
        "scope",
        "message_ids",
        "results",
    }
)
BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "show_alert",
        "allow_sending_without_reply",
        "show_caption_above_media",
        "has_spoiler",
        "disable_web_page_preview",
        "allow_paid_broadcast",
        "is_personal",
    }
)


def decode_params(raw: dict[str, str]) -> dict[str, Any]:
    """Typed values from the string form; a malformed value is a 400 like Telegram's."""
    out: dict[str, Any] = {}
    for name, value in raw.items():
        out[name] = _decode(name, value)
    return out


def _decode(name: str, value: str) -> Any:
    if name == "chat_id":
        return _chat_ref(value)
    try:
        if name in INT_FIELDS:
            return int(value)
        if name in JSON_FIELDS:
            return json.loads(value)
        if name in BOOL_FIELDS:
            return value.lower() in ("true", "1")
    except ValueError as exc:
        raise ApiError(400, f"Bad Request: can't parse {name}: {exc}") from None
    return value


def _chat_ref(value: str) -> int | str:
    try:
        return int(value)
    except ValueError:
        if value.startswith("@"):
            return value
        raise ApiError(400, "Bad Request: chat not found") from None
