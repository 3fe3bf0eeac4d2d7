"""Feed management for the CLI and admin commands: plain async functions over the database.

Each returns data (never prints); bad input raises ValueError with a message
fit to show the person who typed it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from bot.urlsafety import UnsafeURLError, URLGuard
from storage import feeds, routes
from storage.db import Database
from storage.feeds import Feed
from storage.routes import Route
from storage.types import utcnow

if TYPE_CHECKING:
    from bot.ingest.opml import Outline

ChatResolver = Callable[[str], Awaitable[int]]
"""'@channelname' → numeric chat id (the app supplies one backed by Bot.get_chat)."""

MIN_INTERVAL_SECONDS = 60
MAX_INTERVAL_SECONDS = 7 * 86_400
DEFAULT_INTERVAL_SECONDS = 600
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400}
_INTERVAL_PART = re.compile(r"(\d+)\s*([smhd])")
_CHAT_NAME = re.compile(r"^@[A-Za-z][A-Za-z0-9_]{3,}$")


@dataclass(slots=True)
class FeedAdded:
    """A feed routed to a chat; `created` is False when the feed was already stored."""

    feed: Feed
    route: Route
    created: bool


@dataclass(slots=True)
class FeedListing:
    feed: Feed
    chat_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class OpmlImport:
    added: list[FeedAdded] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(url, reason) for each outline not added."""


def parse_interval(text: str | int) -> int:
    """'90s', '10m', '1h', '1d', '1h30m' or bare seconds ('600') → seconds."""
    if isinstance(text, int):
        seconds = text
    else:
        value = text.strip().lower()
        if value.isdigit():
            seconds = int(value)
        else:
            compact = value.replace(" ", "")
            parts = _INTERVAL_PART.findall(compact)
            if not parts or "".join(n + u for n, u in parts) != compact:
                raise ValueError(
                    f"invalid interval {text!r}: use a number of seconds or e.g. 90s, 10m, 1h, 1d"
                )
            seconds = sum(int(n) * _UNITS[u] for n, u in parts)
    if seconds <= 0:
        raise ValueError(f"invalid interval {text!r}: must be more than zero")
    return seconds


def validate_feed_url(url: str) -> str:
    """The URL, trimmed (feed:// becomes http://); ValueError unless it is http(s) with a host."""
    value = url.strip()
    if value.lower().startswith("feed://"):
        value = "http://" + value[len("feed://") :]
    elif value.lower().startswith("feed:http"):
        value = value[len("feed:") :]
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https"):
        shown = parts.scheme or "no scheme"
        raise ValueError(f"invalid feed URL {url!r}: only http:// and https:// ({shown} given)")
    try:
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ValueError(f"invalid feed URL {url!r}: {exc}") from None
    if not host:
        raise ValueError(f"invalid feed URL {url!r}: no host")
    if any(c.isspace() for c in value):
        raise ValueError(f"invalid feed URL {url!r}: contains spaces")
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", parts.query, ""))


async def resolve_chat_id(chat: str | int, resolve_chat: ChatResolver | None = None) -> int:
    """A numeric chat id as given, or '@name' looked up through `resolve_chat`."""
    if isinstance(chat, int):
        return chat
    value = chat.strip()
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    if _CHAT_NAME.match(value):
        if resolve_chat is None:
            raise ValueError(
                f"cannot look up {value} here: give the numeric chat id (e.g. -1001234567890)"
            )
        return await resolve_chat(value)
    raise ValueError(f"invalid chat {chat!r}: use a numeric id like -1001234567890 or @channelname")


def _interval_seconds(interval: str | int | None, default: int) -> int:
    seconds = default if interval is None else parse_interval(interval)
    if not MIN_INTERVAL_SECONDS <= seconds <= MAX_INTERVAL_SECONDS:
        raise ValueError(
            f"interval must be between {MIN_INTERVAL_SECONDS} s and 7 days (got {seconds} s)"
        )
    return seconds


async def add_feed(
    db: Database,
    url: str,
    *,
    chat: str | int,
    interval: str | int | None = None,
    backfill: int = 0,
    fulltext: bool = False,
    resolve_chat: ChatResolver | None = None,
    guard: URLGuard | None = None,
    default_interval: int = DEFAULT_INTERVAL_SECONDS,
    now: datetime | None = None,
) -> FeedAdded:
    """Store the feed (polled at the next tick) and route it to the chat.

    A feed already stored just gains the route. `guard` (from the app) refuses
    private addresses for URLs that come from chat.
    """
    clean = validate_feed_url(url)
    if backfill < 0:
        raise ValueError(f"backfill must be zero or more (got {backfill})")
    seconds = _interval_seconds(interval, default_interval)
    if guard is not None:
        try:
            await guard.check(clean)
        except UnsafeURLError as exc:
            raise ValueError(f"refused feed URL {clean}: {exc}") from None
    chat_id = await resolve_chat_id(chat, resolve_chat)
    now = now or utcnow()
    async with db.begin() as conn:
        existing = await feeds.get_feed_by_url(conn, clean)
        feed = existing or await feeds.add_feed(
            conn, clean, interval_seconds=seconds, fulltext=fulltext, backfill=backfill, now=now
        )
        route = await routes.add_route(conn, feed.id, chat_id, now=now)
    return FeedAdded(feed, route, created=existing is None)


