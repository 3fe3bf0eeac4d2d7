"""The renderer the publisher uses in production: bot/render/post.py per route options."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from bot.models import Article, OutgoingMessage
from bot.render.post import RenderOptions, plain_fallback, render_post

log = logging.getLogger(__name__)

_OPTION_NAMES = frozenset(f.name for f in fields(RenderOptions))

__all__ = ["options_for_route", "plain_fallback", "render_for_route"]


def options_for_route(options: Mapping[str, Any]) -> RenderOptions:
    """RenderOptions from a route's options; unknown keys are ignored, bad values logged."""
    chosen = {k: v for k, v in options.items() if k in _OPTION_NAMES}
    try:
        return RenderOptions(**chosen)
    except (TypeError, ValueError) as exc:
        log.warning("route options %s are invalid (%s); using the defaults", chosen, exc)
        return RenderOptions()


def render_for_route(article: Article, options: Mapping[str, Any]) -> list[OutgoingMessage]:
    """A `RenderFn` for Publisher: render_post with the route's options."""
    return render_post(article, options_for_route(options))
