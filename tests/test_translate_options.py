"""Translation options as people type them: CLI and /addfeed words, settings, refusals."""

from __future__ import annotations

import pytest

from bot.admin import AdminError, parse_addfeed
from bot.config import ConfigError, SecretStr, Settings
from bot.translate.options import NOT_CONFIGURED, engine_config, translation_options


def test_translation_options_are_checked_and_canonical() -> None:
    assert translation_options("zh-hant", "hold", 5000, configured=True) == {
        "translate": "zh-Hant",
        "translate_fallback": "hold",
        "translate_budget": 5000,
    }
    assert translation_options(None, configured=False) == {}
    with pytest.raises(ValueError, match="TRANSLATE_LLM_URL"):
        translation_options("zh-Hans", configured=False)
    with pytest.raises(ValueError, match="original or hold"):
        translation_options("zh-Hans", "drop", configured=True)
    with pytest.raises(ValueError, match="on-update edit"):
        translation_options("zh-Hans", configured=True, on_update="edit")
    with pytest.raises(ValueError, match="BCP 47"):
        translation_options("Chinese please", configured=True)


def test_addfeed_reads_translate_and_fallback_words() -> None:
    parsed = parse_addfeed(["https://ex.com/feed", "@zh_news", "translate=zh-Hans", "30m"])
    assert parsed.target == "@zh_news" and parsed.interval == 1800
    assert dict(parsed.settings) == {"translate": "zh-Hans"}
    with pytest.raises(AdminError, match="Not understood: colour"):
        parse_addfeed(["https://ex.com/feed", "colour=red"])


def test_settings_refuse_an_api_key_over_plain_http() -> None:
    with pytest.raises(ConfigError, match="https"):
        Settings(
            _env_file=None,  # type: ignore[call-arg]
            translate_llm_url="http://llm.example.net/v1",
            translate_llm_model="m",
            translate_llm_api_key=SecretStr("k"),
        )
    ok = Settings(
        _env_file=None,  # type: ignore[call-arg]
        translate_llm_url="http://127.0.0.1:8000/v1",
        translate_llm_model="m",
        translate_llm_api_key=SecretStr("k"),
        translate_name="ChatGPT o1",
    )
    config = engine_config(ok)
    assert config is not None and config.display_name == "ChatGPT o1" and config.api_key == "k"
    bare = Settings(_env_file=None)  # type: ignore[call-arg]
    assert engine_config(bare) is None and not bare.translation_configured
    assert "TRANSLATE_LLM_MODEL" in NOT_CONFIGURED
