from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.logging_setup import JsonFormatter, redact
from tests.cli_helpers import run_chatwire

TOKEN = "123456789:AAH-fake_token_value_for_tests_0123456"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS", "ADMIN_CHAT_ID", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    settings = load_settings(None)
    assert settings.database_url == "sqlite:///data/chatwire.db"
    assert settings.admin_ids == frozenset()
    assert settings.telegram_bot_token is None


def test_env_file_and_admin_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = tmp_path / ".env"
    env.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nADMIN_IDS=1, 22 ,333\nADMIN_CHAT_ID=-100\n")
    settings = load_settings(env)
    assert settings.admin_ids == frozenset({1, 22, 333})
    assert settings.admin_chat_id == -100
    assert settings.require_token() == TOKEN
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.model_dump())


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "bogus://x"),
        ("ADMIN_IDS", "12,abc"),
        ("ADMIN_CHAT_ID", "channel"),
        ("LOG_LEVEL", "LOUD"),
        ("POLL_INTERVAL_SECONDS", "5"),
        ("TELEGRAM_API_BASE_URL", "ftp://example.com"),
    ],
)
def test_invalid_values_name_the_variable(
    name: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        load_settings(None)
    assert str(info.value).startswith(f"{name} is invalid")
    assert "\n" not in str(info.value)


def test_token_required_and_shaped(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN is not set"):
        load_settings(None).require_token()
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "nonsense")
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN is invalid") as info:
        load_settings(None).require_token()
    assert "nonsense" not in str(info.value)


def test_logs_never_show_the_token() -> None:
    url = f"https://api.telegram.org/bot{TOKEN}/getMe"
    assert TOKEN not in redact(url)
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "GET %s", (url,), None)
    assert TOKEN not in JsonFormatter().format(record)


def _chatwire(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_chatwire(*args, env={"PATH": "/usr/bin:/bin", **env}, cwd=cwd)


def test_cli_bad_database_url_exits_2(tmp_path: Path) -> None:
    result = _chatwire("db", "migrate", env={"DATABASE_URL": "bogus://x"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "chatwire: error: DATABASE_URL is invalid: must be sqlite:///PATH or "
        "postgresql://USER@HOST/DB"
    ]


def test_cli_db_migrate(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db' / 'c.db'}"}
    first = _chatwire("db", "migrate", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "applied migrations: [1, 2" in first.stdout
    second = _chatwire("db", "migrate", env=env, cwd=tmp_path)
    assert second.stdout.strip() == "database schema is up to date"


def test_cli_help_lists_commands(tmp_path: Path) -> None:
    result = _chatwire("--help", env={}, cwd=tmp_path)
    assert result.returncode == 0
    assert "db" in result.stdout


def test_env_example_lists_every_setting_with_its_default() -> None:
    example = Path(__file__).resolve().parents[1] / ".env.example"
    names = {
        line.split("=", 1)[0]
        for line in example.read_text().splitlines()
        if line and not line.startswith("#")
    }
    from bot.config import Settings

    assert names == {name.upper() for name in Settings.model_fields}
    assert load_settings(example) == load_settings(None)
