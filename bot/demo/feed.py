"""The demo's feed: the seed article and two English articles as one RSS 2.0 document."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from importlib import resources
from xml.sax.saxutils import escape

FEED_TITLE = "chatwire demo wire"


@dataclass(frozen=True, slots=True)
class DemoArticle:
    slug: str
    title: str
    html: str


def _from_text(slug: str, text: str) -> DemoArticle:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines[1:])
    return DemoArticle(slug, lines[0], body)


def _from_html(slug: str, text: str) -> DemoArticle:
    head, _, body = text.partition("</h1>")
    title = html.unescape(head.split("<h1>", 1)[-1]).strip()
    return DemoArticle(slug, title, body.strip())


def demo_articles() -> list[DemoArticle]:
    """The bundled articles, oldest first."""
    found = []
    folder = resources.files("bot.demo").joinpath("articles")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        slug, _, ext = entry.name.rpartition(".")
        text = entry.read_text("utf-8")
        if ext == "txt":
            found.append(_from_text(slug, text))
        elif ext == "html":
            found.append(_from_html(slug, text))
    return found


def demo_feed(base_url: str, now: datetime | None = None) -> bytes:
    """An RSS 2.0 feed whose items link to `base_url`/<slug>."""
    now = now or datetime.now(UTC)
    items = []
    for age, article in enumerate(reversed(demo_articles())):
        published = format_datetime(now - timedelta(hours=age), usegmt=True)
        link = f"{base_url}/{article.slug}"
        items.append(
            "<item>"
            f"<title>{escape(article.title)}</title>"
            f"<link>{escape(link)}</link>"
            f'<guid isPermaLink="false">demo-{escape(article.slug)}</guid>'
            f"<pubDate>{published}</pubDate>"
            f"<content:encoded><![CDATA[{article.html}]]></content:encoded>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{FEED_TITLE}</title><link>{escape(base_url)}</link>"
        "<description>Articles for the chatwire demo</description>"
        f"{''.join(items)}</channel></rss>"
    ).encode()
