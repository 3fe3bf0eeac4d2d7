"""Driving the Application with the stand-in Telegram's updates, without polling."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.standin import FakeTelegram


async def process_updates(
    app: Application[Any, Any, Any, Any, Any, Any], fake: FakeTelegram
) -> None:
    """Hand every update queued since the last call to the Application, in order."""
    for raw in fake.take_updates():
        await app.process_update(Update.de_json(raw, app.bot))
