"""What the admin commands do, apart from parsing the update and replying.

Each function takes its dependencies, changes what it must, and returns the
plain text to answer with. A problem the admin should read is raised as
AdminError with that text, so the handlers stay one try/except thick.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

import httpx
from telegram import Bot, ChatMemberAdministrator, ChatMemberOwner, ChatMemberRestricted
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot.deliver.resume import resume_chat
from bot.feedback import clip
from bot.ingest.fetch import PAGE_ACCEPT, USER_AGENT
from bot.models import Article
from bot.resolve import article_for_reference, parse_reference
from bot.routing.manage import rules_report
from bot.urlsafety import UnsafeURLError, URLGuard, safe_get
from storage import articles, comments, deliveries, feeds, routes, stats
from storage.db import Database
from storage.routes import Route
from storage.types import utcnow

ChatRef = int | str
MIN_INTERVAL = 60
MAX_INTERVAL = 7 * 24 * 3600
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INTERVAL = re.compile(r"^(?:(\d+)([smhd]))+$|^(\d+)$")
_PART = re.compile(r"(\d+)([smhd])")
_LINK_CHAT = re.compile(
    r"^(?:https?://)?(?:t\.me|telegram\.me)/(?P<name>[A-Za-z][A-Za-z0-9_]{3,})/?$"
)
POST_DEADLINE_SECONDS = 30.0
"""The whole of /post's fetch (every redirect and the body) gets this long."""
ADDFEED_USAGE = (
    "Usage: /addfeed URL [@channel or chat id] [interval like 600, 30m, 2h] "
    "[translate=zh-Hans] [fallback=original|hold] [typography=off]"
)
_SWITCHES = {"on": True, "true": True, "yes": True, "off": False, "false": False, "no": False}


class AdminError(Exception):
    """A refusal or failure to show the admin as it is."""


@dataclass(frozen=True, slots=True)
class PostCheck:
    """Whether the bot may post in a chat, and if not, why."""

    chat_id: int | None
    title: str | None
    ok: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class AddFeedArgs:
    url: str
    target: ChatRef | None
    interval: int | None
    settings: tuple[tuple[str, str], ...] = ()  # key=value words (translate=, fallback=, …)


@dataclass(frozen=True, slots=True)
class _AdHocRoute:
    """Enough of a Route for the outbox: an article queued by /post belongs to no route."""

    id: int | None
    chat_id: int


def parse_interval(text: str) -> int | None:
    """ "600", "45s", "30m", "2h", "1h30m", "1d" → seconds; None if it is not an interval."""
    text = text.strip().lower()
    if not _INTERVAL.match(text):
        return None
    if text.isdigit():
        return int(text)
    return sum(int(n) * _UNITS[unit] for n, unit in _PART.findall(text))


def parse_chat_ref(text: str) -> ChatRef | None:
    """ "@name", "t.me/name" or a negative chat id → what getChat takes; None otherwise."""
    text = text.strip()
    if re.fullmatch(r"@[A-Za-z][A-Za-z0-9_]{3,}", text):
        return text
    if match := _LINK_CHAT.match(text):
        return f"@{match['name']}"
    if re.fullmatch(r"-\d{1,20}", text):
        return int(text)
    return None


def parse_addfeed(args: Sequence[str]) -> AddFeedArgs:
    pairs = tuple(
        (k.strip().lower(), v.strip())
        for k, _, v in (a.partition("=") for a in args[1:] if "=" in a)
    )
    unknown = [k for k, _ in pairs if k not in ("translate", "fallback", "typography")]
    if unknown:
        raise AdminError(f"Not understood: {unknown[0]}=…. {ADDFEED_USAGE}")
    bad = [v for k, v in pairs if k == "typography" and v.lower() not in _SWITCHES]
    if bad:
        raise AdminError(f"Not understood: typography={bad[0]} (use on or off). {ADDFEED_USAGE}")
    args = [args[0], *(a for a in args[1:] if "=" not in a)] if args else []
    if not args or len(args) > 3:
        raise AdminError(ADDFEED_USAGE)
    target: ChatRef | None = None
    interval: int | None = None
    for token in args[1:]:
        chat = parse_chat_ref(token)
        seconds = parse_interval(token) if chat is None else None
        if chat is not None and target is None:
            target = chat
        elif seconds is not None and interval is None:
            interval = seconds
        else:
            raise AdminError(f"Not understood: {token!r}. {ADDFEED_USAGE}")
    if interval is not None and not MIN_INTERVAL <= interval <= MAX_INTERVAL:
        raise AdminError(f"The interval must be between {MIN_INTERVAL} s and 7 days.")
    return AddFeedArgs(args[0], target, interval, pairs)


