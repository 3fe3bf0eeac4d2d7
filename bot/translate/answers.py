"""/summary and /quotes in a chat that got the translation answer from the translation."""

from __future__ import annotations

from bot.models import Article
from bot.translate.article import TRANSLATED_TO, translated_article
from storage import chats, translations
from storage.db import Database


async def reader_version(db: Database, article: Article, chat_id: int | None) -> Article:
    """The version of `article` the asking chat was shown.

    The chat's own posts decide (a discussion group counts as its channel); asked from
    elsewhere (a private chat), the translation when every chat that got the article got
    the same translation; else the original.
    """
    if article.id is None or article.extra.get(TRANSLATED_TO):
        return article
    async with db.begin() as conn:
        near: set[int] = set()
        if chat_id is not None:
            near.add(chat_id)
            info = await chats.get_chat(conn, chat_id)
            if info is not None and info.linked_chat_id is not None:
                near.add(info.linked_chat_id)
        targets = await translations.posted_targets(conn, article.id, near) if near else []
        if not targets:
            targets = await translations.posted_targets(conn, article.id)
        if len(targets) != 1 or targets[0] is None:
            return article
        row = await translations.latest_done(conn, article.id, targets[0])
    if row is None or row.content_html is None:
        return article
    return translated_article(
        article, row.title or article.title, row.content_html, row.target, row.translator or ""
    )


def cache_variant(article: Article, method: str) -> str:
    """Answers about a translation are cached apart from the original's."""
    target = article.extra.get(TRANSLATED_TO)
    return f"{method}@{target}" if isinstance(target, str) and target else method
