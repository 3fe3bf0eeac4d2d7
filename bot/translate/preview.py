"""`chatwire preview --translate LANG SOURCE`: the post(s) a translated route would send."""

from __future__ import annotations

import json
import sys
from typing import TextIO

import httpx

from bot.config import Settings
from bot.models import Article
from bot.render import preview as plain_preview
from bot.render.post import render_post
from bot.translate.article import original_with_note, translated_article
from bot.translate.client import EngineConfig, TransientError
from bot.translate.engine import (
    TranslationFailed,
    plain_text,
    prepare,
    source_html,
    translate_article,
)
from bot.translate.languages import canonical_tag, same_language, text_language
from bot.translate.options import NOT_CONFIGURED, engine_config


async def translate_for_preview(
    article: Article, target: str, config: EngineConfig, http: httpx.AsyncClient, err: TextIO
) -> Article:
    """The translated article, or (saying why on `err`) the original with its note."""
    src = prepare(article)
    if same_language(text_language(plain_text(src)), target):
        return article
    try:
        done = await translate_article(article, target, config, http, src=src)
    except (TranslationFailed, TransientError) as exc:
        print(f"chatwire preview: translation failed ({exc}); showing the fallback", file=err)
        return original_with_note(article, target, source_html(article))
    return translated_article(article, done.title, done.html, target, done.translator)


async def translated_preview(
    source: str, language: str, as_json: bool, settings: Settings, out: TextIO = sys.stdout
) -> int:
    config = engine_config(settings)
    if config is None:
        print(f"chatwire preview: {NOT_CONFIGURED}", file=sys.stderr)
        return 1
    try:
        target = canonical_tag(language)
    except ValueError as exc:
        print(f"chatwire preview: {exc}", file=sys.stderr)
        return 1
    async with httpx.AsyncClient(timeout=settings.fetch_timeout_seconds) as http:
        try:
            src = await plain_preview._read(source, http)
            articles, feed = plain_preview._articles(src)
        except Exception as exc:  # bad input: one line, as plain preview does
            print(f"chatwire preview: {source}: {exc}", file=sys.stderr)
            return 1
        done = [await translate_for_preview(a, target, config, http, sys.stderr) for a in articles]
    if as_json:
        docs = [plain_preview.article_json(a, render_post(a)) for a in done]
        json.dump(docs if feed else docs[0], out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        plain_preview._human(done, out)
    return 0
