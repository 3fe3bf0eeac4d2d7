"""OPML subscription lists in and out, with untrusted input defused.

An OPML file comes from anywhere, so a DOCTYPE (the only way to declare
entities, hence XML bombs) is refused before the parser sees the document.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
CHATWIRE_NS = "https://chatwire.dev/opml"  # chatwire's own outline attributes
_RULES = f"{{{CHATWIRE_NS}}}rules"


class OpmlError(ValueError):
    """The file is not an OPML list chatwire can read."""


@dataclass(frozen=True, slots=True)
class Outline:
    url: str
    title: str | None = None
    site_url: str | None = None
    rules: str | None = None  # chatwire:rules, JSON (bot/routing/portable.py)


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
        found.append(Outline(url, title, site, node.get(_RULES)))
    return found


def build_opml(outlines: Iterable[Outline], *, title: str = "chatwire feeds") -> str:
    """An OPML 2.0 document listing the outlines."""
    ET.register_namespace("chatwire", CHATWIRE_NS)
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
        if outline.rules:
            attrs[_RULES] = outline.rules
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
