"""Each condition of the admin check that guards the feedback reply relay.

An answer reaches a reader only when it is a reply, in the admin chat, to the
bot's feedback card, from an admin: a user in ADMIN_IDS writing as themself, or
an anonymous admin of the admin chat (sender_chat is the admin chat itself, in
the admin chat). Everyone else, including a member of the admin chat who posts
as their own channel, is refused and the reader receives nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from storage import feedback as fb
from storage.db import Database
from tests.test_feedback_support import (
    ADMIN,
    ADMIN_CHAT,
    ANONYMOUS_BOT,
    CHANNEL_BOT,
    GROUP,
    OTHER_READER,
    READER,
    World,
    make_world,
)

REFUSED = "Sorry, only the bot's admins can use this command."
MEMBERS_CHANNEL = -1009000000777  # a channel the non-admin member owns
AS_ADMIN_CHAT = {"id": ADMIN_CHAT, "type": "supergroup", "title": "Editors"}
AS_OWN_CHANNEL = {"id": MEMBERS_CHANNEL, "type": "channel", "title": "Mallory's channel"}


@pytest.fixture
async def world(db: Database) -> AsyncIterator[World]:
    async with make_world(db) as built:
        built.fake.add_member(ADMIN_CHAT, OTHER_READER)  # a member, not an admin
        built.fake.add_channel(MEMBERS_CHANNEL, "Mallory's channel")
        yield built


async def _card(world: World) -> int:
    await world.private(READER, "/feedback The chart on page two is wrong")
    card = world.last(ADMIN_CHAT)
    assert card.body.startswith("Feedback #1")
    return card.message_id


async def _reader_got_nothing(world: World) -> None:
    assert world.texts(READER) == ["Thank you! Your feedback #1 has been passed on to the editors."]
    async with world.db.begin() as conn:
        found = await fb.get_feedback(conn, 1)
        assert found is not None and found.answered_at is None
        assert await fb.replies_for(conn, 1) == []


async def _reply(world: World, card: int, *, sender: dict[str, Any], **fields: Any) -> None:
    await world.raw_message(ADMIN_CHAT, sender=sender, reply_to=card, text="Forged", **fields)


def _user(user_id: int, name: str) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": name}


async def test_an_admin_user_is_relayed(world: World) -> None:
    card = await _card(world)
    await _reply(world, card, sender=_user(ADMIN, "Alice"))
    assert world.last(READER).body.endswith("Forged")
    async with world.db.begin() as conn:
        found = await fb.get_feedback(conn, 1)
    assert found is not None and found.answered_by == ADMIN


async def test_an_anonymous_admin_of_the_admin_chat_is_relayed(world: World) -> None:
    card = await _card(world)
    await _reply(world, card, sender=ANONYMOUS_BOT, sender_chat=AS_ADMIN_CHAT)
    assert world.last(READER).body.endswith("Forged")


async def test_a_member_who_is_not_an_admin_is_refused(world: World) -> None:
    card = await _card(world)
    await _reply(world, card, sender=_user(OTHER_READER, "Mallory"))
    assert world.last(ADMIN_CHAT).body == REFUSED
    await _reader_got_nothing(world)


async def test_a_member_posting_as_their_own_channel_is_refused(world: World) -> None:
    """Send-as-channel: `from` is Channel_Bot, `sender_chat` the member's channel."""
    card = await _card(world)
    await _reply(world, card, sender=CHANNEL_BOT, sender_chat=AS_OWN_CHANNEL)
    assert world.last(ADMIN_CHAT).body == REFUSED
    await _reader_got_nothing(world)
    # Not even an admin's name helps: a message sent as a channel is that channel's.
    await _reply(world, card, sender=_user(ADMIN, "Alice"), sender_chat=AS_OWN_CHANNEL)
    await _reader_got_nothing(world)


async def test_the_admin_chat_name_counts_only_inside_the_admin_chat(world: World) -> None:
    """sender_chat = the admin chat, but written elsewhere: not an admin there."""
    await _card(world)
    await world.raw_message(
        GROUP,
        sender=ANONYMOUS_BOT,
        sender_chat=AS_ADMIN_CHAT,
        text="/feedback_open",
        entities=[{"type": "bot_command", "offset": 0, "length": 14}],
    )
    assert world.last(GROUP).body == REFUSED
    assert "The chart" not in "\n".join(world.texts(GROUP))


async def test_replies_that_are_not_to_a_card_relay_nothing(world: World) -> None:
    await _card(world)
    # The admin replies to the reader's own words quoted elsewhere, or to a chat message.
    chatter = await world.group(ADMIN_CHAT, ADMIN, "Who takes this one?")
    await world.raw_message(
        ADMIN_CHAT, sender=_user(ADMIN, "Alice"), reply_to=chatter["message_id"], text="Me"
    )
    await _reader_got_nothing(world)
    # A reply to a card outside the admin chat (a forwarded copy of it) relays nothing either.
    copy = world.fake.send_group(GROUP, ADMIN, "Feedback #1 from Reader")
    await world.run()
    await world.raw_message(
        GROUP, sender=_user(ADMIN, "Alice"), reply_to=copy["message_id"], text="Forged"
    )
    await _reader_got_nothing(world)
