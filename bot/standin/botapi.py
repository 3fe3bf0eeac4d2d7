"""An in-process fake Telegram Bot API, plugged into python-telegram-bot's request layer.

`FakeTelegram` holds the world (chats, users, messages, pending updates) and answers
Bot API methods with Telegram's validation; `FakeBotAPIRequest` is the
`telegram.request.BaseRequest` that hands PTB's calls to it, so the real
`Application`, handlers, JobQueue and rate limiter run unchanged:

    fake = FakeTelegram()
    app = (ApplicationBuilder().token(fake.token)
           .request(FakeBotAPIRequest(fake)).get_updates_request(FakeBotAPIRequest(fake)).build())

The same `FakeTelegram` can be served over HTTP (bot/standin/http_botapi.py). State is
guarded by a lock, so tests may inject updates from another thread.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from telegram import Bot
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.standin import methods
from bot.standin.errors import ApiError, TransportFailure
from bot.standin.limits import LimitState, RateLimits
from bot.standin.params import decode_params
from bot.standin.state import (
    FAULT_KINDS,
    SERVICE_USER_ID,
    CallRecord,
    FakeChat,
    FakeUser,
    Fault,
    FaultRule,
    SentRecord,
)

DEFAULT_TOKEN = "123456:TEST-token-for-the-fake"
UPDATE_TYPES_BY_DEFAULT = frozenset(
    {"message", "edited_message", "channel_post", "edited_channel_post", "callback_query"}
)


class FakeTelegram:
    """Telegram as a bot sees it, for tests. Register chats before the bot sends there."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "chatwire_test_bot",
        limits: RateLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
        auto_forward: bool = True,
    ) -> None:
        self.token = token
        self.bot = FakeUser(int(token.split(":", 1)[0]), "Chatwire", bot_username, is_bot=True)
        self.clock = clock
        self.auto_forward = auto_forward
        self.latency = 0.0  # seconds a send's answer takes after the message exists
        self.webhook: dict[str, Any] | None = None  # what setWebhook stored
        self.allow_http_webhook = True  # Telegram wants https; local tests use http
        self.lock = threading.RLock()
        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int, FakeChat] = {}
        self.sent: list[SentRecord] = []
        self.edits: list[SentRecord] = []
        self.deleted: list[tuple[int, int]] = []
        self.calls: list[CallRecord] = []
        self.parse_mode_uses: list[tuple[str, Any, str]] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.inline_answers: list[dict[str, Any]] = []
        self.commands: list[dict[str, Any]] = []
        self.rate_limited: list[tuple[int, float]] = []  # (chat_id, retry_after) per 429
        self.bad_media: set[str] = set()
        self.automatic_forwards: dict[tuple[int, int], int] = {}
        self._faults: list[FaultRule] = []
        self._limit_state = LimitState(limits) if limits else None
        self._updates: list[dict[str, Any]] = []
        self._taken = 0  # update ids below this were handed out by take_updates()
        self._next_update_id = 1
        self._poll_generation = 0
        self._next_file = 1
        self._media_group = 1
        self.users[SERVICE_USER_ID] = FakeUser(SERVICE_USER_ID, "Telegram")

    # ---- world set-up -------------------------------------------------------------

    def add_user(
        self, user_id: int, first_name: str = "Reader", username: str | None = None
    ) -> FakeUser:
        """A user and their private chat with the bot."""
        with self.lock:
            user = FakeUser(user_id, first_name, username)
            self.users[user_id] = user
            self.chats[user_id] = FakeChat(
                user_id, "private", username=username, first_name=first_name, bot_status="member"
            )
            return user

    def add_channel(
        self,
        chat_id: int,
        title: str = "Channel",
        *,
        username: str | None = None,
        linked_chat_id: int | None = None,
    ) -> FakeChat:
        """A channel where the bot is an admin that may post."""
        with self.lock:
            chat = FakeChat(chat_id, "channel", title, username, linked_chat_id=linked_chat_id)
            self.chats[chat_id] = chat
            return chat

    def add_group(
        self,
        chat_id: int,
        title: str = "Group",
        *,
        supergroup: bool = True,
        username: str | None = None,
        bot_status: str = "administrator",
        linked_chat_id: int | None = None,
    ) -> FakeChat:
        with self.lock:
            kind = "supergroup" if supergroup else "group"
            chat = FakeChat(
                chat_id, kind, title, username, linked_chat_id=linked_chat_id, bot_status=bot_status
            )
            self.chats[chat_id] = chat
            return chat

    def link_discussion(self, channel_id: int, group_id: int) -> None:
        """Make `group_id` the channel's discussion group (both directions, like Telegram)."""
        with self.lock:
            self.chats[channel_id].linked_chat_id = group_id
            self.chats[group_id].linked_chat_id = channel_id

    def add_member(
        self, chat_id: int, user_id: int, *, admin: bool = False, owner: bool = False
    ) -> None:
        with self.lock:
            chat = self.chats[chat_id]
            chat.member_ids.add(user_id)
            if admin:
                chat.admin_ids.add(user_id)
            if owner:
                chat.owner_id = user_id

    def kick_bot(self, chat_id: int) -> None:
        """The bot was removed (or blocked, in a private chat): sends answer 403."""
        with self.lock:
            self.chats[chat_id].kicked = True
            self.chats[chat_id].bot_status = "kicked"

    def migrate_chat(self, old_id: int, new_id: int) -> FakeChat:
        """A group became a supergroup with a new id; sends to the old id answer 400 migrate."""
        with self.lock:
            old = self.chats[old_id]
            old.migrated_to = new_id
            new = FakeChat(new_id, "supergroup", old.title, old.username, bot_status=old.bot_status)
            new.member_ids = set(old.member_ids)
            new.admin_ids = set(old.admin_ids)
            self.chats[new_id] = new
            return new

    def reject_media(self, url: str) -> None:
        """Telegram cannot fetch this photo URL: sends with it answer 400."""
        with self.lock:
            self.bad_media.add(url)

    # ---- faults -------------------------------------------------------------------

    def fail_next(
        self,
        chat_id: int | None,
        kind: str,
        *,
        times: int = 1,
        method: str | None = None,
        retry_after: float = 1,
        description: str | None = None,
        migrate_to: int | None = None,
        skip: int = 0,
    ) -> None:
        """The next `times` calls (to `chat_id` or any chat; of `method` or any) fail.

        With `skip`, the first `skip` matching calls are let through (or met by
        another fault) before this one starts.

        Kinds: retry_after (429), server_error (500), bad_gateway (502), timeout
        (TimedOut in process, dropped connection over HTTP), network, forbidden (403),
        migrate (400 with migrate_to_chat_id), too_long, entities, bad_request (400).
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        fault = Fault(kind, retry_after, description, migrate_to)
        with self.lock:
            self._faults.append(FaultRule(fault, chat_id, method, times, skip))

    @property
    def limits_broken(self) -> dict[str, int]:
        """How many 429s each emulated limit (chat, global, group) produced."""
        return dict(self._limit_state.broken) if self._limit_state else {}

    def enable_rate_limits(self, limits: RateLimits | None = None) -> None:
        with self.lock:
            self._limit_state = LimitState(limits or RateLimits())

    # ---- reading what the bot did ----------------------------------------------------

    def sent_to(self, chat_id: int) -> list[SentRecord]:
        """Everything the bot sent to the chat, in order."""
        with self.lock:
            return [r for r in self.sent if r.chat_id == chat_id]

    def texts(self, chat_id: int) -> list[str]:
        return [r.body for r in self.sent_to(chat_id)]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        with self.lock:
            return self.chats[chat_id].messages.get(message_id)

    @property
    def used_parse_mode(self) -> bool:
        """True once any call carried a parse_mode: chatwire should never send markup."""
        return bool(self.parse_mode_uses)

    def pending_updates(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self._updates)

    def take_updates(self) -> list[dict[str, Any]]:
        """Updates queued since the last call, each handed out once (tests that drive the
        Application directly instead of polling getUpdates)."""
        with self.lock:
            new = [u for u in self._updates if u["update_id"] >= self._taken]
            if new:
                self._taken = new[-1]["update_id"] + 1
            return new

    # ---- injecting updates ----------------------------------------------------------

    def inject_update(self, kind: str, payload: dict[str, Any]) -> int:
        """Queue a raw update of `kind` (message, channel_post, callback_query, …)."""
        with self.lock:
            update_id = self._next_update_id
            self._next_update_id += 1
            self._updates.append({"update_id": update_id, kind: payload})
            return update_id

    def send_private(
        self,
        user_id: int,
        text: str,
        *,
        entities: list[dict[str, Any]] | None = None,
        reply_to: int | None = None,
        forward_from: tuple[int, int] | None = None,
    ) -> dict[str, Any]:
        """A user writes to the bot; "/cmd …" gets its bot_command entity.

        `forward_from=(channel_id, message_id)` makes it a forward of that channel post.
        """
        with self.lock:
            if user_id not in self.users:
                self.add_user(user_id)
            message = self._user_message(user_id, user_id, text, entities, reply_to)
            if forward_from is not None:
                message["forward_origin"] = self._channel_origin(*forward_from)
            self.inject_update("message", message)
            return message

    def send_group(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        entities: list[dict[str, Any]] | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        """A member writes in a group, possibly replying to a message there."""
        with self.lock:
            if user_id not in self.users:
                self.add_user(user_id)
            self.chats[chat_id].member_ids.add(user_id)
            message = self._user_message(chat_id, user_id, text, entities, reply_to)
            self.inject_update("message", message)
            return message

    def post_to_channel(self, chat_id: int, text: str) -> dict[str, Any]:
        """Someone else posts in the channel: a channel_post update (and its discussion copy)."""
        with self.lock:
            chat = self.chats[chat_id]
            message = self._base_message(chat, text=text)
            message["sender_chat"] = chat.to_json()
            message["entities"] = _command_entities(text)
            if not message["entities"]:
                del message["entities"]
            chat.messages[message["message_id"]] = message
            self.inject_update("channel_post", message)
            self._forward_to_discussion(chat, [message])
            return message

    def automatic_forward(self, channel_id: int, channel_message_id: int) -> dict[str, Any]:
        """Telegram's copy of a channel post into its discussion group (done by hand)."""
        with self.lock:
            channel = self.chats[channel_id]
            original = channel.messages[channel_message_id]
            if channel.linked_chat_id is None:
                raise ValueError("the channel has no discussion group")
            return self._copy_to_group(channel, self.chats[channel.linked_chat_id], original)

    def press_button(
        self, user_id: int, data: str, *, chat_id: int, message_id: int
    ) -> dict[str, Any]:
        """A callback query from an inline button under a bot message."""
        with self.lock:
            query = {
                "id": f"cq{self._next_update_id}",
                "from": self.users[user_id].to_json(),
                "chat_instance": f"ci{chat_id}",
                "data": data,
                "message": self.chats[chat_id].messages[message_id],
            }
            self.inject_update("callback_query", query)
            return query

    def add_forum(self, chat_id: int, title: str = "Forum", **kwargs: Any) -> FakeChat:
        """A supergroup with topics (the bot an administrator, so it may create them)."""
        chat = self.add_group(chat_id, title, **kwargs)
        chat.is_forum = True
        return chat

    def delete_topic(self, chat_id: int, thread_id: int) -> None:
        """An admin deletes a forum topic: sending into it fails from now on."""
        with self.lock:
            self.chats[chat_id].topics.pop(thread_id, None)

    def inline_query(self, user_id: int, query: str, *, offset: str = "") -> dict[str, Any]:
        """A user types `@bot query` in any chat: an inline_query update."""
        with self.lock:
            if user_id not in self.users:
                self.add_user(user_id)
            payload = {
                "id": f"iq{self._next_update_id}",
                "from": self.users[user_id].to_json(),
                "query": query,
                "offset": offset,
            }
            self.inject_update("inline_query", payload)
            return payload

    # ---- the API ------------------------------------------------------------------

    async def call(
        self, token: str, method: str, raw: dict[str, str], files: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API call: (HTTP status, JSON body). Raises TransportFailure."""
        if token != self.token:
            return 401, ApiError(401, "Unauthorized").body()
        try:
            params = decode_params(raw)
            if method == "getUpdates":
                result: Any = await self._get_updates(params)
            else:
                result = self.dispatch(method, params, files or {})
                if self.latency and method.startswith("send"):
                    await asyncio.sleep(self.latency)  # done, but the answer is slow
        except ApiError as exc:
            return exc.status, exc.body()
        return 200, {"ok": True, "result": result}

    def dispatch(self, method: str, params: dict[str, Any], files: dict[str, Any]) -> Any:
        handler = methods.HANDLERS.get(method)
        with self.lock:
            self.calls.append(CallRecord(method, params, self.clock()))
            if "parse_mode" in params:
                self.parse_mode_uses.append((method, params.get("chat_id"), params["parse_mode"]))
            if handler is None:
                raise ApiError(404, "Not Found")
            self._apply_faults(method, params)
            return handler(self, params, files)

    def _apply_faults(self, method: str, params: dict[str, Any]) -> None:
        chat_id = self._peek_chat_id(params.get("chat_id"))
        firing: FaultRule | None = None
        for rule in self._faults:
            if not rule.matches(method, chat_id):
                continue
            if rule.skip > 0:
                rule.skip -= 1  # every matching call counts, whichever rule fires
            elif firing is None:
                firing = rule
        if firing is not None:
            firing.remaining -= 1
            firing.fault.raise_it()

    def _peek_chat_id(self, ref: Any) -> int | None:
        if isinstance(ref, int):
            return ref
        if isinstance(ref, str):
            chat = self.find_chat_by_username(ref.lstrip("@"))
            return chat.id if chat else None
        return None

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        with self.lock:
            self.calls.append(CallRecord("getUpdates", params, self.clock()))
        offset = int(params.get("offset", 0) or 0)
        limit = int(params.get("limit", 100) or 100)
        timeout = float(params.get("timeout", 0) or 0)
        allowed = params.get("allowed_updates") or sorted(UPDATE_TYPES_BY_DEFAULT)
        deadline = time.monotonic() + timeout
        with self.lock:
            self._poll_generation += 1
            generation = self._poll_generation
        while True:
            with self.lock:
                if generation != self._poll_generation:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that "
                        "only one bot instance is running",
                    )
                if offset > 0:
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = [u for u in self._updates if _update_kind(u) in allowed][:limit]
            if ready or time.monotonic() >= deadline:
                return ready
            await asyncio.sleep(0.01)

    # ---- helpers shared with methods.py ---------------------------------------------

    def find_chat_by_username(self, username: str) -> FakeChat | None:
        for chat in self.chats.values():
            if chat.username and chat.username.lower() == username.lower():
                return chat
        return None

    def resolve_chat(self, ref: Any) -> FakeChat:
        """The chat a call names; 400 when unknown or migrated, 403 when the bot is out."""
        chat = None
        if isinstance(ref, int):
            chat = self.chats.get(ref)
        elif isinstance(ref, str):
            chat = self.find_chat_by_username(ref.lstrip("@"))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=chat.migrated_to,
            )
        if chat.kicked:
            raise ApiError(403, _kicked_text(chat))
        return chat

    def admit(self, chat: FakeChat, count: int) -> None:
        """Count messages against the emulated flood limits; 429 when one is broken."""
        if self._limit_state is None:
            return
        wait = self._limit_state.admit(
            chat.id, is_group=chat.is_group_like, count=count, now=self.clock()
        )
        if wait is not None:
            self.rate_limited.append((chat.id, wait))
            shown = int(wait) if float(wait).is_integer() else wait
            raise ApiError(429, f"Too Many Requests: retry after {shown}", retry_after=shown)

    def new_file_id(self, prefix: str) -> str:
        file_id = f"{prefix}-{self._next_file}"
        self._next_file += 1
        return file_id

    def new_media_group_id(self) -> str:
        group_id = f"mg{self._media_group}"
        self._media_group += 1
        return group_id

    def bot_message(self, chat: FakeChat, **fields: Any) -> dict[str, Any]:
        """A message the bot sends, stored in the chat."""
        message = self._base_message(chat, **fields)
        if chat.type == "channel":
            message["sender_chat"] = chat.to_json()
        else:
            message["from"] = self.bot.to_json()
        chat.messages[message["message_id"]] = message
        return message

    def after_bot_post(self, chat: FakeChat, posted: list[dict[str, Any]]) -> None:
        """Channel posts get copied into the linked discussion group, as Telegram does."""
        if chat.type == "channel":
            self._forward_to_discussion(chat, posted)

    def _forward_to_discussion(self, chat: FakeChat, posted: list[dict[str, Any]]) -> None:
        if not self.auto_forward or chat.linked_chat_id is None:
            return
        group = self.chats.get(chat.linked_chat_id)
        if group is None:
            return
        for message in posted:
            self._copy_to_group(chat, group, message)

    def _copy_to_group(
        self, channel: FakeChat, group: FakeChat, original: dict[str, Any]
    ) -> dict[str, Any]:
        copy = self._base_message(group)
        for key in ("text", "entities", "photo", "caption", "caption_entities", "media_group_id"):
            if key in original:
                copy[key] = original[key]
        copy["from"] = self.users[SERVICE_USER_ID].to_json()
        copy["sender_chat"] = channel.to_json()
        copy["is_automatic_forward"] = True
        copy["forward_origin"] = self._channel_origin(channel.id, original["message_id"])
        group.messages[copy["message_id"]] = copy
        self.automatic_forwards[(channel.id, original["message_id"])] = copy["message_id"]
        self.inject_update("message", copy)
        return copy

    def _channel_origin(self, channel_id: int, message_id: int) -> dict[str, Any]:
        return {
            "type": "channel",
            "date": int(time.time()),
            "chat": self.chats[channel_id].to_json(),
            "message_id": message_id,
        }

    def _base_message(self, chat: FakeChat, **fields: Any) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": chat.take_message_id(),
            "date": int(time.time()),
            "chat": chat.to_json(),
        }
        message.update({k: v for k, v in fields.items() if v is not None})
        return message

    def _user_message(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        entities: list[dict[str, Any]] | None,
        reply_to: int | None,
    ) -> dict[str, Any]:
        chat = self.chats[chat_id]
        message = self._base_message(chat, text=text)
        message["from"] = self.users[user_id].to_json()
        found = entities if entities is not None else _command_entities(text)
        if found:
            message["entities"] = found
        if reply_to is not None:
            replied = chat.messages[reply_to]
            message["reply_to_message"] = _shallow(replied)
            thread = replied.get("message_thread_id")
            if thread is None and replied.get("is_automatic_forward"):
                thread = reply_to  # a comment thread starts at the channel post's copy
            if thread is not None and chat.is_group_like:
                message["message_thread_id"] = thread
        chat.messages[message["message_id"]] = message
        return message


class FakeBotAPIRequest(BaseRequest):
    """PTB's request layer answered by a `FakeTelegram` instead of the network."""

    def __init__(self, fake: FakeTelegram, *, read_timeout: float | None = 5.0) -> None:
        self.fake = fake
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        token, api_method = split_api_url(url)
        raw = request_data.json_parameters if request_data else {}
        files = (
            dict(request_data.multipart_data)
            if request_data and request_data.contains_files
            else {}
        )
        try:
            status, body = await self.fake.call(token, api_method, raw, files)
        except TransportFailure as exc:
            if exc.kind == "timeout":
                raise TimedOut("Timed out (fake)") from None
            raise NetworkError("Connection reset by peer (fake)") from None
        return status, json.dumps(body).encode()


def fake_telegram_bot(fake: FakeTelegram) -> Bot:
    """A `telegram.Bot` whose every request (getUpdates included) goes to `fake`."""
    return Bot(
        fake.token,
        request=FakeBotAPIRequest(fake),
        get_updates_request=FakeBotAPIRequest(fake),
    )


def split_api_url(url: str) -> tuple[str, str]:
    """(token, method) from `…/bot<token>/<method>`."""
    head, _, method = url.rstrip("/").rpartition("/")
    token = head.rpartition("/")[2]
    return token.removeprefix("bot"), method


def _kicked_text(chat: FakeChat) -> str:
    if chat.type == "private":
        return "Forbidden: bot was blocked by the user"
    if chat.type == "channel":
        return "Forbidden: bot was kicked from the channel chat"
    return f"Forbidden: bot was kicked from the {chat.type} chat"


def _update_kind(update: dict[str, Any]) -> str:
    return next(k for k in update if k != "update_id")


def _shallow(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if k != "reply_to_message"}


def _command_entities(text: str) -> list[dict[str, Any]]:
    if not text.startswith("/"):
        return []
    word = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": len(word.encode("utf-16-le")) // 2}]
