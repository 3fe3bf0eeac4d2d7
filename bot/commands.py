"""What each `chatwire` sub-command does, given parsed arguments and settings.

bot/cli.py only parses; these functions open what they need, call the stage
that does the work, and print the result.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from bot.config import ConfigError, Settings
from bot.ingest import manage
from bot.ingest.fetch import USER_AGENT
from bot.routing import cli as routing_cli
from bot.routing.manage import rules_report
from storage import chats, routes
from storage.db import Database, open_database

if TYPE_CHECKING:
    from bot.analysis.llm import LLMConfig
    from bot.models import Article

# Each command imports the stages it uses inside its function: `chatwire run` then
# never loads the preview, analysis or backup code (and their libraries).


class CommandError(Exception):
    """Bad input to a command: printed as one line, exit status 1."""


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[Database]:
    db = await open_database(settings.stored_database_url())
    try:
        yield db
    finally:
        await db.close()


def http_client(settings: Settings) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=settings.fetch_timeout_seconds,
        headers={"User-Agent": USER_AGENT},
        follow_redirects=True,
    )


def llm_config(settings: Settings) -> LLMConfig | None:
    from bot.analysis.llm import LLMConfig

    if not (settings.summary_llm_url and settings.summary_llm_model):
        return None
    key = settings.summary_llm_api_key
    return LLMConfig(
        settings.summary_llm_url,
        settings.summary_llm_model,
        key.get_secret_value() if key else None,
        settings.summary_llm_timeout_seconds,
    )


async def _article_file(path: str, max_bytes: int) -> Article:
    from bot.content.pipeline import article_from_text, format_for_path
    from bot.textinput import binary_kind, decode_text

    file = Path(path)
    if not await asyncio.to_thread(file.is_file):
        raise CommandError(f"{path}: no such file")
    if (await asyncio.to_thread(file.stat)).st_size > max_bytes:
        raise CommandError(f"{path}: larger than {max_bytes:,} bytes (FETCH_MAX_BYTES)")
    data = await asyncio.to_thread(file.read_bytes)
    kind = binary_kind(data)
    if kind is not None:
        raise CommandError(f"{path}: {kind}, not an article")
    try:
        fmt = format_for_path(file)
        return await asyncio.to_thread(article_from_text, decode_text(data), fmt=fmt)
    except ValueError as exc:
        raise CommandError(f"{path}: {exc}") from None


async def preview(args: argparse.Namespace, settings: Settings) -> int:
    if getattr(args, "translate", None):
        from bot.translate.preview import translated_preview

        return await translated_preview(args.source, args.translate, args.json, settings)
    async with http_client(settings) as http:
        from bot.render.preview import run_preview

        return await run_preview(
            args.source, args.json, sys.stdout, http=http, max_bytes=settings.fetch_max_bytes
        )


async def summary(args: argparse.Namespace, settings: Settings) -> int:
    article = await _article_file(args.file, settings.fetch_max_bytes)
    async with http_client(settings) as http:
        from bot.analysis.llm import summarize

        result = await summarize(
            article.content_markdown, article.language, llm=llm_config(settings), http=http
        )
    from bot.analysis.report import format_summary_json, summary_text

    print(format_summary_json(result) if args.json else summary_text(result, article.language))
    return 0


async def quotes(args: argparse.Namespace, settings: Settings) -> int:
    article = await _article_file(args.file, settings.fetch_max_bytes)
    from bot.analysis.quotes import find_quotes
    from bot.analysis.report import format_quotes_json, quotes_text

    found = await asyncio.to_thread(find_quotes, article.content_markdown, article.language)
    print(format_quotes_json(found) if args.json else quotes_text(found, article.language))
    return 0


async def db_migrate(args: argparse.Namespace, settings: Settings) -> int:
    db = await open_database(settings.stored_database_url(), migrate=False)
    try:
        applied = await db.migrate()
    finally:
        await db.close()
    print(f"applied migrations: {applied}" if applied else "database schema is up to date")
    return 0


async def db_backup(args: argparse.Namespace, settings: Settings) -> int:
    from storage.backup import BackupError, backup_database

    target = Path(args.path)
    try:
        await backup_database(settings.stored_database_url(), target)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    print(f"backup written to {target}")
    return 0


def _bot(settings: Settings) -> Any:
    from telegram import Bot

    token = settings.require_token()
    base_url = settings.telegram_api_base_url
    return Bot(token, base_url=base_url) if base_url else Bot(token)


@dataclass(frozen=True, slots=True)
class ChatFound:
    """A chat as the Bot API described it (or a bare id when there is no token)."""

    id: int
    title: str | None = None
    username: str | None = None
    checked: bool = True

    def label(self) -> str:
        if not self.checked:
            return f"chat {self.id} (not checked: TELEGRAM_BOT_TOKEN is not set)"
        return chat_label(self.id, self.username, self.title)


async def checked_chat(settings: Settings, chat: str, *, check: bool = True) -> ChatFound:
    """A chat given as @name or id, looked up (and with `check`, the bot must be able to
    post there) when a token is configured; a numeric id without a token is taken as given."""
    from telegram.error import TelegramError

    from bot.admin import check_can_post

    value = chat.strip()
    numeric = await precheck_chat(settings, value)
    if settings.telegram_bot_token is None:
        return ChatFound(int(value), checked=False)
    target: int | str = int(value) if numeric else value
    username = None if numeric else value.lstrip("@")
    async with _bot(settings) as bot:
        if not check:
            try:
                found = await bot.get_chat(target)
            except TelegramError as exc:
                raise CommandError(f"chat {value}: {exc.message}") from None
            return ChatFound(found.id, found.title, found.username or username)
        result = await check_can_post(bot, target)
    if not result.ok or result.chat_id is None:
        reason = result.reason or "unknown"
        reason = reason.replace(f"cannot reach {target}: ", "")
        raise CommandError(f"cannot post to {value}: {reason}")
    title = result.title if result.title != username else None
    return ChatFound(result.chat_id, title, username)


async def chat_labels(db: Database, chat_ids: Iterable[int]) -> dict[int, str]:
    """'@name (id)' or 'Title (id)' for each chat the database knows, else the id."""
    labels: dict[int, str] = {}
    async with db.begin() as conn:
        for chat_id in set(chat_ids):
            info = await chats.get_chat(conn, chat_id)
            labels[chat_id] = (
                chat_label(chat_id, info.username, info.title) if info else f"chat {chat_id}"
            )
    return labels


async def precheck_chat(settings: Settings, value: str) -> bool:
    """Whether the chat is a numeric id; raises on a malformed one, or on an @name
    without the token that looking it up needs, before anything is fetched."""
    if re.fullmatch(r"-?\d+", value.strip()):
        return True
    await manage.resolve_chat_id(value, _shape_only)  # the shape, before any request
    if settings.telegram_bot_token is None:
        raise ConfigError(
            f"TELEGRAM_BOT_TOKEN is not set: it is needed to look up {value.strip()} "
            "(or give the numeric chat id)"
        )
    return False


async def _shape_only(name: str) -> int:
    """A resolver that looks nothing up: resolve_chat_id then only checks the shape."""
    return 0


def chat_label(chat_id: int, username: str | None, title: str | None) -> str:
    """'@name (id)' or 'Title (id)' or the id: how listings show a chat."""
    if username:
        return f"@{username} ({chat_id})"
    if title and title != str(chat_id):
        return f"{title} ({chat_id})"
    return f"chat {chat_id}"


def route_options(args: argparse.Namespace) -> dict[str, object] | None:
    """Per-route options from the command line, validated before anything is stored."""
    options: dict[str, object] = {}
    if args.template is not None:
        options["template"] = args.template.replace("\\n", "\n")
    if args.max_parts is not None:
        options["max_parts"] = args.max_parts
    if args.no_media:
        options["with_media"] = False
    if getattr(args, "no_typography", False):
        options["typography"] = False
    if args.on_update != "ignore":
        options["on_update"] = args.on_update
    if not options:
        return None
    from bot.render.post import RenderOptions

    RenderOptions(
        template=options.get("template"),  # type: ignore[arg-type]
        max_parts=args.max_parts or 8,
    )
    return options


async def feeds_add(args: argparse.Namespace, settings: Settings) -> int:
    options = routing_cli.options_with_filters(args, route_options(args))
    from bot.translate.options import translation_options

    translated = translation_options(
        getattr(args, "translate", None),
        getattr(args, "translate_fallback", None),
        getattr(args, "translate_budget", None),
        configured=settings.translation_configured,
        on_update=args.on_update,
    )
    if translated:
        options = {**(options or {}), **translated}
    url = manage.validate_feed_url(args.url)
    if args.interval:
        manage.parse_interval(args.interval)  # a typo fails before any request
    if args.backfill < 0:
        raise CommandError(f"--backfill must be zero or more (got {args.backfill})")
    await precheck_chat(settings, args.channel)
    if not args.no_check:
        from bot.feedcheck import FeedCheckError, check_feed
        from bot.ingest.fetch import make_http_client

        async with make_http_client(2) as http:
            try:
                found = await check_feed(
                    http,
                    url,
                    time_limit=settings.fetch_timeout_seconds,
                    max_bytes=settings.fetch_max_bytes,
                )
            except FeedCheckError as exc:
                raise CommandError(str(exc)) from None
        print(f"found: {found.summary()}")
    chat = await checked_chat(settings, args.channel, check=not args.no_check)
    async with database(settings) as db:
        if chat.checked:
            async with db.begin() as conn:
                await chats.upsert_chat(conn, chat.id, title=chat.title, username=chat.username)
        added = await manage.add_feed(
            db,
            url,
            chat=chat.id,
            interval=args.interval,
            backfill=args.backfill,
            fulltext=args.fulltext,
            default_interval=settings.poll_interval_seconds,
        )
        if options is not None:
            async with db.begin() as conn:
                await routes.set_route_options(conn, added.route.id, options)
    verb = "added feed" if added.created else "feed already stored; routed"
    print(f"{verb} {added.feed.id}: {added.feed.url} → {chat.label()}")
    return 0


def _when(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if hasattr(value, "strftime") else "—"


async def feeds_list(args: argparse.Namespace, settings: Settings) -> int:
    async with database(settings) as db:
        listings = await manage.list_feeds(db)
        labels = await chat_labels(db, (c for item in listings for c in item.chat_ids))
    if not listings:
        print("no feeds yet: add one with `chatwire feeds add URL --channel CHAT`")
    for item in listings:
        feed = item.feed
        state = "active" if feed.active else "paused"
        shown = ", ".join(labels[c] for c in item.chat_ids) or "no chat"
        print(f"{feed.id}\t{feed.url}\t{feed.title or '—'}\t{state}\t→ {shown}")
        print(
            f"\tlast poll {_when(feed.last_polled_at)}, next poll {_when(feed.next_poll_at)}, "
            f"errors {feed.error_count}" + (f": {feed.last_error}" if feed.last_error else "")
        )
        if skipped := len(feed.empty_items):
            print(f"\tskipped {skipped} empty item(s): no title and no text")
    return 0


async def feeds_remove(args: argparse.Namespace, settings: Settings) -> int:
    async with database(settings) as db:
        removed = await manage.remove_feed(db, args.id)
    if not removed:
        raise CommandError(f"no feed with id {args.id} (see `chatwire feeds list`)")
    print(f"removed feed {args.id}")
    return 0


async def feeds_enable(args: argparse.Namespace, settings: Settings) -> int:
    active = args.feeds_command == "enable"
    async with database(settings) as db:
        changed = await manage.set_feed_active(db, args.id, active)
    if not changed:
        raise CommandError(f"no feed with id {args.id} (see `chatwire feeds list`)")
    print(f"feed {args.id} {'enabled: polled at the next tick' if active else 'paused'}")
    return 0


async def routes_list(args: argparse.Namespace, settings: Settings) -> int:
    async with database(settings) as db:
        async with db.begin() as conn:
            found = await routes.list_routes(conn)
        labels = await chat_labels(db, (r.chat_id for r in found))
        rules = await rules_report(db, found)
    if not found:
        print("no routes yet: `chatwire feeds add URL --channel CHAT` makes one")
    for route in found:
        state = "active" if route.active else f"paused: {route.paused_reason or 'by hand'}"
        options = f"\t{route.options}" if route.options else ""
        print(f"{route.id}\tfeed {route.feed_id} → {labels[route.chat_id]}\t{state}{options}")
        print(f"\t{rules[route.id]}")
    return 0


async def routes_resume(args: argparse.Namespace, settings: Settings) -> int:
    async with database(settings) as db:
        chat_id, label = await _known_chat(db, settings, args.chat)
        from bot.deliver.resume import resume_chat

        resumed = await resume_chat(db, chat_id)
    if not resumed.routes and not resumed.deliveries:
        raise CommandError(f"nothing is paused for {label} (see `chatwire routes list`)")
    print(
        f"{label}: {resumed.routes} route(s) resumed, "
        f"{resumed.deliveries} held post(s) queued again"
    )
    return 0


async def _known_chat(db: Database, settings: Settings, chat: str) -> tuple[int, str]:
    """A chat given as id or @name: the name looked up where the bot stored it, else
    through the Bot API."""
    value = chat.strip()
    if re.fullmatch(r"-?\d+", value):
        chat_id = int(value)
        return chat_id, (await chat_labels(db, [chat_id]))[chat_id]
    await manage.resolve_chat_id(value, _shape_only)
    async with db.begin() as conn:
        info = await chats.find_chat_by_username(conn, value)
    if info is not None:
        return info.id, chat_label(info.id, info.username, info.title)
    found = await checked_chat(settings, value, check=False)
    return found.id, found.label()


async def feeds_import(args: argparse.Namespace, settings: Settings) -> int:
    if args.backfill < 0:
        raise CommandError(f"--backfill must be zero or more (got {args.backfill})")
    options: dict[str, Any] | None = None
    if args.template is not None:
        if args.channel is None:
            raise CommandError("--template applies to the --channel routes: give --channel")
        template = args.template.replace("\\n", "\n")
        from bot.render.post import RenderOptions

        RenderOptions(template=template)  # validated before anything is stored
        options = {"template": template}
    try:
        data = await asyncio.to_thread(Path(args.file).read_bytes)
    except OSError as exc:
        raise CommandError(f"{args.file}: {exc.strerror}") from None
    chat = None
    if args.channel is not None:
        found = await checked_chat(settings, args.channel)
        chat = found.id
    async with database(settings) as db:
        result = await manage.import_opml(
            db,
            data,
            chat=chat,
            interval=args.interval,
            fulltext=args.fulltext,
            backfill=args.backfill,
            route_options=options,
            default_interval=settings.poll_interval_seconds,
        )
    for added in result.added:
        print(f"added feed {added.feed.id}: {added.feed.url}")
    for url, reason in result.skipped:
        print(f"skipped {url}: {reason}", file=sys.stderr)
    print(f"{len(result.added)} added, {len(result.skipped)} skipped")
    return 0


async def feeds_export(args: argparse.Namespace, settings: Settings) -> int:
    async with database(settings) as db:
        document = await manage.export_opml(db)
    if args.output:
        await asyncio.to_thread(Path(args.output).write_text, document, encoding="utf-8")
    else:
        sys.stdout.write(document)
    return 0


async def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.malloc import limit_arenas
    from bot.ptbimport import import_telegram_ext

    limit_arenas()  # before the bot's threads start
    import_telegram_ext(webhooks=bool(args.webhook))  # tornado only for a webhook
    from bot.serve import Webhook, parse_listen, serve

    webhook = None
    if args.webhook:
        if not args.webhook.startswith("https://"):
            raise CommandError("--webhook must be an https:// URL Telegram can reach")
        host, port = parse_listen(args.listen)
        webhook = Webhook(args.webhook, host, port)
    if webhook is not None and args.worker:
        raise CommandError("--worker receives no updates, so it takes no --webhook")
    return await serve(
        settings,
        webhook=webhook,
        metrics_port=args.metrics_port,
        metrics_host=args.metrics_host,
        receive_updates=not args.worker,
    )


async def demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.demo.run import run_demo

    if settings.log_level != "DEBUG":  # the demo's output is the channel, not the logs
        logging.getLogger().setLevel(logging.WARNING)
    return await run_demo(sys.stdout, color=sys.stdout.isatty())