def parse_id(args: Sequence[str], usage: str) -> int:
    if len(args) != 1 or not args[0].lstrip("#").isdigit():
        raise AdminError(usage)
    return int(args[0].lstrip("#"))


async def check_can_post(bot: Bot, target: ChatRef) -> PostCheck:
    """Ask Telegram whether the bot can post in the chat (channel admin with post rights,
    or a member of a group)."""
    try:
        chat = await bot.get_chat(target)
        member = await bot.get_chat_member(chat.id, bot.id)
    except TelegramError as exc:
        return PostCheck(None, None, False, f"cannot reach {target}: {exc}")
    name = chat.title or chat.username or str(chat.id)
    if isinstance(member, ChatMemberOwner):
        return PostCheck(chat.id, name, True)
    if chat.type == ChatType.CHANNEL:
        if isinstance(member, ChatMemberAdministrator) and member.can_post_messages:
            return PostCheck(chat.id, name, True)
        return PostCheck(chat.id, name, False, f"the bot is not an admin allowed to post in {name}")
    if member.status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR):
        return PostCheck(chat.id, name, True)
    if isinstance(member, ChatMemberRestricted) and member.can_send_messages:
        return PostCheck(chat.id, name, True)
    return PostCheck(chat.id, name, False, f"the bot is not allowed to send messages in {name}")


async def _postable(bot: Bot, target: ChatRef) -> tuple[int, str]:
    check = await check_can_post(bot, target)
    if not check.ok or check.chat_id is None:
        raise AdminError(f"Cannot post there: {check.reason}.")
    return check.chat_id, check.title or str(check.chat_id)


async def add_feed(
    db: Database,
    bot: Bot,
    guard: URLGuard,
    request: AddFeedArgs,
    *,
    default_interval: int,
    added_by: int | None = None,
    now: datetime | None = None,
    translation_configured: bool = False,
    check: Callable[[str], Awaitable[str]] | None = None,
) -> str:
    """Add (or reuse) the feed and, with a target, route it there once the bot can post.

    `translate=LANG` (and `fallback=`) make the route a translation route; refused in one
    line when no translation endpoint is configured. `check` fetches the feed once first
    (bot/feedcheck.py): a URL that gives no feed is refused with what it gives instead,
    and nothing is stored.

    The feed's options say it came from chat (and from whom), so the poller can
    keep applying the URL guard to it.
    """
    options: dict[str, object] = {}
    given = dict(request.settings)
    if "translate" in given or "fallback" in given:
        from bot.translate.options import translation_options

        try:
            options = translation_options(
                given.get("translate"),
                given.get("fallback"),
                configured=translation_configured,
            )
        except ValueError as exc:
            raise AdminError(f"Not added: {exc}.") from None
        if options and request.target is None:
            raise AdminError("Not added: translate= needs a channel to post to.")
    if not _SWITCHES.get(given.get("typography", "on").lower(), True):
        if request.target is None:
            raise AdminError("Not added: typography= needs a channel to post to.")
        options["typography"] = False
    try:
        await guard.check(request.url)
    except UnsafeURLError as exc:
        raise AdminError(f"Refused: {exc}.") from None
    found = ""
    if check is not None:
        try:
            summary = await check(request.url)
            found = f"\nFound: {summary}" if summary else ""
        except ValueError as exc:
            raise AdminError(f"Not added: {exc}") from None
    chat: tuple[int, str] | None = None
    if request.target is not None:
        chat = await _postable(bot, request.target)
    async with db.begin() as conn:
        feed = await feeds.get_feed_by_url(conn, request.url)
        created = feed is None
        if feed is None:
            feed = await feeds.add_feed(
                conn,
                request.url,
                interval_seconds=request.interval or default_interval,
                options={"added_from_chat": True, "added_by": added_by},
                now=now,
            )
        elif request.interval is not None:
            await feeds.update_feed(conn, feed.id, interval_seconds=request.interval)
        if chat is not None:
            await routes.add_route(conn, feed.id, chat[0], options=options or None, now=now)
    head = f"Added feed #{feed.id}" if created else f"Feed #{feed.id} already existed"
    interval = request.interval or feed.interval_seconds
    if chat is None:
        return (
            f"{head}: {request.url} (every {interval} s). No channel given: it has no route yet."
            + found
        )
    translated = (
        f" Posts are translated into {options['translate']}." if "translate" in options else ""
    )
    if options.get("typography") is False:
        translated += " Chinese typography is off."
    return f"{head}: {request.url} (every {interval} s) → {chat[1]} ({chat[0]}).{translated}{found}"


