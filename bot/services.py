"""What handlers and jobs share: built once in bot/app.py, passed in, never global."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from telegram.ext import CallbackContext

from bot.config import Settings
from bot.ratelimit import SlidingWindowLimiter
from bot.scope import TelegramFacts
from storage.db import Database

SERVICES_KEY = "chatwire.services"


@dataclass(slots=True)
class Services:
    db: Database
    settings: Settings
    http: httpx.AsyncClient
    notify: Callable[[str], Awaitable[None]]
    command_limiter: SlidingWindowLimiter
    # Feedback cards to the admin chat, all readers together: leaves room for notices.
    feedback_limiter: SlidingWindowLimiter = field(
        default_factory=lambda: SlidingWindowLimiter(10, 60.0)
    )
    telegram_facts: TelegramFacts = field(default_factory=TelegramFacts)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids


def services(context: CallbackContext[Any, Any, Any, Any]) -> Services:
    """The Services stored in bot_data by bot/app.py."""
    found = context.bot_data[SERVICES_KEY]
    assert isinstance(found, Services)
    return found
