"""Discussion groups: remember Telegram's copy of each channel post, so replies resolve."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, ContextTypes, MessageHandler, filters

from bot.deliver.discussion import on_automatic_forward
from bot.services import services

log = logging.getLogger(__name__)

# Before the comment capture and reply relays, which ignore automatic forwards.
GROUP_DISCUSSION = -1


async def automatic_forward(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    article_id = await on_automatic_forward(services(context).db, message)
    if article_id is not None:
        log.info("discussion copy %s/%s → article %s", message.chat_id, message.id, article_id)


def grouped_handlers() -> list[tuple[int, BaseHandler[Any, Any, Any]]]:
    return [(GROUP_DISCUSSION, MessageHandler(filters.IS_AUTOMATIC_FORWARD, automatic_forward))]