async def list_feeds(db: Database) -> list[FeedListing]:
    """Every feed with the chats it is routed to (active routes), by id."""
    async with db.begin() as conn:
        all_feeds = await feeds.list_feeds(conn)
        all_routes = await routes.list_routes(conn)
    listings = {f.id: FeedListing(f) for f in all_feeds}
    for route in all_routes:
        if route.active and route.feed_id in listings:
            listings[route.feed_id].chat_ids.append(route.chat_id)
    return list(listings.values())


async def remove_feed(db: Database, feed_id: int) -> bool:
    """Delete the feed and its routes; its articles stay (they may have been posted)."""
    async with db.begin() as conn:
        return await feeds.remove_feed(conn, feed_id)


async def set_feed_active(
    db: Database, feed_id: int, active: bool, *, now: datetime | None = None
) -> bool:
    """Pause or re-enable a feed; re-enabling clears its errors and polls it at the next tick."""
    values: dict[str, object] = {"active": active}
    if active:
        values.update(error_count=0, last_error=None, next_poll_at=now or utcnow())
    async with db.begin() as conn:
        return await feeds.update_feed(conn, feed_id, **values)


async def import_opml(
    db: Database,
    data: bytes,
    *,
    chat: str | int | None,
    interval: str | int | None = None,
    fulltext: bool = False,
    backfill: int = 0,
    route_options: dict[str, Any] | None = None,
    resolve_chat: ChatResolver | None = None,
    guard: URLGuard | None = None,
    default_interval: int = DEFAULT_INTERVAL_SECONDS,
    now: datetime | None = None,
) -> OpmlImport:
    """Add every feed of an OPML file; bad entries are skipped with a reason.

    Routes, schedule and options that `export_opml` wrote (chatwire's namespace) are
    restored; `chat` (with `route_options`) adds a route for every feed besides, and is
    required for plain OPML from other readers, which names no chat.
    """
    from bot.ingest.opml import parse_opml  # xml.etree (~0.5 MiB): only imports and exports

    outlines = parse_opml(data)
    chat_id = None if chat is None else await resolve_chat_id(chat, resolve_chat)
    result = OpmlImport()
    for outline in outlines:
        if chat_id is None and not outline.routes:
            result.skipped.append((outline.url, "no chat to post to: give --channel"))
            continue
        try:
            added = await _import_outline(
                db,
                outline,
                chat_id=chat_id,
                interval=interval if interval is not None else outline.interval_seconds,
                fulltext=fulltext or bool(outline.fulltext),
                backfill=backfill,
                route_options=route_options,
                guard=guard,
                default_interval=default_interval,
                now=now,
            )
        except ValueError as exc:
            result.skipped.append((outline.url, str(exc)))
            continue
        result.added.append(added)
    return result


async def _import_outline(
    db: Database,
    outline: Outline,
    *,
    chat_id: int | None,
    interval: str | int | None,
    fulltext: bool,
    backfill: int,
    route_options: dict[str, Any] | None,
    guard: URLGuard | None,
    default_interval: int,
    now: datetime | None,
) -> FeedAdded:
    from bot.ingest.opml import RouteSpec

    specs = [
        *outline.routes,
        *([RouteSpec(chat_id, route_options or {})] if chat_id is not None else []),
    ]
    first = specs[0]
    from bot.routing.portable import check_rules

    for spec in specs:
        try:
            check_rules(spec.options)
        except ValueError as exc:
            raise ValueError(f"route to chat {spec.chat_id} has a bad rule: {exc}") from None
    added = await add_feed(
        db,
        outline.url,
        chat=first.chat_id,
        interval=interval,
        fulltext=fulltext,
        backfill=backfill,
        guard=guard,
        default_interval=default_interval,
        now=now,
    )
    async with db.begin() as conn:
        for spec in specs:
            route = await routes.add_route(
                conn, added.feed.id, spec.chat_id, options=spec.options or None, now=now
            )
            if not spec.active:
                await routes.pause_route(conn, route.id, "paused in the imported OPML")
            if spec is first:
                added.route = route
        if added.created:
            values: dict[str, object] = {}
            if outline.title and added.feed.title is None:
                values["title"] = added.feed.title = outline.title
            if outline.site_url and added.feed.site_url is None:
                values["site_url"] = added.feed.site_url = outline.site_url
            if outline.active is False:
                values["active"] = added.feed.active = False
            if values:
                await feeds.update_feed(conn, added.feed.id, **values)
    return added


async def export_opml(db: Database, *, title: str = "chatwire feeds") -> str:
    """All feeds as an OPML 2.0 document, with their schedule and routes (chatwire's
    namespace), so `import_opml` restores where each feed posts."""
    from bot.ingest.opml import Outline, RouteSpec, build_opml

    async with db.begin() as conn:
        stored = await feeds.list_feeds(conn)
        all_routes = await routes.list_routes(conn)
    by_feed: dict[int, list[RouteSpec]] = {}
    for route in all_routes:
        by_feed.setdefault(route.feed_id, []).append(
            RouteSpec(route.chat_id, dict(route.options), route.active)
        )
    return build_opml(
        (
            Outline(
                f.url,
                f.title,
                f.site_url,
                interval_seconds=f.interval_seconds,
                fulltext=f.fulltext,
                active=f.active,
                routes=tuple(by_feed.get(f.id, [])),
            )
            for f in stored
        ),
        title=title,
    )
