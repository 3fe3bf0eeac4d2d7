"""What bot/runtime.py adds for translation routes: the Translator job and the publisher's
gate (always built, so routes made while an endpoint was configured still get their
fallback when it no longer is).

Without an endpoint the translation stack (~3 MiB of modules) is not imported at start:
`LazyGate` passes untranslated routes straight through and builds the real gate on the
first delivery of a translated route."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from bot.app import PeriodicJob

if TYPE_CHECKING:
    import httpx

    from bot.config import Settings
    from bot.deliver.publisher import PrepareFn
    from bot.models import Article
    from bot.translate.gate import TranslationGate
    from bot.translate.worker import Translator
    from storage.db import Database
    from storage.deliveries import Delivery


class LazyGate:
    """The gate with no endpoint configured, importing it only when a route needs it."""

    def __init__(self, db: Database, notify: Callable[[str], Awaitable[None]]) -> None:
        self._db = db
        self._notify = notify
        self._gate: TranslationGate | None = None

    async def __call__(
        self, delivery: Delivery, article: Article, options: Mapping[str, Any]
    ) -> Article | None:
        target = options.get("translate")
        if not isinstance(target, str) or not target:
            return article  # what TranslationGate does for a route without translation
        if self._gate is None:
            from bot.translate.gate import TranslationGate

            self._gate = TranslationGate(self._db, None, notify=self._notify)
        return await self._gate(delivery, article, options)


def translation_parts(
    settings: Settings,
    db: Database,
    http: httpx.AsyncClient,
    notify: Callable[[str], Awaitable[None]],
) -> tuple[Translator | None, PrepareFn]:
    if not settings.translation_configured:
        return None, LazyGate(db, notify)
    from bot.translate.gate import TranslationGate
    from bot.translate.options import engine_config
    from bot.translate.worker import Translator, TranslatorSettings

    config = engine_config(settings)
    assert config is not None  # translation_configured: an endpoint and a model
    translator = Translator(
        db,
        http,
        config,
        notify=notify,
        settings=TranslatorSettings(daily_chars=settings.translate_daily_chars),
    )
    return translator, TranslationGate(db, config, notify=notify, wake=translator.wake)


def translator_jobs(translator: Translator | None, settings: Settings) -> list[PeriodicJob]:
    if translator is None:
        return []
    return [PeriodicJob("translate", settings.translate_tick_seconds, translator.tick)]
