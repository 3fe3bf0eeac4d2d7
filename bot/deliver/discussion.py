"""Discussion groups: map Telegram's copy of a channel post back to the article.

A channel's linked group receives each new post as an automatic forward; its id
there is learned only from that update. Recording it (kind "discussion_copy", same
part number) lets replies and commands in the group resolve to the post.
"""

from __future__ import annotations

import asyncio

from telegram import Message, MessageOriginChannel

from storage import chats, messages
from storage.db import Database
from storage.messages import SentMessage

_RETRY_SECONDS = 0.1


async def record_automatic_forward(
    db: Database,
    *,
    group_chat_id: int,
    group_message_id: int,
    channel_chat_id: int,
    channel_message_id: int,
    wait: float = 3.0,
) -> int | None:
    """Record the group copy of one of our channel posts; returns its article id.

    The copy's update can arrive before the publisher has recorded the post it just
    sent, so for a channel the bot posts to, the post is looked for again for up to
    `wait` seconds. None when the channel message is not ours (nothing recorded).
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        async with db.begin() as conn:
            post = await messages.find_message(conn, channel_chat_id, channel_message_id)
            if post is not None:
                await messages.record_discussion_copy(
                    conn, group_chat_id=group_chat_id, group_message_id=group_message_id, post=post
                )
                await chats.upsert_chat(
                    conn, channel_chat_id, type="channel", linked_chat_id=group_chat_id
                )
                await chats.upsert_chat(conn, group_chat_id, linked_chat_id=channel_chat_id)
                return post.article_id
            ours = await chats.has_routes(conn, channel_chat_id)
        if not ours or loop.time() >= deadline:
            return None
        await asyncio.sleep(_RETRY_SECONDS)


async def on_automatic_forward(db: Database, message: Message) -> int | None:
    """The same, straight from PTB's Message (for a handler on filters.IS_AUTOMATIC_FORWARD)."""
    origin = message.forward_origin
    if not message.is_automatic_forward or not isinstance(origin, MessageOriginChannel):
        return None
    return await record_automatic_forward(
        db,
        group_chat_id=message.chat_id,
        group_message_id=message.message_id,
        channel_chat_id=origin.chat.id,
        channel_message_id=origin.message_id,
    )


async def resolve_post(db: Database, chat_id: int, message_id: int) -> SentMessage | None:
    """The recorded message (post part or discussion copy) at this chat and message id."""
    async with db.begin() as conn:
        return await messages.find_message(conn, chat_id, message_id)


async def resolve_message(db: Database, message: Message) -> SentMessage | None:
    """The post a reader's message is about, if any.

    Tried in order: a forward of a channel post, the message it replies to (or that
    message's own forward origin), and the discussion thread it belongs to.
    """
    for chat_id, message_id in _candidates(message):
        found = await resolve_post(db, chat_id, message_id)
        if found is not None:
            return found
    return None


def _candidates(message: Message) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    origin = message.forward_origin
    if isinstance(origin, MessageOriginChannel):
        found.append((origin.chat.id, origin.message_id))
    reply = message.reply_to_message
    if reply is not None:
        found.append((reply.chat_id, reply.message_id))
        if isinstance(reply.forward_origin, MessageOriginChannel):
            found.append((reply.forward_origin.chat.id, reply.forward_origin.message_id))
    if message.message_thread_id is not None:
        found.append((message.chat_id, message.message_thread_id))
    return found
