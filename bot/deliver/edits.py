"""Edits of finished posts after the feed changed their article.

The change and the request to edit are stored in one transaction
(storage/articles.update_article); the publisher claims the request like any other
outbox work, after the post itself is complete, and sends the edits through the same
lease and pacing as new posts. An edit keeps the post's shape: the new version is
rendered into as many parts as were posted (a longer article becomes the capped
title + lead + link form), so readers' replies and the recorded message ids stay valid.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from telegram import Bot, LinkPreviewOptions
from telegram.error import BadRequest

from bot.deliver.rendering import options_for_route
from bot.deliver.telegram_send import to_message_entities
from bot.models import Article, OutgoingMessage
from storage.messages import SentMessage

EditRenderFn = Callable[[Article, Mapping[str, Any], int], list[OutgoingMessage]]
"""Article, the route's options and the number of posted parts → the new parts."""


def render_edit(article: Article, options: Mapping[str, Any], parts: int) -> list[OutgoingMessage]:
    """An `EditRenderFn`: render_post with the route's options, at most `parts` parts."""
    from bot.render.post import render_post  # the formatter loads with the first article

    return render_post(article, replace(options_for_route(options), max_parts=parts))


def posted_parts(sent: list[SentMessage]) -> list[SentMessage]:
    """The post's own messages (not discussion copies), part 1 first."""
    return sorted((m for m in sent if m.kind.startswith("post")), key=lambda m: m.part)


async def edit_part(bot: Bot, chat_id: int, message_id: int, new: OutgoingMessage) -> None:
    """Replace one posted part; an unchanged part ("not modified") is not an error."""
    entities = to_message_entities(new.entities) or None
    try:
        if new.photo:
            await bot.edit_message_caption(
                chat_id, message_id, caption=new.text, caption_entities=entities
            )
        else:
            await bot.edit_message_text(
                new.text,
                chat_id,
                message_id,
                entities=entities,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
