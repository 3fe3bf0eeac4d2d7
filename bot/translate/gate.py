"""The publisher's hook: a delivery on a translated route waits for its translation, then
posts it; a failed translation posts the original with a note, or holds the delivery.

Translation itself runs in the Translator job (bot/translate/worker.py), never in the
publisher, so a slow model never holds up other chats or the poller.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.models import Article
from bot.translate.article import original_with_note, translated_article
from bot.translate.client import EngineConfig
from bot.translate.engine import plain_text, prepare, source_hash, source_html
from bot.translate.languages import same_language, text_language
from storage import deliveries as delivery_store
from storage import translations
from storage.db import Database
from storage.deliveries import Delivery

log = logging.getLogger(__name__)

NotifyFn = Callable[[str], Awaitable[None]]
FALLBACKS = ("original", "hold")


class TranslationGate:
    """`await gate(delivery, article, options)` → the Article to post now, or None when the
    delivery was deferred (translation pending) or held (fallback `hold`)."""

    def __init__(
        self,
        db: Database,
        config: EngineConfig | None,
        *,
        notify: NotifyFn | None = None,
        wake: Callable[[], None] | None = None,
        wait: timedelta = timedelta(seconds=30),
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._db = db
        self._config = config
        self._notify = notify
        self._wake = wake
        self._wait = wait
        self._now = now

    async def __call__(
        self, delivery: Delivery, article: Article, options: Mapping[str, Any]
    ) -> Article | None:
        try:
            return await self._prepare(delivery, article, options)
        except Exception:  # a bug here must not stall the chat: post the original
            log.exception("translation gate failed for article %s", article.id)
            return article

    async def _prepare(
        self, delivery: Delivery, article: Article, options: Mapping[str, Any]
    ) -> Article | None:
        target = options.get("translate")
        if not isinstance(target, str) or not target or article.id is None:
            return article
        src = prepare(article)
        if same_language(text_language(plain_text(src)), target):
            return article  # already in the route's language: posted as is
        fallback = str(options.get("translate_fallback", "original"))
        if self._config is None:
            return await self._fallback(
                delivery, article, target, fallback, "no translation endpoint is configured", None
            )
        key = source_hash(src, target, self._config.model)
        now = self._now()
        async with self._db.begin() as conn:
            row = await translations.get_translation(conn, article.id, target, key)
            if row is None:
                row = await translations.request_translation(
                    conn, article.id, target, key, route_id=delivery.route_id, now=now
                )
            if row.state == translations.HELD and fallback == "hold":
                await translations.requeue(conn, row.id, now=now)  # resumed by an admin
                row.state = translations.PENDING
            if row.state == translations.PENDING:
                await delivery_store.retry_later(
                    conn,
                    delivery.id,
                    at=now + self._wait,
                    error=f"waiting for {target} translation",
                    token=delivery.lease_token,
                )
        if row.state == translations.PENDING:
            if self._wake is not None:
                self._wake()
            return None
        if row.state == translations.DONE and row.content_html is not None:
            return translated_article(
                article,
                row.title or article.title,
                row.content_html,
                target,
                row.translator or self._config.display_name,
            )
        return await self._fallback(
            delivery, article, target, fallback, row.error or "translation failed", row.id
        )

    async def _fallback(
        self,
        delivery: Delivery,
        article: Article,
        target: str,
        fallback: str,
        reason: str,
        translation_id: int | None,
    ) -> Article | None:
        if fallback != "hold":
            log.warning(
                "article %s: no %s translation (%s); posting the original to chat %s",
                article.id,
                target,
                reason,
                delivery.chat_id,
            )
            return original_with_note(article, target, source_html(article))
        async with self._db.begin() as conn:
            await delivery_store.pause_delivery(
                conn,
                delivery.id,
                f"held: no {target} translation ({reason})",
                token=delivery.lease_token,
            )
            if translation_id is not None:
                await translations.mark_held(conn, translation_id)
        text = (
            f"Held article {article.id} for chat {delivery.chat_id}: no {target} translation "
            f"({reason}). Resume the chat (/resumechat {delivery.chat_id} or `chatwire routes "
            f"resume {delivery.chat_id}`) to translate it again."
        )
        log.warning("%s", text)
        if self._notify is not None:
            try:
                await self._notify(text)
            except Exception:
                log.exception("could not notify admins: %s", text)
        return None
