"""Reader commands: /start, /help, /latest, /summary, /quotes."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from telegram import Message, Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot import i18n
from bot.answers import answer_chunks, article_quotes, article_summary
from bot.resolve import visible_target
from bot.services import Services, services
from handlers.common import language, limited, reader_scope

if TYPE_CHECKING:
    from bot.analysis.llm import LLMConfig

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


async def _reply(message: Message, text: str) -> None:
    for chunk in answer_chunks(text):
        await message.reply_text(chunk, do_quote=True)


@limited
async def start(update: Update, context: Context) -> None:
    if update.effective_message:
        await update.effective_message.reply_text(i18n.text("help", language(update)))


async def _username_chat_id(context: Context, username: str) -> int | None:
    try:
        return (await context.bot.get_chat(f"@{username}")).id
    except Exception:
        log.info("could not resolve @%s", username)
        return None


def _llm(svc: Services) -> LLMConfig | None:
    from bot.analysis.llm import LLMConfig  # analysis loads on the first /summary or /quotes

    s = svc.settings
    if not (s.summary_llm_url and s.summary_llm_model):
        return None
    key = s.summary_llm_api_key.get_secret_value() if s.summary_llm_api_key else None
    return LLMConfig(s.summary_llm_url, s.summary_llm_model, key, s.summary_llm_timeout_seconds)


async def _answer(update: Update, context: Context, kind: str) -> None:
    from bot.analysis.report import quotes_text, summary_text
    from bot.translate.answers import reader_version

    message = update.effective_message
    if message is None:
        return
    svc = services(context)
    lang = language(update)
    try:
        target = await visible_target(
            svc.db,
            await reader_scope(update, context, svc),
            message,
            " ".join(context.args or []),
            chat_id_for_username=lambda name: _username_chat_id(context, name),
        )
        if isinstance(target, str):
            ref = " ".join(context.args or [])
            await message.reply_text(i18n.text(target, lang, ref=ref), do_quote=True)
            return
        target = await reader_version(svc.db, target, message.chat.id)
        if kind == "summary":
            summary = await article_summary(svc.db, target, llm=_llm(svc), http=svc.http)
            answer = summary_text(summary, target.language)
        else:
            answer = quotes_text(await article_quotes(svc.db, target), target.language)
        await _reply(message, f"{target.title}\n\n{answer}")
    except Exception:
        log.exception("/%s failed in chat %s", kind, message.chat.id)
        await message.reply_text(i18n.text("failed", lang))


@limited
async def summary(update: Update, context: Context) -> None:
    await _answer(update, context, "summary")


@limited
async def quotes(update: Update, context: Context) -> None:
    await _answer(update, context, "quotes")


@limited
async def latest(update: Update, context: Context) -> None:
    """The asking chat's latest posts; in private, those the reader can see."""
    message = update.effective_message
    if message is None:
        return
    svc = services(context)
    lang = language(update)
    try:
        found = await (await reader_scope(update, context, svc)).latest(svc.db, limit=10)
    except Exception:
        log.exception("/latest failed in chat %s", message.chat.id)
        await message.reply_text(i18n.text("failed", lang))
        return
    if not found:
        await message.reply_text(i18n.text("nothing_posted", lang))
        return
    lines = [i18n.text("latest_title", lang)]
    lines += [f"{post.article_id}. {post.title}" for post in found]
    lines += ["", i18n.text("latest_hint", lang)]
    await _reply(message, "\n".join(lines))


def grouped_handlers() -> list[tuple[int, BaseHandler[Any, Any, Any]]]:
    """(group, handler) pairs, the shape bot.app.build_application takes."""
    commands = [
        ("start", start),
        ("help", start),
        ("latest", latest),
        ("summary", summary),
        ("quotes", quotes),
    ]
    return [(0, CommandHandler(name, callback)) for name, callback in commands]