async def remove_feed(db: Database, feed_id: int) -> str:
    async with db.begin() as conn:
        feed = await feeds.get_feed(conn, feed_id)
        if feed is None or not await feeds.remove_feed(conn, feed_id):
            raise AdminError(f"No feed #{feed_id}.")
    return f"Removed feed #{feed_id} ({feed.url}) and its routes."


async def set_feed_active(
    db: Database, feed_id: int, active: bool, *, now: datetime | None = None
) -> str:
    """Pause or resume polling; resuming clears the error count and polls soon."""
    values: dict[str, object] = {"active": active}
    if active:
        values.update(error_count=0, next_poll_at=now or utcnow(), lease_until=None)
    async with db.begin() as conn:
        if not await feeds.update_feed(conn, feed_id, **values):
            raise AdminError(f"No feed #{feed_id}.")
    return f"Feed #{feed_id} {'resumed' if active else 'paused'}."


RESUMECHAT_USAGE = "Usage: /resumechat CHAT (a chat id like -100123… or @channel)"


async def resume_chat_routes(db: Database, bot: Bot, args: Sequence[str]) -> str:
    """After the bot is added back: check it can post, then resume the chat's routes."""
    target = parse_chat_ref(args[0]) if len(args) == 1 else None
    if target is None:
        raise AdminError(RESUMECHAT_USAGE)
    check = await check_can_post(bot, target)
    if not check.ok or check.chat_id is None:
        raise AdminError(f"Not resumed: {check.reason}.")
    resumed = await resume_chat(db, check.chat_id)
    if not resumed.routes and not resumed.deliveries:
        return f"Nothing was paused for {check.title}."
    return (
        f"Resumed {resumed.routes} route(s) to {check.title}; "
        f"{resumed.deliveries} held post(s) will follow."
    )


