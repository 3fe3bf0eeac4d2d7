"""Settings: every environment variable chatwire reads, validated once at start.

A bad value stops the program with one line naming the variable (exit 2); the
bot token is a SecretStr so it never reaches a log line or an error message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
SUPPORTED_DB_SCHEMES = ("sqlite", "postgresql", "postgres")


class ConfigError(Exception):
    """A setting is missing or invalid; the message names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str | None = None
    database_url: str = "sqlite:///data/chatwire.db"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    admin_chat_id: int | None = None
    log_level: LogLevel = "INFO"
    log_format: Literal["text", "json"] = "text"

    poll_interval_seconds: int = Field(default=600, ge=60)
    poll_tick_seconds: float = Field(default=5.0, gt=0)
    poll_concurrency: int = Field(default=20, ge=1)
    poll_per_host_concurrency: int = Field(default=2, ge=1)
    fetch_timeout_seconds: float = Field(default=20.0, gt=0)
    fetch_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    feed_max_failures: int = Field(default=20, ge=1)

    send_per_chat_per_second: float = Field(default=1.0, gt=0)
    send_per_group_per_minute: int = Field(default=20, ge=1)
    send_global_per_second: float = Field(default=30.0, gt=0)
    publish_tick_seconds: float = Field(default=2.0, gt=0)
    # How long a claimed feed or delivery stays another process's after it died; keep
    # them longer than the slowest poll and the longest flood wait (tests shorten them).
    poll_lease_seconds: float | None = Field(default=None, gt=0)
    delivery_lease_seconds: float = Field(default=300.0, gt=0)

    summary_llm_url: str | None = None
    summary_llm_model: str | None = None
    summary_llm_api_key: SecretStr | None = None
    summary_llm_timeout_seconds: float = Field(default=20.0, gt=0)

    translate_llm_url: str | None = None
    translate_llm_model: str | None = None
    translate_llm_api_key: SecretStr | None = None
    translate_llm_timeout_seconds: float = Field(default=120.0, gt=0)
    translate_concurrency: int = Field(default=2, ge=1)
    translate_name: str | None = None
    translate_context_chars: int = Field(default=6000, ge=200)
    translate_daily_chars: int = Field(default=200_000, ge=0)
    translate_tick_seconds: float = Field(default=5.0, gt=0)

    commands_per_minute: int = Field(default=10, ge=1)
    feedback_per_minute: int = Field(default=10, ge=1)
    allow_private_feed_urls: bool = False
    # Ports a URL from chat (/addfeed, /post) may name; not enforced with private URLs allowed.
    url_allowed_ports: Annotated[frozenset[int], NoDecode] = frozenset({80, 443, 8080, 8443})

    @field_validator("admin_ids", "url_allowed_ports", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            return frozenset(int(p) for p in parts if p)
        return value

    @field_validator("*", mode="before")
    @classmethod
    def _blank_means_default(cls, value: object, info: ValidationInfo) -> object:
        """`NAME=` in .env (as .env.example has it) means "not set", not "empty string"."""
        if isinstance(value, str) and not value.strip() and info.field_name:
            default = cls.model_fields[info.field_name].default
            if default is None or isinstance(default, frozenset):
                return default
        return value

    @field_validator("translate_llm_api_key")
    @classmethod
    def _key_transport(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        """The translation API key goes only over https or to this machine."""
        url = info.data.get("translate_llm_url")
        if value is not None and value.get_secret_value() and isinstance(url, str):
            from bot.translate.client import check_key_transport

            check_key_transport(url, value.get_secret_value())
        return value

    @field_validator("telegram_api_base_url", "summary_llm_url", "translate_llm_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        scheme = value.split(":", 1)[0].split("+", 1)[0].lower()
        if "://" not in value or scheme not in SUPPORTED_DB_SCHEMES:
            raise ValueError("must be sqlite:///PATH or postgresql://USER@HOST/DB")
        return value

    @property
    def translation_configured(self) -> bool:
        """Translation routes need an endpoint and a model."""
        return bool(self.translate_llm_url and self.translate_llm_model)

    def require_token(self) -> str:
        """The token, for commands that talk to Telegram."""
        if self.telegram_bot_token is None:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set: get one from @BotFather")
        token = self.telegram_bot_token.get_secret_value()
        if ":" not in token:
            raise ConfigError("TELEGRAM_BOT_TOKEN is invalid: expected the form 123456:ABC…")
        return token


def load_settings(env_file: Path | None = Path(".env")) -> Settings:
    """Read and validate settings, turning pydantic's report into one clear line."""
    try:
        return Settings(_env_file=env_file)  # type: ignore[call-arg]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name} is invalid: {message}") from None
