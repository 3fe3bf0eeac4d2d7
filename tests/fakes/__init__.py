"""Test doubles shared by every test: the fake Telegram Bot API (in process and over HTTP).

Fixtures (tests/fakes/plugin.py): `fake_telegram`, `fake_bot`, `http_fake_telegram`.
"""

from tests.fakes.botapi import FakeBotAPIRequest, FakeTelegram, fake_telegram_bot, split_api_url
from tests.fakes.http_botapi import RunningServer, serve_in_thread, start_in_thread
from tests.fakes.limits import RateLimits
from tests.fakes.plugin import fake_bot, fake_telegram, http_fake_telegram
from tests.fakes.state import FakeChat, FakeUser, SentRecord

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
