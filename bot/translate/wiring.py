"""What bot/runtime.py adds for translation routes: the Translator job and the publisher's
gate (always built, so routes made while an endpoint was configured still get their
fallback when it no longer is)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from bot.app import PeriodicJob
from bot.config import Settings
from bot.translate.gate import TranslationGate
from bot.translate.options import engine_config
from bot.translate.worker import Translator, TranslatorSettings
from storage.db import Database


def translation_parts(
    settings: Settings,
    db: Database,
    http: httpx.AsyncClient,
    notify: Callable[[str], Awaitable[None]],
) -> tuple[Translator | None, TranslationGate]:
    config = engine_config(settings)
    translator = None
    if config is not None:
        translator = Translator(
            db,
            http,
            config,
            notify=notify,
            settings=TranslatorSettings(daily_chars=settings.translate_daily_chars),
        )
    gate = TranslationGate(
        db, config, notify=notify, wake=translator.wake if translator is not None else None
    )
    return translator, gate


def translator_jobs(translator: Translator | None, settings: Settings) -> list[PeriodicJob]:
    if translator is None:
        return []
    return [PeriodicJob("translate", settings.translate_tick_seconds, translator.tick)]
