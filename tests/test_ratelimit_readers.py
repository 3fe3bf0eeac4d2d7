"""Reader rate limits: per actor (anonymous senders apart), every command, a feedback cap."""

from __future__ import annotations

from typing import Any

from bot.ratelimit import SlidingWindowLimiter
from storage import feedback as fb
from storage.db import Database
from tests.test_feedback_support import (
    ADMIN_CHAT,
    ANONYMOUS_BOT,
    CHANNEL,
    CHANNEL_BOT,
    GROUP,
    OTHER_READER,
    READER,
    Clock,
    World,
    make_settings,
    make_world,
)

SLOW = "faster than I can answer"
OTHER_GROUP = -1009000000300


def test_limiter_forgets_idle_keys() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(limit=2, window=60, clock=clock)
    for user in range(1000):
        assert limiter.allow(user)
    assert len(limiter) == 1000
    clock.now += 30
    assert limiter.allow("active")
    assert len(limiter) == 1001  # nothing idle for a whole window yet
    clock.now += 31
    assert limiter.allow("active")
    assert len(limiter) == 1  # everyone silent for over a window is forgotten
    assert limiter.retry_in(5) == 0 and len(limiter) == 1  # asking does not remember


def test_refusal_is_announced_once_per_flood() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(limit=1, window=60, clock=clock)
    assert limiter.allow("a") and not limiter.allow("a")
    assert limiter.first_refusal("a")
    assert not limiter.allow("a") and not limiter.first_refusal("a")
    clock.now += 61
    assert limiter.allow("a") and not limiter.allow("a")
    assert limiter.first_refusal("a")  # a new flood is told again


def _command(text: str) -> dict[str, Any]:
    command = text.split()[0]
    return {
        "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
    }


async def _as_chat(world: World, chat_id: int, sender_chat: dict[str, Any], text: str) -> None:
    """A command sent in `chat_id` under a chat's name (anonymous admin, channel)."""
    sender = CHANNEL_BOT if sender_chat["type"] == "channel" else ANONYMOUS_BOT
    await world.raw_message(chat_id, sender=sender, sender_chat=sender_chat, **_command(text))


async def test_anonymous_senders_each_have_their_own_budget(db: Database) -> None:
    """GroupAnonymousBot and Channel_Bot are shared user ids: the limit follows sender_chat."""
    async with make_world(db, settings=make_settings(commands_per_minute=2)) as world:
        world.fake.add_group(OTHER_GROUP, "Other chat")
        group_admin = {"id": GROUP, "type": "supergroup", "title": "News chat"}
        other_admin = {"id": OTHER_GROUP, "type": "supergroup", "title": "Other chat"}
        channel = {"id": CHANNEL, "type": "channel", "title": "News"}
        for _ in range(2):
            await _as_chat(world, GROUP, group_admin, "/help")
        await _as_chat(world, GROUP, group_admin, "/help")
        assert SLOW in world.last(GROUP).body
        # Same GroupAnonymousBot user, another group: its own budget.
        await _as_chat(world, OTHER_GROUP, other_admin, "/help")
        assert "/summary" in world.last(OTHER_GROUP).body
        # The channel speaking in its discussion group, and an ordinary member there, too.
        await _as_chat(world, GROUP, channel, "/help")
        assert "/summary" in world.last(GROUP).body
        await world.group(GROUP, READER, "/help")
        assert "/summary" in world.last(GROUP).body


async def test_every_reader_command_counts(db: Database) -> None:
    async with make_world(db, settings=make_settings(commands_per_minute=6)) as world:
        for command in ("/start", "/help", "/latest", "/summary", "/quotes", "/feedback hi"):
            await world.private(READER, command)
            assert SLOW not in world.last(READER).body
        for command in ("/start", "/help", "/latest", "/summary", "/quotes", "/feedback again"):
            sent = len(world.fake.sent_to(READER))
            await world.private(READER, command)
            if command == "/start":
                assert SLOW in world.last(READER).body
            else:  # told once, then silence: a flood never gets a reply per message
                assert len(world.fake.sent_to(READER)) == sent
        async with db.begin() as conn:
            assert [f.text for f in await fb.list_open(conn)] == ["hi"]
        world.clock.now += 61
        await world.private(READER, "/latest")
        assert SLOW not in world.last(READER).body


async def test_feedback_cap_leaves_room_for_notices(db: Database) -> None:
    settings = make_settings(feedback_per_minute=2, commands_per_minute=50)
    async with make_world(db, settings=settings) as world:
        await world.private(READER, "/feedback one")
        await world.private(OTHER_READER, "/feedback two")
        cards = len(world.fake.sent_to(ADMIN_CHAT))
        await world.private(READER, "/feedback three")
        assert "please send yours again in 60 s" in world.last(READER).body
        assert len(world.fake.sent_to(ADMIN_CHAT)) == cards  # no card, nothing half-stored
        async with db.begin() as conn:
            assert [f.text for f in await fb.list_open(conn)] == ["one", "two"]

        await world.services.notify("Feed 7 deactivated after 20 failures")
        assert world.last(ADMIN_CHAT).body == "Feed 7 deactivated after 20 failures"

        world.clock.now += 61
        await world.private(READER, "/feedback three")
        assert world.last(READER).body.startswith("Thank you! Your feedback #3")
        assert world.last(ADMIN_CHAT).body.startswith("Feedback #3")
