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
    # Where relative SQLite paths point; empty = the current directory (printed at start).
    chatwire_home: Path | None = None
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
    # Admins hear of a failing feed after this many failures or this long failing, whichever
    # comes first ("5,1h"; either part may be left out), once per failing spell.
    feed_notice_after: str = "5,1h"

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

    commands_per_minute: int = Field(default=10, ge=1)
    allow_private_feed_urls: bool = False

    @field_validator("admin_ids", mode="before")
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

    @field_validator("telegram_api_base_url", "summary_llm_url")
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

    @field_validator("feed_notice_after")
    @classmethod
    def _notice_after(cls, value: str) -> str:
        notice_threshold(value)
        return value

    @property
    def notice_after(self) -> tuple[int | None, int | None]:
        """(failures, seconds) after which admins hear of a failing feed."""
        return notice_threshold(self.feed_notice_after)

    @property
    def home(self) -> Path:
        """The folder relative SQLite paths resolve against."""
        return (self.chatwire_home or Path.cwd()).expanduser().resolve()

    def stored_database_url(self) -> str:
        """DATABASE_URL for commands that store: relative SQLite paths made absolute
        against CHATWIRE_HOME, and an in-memory database refused (it loses everything)."""
        url = self.database_url
        scheme, _, rest = url.partition("://")
        if scheme.split("+", 1)[0].lower() != "sqlite":
            return url
        path, sep, query = rest.partition("?")
        if path in ("", "/", "/:memory:") or path.startswith("/:memory:"):
            raise ConfigError(
                "DATABASE_URL is invalid: an in-memory SQLite database (sqlite://) loses "
                "everything at exit; use sqlite:///PATH"
            )
        if not path.startswith("/"):
            raise ConfigError("DATABASE_URL is invalid: must be sqlite:///PATH")
        relative = path[1:]
        if relative.startswith("/"):
            return url
        return f"{scheme}:///{(self.home / relative).as_posix()}{sep}{query}"

    def require_token(self) -> str:
        """The token, for commands that talk to Telegram."""
        if self.telegram_bot_token is None:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set: get one from @BotFather")
        token = self.telegram_bot_token.get_secret_value()
        if ":" not in token:
            raise ConfigError("TELEGRAM_BOT_TOKEN is invalid: expected the form 123456:ABC…")
        return token


def notice_threshold(text: str) -> tuple[int | None, int | None]:
    """'5,1h' → (5, 3600); '5' → (5, None); '1h' → (None, 3600). ValueError otherwise."""
    from bot.ingest.manage import parse_interval

    failures: int | None = None
    seconds: int | None = None
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        if part.isdigit():
            failures = int(part)
            if failures < 1:
                raise ValueError("the failure count must be at least 1")
        else:
            seconds = parse_interval(part)
    if failures is None and seconds is None:
        raise ValueError("give failures, a duration or both, e.g. 5,1h")
    return failures, seconds


def load_settings(env_file: Path | None = Path(".env")) -> Settings:
    """Read and validate settings, turning pydantic's report into one clear line."""
    try:
        return Settings(_env_file=env_file)  # type: ignore[call-arg]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name} is invalid: {message}") from None
