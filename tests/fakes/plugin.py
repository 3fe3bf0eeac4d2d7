"""Pytest fixtures for the fake Telegram; import them into a test module, or list
`tests.fakes.plugin` in the root conftest's `pytest_plugins`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import Bot

from bot.standin.botapi import FakeTelegram, fake_telegram_bot
from bot.standin.http_botapi import RunningServer, serve_in_thread


@pytest.fixture
def fake_telegram() -> FakeTelegram:
    """An empty fake Telegram (no rate limits); add chats with add_channel/add_user/…"""
    return FakeTelegram()


@pytest.fixture
async def fake_bot(fake_telegram: FakeTelegram) -> AsyncIterator[Bot]:
    """A real, initialized `telegram.Bot` whose requests go to `fake_telegram`."""
    bot = fake_telegram_bot(fake_telegram)
    async with bot:
        yield bot


@pytest.fixture
def http_fake_telegram(fake_telegram: FakeTelegram) -> Iterator[RunningServer]:
    """`fake_telegram` served on 127.0.0.1; use `.base_url` as TELEGRAM_API_BASE_URL."""
    with serve_in_thread(fake_telegram) as server:
        yield server
