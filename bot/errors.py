"""Errors an operator meets, as one line and an exit status (bot/cli.py prints them).

Kept apart from the CLI so `chatwire run`'s start-up retries describe a failure
with the same words the one-shot commands use.
"""

from __future__ import annotations

EXIT_ERROR = 1
EXIT_CONFIG = 2


def describe_error(exc: BaseException) -> tuple[int, str]:
    """(exit status, one line) for an exception no command turned into a message."""
    from telegram.error import InvalidToken, NetworkError, TelegramError

    if isinstance(exc, InvalidToken):
        return EXIT_CONFIG, "TELEGRAM_BOT_TOKEN was refused by Telegram: check it with @BotFather"
    if isinstance(exc, NetworkError):
        return EXIT_ERROR, f"cannot reach the Telegram Bot API: {_reason(exc)}"
    if isinstance(exc, TelegramError):
        return EXIT_ERROR, f"Telegram refused the request: {exc.message}"
    text = " ".join(str(exc).split())
    return EXIT_ERROR, f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _reason(exc: BaseException) -> str:
    """The innermost cause's text (httpx's ConnectError says more than 'NetworkError')."""
    cause: BaseException = exc
    while cause.__cause__ is not None and cause.__cause__ is not cause:
        cause = cause.__cause__
    text = " ".join(str(cause).split())
    return f"{type(cause).__name__}: {text}" if text else type(cause).__name__
