"""The renderer the publisher uses in production: bot/render/post.py per route options.

The formatter (bot.render, bot.content) is imported by the first article rendered, not
when the bot starts: an idle bot never needs it."""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.models import Article, OutgoingMessage
    from bot.render.post import RenderOptions

log = logging.getLogger(__name__)

__all__ = ["options_for_route", "plain_fallback", "render_for_route"]


@functools.cache
def _option_names() -> frozenset[str]:
    from bot.render.post import RenderOptions

    return frozenset(f.name for f in fields(RenderOptions))


def options_for_route(options: Mapping[str, Any]) -> RenderOptions:
    """RenderOptions from a route's options; unknown keys are ignored, bad values logged."""
    from bot.render.post import RenderOptions

    names = _option_names()
    chosen = {k: v for k, v in options.items() if k in names}
    try:
        return RenderOptions(**chosen)
    except (TypeError, ValueError) as exc:
        log.warning("route options %s are invalid (%s); using the defaults", chosen, exc)
        return RenderOptions()


def render_for_route(article: Article, options: Mapping[str, Any]) -> list[OutgoingMessage]:
    """A `RenderFn` for Publisher: render_post with the route's options."""
    from bot.render.post import render_post

    return render_post(article, options_for_route(options))


def plain_fallback(messages: list[OutgoingMessage]) -> list[OutgoingMessage]:
    """The same messages without entities (bot.render.post's, imported when first used)."""
    from bot.render.post import plain_fallback as plain

    return plain(messages)
