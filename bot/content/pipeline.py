"""Feed item or text file → `Article`: sanitize, Markdown, metadata out of the body, language.

Every input ends as a list of top-level Markdown blocks with their visible text, so one
metadata pass and one title rule serve HTML, Markdown and plain text alike.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Literal

from bot.content.clean import sanitize_html
from bot.content.headings import looks_like_heading
from bot.content.language import detect_language, normalize_language
from bot.content.markdown import (
    Block,
    escape_markdown,
    first_image,
    html_to_markdown,
    is_line_html,
    markdown_blocks,
)
from bot.content.metadata import Metadata, extract_metadata
from bot.content.readingtime import estimate_minutes
from bot.models import Article, Enclosure, FeedItem
from bot.render.entities import markdown_to_rich

Format = Literal["txt", "md", "html"]
_EXTENSIONS: dict[str, Format] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
_TAG = re.compile(r"<[A-Za-z!/][^>]*>")
_PAGE = re.compile(r"<(?:html|body|head)\b", re.IGNORECASE)
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")


def content_hash(markdown: str) -> str:
    """sha256 of the Markdown with Unicode and whitespace normalized (stable across re-fetches)."""
    normal = " ".join(unicodedata.normalize("NFC", markdown).split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def _same_text(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return "".join(unicodedata.normalize("NFKC", s).split()).casefold()

    return bool(a) and norm(a) == norm(b)


def text_blocks(text: str) -> list[Block]:
    """Plain text → one paragraph block per non-empty line."""
    return [
        Block(escape_markdown(line), line, "paragraph")
        for line in (raw.strip() for raw in text.splitlines())
        if line
    ]


def mark_headings(blocks: list[Block]) -> list[Block]:
    """Plain-text paragraphs that read as headings become `##` headings."""
    out = []
    for i, block in enumerate(blocks):
        prev = blocks[i - 1].plain if i else None
        nxt = blocks[i + 1].plain if i + 1 < len(blocks) else None
        if block.kind == "paragraph" and looks_like_heading(block.plain, prev, nxt):
            out.append(Block("## " + block.markdown, block.plain, "heading"))
        else:
            out.append(block)
    return out


def _drop_title(blocks: list[Block], title: str | None) -> tuple[str | None, list[Block]]:
    """Take a leading heading as the title (or drop it when it repeats the given title)."""
    if blocks and title is not None and _same_text(blocks[0].plain, title):
        return title, blocks[1:]
    if blocks and title is None and blocks[0].kind == "heading":
        return blocks[0].plain, blocks[1:]
    return title, blocks


def _first_line_title(blocks: list[Block]) -> tuple[str, list[Block]]:
    """No title anywhere: the first short paragraph is it (the body is left whole otherwise)."""
    first = blocks[0] if blocks else None
    if (
        first is not None
        and first.kind in ("paragraph", "heading")
        and 0 < len(first.plain) <= 150
        and not first.plain.endswith((".", "。", "!", "！", ":", "："))
    ):
        return first.plain, blocks[1:]
    return "", blocks


def _lead_image(item_image: str | None, enclosures: list[Enclosure], markdown: str) -> str | None:
    if item_image:
        return item_image
    for enc in enclosures:
        mime = (enc.mime_type or "").lower()
        if mime.startswith("image/") or (not mime and enc.url.lower().endswith(_IMAGE_SUFFIXES)):
            return enc.url
    return first_image(markdown)


def _assemble(
    title: str | None,
    blocks: list[Block],
    *,
    plain_text: bool,
    url: str | None,
    source: str | None,
    language_hint: str | None,
) -> tuple[Article, Metadata]:
    """Metadata out, headings in (plain text only), then the Article's derived fields."""
    dropped, meta = extract_metadata([b.plain if b.kind != "fence" else "" for b in blocks])
    gone = set(dropped)
    body = [b for i, b in enumerate(blocks) if i not in gone]
    if title is None:
        title, body = _first_line_title(body)
    if plain_text:
        body = mark_headings(body)
    markdown = "\n\n".join(b.markdown for b in body)
    visible = markdown_to_rich(markdown).text
    extra = meta.extra()
    if "reading_minutes" not in extra:
        extra["reading_minutes"] = estimate_minutes(visible)
    article = Article(
        title=title,
        url=url,
        authors=meta.authors,
        translator=meta.translator,
        source=source,
        published=meta.published,
        language=detect_language(title + "\n" + visible, language_hint),
        content_markdown=markdown,
        content_hash=content_hash(markdown),
        extra=extra,
    )
    return article, meta


