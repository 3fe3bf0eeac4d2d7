"""The fake Telegram's world: users, chats, stored messages, sent records and faults.

Plain data plus small helpers; the method handlers live in bot/standin/methods.py.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from bot.standin.errors import ApiError, TransportFailure

SERVICE_USER_ID = 777000  # "Telegram", the sender of automatic forwards


@dataclass(slots=True)
class FakeUser:
    id: int
    first_name: str
    username: str | None = None
    is_bot: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        return data


@dataclass(slots=True)
class FakeChat:
    """A chat the fake knows; `kicked` makes every send answer 403."""

    id: int
    type: str  # private, group, supergroup, channel
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    linked_chat_id: int | None = None
    kicked: bool = False
    migrated_to: int | None = None
    bot_status: str = "administrator"
    owner_id: int | None = None
    admin_ids: set[int] = field(default_factory=set)
    member_ids: set[int] = field(default_factory=set)
    next_message_id: int = 1
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    is_forum: bool = False  # a supergroup with topics
    topics: dict[int, str] = field(default_factory=dict)  # message_thread_id → name

    @property
    def is_group_like(self) -> bool:
        return self.type != "private"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name"):
            value = getattr(self, key)
            if value:
                data[key] = value
        if self.is_forum:
            data["is_forum"] = True
        return data

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass(slots=True)
class SentRecord:
    """One message the bot sent (or edited), as a test reads it back."""

    chat_id: int
    message_id: int
    method: str
    text: str | None
    entities: list[dict[str, Any]]
    photo: str | None
    caption: str | None
    reply_to: int | None
    time: float
    parse_mode: str | None = None
    link_preview_options: dict[str, Any] | None = None
    media_group_id: str | None = None
    reply_markup: dict[str, Any] | None = None
    forwarded_from: tuple[int, int] | None = None  # (chat, message) for forwards and copies
    message_thread_id: int | None = None  # the forum topic it was sent to

    @property
    def body(self) -> str:
        """The text a reader sees: the text, or the photo's caption."""
        return self.text if self.text is not None else (self.caption or "")


@dataclass(slots=True)
class Fault:
    """What to answer instead of handling a call."""

    kind: str  # retry_after, server_error, bad_gateway, timeout, network, forbidden,
    #            migrate, too_long, entities, bad_request
    retry_after: float = 1
    description: str | None = None
    migrate_to: int | None = None

    def raise_it(self) -> None:
        if self.kind in ("timeout", "network"):
            raise TransportFailure(self.kind)
        raise _FAULT_ERRORS[self.kind](self)


def _retry(f: Fault) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {f.retry_after}", retry_after=f.retry_after
    )


def _migrate(f: Fault) -> ApiError:
    if f.migrate_to is None:
        raise ValueError("a migrate fault needs migrate_to")
    return ApiError(
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=f.migrate_to,
    )


_FAULT_ERRORS: dict[str, Any] = {
    "retry_after": _retry,
    "server_error": lambda f: ApiError(500, f.description or "Internal Server Error"),
    "bad_gateway": lambda f: ApiError(502, f.description or "Bad Gateway"),
    "forbidden": lambda f: ApiError(
        403, f.description or "Forbidden: bot was kicked from the channel chat"
    ),
    "migrate": _migrate,
    "too_long": lambda f: ApiError(400, f.description or "Bad Request: message is too long"),
    "entities": lambda f: ApiError(
        400, f.description or "Bad Request: can't parse entities: unsupported start tag"
    ),
    "bad_request": lambda f: ApiError(400, f.description or "Bad Request: something is wrong"),
}
FAULT_KINDS = frozenset({*_FAULT_ERRORS, "timeout", "network"})


@dataclass(slots=True)
class FaultRule:
    fault: Fault
    chat_id: int | None
    method: str | None
    remaining: int
    skip: int = 0

    def matches(self, method: str, chat_id: int | None) -> bool:
        if self.remaining <= 0:
            return False
        if self.method is None and method in ("getUpdates", "getMe"):
            return False
        if self.method is not None and self.method != method:
            return False
        return self.chat_id is None or self.chat_id == chat_id


@dataclass(slots=True)
class CallRecord:
    method: str
    params: dict[str, Any]
    time: float = field(default_factory=time.monotonic)
