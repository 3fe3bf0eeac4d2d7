"""The Article a translated route posts: the translation run through the normal pipeline,
with the original's metadata, the translator's credit and the original link kept."""

from __future__ import annotations

import html
from dataclasses import replace

from bot.content.pipeline import build_article
from bot.models import Article, FeedItem

TRANSLATED_TO = "translated_to"
"""`Article.extra` key: the target language of a translated version (answers cache by it)."""
TRANSLATED_FROM = "translated_from"

_NOTES = {
    "zh": "（本文未能翻译为中文，以下为原文。）",
    "ja": "（この記事は翻訳できなかったため、原文を掲載します。）",
    "en": "(This article could not be translated; the original follows.)",
}


def _rebuilt(original: Article, title: str, body_html: str, language: str) -> Article:
    item = FeedItem(
        guid=original.guid,
        url=original.url,
        title=title,
        authors=list(original.authors),
        published=original.published,
        content_html=body_html,
        language=language,
        lead_image=original.lead_image,
        enclosures=list(original.enclosures),
    )
    built = build_article(item, source=original.source, feed_language=language)
    extra = dict(original.extra)
    extra.update(built.extra)
    return replace(
        built,
        id=original.id,
        feed_id=original.feed_id,
        authors=list(original.authors) or built.authors,
        source=original.source,
        published=original.published or built.published,
        content_hash=original.content_hash,
        lead_image=original.lead_image,
        extra=extra,
    )


def translated_article(
    original: Article, title: str, body_html: str, target: str, translator: str
) -> Article:
    """The translated version: the footer credits `translator` and links the original."""
    article = _rebuilt(original, title or original.title, body_html, target)
    article.language = target
    article.translator = translator
    article.extra[TRANSLATED_TO] = target
    if original.language:
        article.extra[TRANSLATED_FROM] = original.language
    return article


def untranslated_note(target: str) -> str:
    return _NOTES.get(target.split("-")[0].lower(), _NOTES["en"])


def original_with_note(original: Article, target: str, source_html: str) -> Article:
    """The fallback `original`: the original article, its first line saying it is untranslated."""
    note = f"<p>{html.escape(untranslated_note(target))}</p>"
    article = _rebuilt(original, original.title, note + source_html, original.language or "")
    article.language = original.language
    article.translator = original.translator
    return article
