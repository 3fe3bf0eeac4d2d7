"""Feedback written in a forum topic: the bot's replies and the admins' answer stay in it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage import feedback as fb
from storage.db import Database
from tests.test_feedback_support import ADMIN, ADMIN_CHAT, OTHER_READER, World, make_world

FORUM = -1009000000300


@pytest.fixture
async def world(db: Database) -> AsyncIterator[World]:
    async with make_world(db) as built:
        built.fake.add_forum(FORUM, "Readers' forum")
        yield built


async def write_in_topic(world: World, topic: int, text: str) -> int:
    """A reader writes in a forum topic; returns the message id."""
    message = world.fake.send_group(FORUM, OTHER_READER, text)
    message["message_thread_id"] = topic
    message["is_topic_message"] = True
    await world.run()
    return int(message["message_id"])


@pytest.mark.parametrize("deleted", [False, True])
async def test_answer_to_topic_feedback_lands_in_that_topic(world: World, deleted: bool) -> None:
    await world.app.bot.create_forum_topic(FORUM, "General chat")
    topic = (await world.app.bot.create_forum_topic(FORUM, "Ferries")).message_thread_id
    asked = await write_in_topic(world, topic, "/feedback The ferry times are out of date")

    thanks = world.last(FORUM)
    assert thanks.body.startswith("Thank you! Your feedback #1")
    assert thanks.message_thread_id == topic
    async with world.db.begin() as conn:
        stored = await fb.get_feedback(conn, 1)
    assert stored is not None and stored.message_thread_id == topic

    if deleted:
        await world.app.bot.delete_message(FORUM, asked)
    card = world.last(ADMIN_CHAT)
    await world.group(ADMIN_CHAT, ADMIN, "Updated, thank you.", reply_to=card.message_id)
    answer = world.last(FORUM)
    assert answer.body.endswith("Updated, thank you.")
    assert answer.message_thread_id == topic
    assert answer.reply_to == (None if deleted else asked)
    assert world.last(ADMIN_CHAT).body.startswith("Sent to Mallory in the group")


async def test_feedback_outside_topics_stores_no_thread(world: World) -> None:
    await world.group(FORUM, OTHER_READER, "/feedback Written in General")
    assert world.last(FORUM).message_thread_id is None
    async with world.db.begin() as conn:
        stored = await fb.get_feedback(conn, 1)
    assert stored is not None and stored.message_thread_id is None
    await world.group(ADMIN_CHAT, ADMIN, "Noted.", reply_to=world.last(ADMIN_CHAT).message_id)
    answer = world.last(FORUM)
    assert answer.body.endswith("Noted.") and answer.message_thread_id is None
