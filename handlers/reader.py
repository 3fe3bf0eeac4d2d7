"""Reader commands: /start, /help, /latest, /summary, /quotes."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Message, Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot import i18n
from bot.analysis.llm import LLMConfig
from bot.analysis.report import quotes_text, summary_text
from bot.answers import answer_chunks, article_quotes, article_summary
from bot.deliver.discussion import resolve_message
from bot.models import Article
from bot.resolve import article_for_reference, latest_posted_article, parse_reference
from bot.services import Services, services
from bot.translate.answers import reader_version
from handlers.common import language
from storage import articles, posts

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


async def _reply(message: Message, text: str) -> None:
    for chunk in answer_chunks(text):
        await message.reply_text(chunk, do_quote=True)


async def start(update: Update, context: Context) -> None:
    if update.effective_message:
        await update.effective_message.reply_text(i18n.text("help", language(update)))


async def _username_chat_id(context: Context, username: str) -> int | None:
    try:
        return (await context.bot.get_chat(f"@{username}")).id
    except Exception:
        log.info("could not resolve @%s", username)
        return None


async def _target(update: Update, context: Context, svc: Services) -> Article | str:
    """The article the command is about, or the key of the reason there is none."""
    message = update.effective_message
    assert message is not None
    if context.args:
        ref = parse_reference(" ".join(context.args))
        if ref is None:
            return "no_post"
        found = await article_for_reference(
            svc.db, ref, chat_id_for_username=lambda name: _username_chat_id(context, name)
        )
        return found or "unknown_post"
    sent = await resolve_message(svc.db, message)
    if sent is not None:
        async with svc.db.begin() as conn:
            return await articles.get_article(conn, sent.article_id) or "no_post"
    if message.reply_to_message is not None:
        return "no_post"
    return await latest_posted_article(svc.db) or "nothing_posted"


def _llm(svc: Services) -> LLMConfig | None:
    s = svc.settings
    if not (s.summary_llm_url and s.summary_llm_model):
        return None
    key = s.summary_llm_api_key.get_secret_value() if s.summary_llm_api_key else None
    return LLMConfig(s.summary_llm_url, s.summary_llm_model, key, s.summary_llm_timeout_seconds)


async def _answer(update: Update, context: Context, kind: str) -> None:
    message = update.effective_message
    if message is None:
        return
    svc = services(context)
    lang = language(update)
    user = update.effective_user
    if user is not None and not svc.command_limiter.allow(user.id):
        wait = max(1, round(svc.command_limiter.retry_in(user.id)))
        await message.reply_text(i18n.text("slow_down", lang, seconds=wait))
        return
    try:
        target = await _target(update, context, svc)
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


async def summary(update: Update, context: Context) -> None:
    await _answer(update, context, "summary")


async def quotes(update: Update, context: Context) -> None:
    await _answer(update, context, "quotes")


async def latest(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    svc = services(context)
    lang = language(update)
    async with svc.db.begin() as conn:
        found = await posts.latest_posts(conn, limit=10)
    if not found:
        await message.reply_text(i18n.text("nothing_posted", lang))
        return
    lines = [i18n.text("latest_title", lang)]
    lines += [f"{post.article.id}. {post.article.title}" for post in found]
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
