"""A stand-in for the Telegram Bot API: `chatwire demo` posts into it, and tests drive it.

It validates like Telegram (text and caption lengths in UTF-16 units, entities, media
groups, chat rights), assigns message ids per chat, copies channel posts into linked
discussion groups, and can inject updates, faults and rate limits. It plugs into
python-telegram-bot in process (`FakeBotAPIRequest`) or over HTTP (`serve_in_thread`).
"""

from bot.standin.botapi import FakeBotAPIRequest, FakeTelegram, fake_telegram_bot, split_api_url
from bot.standin.http_botapi import RunningServer, serve_in_thread, start_in_thread
from bot.standin.limits import RateLimits
from bot.standin.state import FakeChat, FakeUser, SentRecord

__all__ = [
    "FakeBotAPIRequest",
    "FakeChat",
    "FakeTelegram",
    "FakeUser",
    "RateLimits",
    "RunningServer",
    "SentRecord",
    "fake_telegram_bot",
    "serve_in_thread",
    "split_api_url",
    "start_in_thread",
]
