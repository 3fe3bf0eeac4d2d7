"""Feed item or text file → `Article`: parse once, clean, lift metadata, store model + Markdown.

Stages, each a module: `parse` (HTML → model) / `mdparse` (Markdown → model), `clean`
(editorial rules on the model), `metadata` (byline, credits… out of the body), `headline`
(the title rule), `markdown` (the stored copy). The model travels in `Article.extra["doc"]`
so publishing renders it without parsing anything again.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from html import unescape
from pathlib import Path
from typing import Any, Literal

from bot.content.clean import (
    append_enclosures,
    drop_noise,
    drop_tracker_links,
    mark_teaser,
    remove_boilerplate,
    split_lines,
)
from bot.content.headings import looks_like_heading
from bot.content.headline import choose_headline, first_line_title
from bot.content.images import is_junk_image
from bot.content.language import detect_language, normalize_language
from bot.content.markdown import to_markdown
from bot.content.metadata import Metadata, extract_metadata
from bot.content.model import Block, Doc, to_json, walk
from bot.content.parse import parse_fragment, safe_url, walk_html
from bot.content.people import clean_authors
from bot.content.readingtime import estimate_minutes
from bot.models import Article, Enclosure, FeedItem
from bot.models import EmptyItem as EmptyItem  # raised here; callers catch it from here

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
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")
DOC_KEY = "doc"
DOC_MD_KEY = "doc_md"  # which Markdown the stored model belongs to (an edit voids it)


def markdown_key(markdown: str) -> str:
    """A cheap fingerprint of the exact Markdown a stored model was written with."""
    data = markdown.encode("utf-8")
    return f"{zlib.crc32(data):08x}-{len(data)}"


def content_hash(markdown: str) -> str:
    """sha256 of the Markdown with Unicode and whitespace normalized (stable across re-fetches)."""
    normal = " ".join(unicodedata.normalize("NFC", markdown).split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


# -- parse ------------------------------------------------------------------------------------


def parse_html(html: str, *, base_url: str | None) -> Doc:
    """Fragment or whole page → Doc; a page gives its main content and its <head> metadata."""
    if not _PAGE.search(html[:5000]):
        return parse_fragment(html, base_url=base_url, image_filter=is_junk_image)
    from selectolax.lexbor import LexborHTMLParser

    from bot.content.page import main_content, page_meta

    tree = LexborHTMLParser(html)
    meta = page_meta(tree)
    h1_node = tree.css_first("h1")
    h1 = " ".join(h1_node.text(deep=True).split()) if h1_node is not None else None
    main = main_content(tree)
    doc = walk_html(main, base_url, is_junk_image)
    doc.title = meta.get("og_title") or meta.get("title")
    doc.image = safe_url(meta.get("image"), base_url)
    doc.authors = [meta["author"]] if meta.get("author") else []
    doc.language = meta.get("lang")
    doc.site = meta.get("site")
    doc.h1 = h1
    return doc


def text_blocks(text: str) -> list[Block]:
    """Plain text → one paragraph block per non-empty line."""
    return [Block("paragraph", line) for line in (raw.strip() for raw in text.splitlines()) if line]


def mark_headings(blocks: list[Block]) -> list[Block]:
    """Plain-text paragraphs that read as headings become headings."""
    for i, block in enumerate(blocks):
        prev = blocks[i - 1].text if i and blocks[i - 1].kind == "paragraph" else None
        nxt = blocks[i + 1].text if i + 1 < len(blocks) else None
        if (
            block.kind == "paragraph"
            and not block.spans
            and looks_like_heading(block.text, prev, nxt)
        ):
            block.kind, block.level = "heading", 2
    return blocks


# -- assemble ---------------------------------------------------------------------------------


def _visible(blocks: list[Block]) -> str:
    return "\n".join(b.text for b in walk(blocks) if b.text)


def _lead_image(
    item_image: str | None, enclosures: list[Enclosure], page_image: str | None, body: list[Block]
) -> str | None:
    """A real content image: the item's, an image enclosure, the page's, the first figure."""
    candidates: list[str | None] = [item_image]
    for enc in enclosures:
        mime = (enc.mime_type or "").lower()
        if mime.startswith("image/") or (not mime and enc.url.lower().endswith(_IMAGE_SUFFIXES)):
            candidates.append(enc.url)
    candidates.append(page_image)
    candidates.extend(b.url for b in body if b.kind == "figure")
    for url in candidates:
        if url and url.startswith(("http://", "https://")) and not is_junk_image(url):
            return url
    return None


def _assemble(
    doc: Doc,
    *,
    title: str | None,
    plain_text: bool,
    url: str | None,
    source: str | None,
    language_hint: str | None,
    authors: list[str] | None = None,
) -> tuple[Article, Metadata]:
    """Clean the model, lift its metadata, pick the headline, and fill the Article."""
    blocks = split_lines(doc.blocks, every_line=plain_text or doc.line_text)
    blocks = drop_tracker_links(blocks)
    blocks = drop_noise(blocks)
    blocks = remove_boilerplate(blocks)
    headline, blocks = choose_headline(title, doc.title, doc.site, blocks, doc.h1)
    leaf = [b.text if b.kind in ("paragraph", "heading") else "" for b in blocks]
    dropped, meta = extract_metadata(leaf)
    gone = set(dropped)
    blocks = [b for i, b in enumerate(blocks) if i not in gone]
    if plain_text or doc.line_text:
        blocks = mark_headings(blocks)
    visible = _visible(blocks)
    language = detect_language((headline or "") + "\n" + visible, language_hint)
    extra_flags = {"teaser": True} if mark_teaser(blocks) else {}
    markdown = to_markdown(blocks)
    extra: dict[str, Any] = meta.extra() | extra_flags
    if "reading_minutes" not in extra:
        extra["reading_minutes"] = estimate_minutes(visible)
    names = meta.authors or list(authors or []) or doc.authors
    article = Article(
        title=headline or "",
        url=url,
        authors=clean_authors(names, source=source),
        translator=meta.translator,
        source=source,
        published=meta.published,
        language=language,
        content_markdown=markdown,
        content_hash=content_hash(markdown),
        extra=extra,
    )
    article.extra[DOC_KEY] = to_json(blocks)
    article.extra[DOC_MD_KEY] = markdown_key(markdown)
    return article, meta


def _hint(*tags: str | None) -> str | None:
    for tag in tags:
        if normalize_language(tag):
            return tag
    return None


def build_article(
    item: FeedItem, *, source: str | None = None, feed_language: str | None = None
) -> Article:
    """A feed item → a clean Article; EmptyItem when it has neither title nor text."""
    html = item.content_html or item.summary_html or ""
    base = item.url if safe_url(item.url, None) else None
    if _TAG.search(html):
        doc = parse_html(html, base_url=base)
        plain_text = False
    else:
        doc = Doc(blocks=text_blocks(unescape(html)), line_text=True)  # HTML with no tags
        plain_text = True
    doc.blocks = append_enclosures(doc.blocks, item.enclosures, lead=item.lead_image)
    title = item.title if item.title and item.title.strip() else None
    article, _ = _assemble(
        doc,
        title=title,
        plain_text=plain_text,
        url=safe_url(item.url, None),
        source=source or doc.site,
        language_hint=_hint(item.language, feed_language),
        authors=list(item.authors),
    )
    body = article.extra[DOC_KEY]
    if not article.title and not body:
        raise EmptyItem(f"item {item.guid or item.url or '?'} has no title and no text")
    article.guid = item.guid
    article.content_html = item.content_html or item.summary_html
    article.published = item.published or article.published
    article.enclosures = list(item.enclosures)
    if item.categories:  # route filters match on them (bot/routing/filters.py)
        article.extra["categories"] = list(item.categories)
    blocks = doc.blocks
    article.lead_image = _lead_image(item.lead_image, item.enclosures, doc.image, blocks)
    return article


def article_from_text(
    text: str,
    *,
    fmt: Format,
    url: str | None = None,
    source: str | None = None,
    title: str | None = None,
) -> Article:
    """An Article from a text document; for .txt the first non-empty line is the title."""
    plain_text = False
    if fmt == "txt":
        doc = Doc(blocks=text_blocks(text))
        plain_text = True
        if title is None:
            title, doc.blocks = first_line_title(doc.blocks)
    elif fmt == "md":
        from bot.content.mdparse import markdown_to_blocks

        doc = Doc(blocks=markdown_to_blocks(text.strip(), base_url=url))
    elif fmt == "html":  # exactly what a feed item with this HTML becomes
        item = FeedItem(guid=None, url=url, title=title, content_html=text)
        return build_article(item, source=source)
    else:
        raise ValueError(f"unknown article format {fmt!r}; use txt, md or html")
    article, _ = _assemble(
        doc,
        title=title,
        plain_text=plain_text,
        url=url,
        source=source or doc.site,
        language_hint=doc.language,
    )
    article.content_html = None  # text and Markdown files keep no HTML
    article.lead_image = _lead_image(None, [], doc.image, doc.blocks)
    return article


def article_blocks(article: Article) -> list[Block]:
    """The article's model: the stored one, else (older rows, edited Markdown) from Markdown."""
    from bot.content.model import from_json

    data = article.extra.get(DOC_KEY)
    if data is not None and article.extra.get(DOC_MD_KEY) == markdown_key(article.content_markdown):
        try:
            return from_json(data)
        except (ValueError, TypeError, KeyError, IndexError):
            pass
    from bot.content.mdparse import markdown_to_blocks  # rows stored before the model

    return markdown_to_blocks(article.content_markdown, base_url=article.url)


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
