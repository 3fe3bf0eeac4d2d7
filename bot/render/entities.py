"""Markdown → Telegram text + entities, for Markdown that has no stored document model.

Feed HTML never comes here (it is parsed straight into the model); this is the path for
.md articles and rows stored before the model existed: Markdown → model → one render walk.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.content.mdparse import markdown_to_blocks
from bot.render.rich import Rich, to_entities, utf16_len
from bot.render.text import is_web_url, render_blocks

__all__ = ["is_web_url", "markdown_to_rich", "to_entities", "utf16_len"]


def markdown_to_rich(markdown: str, *, skip_images: Iterable[str] = ()) -> Rich:
    """Render Markdown to plain text with spans; `skip_images` are sent as media instead."""
    return render_blocks(markdown_to_blocks(markdown), skip_images=skip_images)
