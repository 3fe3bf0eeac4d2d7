"""Forum topics per route: a fixed topic, or one topic per feed created on first use.

Route option `topic`: a topic id (message_thread_id), or "auto": the first post
creates a topic named after the feed (createForumTopic) and its id is remembered
in the route's options (`topic_id`), so a restart posts into the same topic.
When Telegram answers that the topic is gone (deleted by an admin), an "auto"
route creates a new one and goes on; a route with a fixed topic is paused (its
posts held) and the admins are told, as for a chat that removed the bot.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from telegram import Bot
from telegram.error import BadRequest, TelegramError

from bot.routing.sending import TOPIC_KEY, SendOptions
from storage import deliveries, feeds, routes
from storage.db import Database
from storage.routes import Route

log = logging.getLogger(__name__)

AUTO = "auto"
TOPIC_ID_KEY = "topic_id"  # the topic an "auto" route created
MAX_TOPIC_NAME = 128
_GONE = ("message thread not found", "topic_deleted", "topic deleted", "topic_closed")

NotifyFn = Callable[[str], Awaitable[object]]


def topic_gone(exc: TelegramError) -> bool:
    """Telegram's answer for a send into a deleted (or closed) topic."""
    return isinstance(exc, BadRequest) and any(s in str(exc).lower() for s in _GONE)


async def _create(db: Database, bot: Bot, route: Route) -> int | None:
    async with db.begin() as conn:
        feed = await feeds.get_feed(conn, route.feed_id)
    name = ((feed.title or feed.url) if feed else f"Feed {route.feed_id}")[:MAX_TOPIC_NAME]
    try:
        topic = await bot.create_forum_topic(route.chat_id, name)
    except TelegramError as exc:
        log.warning("route %s: cannot create a topic in %s: %s", route.id, route.chat_id, exc)
        return None
    thread_id = int(topic.message_thread_id)
    async with db.begin() as conn:
        fresh = await routes.get_route(conn, route.id)
        if fresh is not None:
            await routes.set_route_options(
                conn, route.id, {**fresh.options, TOPIC_ID_KEY: thread_id}
            )
    route.options = {**route.options, TOPIC_ID_KEY: thread_id}
    log.info("route %s: created topic %s %r in chat %s", route.id, thread_id, name, route.chat_id)
    return thread_id


async def resolve(db: Database, bot: Bot, route: Route | None, send: SendOptions) -> SendOptions:
    """`send` with the route's topic filled in, creating an "auto" topic on first use."""
    if route is None or route.options.get(TOPIC_KEY) != AUTO:
        return send
    remembered = route.options.get(TOPIC_ID_KEY)
    if isinstance(remembered, int):
        return replace(send, thread_id=remembered)
    created = await _create(db, bot, route)
    return replace(send, thread_id=created) if created is not None else send


async def recover(
    db: Database, bot: Bot, route_id: int | None, chat_id: int, notify: NotifyFn | None
) -> int | None:
    """The topic was deleted: a new topic id for an "auto" route, else None after
    pausing the route (its posts held) and telling the admins."""
    async with db.begin() as conn:
        route = await routes.get_route(conn, route_id) if route_id is not None else None
    if route is None:
        return None
    if route.options.get(TOPIC_KEY) == AUTO:
        route.options = {k: v for k, v in route.options.items() if k != TOPIC_ID_KEY}
        created = await _create(db, bot, route)
        if created is not None:
            return created
    reason = f"forum topic {route.options.get(TOPIC_ID_KEY, route.options.get(TOPIC_KEY))} is gone"
    async with db.begin() as conn:
        await routes.pause_route(conn, route.id, reason)
        await deliveries.pause_route_deliveries(conn, route.id, reason)
    if notify is not None:
        try:
            await notify(
                f"Paused route {route.id} (feed {route.feed_id} → chat {chat_id}): {reason}. "
                f"Set a topic with `chatwire routes edit {route.id} --topic ID` (0: none), "
                f"then `chatwire routes resume {chat_id}`; the held posts follow."
            )
        except Exception:
            log.exception("could not notify admins about route %s", route.id)
    return None
