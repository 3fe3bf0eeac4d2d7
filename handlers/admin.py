"""Admin commands from chat: feeds and routes, one-off posts, stats, feedback and comments.

Every command is wrapped by `admin_command`: anyone else gets one polite line
and a log entry, and nothing changes.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

import httpcore
from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CommandHandler, filters

from bot import admin as core
from bot.config import Settings
from bot.feedback import open_feedback_text
from bot.services import Services, services
from bot.urlsafety import Resolver, URLGuard, guarded_client, system_resolver
from handlers.common import Callback, Context, actor_id, admin_command, reply_plain

log = logging.getLogger(__name__)

GROUP_COMMANDS = 0
MAX_COMMAND_CHARS = 2048
RESOLVER_KEY = "chatwire.admin.resolver"
"""bot_data key for a DNS resolver override (tests inject one; production uses the system's)."""
NETWORK_KEY = "chatwire.admin.network"
"""bot_data key for an httpcore network backend under /post's guarded client (tests)."""

ADMIN_COMMANDS = [
    BotCommand("addfeed", "Add a feed: URL [@channel] [interval]"),
    BotCommand("removefeed", "Remove a feed by id"),
    BotCommand("feeds", "List feeds with their state"),
    BotCommand("pause", "Pause a feed by id"),
    BotCommand("resume", "Resume a feed by id"),
    BotCommand("resumechat", "Resume posting to a chat the bot was re-added to"),
    BotCommand("post", "Post one article now: URL [@channel]"),
    BotCommand("stats", "Counts of feeds, articles, deliveries"),
    BotCommand("feedback_open", "Unanswered feedback"),
    BotCommand("comments", "Latest comments on a post"),
    BotCommand("filter", "Route filters: ROUTE include|exclude|remove RULE…"),
    BotCommand("route", "Route rules: ROUTE preview|above|topic|quiet|digest …"),
]

Action = Callable[[Services, Update, Context], Awaitable[str]]


async def set_admin_commands(
    bot: Bot, settings: Settings, reader_commands: Sequence[BotCommand] = ()
) -> list[int]:
    """Show the admin commands (after the reader's) in the admin chat and admins' private chats.

    A chat Telegram refuses (an admin who never started the bot) is skipped;
    returns the chats that got the list.
    """
    commands = [*reader_commands, *ADMIN_COMMANDS]
    chats = [settings.admin_chat_id, *sorted(settings.admin_ids)]
    done: list[int] = []
    for chat_id in chats:
        if chat_id is None:
            continue
        try:
            await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
        except TelegramError as exc:
            log.info("no admin command list for chat %s: %s", chat_id, exc)
            continue
        done.append(chat_id)
    return done


FEED_CHECK_KEY = "chatwire.feed_check"
"""bot_data key: replaces the fetch /addfeed makes before storing (tests without a network)."""
FeedCheck = Callable[[str], Awaitable[str]]


def url_guard(svc: Services, context: Context) -> URLGuard:
    resolver = context.bot_data.get(RESOLVER_KEY, system_resolver)
    return URLGuard(
        allow_private=svc.settings.allow_private_feed_urls,
        resolver=_as_resolver(resolver),
        allowed_ports=svc.settings.url_allowed_ports,
    )


def _as_resolver(value: object) -> Resolver:
    assert callable(value)
    return cast(Resolver, value)


def _command(action: Action, *, audit: bool = False) -> Callback:
    """Run an admin action and reply with its text (or its AdminError); audit changes."""

    async def run(update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None
        svc = services(context)
        if len(message.text or "") > MAX_COMMAND_CHARS:
            await reply_plain(
                message, f"Refused: admin commands are limited to {MAX_COMMAND_CHARS} characters."
            )
            return
        try:
            answer = await action(svc, update, context)
        except core.AdminError as exc:
            await reply_plain(message, str(exc))
            return
        await reply_plain(message, answer)
        if audit:
            log.info("admin %s: %s", actor_id(update), answer)
            if message.chat.id != svc.settings.admin_chat_id:
                await svc.notify(f"Admin {actor_id(update)}: {answer}")

    return admin_command(run)


def _args(context: Context) -> list[str]:
    return list(context.args or [])


async def _addfeed(svc: Services, update: Update, context: Context) -> str:
    request = core.parse_addfeed(_args(context))
    guard = url_guard(svc, context)

    async def fetch_once(url: str) -> str:
        from bot.feedcheck import check_feed
        from bot.ingest.fetch import make_http_client

        async with make_http_client(2, guard=guard) as http:
            found = await check_feed(
                http,
                url,
                time_limit=svc.settings.fetch_timeout_seconds,
                max_bytes=svc.settings.fetch_max_bytes,
            )
        return found.summary()

    return await core.add_feed(
        svc.db,
        context.bot,
        guard,
        request,
        default_interval=svc.settings.poll_interval_seconds,
        added_by=actor_id(update),
        translation_configured=svc.settings.translation_configured,
        check=cast(FeedCheck, context.bot_data.get(FEED_CHECK_KEY, fetch_once)),
    )


async def _removefeed(svc: Services, update: Update, context: Context) -> str:
    return await core.remove_feed(svc.db, core.parse_id(_args(context), "Usage: /removefeed ID"))


async def _pause(svc: Services, update: Update, context: Context) -> str:
    feed_id = core.parse_id(_args(context), "Usage: /pause FEED_ID")
    return await core.set_feed_active(svc.db, feed_id, False)


async def _resume(svc: Services, update: Update, context: Context) -> str:
    feed_id = core.parse_id(_args(context), "Usage: /resume FEED_ID")
    return await core.set_feed_active(svc.db, feed_id, True)


async def _resumechat(svc: Services, update: Update, context: Context) -> str:
    return await core.resume_chat_routes(svc.db, context.bot, _args(context))


async def _feeds(svc: Services, update: Update, context: Context) -> str:
    return await core.feeds_text(svc.db)


async def _stats(svc: Services, update: Update, context: Context) -> str:
    return await core.stats_text(svc.db)


async def _post(svc: Services, update: Update, context: Context) -> str:
    args = _args(context)
    if not 1 <= len(args) <= 2:
        raise core.AdminError("Usage: /post URL [@channel]")
    target = core.parse_chat_ref(args[1]) if len(args) == 2 else None
    if len(args) == 2 and target is None:
        raise core.AdminError(f"Not a channel: {args[1]!r}. Usage: /post URL [@channel]")
    guard = url_guard(svc, context)
    network = context.bot_data.get(NETWORK_KEY)
    assert network is None or isinstance(network, httpcore.AsyncNetworkBackend)
    # Its own client: the shared one is unguarded, and this one's connections are pinned
    # to the addresses the guard checked (no DNS rebinding between check and connect).
    async with guarded_client(guard, network=network) as client:
        return await core.post_url(
            svc.db,
            context.bot,
            client,
            guard,
            url=args[0],
            target=target,
            max_bytes=svc.settings.fetch_max_bytes,
        )


async def _feedback_open(svc: Services, update: Update, context: Context) -> str:
    return await open_feedback_text(svc.db)


async def _comments(svc: Services, update: Update, context: Context) -> str:
    return await core.comments_text(svc.db, context.bot, " ".join(_args(context)))


_ACTIONS: list[tuple[str, Action, bool]] = [
    ("addfeed", _addfeed, True),
    ("removefeed", _removefeed, True),
    ("feeds", _feeds, False),
    ("pause", _pause, True),
    ("resume", _resume, True),
    ("resumechat", _resumechat, True),
    ("post", _post, True),
    ("stats", _stats, False),
    ("feedback_open", _feedback_open, False),
    ("comments", _comments, False),
]


def grouped_handlers() -> list[tuple[int, BaseHandler[Any, Any, Any]]]:
    """(group, handler) pairs, the shape bot.app.build_application takes."""
    only_new = filters.UpdateType.MESSAGE
    return [
        (GROUP_COMMANDS, CommandHandler(name, _command(action, audit=audit), filters=only_new))
        for name, action, audit in _ACTIONS
    ]
