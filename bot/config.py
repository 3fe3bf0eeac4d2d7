"""Settings: every environment variable chatwire reads, validated once at start.

A bad value stops the program with one line naming the variable (exit 2); the
bot token is a SecretStr so it never reaches a log line or an error message.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
SUPPORTED_DB_SCHEMES = ("sqlite", "postgresql", "postgres")


class ConfigError(Exception):
    """A setting is missing or invalid; the message names the variable."""


class SecretStr:
    """A secret that never shows in repr(), str(), logs or error messages."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "SecretStr('**********')"

    def __str__(self) -> str:
        return "**********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretStr) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class _Spec:
    """How one setting is read: its kind and bounds."""

    kind: str  # str, int, float, bool, secret, path, ids, choice
    ge: float | None = None
    gt: float | None = None
    choices: tuple[str, ...] = ()


_SPECS: dict[str, _Spec] = {
    "telegram_bot_token": _Spec("secret"),
    "telegram_api_base_url": _Spec("str"),
    "database_url": _Spec("str"),
    "chatwire_home": _Spec("path"),
    "admin_ids": _Spec("ids"),
    "admin_chat_id": _Spec("int"),
    "log_level": _Spec("choice", choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    "log_format": _Spec("choice", choices=("text", "json")),
    "poll_interval_seconds": _Spec("int", ge=60),
    "poll_tick_seconds": _Spec("float", gt=0),
    "poll_concurrency": _Spec("int", ge=1),
    "poll_per_host_concurrency": _Spec("int", ge=1),
    "fetch_timeout_seconds": _Spec("float", gt=0),
    "fetch_max_bytes": _Spec("int", ge=1024),
    "feed_max_failures": _Spec("int", ge=1),
    "feed_notice_after": _Spec("str"),
    "send_per_chat_per_second": _Spec("float", gt=0),
    "send_per_group_per_minute": _Spec("int", ge=1),
    "send_global_per_second": _Spec("float", gt=0),
    "publish_tick_seconds": _Spec("float", gt=0),
    "poll_lease_seconds": _Spec("float", gt=0),
    "delivery_lease_seconds": _Spec("float", gt=0),
    "summary_llm_url": _Spec("str"),
    "summary_llm_model": _Spec("str"),
    "summary_llm_api_key": _Spec("secret"),
    "summary_llm_timeout_seconds": _Spec("float", gt=0),
    "translate_llm_url": _Spec("str"),
    "translate_llm_model": _Spec("str"),
    "translate_llm_api_key": _Spec("secret"),
    "translate_llm_timeout_seconds": _Spec("float", gt=0),
    "translate_concurrency": _Spec("int", ge=1),
    "translate_name": _Spec("str"),
    "translate_context_chars": _Spec("int", ge=200),
    "translate_daily_chars": _Spec("int", ge=0),
    "translate_tick_seconds": _Spec("float", gt=0),
    "commands_per_minute": _Spec("int", ge=1),
    "feedback_per_minute": _Spec("int", ge=1),
    "allow_private_feed_urls": _Spec("bool"),
    "url_allowed_ports": _Spec("ids"),
}
_TRUE = frozenset({"1", "true", "yes", "on", "y", "t"})
_FALSE = frozenset({"0", "false", "no", "off", "n", "f"})


def _convert(spec: _Spec, value: object) -> object:
    """A value from the environment (text) or from code, checked against its spec."""
    if spec.kind == "secret":
        return value if isinstance(value, SecretStr) else SecretStr(str(value))
    if spec.kind == "path":
        return Path(str(value)).expanduser()
    if spec.kind == "ids":
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            try:
                return frozenset(int(p) for p in parts if p)
            except ValueError:
                raise ValueError("must be numeric ids separated by commas") from None
        return frozenset(int(v) for v in value)  # type: ignore[attr-defined]
    if spec.kind == "choice":
        if str(value) not in spec.choices:
            raise ValueError("must be one of " + ", ".join(spec.choices))
        return str(value)
    if spec.kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text not in _TRUE | _FALSE:
            raise ValueError("must be true or false")
        return text in _TRUE
    if spec.kind in ("int", "float"):
        number: float
        try:
            number = int(str(value).strip()) if spec.kind == "int" else float(str(value).strip())
        except ValueError:
            raise ValueError(
                f"must be {'a whole number' if spec.kind == 'int' else 'a number'}"
            ) from None
        if spec.ge is not None and number < spec.ge:
            raise ValueError(f"must be at least {spec.ge:g}")
        if spec.gt is not None and number <= spec.gt:
            raise ValueError(f"must be more than {spec.gt:g}")
        return number
    return str(value)


def _read_env_file(path: Path | None) -> dict[str, str]:
    """KEY=VALUE lines of a .env file (comments, `export` and quotes allowed)."""
    if path is None or not path.is_file():
        return {}
    found: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        else:
            value = value.split(" #", 1)[0].strip()
        found[key.strip().lower()] = value
    return found


@dataclass(kw_only=True)
class Settings:
    """Every setting with its default. Built from the environment (which wins) and a
    .env file; keyword arguments (tests, the demo) override both."""

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str | None = None
    database_url: str = "sqlite:///data/chatwire.db"
    # Where relative SQLite paths point; empty = the current directory (printed at start).
    chatwire_home: Path | None = None
    admin_ids: frozenset[int] = frozenset()
    admin_chat_id: int | None = None
    log_level: LogLevel = "INFO"
    log_format: Literal["text", "json"] = "text"

    poll_interval_seconds: int = 600
    poll_tick_seconds: float = 5.0
    poll_concurrency: int = 20
    poll_per_host_concurrency: int = 2
    fetch_timeout_seconds: float = 20.0
    fetch_max_bytes: int = 5 * 1024 * 1024
    feed_max_failures: int = 20
    # Admins hear of a failing feed after this many failures or this long failing, whichever
    # comes first ("5,1h"; either part may be left out), once per failing spell.
    feed_notice_after: str = "5,1h"

    send_per_chat_per_second: float = 1.0
    send_per_group_per_minute: int = 20
    send_global_per_second: float = 30.0
    publish_tick_seconds: float = 2.0
    # How long a claimed feed or delivery stays another process's after it died; keep
    # them longer than the slowest poll and the longest flood wait (tests shorten them).
    poll_lease_seconds: float | None = None
    delivery_lease_seconds: float = 300.0

    summary_llm_url: str | None = None
    summary_llm_model: str | None = None
    summary_llm_api_key: SecretStr | None = None
    summary_llm_timeout_seconds: float = 20.0

    translate_llm_url: str | None = None
    translate_llm_model: str | None = None
    translate_llm_api_key: SecretStr | None = None
    translate_llm_timeout_seconds: float = 120.0
    translate_concurrency: int = 2
    translate_name: str | None = None
    translate_context_chars: int = 6000
    translate_daily_chars: int = 200_000
    translate_tick_seconds: float = 5.0

    commands_per_minute: int = 10
    feedback_per_minute: int = 10
    allow_private_feed_urls: bool = False
    # Ports a URL from chat (/addfeed, /post) may name; not enforced with private URLs allowed.
    url_allowed_ports: frozenset[int] = frozenset({80, 443, 8080, 8443})

    model_fields: ClassVar[dict[str, _Spec]] = _SPECS

    if not TYPE_CHECKING:  # type checkers see the dataclass's keyword-only __init__

        def __init__(self, _env_file: Path | None = Path(".env"), **values: object) -> None:
            unknown = set(values) - set(_SPECS)
            if unknown:
                raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
            given: dict[str, object] = dict(_read_env_file(_env_file))
            for key, value in os.environ.items():
                if key.lower() in _SPECS:
                    given[key.lower()] = value
            given.update(values)
            for name, spec in _SPECS.items():
                value = given.get(name, _MISSING)
                if (
                    value is _MISSING
                    or value is None
                    or (isinstance(value, str) and not value.strip())
                ):
                    default = type(self).__dataclass_fields__[name].default
                    object.__setattr__(self, name, default)
                    continue
                try:
                    converted = _convert(spec, value.strip() if isinstance(value, str) else value)
                    converted = _check(name, converted)
                except ValueError as exc:
                    raise ConfigError(f"{name.upper()} is invalid: {exc}") from None
                object.__setattr__(self, name, converted)
            _check_key_transport(self.translate_llm_url, self.translate_llm_api_key)

    def model_dump(self) -> dict[str, object]:
        """Every setting by name (secrets stay masked)."""
        return {name: getattr(self, name) for name in _SPECS}

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


_MISSING = object()


def _check(name: str, value: object) -> object:
    """Checks that need more than a type: URL shapes, the notice threshold."""
    if name in ("telegram_api_base_url", "summary_llm_url", "translate_llm_url") and not str(
        value
    ).startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    if name == "database_url":
        text = str(value)
        scheme = text.split(":", 1)[0].split("+", 1)[0].lower()
        if "://" not in text or scheme not in SUPPORTED_DB_SCHEMES:
            raise ValueError("must be sqlite:///PATH or postgresql://USER@HOST/DB")
    if name == "feed_notice_after":
        notice_threshold(str(value))
    return value


def _check_key_transport(url: str | None, key: SecretStr | None) -> None:
    """The translation API key goes only over https or to this machine."""
    if url and key is not None and key.get_secret_value():
        from bot.translate.client import check_key_transport

        try:
            check_key_transport(url, key.get_secret_value())
        except ValueError as exc:
            raise ConfigError(f"TRANSLATE_LLM_API_KEY is invalid: {exc}") from None


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
    """Read and validate settings; a bad value raises ConfigError naming the variable."""
    return Settings(_env_file=env_file)  # type: ignore[call-arg]
