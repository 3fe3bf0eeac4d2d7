"""Plain data that crosses module boundaries: ingest → store → render → deliver.

Kept free of Telegram and database types so the pure stages stay testable alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class EmptyItem(ValueError):
    """A feed item with neither a title nor any text: nothing to post."""


@dataclass(slots=True)
class Enclosure:
    url: str
    mime_type: str | None = None
    length: int | None = None
    duration: int | None = None  # seconds (podcasts: itunes:duration, media duration)


@dataclass(slots=True)
class FeedItem:
    """One entry as a feed gives it, before cleaning."""

    guid: str | None
    url: str | None
    title: str | None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    content_html: str | None = None
    summary_html: str | None = None
    language: str | None = None
    lead_image: str | None = None
    enclosures: list[Enclosure] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # <category>, Atom terms, JSON tags


@dataclass(slots=True)
class Article:
    """A cleaned article: the body has its metadata lines moved into fields.

    `content_markdown` is what the formatter renders and what answers read.
    `extra` holds the metadata that has no column of its own (reading time,
    contributors, image credit, print-edition note, contact block, …).
    """

    title: str
    url: str | None = None
    guid: str | None = None
    authors: list[str] = field(default_factory=list)
    translator: str | None = None
    source: str | None = None
    published: datetime | None = None
    language: str | None = None
    content_html: str | None = None
    content_markdown: str = ""
    content_hash: str | None = None
    lead_image: str | None = None
    enclosures: list[Enclosure] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    feed_id: int | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    """A Telegram message entity; offsets and lengths in UTF-16 code units."""

    type: str
    offset: int
    length: int
    url: str | None = None
    language: str | None = None


@dataclass(slots=True)
class OutgoingMessage:
    """One Telegram message of a post: text plus entities, optionally a photo caption."""

    text: str
    entities: list[Entity] = field(default_factory=list)
    photo: str | None = None  # when set, `text` is the photo's caption (≤ 1024 units)
