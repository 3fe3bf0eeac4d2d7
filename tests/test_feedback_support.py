"""The world the feedback and admin tests talk to: the real Application, the fake Bot API.

No tests here; tests/test_feedback_flow.py and tests/test_admin_commands.py build
a `World` and drive it by injecting updates into the fake Telegram.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from telegram.ext import Application

from bot.app import build_application
from bot.config import Settings
from bot.notify import AdminNotifier
from bot.ratelimit import SlidingWindowLimiter
from bot.services import Services
from bot.standin.botapi import FakeBotAPIRequest, FakeTelegram
from bot.standin.state import SentRecord
from handlers import admin as admin_handlers
from handlers import feedback as feedback_handlers
from handlers import reader as reader_handlers
from storage.db import Database
from tests.standin_helpers import process_updates

ADMIN = 1001
SECOND_ADMIN = 1002
READER = 2001
OTHER_READER = 2002
ADMIN_CHAT = -1009000000001
CHANNEL = -1009000000100
GROUP = -1009000000200
CHANNEL_BOT = {  # the `from` of messages sent "as a channel" (send-as, or a linked channel)
    "id": 136817688,
    "is_bot": True,
    "first_name": "Channel",
    "username": "Channel_Bot",
}
ANONYMOUS_BOT = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class World:
    fake: FakeTelegram
    app: Application[Any, Any, Any, Any, Any, Any]
    db: Database
    services: Services
    clock: Clock

    async def run(self) -> None:
        """Process every update injected since the last run, in order."""
        await process_updates(self.app, self.fake)

    def texts(self, chat_id: int) -> list[str]:
        return self.fake.texts(chat_id)

    def last(self, chat_id: int) -> SentRecord:
        return self.fake.sent_to(chat_id)[-1]

    async def private(self, user_id: int, text: str, **extra: Any) -> dict[str, Any]:
        message = self.fake.send_private(user_id, text, reply_to=extra.pop("reply_to", None))
        message["from"].update(extra)
        await self.run()
        return message

    async def group(
        self, chat_id: int, user_id: int, text: str, *, reply_to: int | None = None
    ) -> dict[str, Any]:
        message = self.fake.send_group(chat_id, user_id, text, reply_to=reply_to)
        await self.run()
        return message

    async def raw_message(
        self,
        chat_id: int,
        *,
        sender: dict[str, Any],
        reply_to: int | None = None,
        kind: str = "message",
        **fields: Any,
    ) -> dict[str, Any]:
        """A hand-built message (anonymous admins, photos, threads, edits)."""
        with self.fake.lock:
            chat = self.fake.chats[chat_id]
            message: dict[str, Any] = {
                "message_id": fields.pop("message_id", None) or chat.take_message_id(),
                "date": int(time.time()),
                "chat": chat.to_json(),
                "from": sender,
                **fields,
            }
            if kind == "edited_message":
                message["edit_date"] = int(time.time())
            if reply_to is not None:
                replied = chat.messages[reply_to]
                message["reply_to_message"] = {
                    k: v for k, v in replied.items() if k != "reply_to_message"
                }
            chat.messages[message["message_id"]] = message
            self.fake.inject_update(kind, message)
        await self.run()
        return message


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "admin_ids": frozenset({ADMIN, SECOND_ADMIN}),
        "admin_chat_id": ADMIN_CHAT,
        "commands_per_minute": 50,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@asynccontextmanager
async def make_world(
    db: Database,
    *,
    settings: Settings | None = None,
    notices_per_hour: int = 10,
    http: httpx.AsyncClient | None = None,
) -> AsyncIterator[World]:
    """Admins, a reader, an admin chat, a channel with its discussion group; app started."""
    settings = settings or make_settings()
    fake = FakeTelegram()
    clock = Clock()
    fake.add_user(ADMIN, "Alice", "alice")
    fake.add_user(SECOND_ADMIN, "Bob")
    fake.add_user(READER, "Reader", "reader1")
    fake.add_user(OTHER_READER, "Mallory")
    fake.add_group(ADMIN_CHAT, "Editors")
    fake.add_channel(CHANNEL, "News", username="news_channel")
    fake.add_group(GROUP, "News chat", bot_status="member")
    fake.link_discussion(CHANNEL, GROUP)
    for member in (ADMIN, SECOND_ADMIN):
        fake.add_member(ADMIN_CHAT, member, admin=True)
    client = http or httpx.AsyncClient()
    request = FakeBotAPIRequest(fake)

    async def send_notice(chat_id: int, text: str) -> object:
        return await app.bot.send_message(chat_id, text)

    services = Services(
        db=db,
        settings=settings,
        http=client,
        notify=AdminNotifier(
            send_notice, settings.admin_chat_id, limit=notices_per_hour, clock=clock
        ),
        command_limiter=SlidingWindowLimiter(settings.commands_per_minute, 60, clock=clock),
        feedback_limiter=SlidingWindowLimiter(settings.feedback_per_minute, 60, clock=clock),
    )
    app = build_application(
        token=fake.token,
        services=services,
        handlers=[
            *reader_handlers.grouped_handlers(),
            *feedback_handlers.grouped_handlers(),
            *admin_handlers.grouped_handlers(),
        ],
        request=request,
        updates_request=FakeBotAPIRequest(fake),
    )
    async with app:
        try:
            yield World(fake, app, db, services, clock)
        finally:
            if http is None:
                await client.aclose()
