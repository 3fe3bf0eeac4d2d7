"""/search WORDS in any chat, and inline search (`@bot words`) over public channels' posts."""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, InlineQueryHandler

from bot import i18n
from bot import search as finder
from bot.services import services
from handlers.common import language, limited, reader_scope, reply_plain

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
INLINE_PAGE = 20
INLINE_CACHE_SECONDS = 30


@limited
async def search(update: Update, context: Context) -> None:
    """Posts this reader may see whose headline, authors or text hold every word."""
    message = update.effective_message
    if message is None:
        return
    svc = services(context)
    lang = language(update)
    request = finder.parse_request(" ".join(context.args or []))
    if not request.query:
        await reply_plain(message, finder.say("usage", lang))
        return
    if request.page > finder.MAX_PAGE:
        await reply_plain(message, finder.say("too_far", lang, pages=finder.MAX_PAGE))
        return
    try:
        scope = await reader_scope(update, context, svc)
        chat_ids = await scope.visible_chats(svc.db)
        found = await finder.find(svc.db, chat_ids, request.query, page=request.page)
    except Exception:
        log.exception("/search failed in chat %s", message.chat.id)
        await reply_plain(message, i18n.text("failed", lang))
        return
    await reply_plain(message, finder.page_text(found, request.query, lang))


async def inline(update: Update, context: Context) -> None:
    """`@bot words`: public channels' posts, newest first, paged by Telegram's offset."""
    query = update.inline_query
    if query is None:
        return
    svc = services(context)
    if not svc.command_limiter.allow(query.from_user.id):
        await query.answer([], cache_time=INLINE_CACHE_SECONDS, is_personal=True)
        return
    text = query.query.strip()
    page = int(query.offset) if query.offset.isdigit() else 1
    results: list[InlineQueryResultArticle] = []
    more = False
    if text and page <= finder.MAX_PAGE:
        try:
            chat_ids = await finder.public_chats(svc.db, context.bot, svc.telegram_facts)
            found = await finder.find(svc.db, chat_ids, text, page=page, size=INLINE_PAGE)
        except Exception:
            log.exception("inline search %r failed", text[:40])
            return
        more = found.more
        for hit in found.hits:
            body = f"{hit.title}\n{hit.url}" if hit.url else hit.title
            results.append(
                InlineQueryResultArticle(
                    id=str(hit.article_id),
                    title=hit.title[:200],
                    description=f"{finder.hit_date(hit):%Y-%m-%d}",
                    url=hit.url or None,
                    input_message_content=InputTextMessageContent(body),
                )
            )
    await query.answer(
        results,
        cache_time=INLINE_CACHE_SECONDS,
        next_offset=str(page + 1) if more else None,
    )


def grouped_handlers() -> list[tuple[int, BaseHandler[Any, Any, Any]]]:
    """(group, handler) pairs, the shape bot.app.build_application takes."""
    return [(0, CommandHandler("search", search)), (0, InlineQueryHandler(inline))]
