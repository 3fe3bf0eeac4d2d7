"""Test doubles shared by every test: the fake Telegram Bot API (in process and over HTTP).

World set-up (FakeTelegram): add_channel, add_group, add_user, add_member,
link_discussion, kick_bot, migrate_chat, reject_media, enable_rate_limits.

Updates: send_private (commands get their bot_command entity; forward_from makes a
forward of a channel post), send_group (reply_to a message; comments under a
discussion copy get message_thread_id), post_to_channel, automatic_forward,
press_button, inject_update (raw). Channel posts by the bot are copied into the
linked group automatically (automatic_forwards maps (channel, post) → copy id).

Faults: fail_next(chat_id | None, kind, times=, method=, skip=, retry_after=,
migrate_to=, description=), kinds retry_after, server_error, bad_gateway,
timeout, network, forbidden, migrate, too_long, entities, bad_request.

Reading back: sent_to(chat) → [SentRecord], texts(chat), message(chat, id), edits,
deleted, calls, used_parse_mode / parse_mode_uses, callback_answers, commands,
rate_limited, limits_broken.

Fixtures (tests/fakes/plugin.py): `fake_telegram`, `fake_bot`, `http_fake_telegram`.
Transports: FakeBotAPIRequest (for ApplicationBuilder().request / get_updates_request),
fake_telegram_bot(fake), serve_in_thread(fake) / start_in_thread(fake) → .base_url.
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
