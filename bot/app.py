"""Builds the python-telegram-bot Application: handlers, periodic jobs, error handling."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.ext import Application, ApplicationBuilder, BaseHandler, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot.services import SERVICES_KEY, Services

log = logging.getLogger(__name__)

READER_COMMANDS = [
    BotCommand("summary", "Summary of a post (reply to it, or give a link or id)"),
    BotCommand("quotes", "Who said what in a post"),
    BotCommand("latest", "Latest posts and their ids"),
    BotCommand("search", "Search the posts you can see"),
    BotCommand("feedback", "Send feedback to the editors"),
    BotCommand("help", "How to use this bot"),
]


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    """A coroutine the JobQueue runs every `interval` seconds (the poller, the publisher)."""

    name: str
    interval: float
    tick: Callable[[], Awaitable[object]]
    first: float = 1.0


async def _run_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    job = context.job
    assert job is not None and isinstance(job.data, PeriodicJob)
    try:
        await job.data.tick()
    except Exception:  # one failed tick must not stop the schedule
        log.exception("job %s failed; it runs again at the next tick", job.data.name)


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = (
        update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
    )
    log.error("update in chat %s failed", chat, exc_info=context.error)


def build_application(
    *,
    token: str,
    services: Services,
    handlers: Sequence[tuple[int, BaseHandler[Any, Any, Any]]],
    base_url: str | None = None,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The Application with every handler registered in its group.

    `request`/`updates_request` let tests plug in the fake Bot API.
    """
    builder = (
        ApplicationBuilder()
        .token(token)
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .concurrent_updates(True)
    )
    if base_url:
        builder = builder.base_url(base_url)
    if request is not None:
        builder = builder.request(request)
    if updates_request is not None:
        builder = builder.get_updates_request(updates_request)
    app = builder.build()
    app.bot_data[SERVICES_KEY] = services
    for group, handler in handlers:
        app.add_handler(handler, group=group)
    app.add_error_handler(_on_error)
    return app


def schedule_jobs(
    app: Application[Any, Any, Any, Any, Any, Any], jobs: Sequence[PeriodicJob]
) -> None:
    """Run each job on the Application's JobQueue (APScheduler) from start to stop."""
    assert app.job_queue is not None, "install python-telegram-bot[job-queue]"
    for job in jobs:
        app.job_queue.run_repeating(
            _run_job, interval=job.interval, first=job.first, data=job, name=job.name
        )
