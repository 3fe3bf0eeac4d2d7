"""Updated articles: forget stale answers, and edit posts in chats whose route asks for it.

An edit keeps the post's shape: the new version is rendered into as many parts as
were posted (a longer article becomes the capped title + lead + link form), so
readers' replies and the recorded message ids stay valid.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace

from telegram import Bot, LinkPreviewOptions
from telegram.error import BadRequest, TelegramError

from bot.deliver.rendering import options_for_route
from bot.deliver.telegram_send import to_message_entities
from bot.ingest.poller import UpdatedArticle
from bot.models import Article, OutgoingMessage
from bot.render.post import render_post
from storage import articles, cache, messages, routes
from storage.db import Database
from storage.messages import SentMessage

log = logging.getLogger(__name__)


def _posted_parts(sent: list[SentMessage], chat_id: int) -> list[SentMessage]:
    parts = [m for m in sent if m.chat_id == chat_id and m.kind.startswith("post")]
    return sorted(parts, key=lambda m: m.part)


async def _edit(bot: Bot, chat_id: int, message_id: int, new: OutgoingMessage) -> None:
    entities = to_message_entities(new.entities) or None
    try:
        if new.photo:
            await bot.edit_message_caption(
                chat_id, message_id, caption=new.text, caption_entities=entities
            )
        else:
            await bot.edit_message_text(
                new.text,
                chat_id,
                message_id,
                entities=entities,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def edit_post(
    db: Database, bot: Bot, article: Article, chat_id: int, sent: list[SentMessage]
) -> int:
    """Edit one chat's post of `article` in place; returns how many parts changed."""
    parts = _posted_parts(sent, chat_id)
    if not parts or article.feed_id is None:
        return 0
    async with db.begin() as conn:
        route = next(
            (
                r
                for r in await routes.routes_for_feed(conn, article.feed_id)
                if r.chat_id == chat_id
            ),
            None,
        )
    options = options_for_route(route.options if route else {})
    rendered = render_post(article, replace(options, max_parts=len(parts)))
    edited = 0
    for part, new in zip(parts, rendered, strict=False):
        await _edit(bot, chat_id, part.message_id, new)
        edited += 1
    return edited


async def apply_updates(db: Database, bot: Bot, updated: Iterable[UpdatedArticle]) -> int:
    """Handle a poll's updated articles; a failure in one chat never stops the others."""
    edited = 0
    for update in updated:
        async with db.begin() as conn:
            await cache.drop_cached(conn, update.article_id)
            article = await articles.get_article(conn, update.article_id)
            sent = await messages.messages_for_article(conn, update.article_id)
        if article is None:
            continue
        for chat_id in update.edit_chat_ids:
            try:
                edited += await edit_post(db, bot, article, chat_id, sent)
            except TelegramError as exc:
                log.warning("could not edit article %s in chat %s: %s", article.id, chat_id, exc)
    return edited
