"""What each `chatwire` sub-command does, given parsed arguments and settings.

bot/cli.py only parses; these functions open what they need, call the stage
that does the work, and print the result.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from bot.analysis.llm import LLMConfig, summarize
from bot.analysis.quotes import find_quotes
from bot.analysis.report import format_quotes_json, format_summary_json, quotes_text, summary_text
from bot.config import Settings
from bot.content.pipeline import load_article_file
from bot.deliver.resume import resume_chat
from bot.ingest import manage
from bot.ingest.fetch import USER_AGENT
from bot.models import Article
from bot.render.post import RenderOptions
from bot.render.preview import run_preview
from bot.routing import cli as routing_cli
from bot.routing.manage import rules_report
from storage import routes
from storage.backup import BackupError, backup_database
from storage.db import Database, open_database


class CommandError(Exception):
    """Bad input to a command: printed as one line, exit status 1."""


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[Database]:
    db = await open_database(settings.database_url)
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
    if not (settings.summary_llm_url and settings.summary_llm_model):
        return None
    key = settings.summary_llm_api_key
    return LLMConfig(
        settings.summary_llm_url,
        settings.summary_llm_model,
        key.get_secret_value() if key else None,
        settings.summary_llm_timeout_seconds,
    )


async def _article_file(path: str) -> Article:
    file = Path(path)
    if not await asyncio.to_thread(file.is_file):
        raise CommandError(f"{path}: no such file")
    try:
        return await asyncio.to_thread(load_article_file, file)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: {exc}") from None


async def preview(args: argparse.Namespace, settings: Settings) -> int:
    async with http_client(settings) as http:
        return await run_preview(args.source, args.json, sys.stdout, http=http)


async def summary(args: argparse.Namespace, settings: Settings) -> int:
    article = await _article_file(args.file)
    async with http_client(settings) as http:
        result = await summarize(
            article.content_markdown, article.language, llm=llm_config(settings), http=http
        )
    print(format_summary_json(result) if args.json else summary_text(result, article.language))
    return 0


async def quotes(args: argparse.Namespace, settings: Settings) -> int:
    article = await _article_file(args.file)
    found = await asyncio.to_thread(find_quotes, article.content_markdown, article.language)
    print(format_quotes_json(found) if args.json else quotes_text(found, article.language))
    return 0


async def db_migrate(args: argparse.Namespace, settings: Settings) -> int:
    db = await open_database(settings.database_url, migrate=False)
    try:
        applied = await db.migrate()
    finally:
        await db.close()
    print(f"applied migrations: {applied}" if applied else "database schema is up to date")
    return 0


async def db_backup(args: argparse.Namespace, settings: Settings) -> int:
    target = Path(args.path)
    try:
        await backup_database(settings.database_url, target)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    print(f"backup written to {target}")
    return 0


async def _resolve_chat(settings: Settings, name: str) -> int:
    """'@channel' → id through the Bot API (the only place that knows it)."""
    from telegram import Bot

    token = settings.require_token()
    base_url = settings.telegram_api_base_url
    bot = Bot(token, base_url=base_url) if base_url else Bot(token)
    async with bot:
        return (await bot.get_chat(name)).id


def route_options(args: argparse.Namespace) -> dict[str, object] | None:
    """Per-route options from the command line, validated before anything is stored."""
    options: dict[str, object] = {}
    if args.template is not None:
        options["template"] = args.template.replace("\\n", "\n")
    if args.max_parts is not None:
        options["max_parts"] = args.max_parts
    if args.no_media:
        options["with_media"] = False
    if args.on_update != "ignore":
        options["on_update"] = args.on_update
    if not options:
        return None
    RenderOptions(
        template=options.get("template"),  # type: ignore[arg-type]
        max_parts=args.max_parts or 8,
    )
    return options


async def feeds_add(args: argparse.Namespace, settings: Settings) -> int:
    options = routing_cli.options_with_filters(args, route_options(args))
    async with database(settings) as db:
        added = await manage.add_feed(
            db,
            args.url,
            chat=args.channel,
            interval=args.interval,
            backfill=args.backfill,
            fulltext=args.fulltext,
            resolve_chat=lambda name: _resolve_chat(settings, name),
            default_interval=settings.poll_interval_seconds,
        )
        if options is not None:
            async with db.begin() as conn:
                await routes.set_route_options(conn, added.route.id, options)
    verb = "added feed" if added.created else "feed already stored; routed"
    print(f"{verb} {added.feed.id}: {added.feed.url} → chat {added.route.chat_id}")
    return 0


def _when(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if hasattr(value, "strftime") else "—"


async def feeds_list(args: argparse.Namespace, settings: Settings) -> int:
    async with database(settings) as db:
        listings = await manage.list_feeds(db)
    if not listings:
        print("no feeds yet: add one with `chatwire feeds add URL --channel CHAT`")
    for item in listings:
        feed = item.feed
        state = "active" if feed.active else "paused"
        chats = ", ".join(str(c) for c in item.chat_ids) or "no chat"
        print(f"{feed.id}\t{feed.url}\t{feed.title or '—'}\t{state}\t→ {chats}")
        print(
            f"\tlast poll {_when(feed.last_polled_at)}, next poll {_when(feed.next_poll_at)}, "
            f"errors {feed.error_count}" + (f": {feed.last_error}" if feed.last_error else "")
        )
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
        rules = await rules_report(db, found)
    if not found:
        print("no routes yet: `chatwire feeds add URL --channel CHAT` makes one")
    for route in found:
        state = "active" if route.active else f"paused: {route.paused_reason or 'by hand'}"
        options = f"\t{route.options}" if route.options else ""
        print(f"{route.id}\tfeed {route.feed_id} → chat {route.chat_id}\t{state}{options}")
        print(f"\t{rules[route.id]}")
    return 0


async def routes_resume(args: argparse.Namespace, settings: Settings) -> int:
    async with database(settings) as db:
        resumed = await resume_chat(db, args.chat)
    if not resumed.routes and not resumed.deliveries:
        raise CommandError(f"nothing is paused for chat {args.chat} (see `chatwire routes list`)")
    print(
        f"chat {args.chat}: {resumed.routes} route(s) resumed, "
        f"{resumed.deliveries} held post(s) queued again"
    )
    return 0


async def feeds_import(args: argparse.Namespace, settings: Settings) -> int:
    try:
        data = await asyncio.to_thread(Path(args.file).read_bytes)
    except OSError as exc:
        raise CommandError(f"{args.file}: {exc.strerror}") from None
    async with database(settings) as db:
        result = await manage.import_opml(
            db,
            data,
            chat=args.channel,
            interval=args.interval,
            fulltext=args.fulltext,
            resolve_chat=lambda name: _resolve_chat(settings, name),
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