def _when(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "never"
    delta = moment - now
    minutes = round(abs(delta.total_seconds()) / 60)
    span = f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"
    relative = f"in {span}" if delta.total_seconds() > 0 else f"{span} ago"
    return f"{moment:%Y-%m-%d %H:%M} UTC ({relative})"


async def feeds_text(db: Database, *, now: datetime | None = None) -> str:
    """Every feed with its state, routes, last and next poll, and last error."""
    now = now or utcnow()
    async with db.begin() as conn:
        all_feeds = await feeds.list_feeds(conn)
        all_routes = await routes.list_routes(conn)
    rules = await rules_report(db, all_routes)
    if not all_feeds:
        return "No feeds yet. Add one with /addfeed URL @channel."
    lines: list[str] = []
    for feed in all_feeds:
        state = "active" if feed.active else "paused"
        if feed.error_count:
            state += f", {feed.error_count} failures"
        chats = [
            f"{r.chat_id}{'' if r.active else ' (paused)'}"
            for r in all_routes
            if r.feed_id == feed.id
        ]
        lines += [
            f"#{feed.id} {feed.title or feed.url} [{state}]",
            f"  {feed.url}",
            f"  to: {', '.join(chats) or 'no route'}; every {feed.interval_seconds} s",
            f"  last poll: {_when(feed.last_polled_at, now)}",
            f"  next poll: {_when(feed.next_poll_at, now) if feed.active else 'paused'}",
        ]
        if feed.last_error:
            lines.append(f"  last error: {feed.last_error[:300]}")
        if skipped := len(feed.empty_items):
            lines.append(f"  skipped: {skipped} empty item(s) (no title, no text)")
        lines += [
            f"  route {r.id} → {r.chat_id}: {rules[r.id]}"
            for r in all_routes
            if r.feed_id == feed.id
        ]
    return "\n".join(lines)


async def stats_text(db: Database, *, now: datetime | None = None) -> str:
    now = now or utcnow()
    midnight = datetime(now.year, now.month, now.day, tzinfo=UTC)
    async with db.begin() as conn:
        got = await stats.collect_stats(conn, since=midnight)
    return "\n".join(
        [
            f"Feeds: {got.feeds} ({got.feeds_active} active, {got.feeds_failing} failing)",
            f"Articles: {got.articles}",
            f"Deliveries: {got.deliveries_pending} pending, {got.deliveries_failed} failed",
            f"Messages sent today (UTC): {got.messages_since}",
            f"Feedback unanswered: {got.feedback_open}; comments stored: {got.comments}",
        ]
    )


async def _default_target(db: Database) -> int:
    async with db.begin() as conn:
        chats = sorted({r.chat_id for r in await routes.list_routes(conn) if r.active})
    if len(chats) != 1:
        raise AdminError("Say where to post: /post URL @channel")
    return chats[0]


def _page_article(response: httpx.Response, url: str) -> Article:
    """Decode and extract the page (CPU-bound: a multi-megabyte page takes seconds)."""
    from bot.content.pipeline import article_from_text  # lazy: the formatter is heavy

    return article_from_text(response.text, fmt="html", url=url)


async def post_url(
    db: Database,
    bot: Bot,
    http: httpx.AsyncClient,
    guard: URLGuard,
    *,
    url: str,
    target: ChatRef | None,
    max_bytes: int,
    deadline: float = POST_DEADLINE_SECONDS,
    now: datetime | None = None,
) -> str:
    """Fetch one page, store it as an article, queue it for the chat.

    Every hop is checked by `guard` (pass a client from `guarded_client`, whose
    connections go to the addresses checked); the whole fetch has one deadline;
    the page is decoded and extracted in a thread, so the bot keeps answering.
    The delivery belongs to no route: the article is marked as an admin's post,
    which the publisher sends with the default options.
    """
    chat_id, name = await _postable(
        bot, target if target is not None else await _default_target(db)
    )
    try:
        async with asyncio.timeout(deadline):
            response = await safe_get(
                http,
                url,
                guard=guard,
                max_bytes=max_bytes,
                headers={"User-Agent": USER_AGENT, "Accept": PAGE_ACCEPT},
            )
    except TimeoutError:
        raise AdminError(f"Could not fetch {url}: no answer within {deadline:g} s.") from None
    except UnsafeURLError as exc:
        raise AdminError(f"Refused: {exc}.") from None
    except httpx.HTTPError as exc:
        raise AdminError(f"Could not fetch {url}: {exc or type(exc).__name__}.") from None
    if response.status_code >= 400:
        raise AdminError(f"Could not fetch {url}: HTTP {response.status_code}.")
    final_url = str(response.request.url)
    article = await asyncio.to_thread(_page_article, response, final_url)
    if not article.content_markdown.strip():
        raise AdminError(f"Found no article text at {final_url}.")
    article.extra[articles.AD_HOC_POST] = True
    async with db.begin() as conn:
        existing = await articles.find_duplicate(
            conn, None, guid=None, url=final_url, title=None, content_hash=None
        )
        article_id = existing.id if existing and existing.id else None
        if article_id is None:
            article_id = await articles.insert_article(conn, article, now=now)
        elif existing is not None and not existing.extra.get(articles.AD_HOC_POST):
            await articles.set_article_extra(
                conn, article_id, {**existing.extra, articles.AD_HOC_POST: True}
            )
        # /post belongs to no route; the outbox reads only `id` and `chat_id`.
        route = cast(Route, _AdHocRoute(None, chat_id))
        queued = await deliveries.enqueue_deliveries(conn, article_id, [route], now=now)
    if not queued:
        return f"Article {article_id} ({article.title}) was already queued for {name}."
    return f"Queued article {article_id} ({article.title}) for {name}."


async def comments_text(db: Database, bot: Bot, reference: str, *, limit: int = 10) -> str:
    """The latest comments on a post given by article id or t.me link."""
    ref = parse_reference(reference)
    if ref is None:
        raise AdminError("Usage: /comments <article id or post link>")

    async def chat_id_for(username: str) -> int | None:
        try:
            return (await bot.get_chat(f"@{username}")).id
        except TelegramError:
            return None

    article = await article_for_reference(db, ref, chat_id_for_username=chat_id_for)
    if article is None or article.id is None:
        raise AdminError(f"No post found for {reference!r}.")
    async with db.begin() as conn:
        latest = await comments.latest_comments(conn, article.id, limit=limit)
        total = await comments.count_comments(conn, article.id)
    if not latest:
        return f"No comments on “{article.title}” (article {article.id})."
    lines = [
        f"Comments on “{article.title}” (article {article.id}), latest {len(latest)} of {total}:"
    ]
    for c in latest:
        author = c.user_name or c.user_id or "?"
        lines.append(f"[{c.created_at:%Y-%m-%d %H:%M}] {author}: {clip(c.text, 500)}")
    return "\n".join(lines)
