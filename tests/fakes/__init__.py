"""Test doubles: the Bot API stand-in (bot/standin) plus pytest fixtures and test helpers.

Fixtures (tests/fakes/plugin.py): `fake_telegram`, `fake_bot`, `http_fake_telegram`.
"""

from bot.standin import (
    FakeBotAPIRequest,
    FakeChat,
    FakeTelegram,
    FakeUser,
    RateLimits,
    RunningServer,
    SentRecord,
    fake_telegram_bot,
    serve_in_thread,
    split_api_url,
    start_in_thread,
)
from tests.fakes.plugin import fake_bot, fake_telegram, http_fake_telegram

__all__ = [
    "FakeBotAPIRequest",
    "FakeChat",
    "FakeTelegram",
    "FakeUser",
    "RateLimits",
    "RunningServer",
    "SentRecord",
    "fake_bot",
    "fake_telegram",
    "fake_telegram_bot",
    "http_fake_telegram",
    "serve_in_thread",
    "split_api_url",
    "start_in_thread",
]
