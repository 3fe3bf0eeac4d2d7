"""OPML subscription lists in and out, with untrusted input defused.

An OPML file comes from anywhere, so a DOCTYPE (the only way to declare
entities, hence XML bombs) is refused before the parser sees the document.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
NS = "https://github.com/chatwire/opml"
"""chatwire's namespace: a feed's schedule and where it posts, which plain OPML cannot say.
Other readers ignore it; `chatwire feeds import` restores it."""
_Q = f"{{{NS}}}"
ET.register_namespace("chatwire", NS)


class OpmlError(ValueError):
    """The file is not an OPML list chatwire can read."""


@dataclass(frozen=True, slots=True)
class RouteSpec:
    """Where a feed posts: a chat, its per-route options, and whether it is paused."""

    chat_id: int
    options: dict[str, Any] = field(default_factory=dict)
    active: bool = True


@dataclass(frozen=True, slots=True)
class Outline:
    url: str
    title: str | None = None
    site_url: str | None = None
    interval_seconds: int | None = None
    fulltext: bool | None = None
    active: bool | None = None
    routes: tuple[RouteSpec, ...] = ()


def _flag(value: str | None) -> bool | None:
    return None if value is None else value.strip().lower() in ("1", "true", "yes")


def _routes(node: ET.Element) -> tuple[RouteSpec, ...]:
    found = []
    for child in node.findall(f"{_Q}route"):
        try:
            chat_id = int(child.get("chat", ""))
            options = json.loads(child.get("options") or "{}")
        except ValueError:
            raise OpmlError("a chatwire:route has a bad chat id or options") from None
        if not isinstance(options, dict):
            raise OpmlError("a chatwire:route's options must be a JSON object")
        found.append(RouteSpec(chat_id, options, _flag(child.get("active")) is not False))
    return tuple(found)


def _interval(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.strip().isdigit():
        raise OpmlError(f"chatwire:interval must be seconds, not {value!r}")
    return int(value)


def parse_opml(data: bytes) -> list[Outline]:
    """Every outline with an xmlUrl, at any depth (categories are flattened), in file order."""
    if _DOCTYPE.search(data):
        raise OpmlError("refused: OPML with a DOCTYPE or entity declarations")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise OpmlError(f"not valid XML: {exc}") from None
    if root.tag.lower() != "opml":
        raise OpmlError(f"not an OPML file (root element is <{root.tag}>)")
    found: list[Outline] = []
    seen: set[str] = set()
    for node in root.iter("outline"):
        url = (node.get("xmlUrl") or node.get("xmlurl") or "").strip()
        if not url or url in seen:
            continue
        seen.add(url)
        title = (node.get("title") or node.get("text") or "").strip() or None
        site = (node.get("htmlUrl") or node.get("htmlurl") or "").strip() or None
        found.append(
            Outline(
                url,
                title,
                site,
                interval_seconds=_interval(node.get(f"{_Q}interval")),
                fulltext=_flag(node.get(f"{_Q}fulltext")),
                active=_flag(node.get(f"{_Q}active")),
                routes=_routes(node),
            )
        )
    return found


def build_opml(outlines: Iterable[Outline], *, title: str = "chatwire feeds") -> str:
    """An OPML 2.0 document listing the outlines, with chatwire's schedule and routes."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = ET.SubElement(root, "body")
    for outline in outlines:
        attrs = {"type": "rss", "text": outline.title or outline.url, "xmlUrl": outline.url}
        if outline.title:
            attrs["title"] = outline.title
        if outline.site_url:
            attrs["htmlUrl"] = outline.site_url
        if outline.interval_seconds is not None:
            attrs[f"{_Q}interval"] = str(outline.interval_seconds)
        if outline.fulltext is not None:
            attrs[f"{_Q}fulltext"] = "true" if outline.fulltext else "false"
        if outline.active is not None:
            attrs[f"{_Q}active"] = "true" if outline.active else "false"
        node = ET.SubElement(body, "outline", attrs)
        for route in outline.routes:
            spec = {"chat": str(route.chat_id), "active": "true" if route.active else "false"}
            if route.options:
                spec["options"] = json.dumps(route.options, ensure_ascii=False, sort_keys=True)
            ET.SubElement(node, f"{_Q}route", spec)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
