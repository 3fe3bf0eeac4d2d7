"""Log set-up: plain text or one JSON object per line, never the bot token."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

NOISY_LOGGERS = ("apscheduler", "httpx", "httpcore", "tornado", "telegram", "hpack", "asyncio")
_TOKEN = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{20,}")


def redact(text: str) -> str:
    """Hide anything shaped like a bot token (URLs logged by httpx carry it)."""
    return _TOKEN.sub("<token>", text)


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter()
        if fmt == "json"
        else RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Libraries that log every job run or request at INFO (APScheduler ~120,000 lines a day;
    # httpx's request URLs hold the token) speak only of problems unless LOG_LEVEL=DEBUG.
    quiet = logging.DEBUG if root.level <= logging.DEBUG else max(logging.WARNING, root.level)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(quiet)
