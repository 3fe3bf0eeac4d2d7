"""Importing python-telegram-bot's ext package without its webhook server when a process
serves no webhook.

telegram.ext imports tornado (its webhook server, ~3.6 MiB of RSS with what tornado pulls
in: multiprocessing, curses, …) whenever tornado is installed, whether or not the process
ever calls start_webhook. A polling `chatwire run` hides tornado for that one import: PTB
then only marks webhooks unavailable, which such a process never asks for. bot.httpd
(`--metrics-port`) still imports tornado itself when asked for.
"""

from __future__ import annotations

import importlib
import sys


def import_telegram_ext(*, webhooks: bool) -> None:
    """Import telegram.ext; without `webhooks`, keep it from importing tornado."""
    if webhooks or "telegram.ext" in sys.modules or "tornado" in sys.modules:
        importlib.import_module("telegram.ext")
        return
    sys.modules["tornado"] = None  # type: ignore[assignment]  # makes `import tornado` fail
    try:
        importlib.import_module("telegram.ext")
    finally:
        del sys.modules["tornado"]
