"""Editorial check of every real page and feed item in ../shared/corpus (rules 1–9 of Content v2).

Each post must read as if an editor had made it: a real headline or none, a real photo or
none, no boilerplate lines, the footer in the text's language, no Markdown syntax, only web
links, never an empty post, embedded players kept as links, authors that are people, and
full-width punctuation inside Chinese sentences. The checks are general; none names a file.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from bot.content.boilerplate import boilerplate_reason, is_image_filename
from bot.content.headline import is_fake_headline
from bot.content.images import is_junk_image
from bot.content.language import detect_language
from bot.content.model import Block, walk
from bot.content.pipeline import EmptyItem, article_blocks, build_article
from bot.ingest.parse import FeedParseError, parse_feed
from bot.models import Article, FeedItem, OutgoingMessage
from bot.render.footer import footer_language, words
from bot.render.post import render_post
from bot.render.rich import Utf16Map

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
PAGES = sorted((CORPUS / "articles").glob("*.html")) if CORPUS.exists() else []
FEEDS = sorted(p for p in (CORPUS / "feeds").glob("*") if p.is_file()) if CORPUS.exists() else []

_MARKDOWN = re.compile(
    r"\*\*\S|\S\*\*(?:\s|$)|^\s*[*+•-]\s*$|\]\((?:https?|mailto):|^#{1,6} \S|^```|!\[[^\]]*\]\(",
    re.M,
)
_HALF_IN_CHINESE = re.compile(
    r"[\u4e00-\u9fff][,:;?!](?=[\u4e00-\u9fff])|[\u4e00-\u9fff]\.(?=[\u4e00-\u9fff])"
)
_URLISH = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DOMAIN = re.compile(r"^(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/?$", re.I)
_EMBED_SRC = re.compile(r"<(?:iframe|video|audio)\b[^>]*?\bsrc=[\"'](https?://[^\"']+)", re.I)
_BYLINE = re.compile(r"^(?:by|posted by|written by)\s", re.I)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _page_item(path: Path) -> FeedItem:
    name = path.name.removesuffix(".html").removesuffix(".source")
    meta_path = path.with_name(f"{name}.metadata.json")
    meta = json.loads(meta_path.read_text("utf-8")) if meta_path.exists() else {}
    return FeedItem(
        guid=name,
        url=f"https://example.org/{name}",
        title=meta.get("title") if not path.name.endswith(".source.html") else None,
        content_html=_decode(path.read_bytes()),
    )


@cache
def _feed_items(path: Path) -> tuple[tuple[FeedItem, str | None, str | None], ...]:
    try:
        feed = parse_feed(path.read_bytes(), f"https://feeds.example/{path.name}")
    except FeedParseError:
        return ()
    return tuple((item, feed.title, feed.language) for item in feed.items)


def _body(messages: list[OutgoingMessage], article: Article) -> str:
    """Text of the post without its footer."""
    text = "\n".join(m.text for m in messages)
    w = words(article.language)
    cut = text.rfind("\n\n", 0, max(text.rfind(w.comment), 0))
    return text[:cut] if cut > 0 else text


def check_post(article: Article, messages: list[OutgoingMessage], where: str) -> None:
    """Every editorial rule on one rendered post."""
    assert messages, f"{where}: no messages"
    # 8: never an empty post
    body = _body(messages, article)
    assert article.title.strip() or article.extra.get("doc"), f"{where}: empty post"
    assert body.strip(), f"{where}: a post with only a footer"
    assert not any(m.text.strip() == words(article.language).link for m in messages), where
    # 1: a real headline or none
    if article.title:
        assert not is_fake_headline(article.title), f"{where}: fake headline {article.title!r}"
        assert not _BYLINE.match(article.title), f"{where}: byline as headline"
    blocks = article_blocks(article)
    first = next((b for b in blocks if b.kind == "paragraph"), None)
    if first is not None and article.title:
        assert article.title.strip() != first.text.strip(), f"{where}: headline is paragraph 1"
    # 2: a real photo
    for m in messages:
        if m.photo:
            assert m.photo.startswith(("http://", "https://")), f"{where}: photo {m.photo}"
            assert not is_junk_image(m.photo), f"{where}: junk photo {m.photo}"
    # 3: no boilerplate line left, no image file name shown as text
    _check_blocks(blocks, where)
    # 4 and 5: the footer speaks the language of the text
    text_language = detect_language(article.title + "\n" + body)
    assert footer_language(text_language) == footer_language(article.language), (
        f"{where}: footer in {article.language}, text in {text_language}"
    )
    last = messages[-1].text
    assert words(article.language).comment in last, f"{where}: footer not in the text language"
    for m in messages:
        # no Markdown syntax, only web links
        shown = m.text
        found = _MARKDOWN.search(shown)
        around = shown[max(0, found.start() - 40) : found.end() + 40] if found else ""
        assert not found, f"{where}: Markdown syntax in {around!r}"
        for e in m.entities:
            if e.type == "text_link":
                assert (e.url or "").startswith(("http://", "https://")), f"{where}: {e.url}"
        # 6: full-width punctuation inside Chinese sentences
        if (article.language or "").startswith("zh"):
            plain = _URLISH.sub(" ", _without_code(m))
            bad = _HALF_IN_CHINESE.search(plain)
            around = plain[max(0, bad.start() - 20) : bad.end() + 20] if bad else ""
            assert not bad, f"{where}: half-width mark in {around!r}"
    # 7: authors are people
    for name in article.authors:
        assert "@" not in name and not _DOMAIN.match(name), f"{where}: author {name!r}"
        assert name != article.source, f"{where}: the source as author"


def _without_code(m: OutgoingMessage) -> str:
    """Message text with code and pre entities blanked out (kept verbatim by design)."""
    text = m.text
    umap = Utf16Map(text)
    for e in m.entities:
        if e.type in ("code", "pre"):
            a, b = umap.index(e.offset), umap.index(e.offset + e.length)
            text = text[:a] + " " * (b - a) + text[b:]
    return text


def _check_blocks(blocks: list[Block], where: str) -> None:
    n = len(blocks)
    for i, b in enumerate(blocks):
        if b.kind in ("paragraph", "heading"):
            reason = boilerplate_reason(b.text, at_edge=i < 2 or i >= n - 2)
            assert reason is None, f"{where}: boilerplate ({reason}) {b.text[:80]!r}"
            assert not is_image_filename(b.text), f"{where}: file name line {b.text!r}"
    for b in walk(blocks):
        if b.kind == "figure":
            assert not (b.text and is_image_filename(b.text)), f"{where}: {b.text!r}"
            assert b.url and not is_junk_image(b.url), f"{where}: junk image {b.url}"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_every_page_reads_as_edited(path: Path) -> None:
    item = _page_item(path)
    article = build_article(item, source=None)
    messages = render_post(article)
    check_post(article, messages, path.name)
    # 4: embedded players become link lines, never vanish
    html = item.content_html or ""
    shown = {e.url for m in messages for e in m.entities if e.type == "text_link"}
    kept = {b.url for b in walk(article_blocks(article)) if b.kind == "embed"}
    for src in _EMBED_SRC.findall(html):
        src = src.replace("&amp;", "&")
        if len(messages) <= 8 and src in kept:
            assert src in shown, f"{path.name}: embed {src} not linked"


@pytest.mark.parametrize("path", FEEDS, ids=lambda p: p.name)
def test_every_feed_item_reads_as_edited(path: Path) -> None:
    for n, (item, source, language) in enumerate(_feed_items(path)):
        try:
            article = build_article(item, source=source, feed_language=language)
        except EmptyItem:
            assert not (item.title or "").strip(), f"{path.name} #{n}: a titled item was dropped"
            continue
        check_post(article, render_post(article), f"{path.name} #{n}")