def build_article(
    item: FeedItem, *, source: str | None = None, feed_language: str | None = None
) -> Article:
    """A feed item → a clean Article (the body's metadata lines moved into fields)."""
    html = item.content_html or item.summary_html or ""
    if _TAG.search(html):
        clean = sanitize_html(html)
        markdown = html_to_markdown(clean, base_url=item.url)
        blocks = list(markdown_blocks(markdown))
        plain_text = is_line_html(clean)
    else:
        blocks = text_blocks(html)
        plain_text = True
    title, blocks = _drop_title(blocks, item.title)
    hint = normalize_language(item.language) or normalize_language(feed_language)
    article, _ = _assemble(
        title, blocks, plain_text=plain_text, url=item.url, source=source, language_hint=hint
    )
    article.guid = item.guid
    article.content_html = item.content_html or item.summary_html
    article.authors = article.authors or list(item.authors)
    article.published = item.published or article.published
    article.enclosures = list(item.enclosures)
    article.lead_image = _lead_image(item.lead_image, item.enclosures, article.content_markdown)
    return article


def _page_to_html(html: str) -> tuple[str, str | None]:
    """A whole web page → its main content (via trafilatura when it finds one) and <title>."""
    m = _HTML_TITLE.search(html)
    page_title = " ".join(m.group(1).split()) if m else None
    if not _PAGE.search(html):
        return html, page_title
    try:
        import trafilatura

        main = trafilatura.extract(
            html,
            output_format="html",
            include_formatting=True,
            include_links=True,
            include_images=True,
            include_tables=True,
        )
    except Exception:
        main = None
    return (main if isinstance(main, str) and main.strip() else html), page_title


def article_from_text(
    text: str,
    *,
    fmt: Format,
    url: str | None = None,
    source: str | None = None,
    title: str | None = None,
) -> Article:
    """An Article from a text document; for .txt the first non-empty line is the title."""
    if fmt == "txt":
        blocks = text_blocks(text)
        plain_text = True
        if title is None and blocks:
            title, blocks = blocks[0].plain, blocks[1:]
    elif fmt == "md":
        blocks = list(markdown_blocks(text.strip()))
        plain_text = False
    elif fmt == "html":
        html, page_title = _page_to_html(text)
        blocks = list(markdown_blocks(html_to_markdown(sanitize_html(html), base_url=url)))
        plain_text = False
        if title is None and page_title and not (blocks and blocks[0].kind == "heading"):
            title = page_title
    else:
        raise ValueError(f"unknown article format {fmt!r}; use txt, md or html")
    found_title, blocks = _drop_title(blocks, title)
    article, _ = _assemble(
        found_title, blocks, plain_text=plain_text, url=url, source=source, language_hint=None
    )
    article.content_html = text if fmt == "html" else None
    article.lead_image = _lead_image(None, [], article.content_markdown)
    return article


def format_for_path(path: Path) -> Format:
    """The article format a file name implies; ValueError for anything else."""
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(_EXTENSIONS))
        raise ValueError(f"{path.name}: unsupported file type (expected one of {known})")
    return fmt


def load_article_file(path: Path) -> Article:
    """Read a .txt, .md or .html article from disk (the one I/O helper, for CLI and tests)."""
    fmt = format_for_path(path)
    text = path.read_text(encoding="utf-8-sig")
    return article_from_text(text, fmt=fmt)
