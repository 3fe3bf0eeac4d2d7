"""Route options for translation (`--translate`, `translate=` in /addfeed) and the engine
configuration from settings; every refusal is one line for the person who typed it."""

from __future__ import annotations

from typing import Any

from bot.config import Settings
from bot.translate.client import EngineConfig
from bot.translate.gate import FALLBACKS
from bot.translate.languages import canonical_tag

NOT_CONFIGURED = (
    "translation is not available: set TRANSLATE_LLM_URL and TRANSLATE_LLM_MODEL "
    "(any OpenAI-compatible chat-completions endpoint)"
)


def engine_config(settings: Settings) -> EngineConfig | None:
    if not (settings.translate_llm_url and settings.translate_llm_model):
        return None  # not settings.translation_configured (spelled out for the type checker)
    key = settings.translate_llm_api_key
    return EngineConfig(
        url=settings.translate_llm_url,
        model=settings.translate_llm_model,
        api_key=key.get_secret_value() if key else None,
        timeout=settings.translate_llm_timeout_seconds,
        concurrency=settings.translate_concurrency,
        name=settings.translate_name,
        context_chars=settings.translate_context_chars,
    )


def translation_options(
    language: str | None,
    fallback: str | None = None,
    budget: int | None = None,
    *,
    configured: bool,
    on_update: str | None = None,
) -> dict[str, Any]:
    """The route options for a translation request; ValueError with one clear line."""
    if language is None:
        if fallback is not None or budget is not None:
            raise ValueError("the translation fallback and budget need a translation language")
        return {}
    if not configured:
        raise ValueError(NOT_CONFIGURED)
    options: dict[str, Any] = {"translate": canonical_tag(language)}
    if fallback is not None:
        if fallback not in FALLBACKS:
            raise ValueError(f"invalid translation fallback {fallback!r}: use original or hold")
        options["translate_fallback"] = fallback
    if budget is not None:
        if budget < 0:
            raise ValueError(f"the translation budget must be zero or more (got {budget})")
        options["translate_budget"] = budget
    if on_update == "edit":
        raise ValueError("--on-update edit is not available on translated routes yet")
    return options
