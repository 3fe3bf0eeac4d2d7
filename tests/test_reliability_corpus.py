"""Real-world shapes, end to end: every corpus file parses, builds and renders into
messages Telegram would accept (checked with the stand-in's own validation).

Feeds go through bot.ingest.parse.parse_feed, article files through
bot.content.pipeline; then build_article and render_post under several route
options, and every fallback level the publisher may fall back to.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.content.pipeline import EmptyItem, build_article, load_article_file
from bot.deliver.plan import MAX_LEVEL, Plan
from bot.ingest import dedup
from bot.ingest.parse import ParsedFeed, parse_feed
from bot.models import Article, FeedItem, OutgoingMessage
from bot.render.post import RenderOptions, plain_fallback, render_post
from tests.reliability_helpers import telegram_problem

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
FEEDS = sorted((CORPUS / "feeds").iterdir())
ARTICLES = sorted((CORPUS / "articles").iterdir())
BASE = "https://corpus.example/feed"
REQUIRED = {
    "rss091.xml",
    "rss10_rdf.xml",
    "rss20_rich.xml",
    "rss20_edge.xml",
    "rss20_long_links.xml",
    "atom_xhtml.xml",
    "atom_xmlbase.xml",
    "jsonfeed_10.json",
    "jsonfeed_11.json",
    "gbk.xml",
    "big5.xml",
    "tables_code_lists.html",
    "emoji_rtl.html",
    "links_150.html",
    "very_long_zh.txt",
    "plain_zh.txt",
    "plain_en.txt",
    "notes.md",
}
OPTIONS = {
    "default": RenderOptions(),
    "no-media": RenderOptions(with_media=False),
    "short": RenderOptions(max_length=1000, max_parts=3),
    "template": RenderOptions(template="{title} · {source}\n{authors} · {date}\n{link}"),
}


def parsed(name: str) -> ParsedFeed:
    return parse_feed((CORPUS / "feeds" / name).read_bytes(), BASE)


def articles_of(feed: ParsedFeed) -> list[Article]:
    """The feed's articles; an item with neither title nor text is never a post."""
    out = []
    for item in feed.items:
        try:
            out.append(build_article(item, source=feed.title, feed_language=feed.language))
        except EmptyItem:
            assert not (item.title or item.content_html or item.summary_html), item
    return out


def all_text(messages: list[OutgoingMessage]) -> str:
    return "\n".join(m.text for m in messages)


def link_urls(messages: list[OutgoingMessage]) -> set[str]:
    return {e.url for m in messages for e in m.entities if e.type == "text_link" and e.url}


def assert_valid(messages: list[OutgoingMessage], where: str) -> None:
    assert messages, f"{where}: no message"
    problems = [(i, p) for i, m in enumerate(messages) if (p := telegram_problem(m))]
    assert not problems, f"{where}: {problems}"
    assert all(m.photo is None for m in messages[1:]), f"{where}: photo after part 1"


def check_article(article: Article, where: str) -> None:
    """Every rendering of the article, and every fallback of it, is sendable."""
    for label, options in OPTIONS.items():
        messages = render_post(article, options)
        assert_valid(messages, f"{where} [{label}]")
        assert len(messages) <= options.max_parts + 1, f"{where} [{label}]: too many parts"
        if not options.with_media:
            assert all(m.photo is None for m in messages)
        plan = Plan(messages, options.max_length, plain_fallback)
        for level in range(1, MAX_LEVEL + 1):
            assert plan.escalate(0)
            assert_valid(plan.messages, f"{where} [{label}] fallback level {level}")


@pytest.mark.parametrize("path", FEEDS, ids=lambda p: p.name)
def test_every_feed_renders_valid_messages(path: Path) -> None:
    feed = parse_feed(path.read_bytes(), BASE)
    assert feed.items, path.name
    for index, article in enumerate(articles_of(feed)):
        check_article(article, f"{path.name} item {index}")


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
def test_every_article_file_renders_valid_messages(path: Path) -> None:
    article = load_article_file(path)
    assert article.title.strip(), path.name
    assert article.content_markdown.strip(), path.name
    check_article(article, path.name)


def test_the_corpus_covers_every_shape() -> None:
    names = {p.name for p in FEEDS} | {p.name for p in ARTICLES}
    assert names >= REQUIRED, REQUIRED - names


# ---- what each shape must keep ------------------------------------------------------


def test_rss_091_and_rdf() -> None:
    old = parsed("rss091.xml")
    assert [i.url for i in old.items] == [
        "https://gazette.example/2025/ferry-winter",
        "https://gazette.example/2025/lighthouse",
    ]
    first = render_post(articles_of(old)[0])
    assert "café" in all_text(first) and "21:40 & the first" in all_text(first)
    rdf = parsed("rss10_rdf.xml")
    assert len(rdf.items) == 2
    coral = articles_of(rdf)[0]
    assert coral.authors == ["Maria Lopes"] or "Maria Lopes" in coral.content_markdown
    assert "four years" in all_text(render_post(coral))  # content:encoded, not the teaser


def test_rss2_cdata_content_encoded_tables_code_lists_emoji_rtl_media() -> None:
    feed = parsed("rss20_rich.xml")
    bench, rtl, podcast = articles_of(feed)
    messages = render_post(bench)
    text = all_text(messages)
    assert "Short teaser" not in text  # content:encoded wins over the description
    for expected in ("PostgreSQL", "SELECT id, title", "half Chinese 中文", "🚀🔥👍🏽"):
        assert expected in text, expected
    assert any(e.type in ("pre", "code") for m in messages for e in m.entities)
    assert messages[0].photo == "https://notes.example/img/lead.jpg"
    rtl_text = all_text(render_post(rtl))
    assert "هذه فقرة باللغة العربية" in rtl_text and "זוהי פסקה בעברית" in rtl_text
    assert "👨‍👩‍👧‍👦" in rtl_text
    assert rtl.lead_image is not None
    assert [e.mime_type for e in podcast.enclosures] == ["audio/mpeg"]
    assert render_post(podcast)[0].photo is None  # audio is not a photo


def test_edge_items_dates_duplicate_guids_empty_and_title_only() -> None:
    feed = parsed("rss20_edge.xml")
    assert len(feed.items) == 7
    assert feed.items[0].published is None  # missing date
    assert feed.items[-1].published is None  # unparsable date
    unique = dedup.unique_items(feed.items)
    assert [i.guid for i in unique].count("dup-guid") == 1
    with pytest.raises(EmptyItem):
        build_article(feed.items[3])  # <item></item>: nothing to post
    built = articles_of(feed)
    title_only = built[3]
    assert title_only.title == "Only a title here"
    assert render_post(title_only)[0].text.startswith("Only a title here")
    untitled = render_post(built[4])
    assert "A body with no title" in all_text(untitled)
    assert "<p>" not in all_text(untitled)


def test_atom_xhtml_and_xml_base() -> None:
    rivers = articles_of(parsed("atom_xhtml.xml"))[0]
    assert rivers.title == "Rivers & lakes: a survey"
    messages = render_post(rivers)
    assert "42 lakes" in all_text(messages) and "Lake Vänern" in all_text(messages)
    assert "https://atom.example/data.csv" in link_urls(messages)
    based = parsed("atom_xmlbase.xml")
    first, second = based.items
    assert first.url == "https://blog.example/journal/posts/2025/relative-links.html"
    assert second.url == "https://blog.example/journal/second.html"
    urls = link_urls(render_post(articles_of(based)[0], RenderOptions(with_media=False)))
    assert "https://blog.example/journal/posts/2024/older.html" in urls
    assert "https://blog.example/about" in urls
    assert render_post(articles_of(based)[0])[0].photo == (
        "https://blog.example/journal/posts/2025/img/photo.jpg"
    )


def test_json_feed_10_and_11() -> None:
    one = parsed("jsonfeed_10.json")
    assert [i.guid for i in one.items] == ["1", "2"]
    assert one.items[0].authors == ["Kim Park"]
    text_only = articles_of(one)[1]
    assert "two paragraphs" in all_text(render_post(text_only))
    eleven = parsed("jsonfeed_11.json")
    first = eleven.items[0]
    assert first.authors == ["李华"]
    assert {e.mime_type for e in first.enclosures} == {"audio/mpeg", "image/jpeg"}
    article = articles_of(eleven)[0]
    assert article.language == "zh-Hans"
    assert render_post(article)[0].photo == "https://json11.example/img/a.jpg"


@pytest.mark.parametrize(
    ("name", "titles", "phrase"),
    [
        ("gbk.xml", ["央行宣布降准0.5个百分点", "股市早盘：沪指小幅上涨"], "释放长期资金约1万亿元"),
        ("big5.xml", ["半導體出口創新高", "颱風預報：週末豪雨"], "創下歷史新高"),
    ],
)
def test_legacy_chinese_encodings(name: str, titles: list[str], phrase: str) -> None:
    raw = (CORPUS / "feeds" / name).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the fixture really is in the legacy encoding
    feed = parse_feed(raw, BASE)
    assert [i.title for i in feed.items] == titles
    shown = "".join(all_text(render_post(articles_of(feed)[0])).split())
    assert phrase in shown  # (Chinese typography spaces 约 1 万亿元: compare without spaces)


def test_very_long_article_is_capped_in_parts() -> None:
    long_item = articles_of(parsed("rss20_long_links.xml"))[0]
    assert len(render_post(long_item)) >= 2  # split, not cut, when the parts fit the cap
    for options in OPTIONS.values():
        messages = render_post(long_item, options)
        assert 1 <= len(messages) <= options.max_parts
        assert "https://long.example/long" in link_urls(messages)  # the way to the rest
    short = render_post(long_item, OPTIONS["short"])
    assert "第120段" not in all_text(short)  # over the part cap: lead + link, not 40 parts
    text = all_text(render_post(load_article_file(CORPUS / "articles" / "very_long_zh.txt")))
    assert "第 1 段" in text  # Chinese typography: a space between Han and digits


@pytest.mark.parametrize(
    ("load", "prefix"),
    [
        (lambda: articles_of(parsed("rss20_long_links.xml"))[1], "https://links.example/ref/"),
        (
            lambda: load_article_file(CORPUS / "articles" / "links_150.html"),
            "https://refs.example/",
        ),
    ],
    ids=["feed", "html"],
)
def test_150_links_keep_every_link_under_the_entity_cap(
    load: Callable[[], Article], prefix: str
) -> None:
    messages = render_post(load())
    assert len(messages) >= 2
    assert all(len(m.entities) <= 100 for m in messages)
    refs = {u for u in link_urls(messages) if u.startswith(prefix)}
    assert len(refs) == 150


def test_plain_text_chinese_and_english() -> None:
    zh = load_article_file(CORPUS / "articles" / "plain_zh.txt")
    en = load_article_file(CORPUS / "articles" / "plain_en.txt")
    assert (zh.title, zh.language) == ("南方暴雨致多地停课", "zh-Hans")
    assert (en.title, en.language) == ("City council approves new bike lanes", "en")
    assert "累计降雨量" in all_text(render_post(zh))
    assert "Ruth Adeyemi" in all_text(render_post(en))


# ---- hostile shapes: nesting deep enough to break a recursive converter ---------------

NESTINGS = {
    "divs": ("<div>", "</div>"),
    "lists": ("<ul><li>", "</li></ul>"),
    "ordered": ("<ol><li>x", "</li></ol>"),
    "quotes": ("<blockquote>", "</blockquote>"),
    "tables": ("<table><tr><td>", "</td></tr></table>"),
    "bold": ("<b>", "</b>"),
    "list-quote": ("<ul><li>x<blockquote>", "</blockquote></li></ul>"),
}


@pytest.mark.parametrize("depth", [12, 40, 400])
@pytest.mark.parametrize("shape", NESTINGS, ids=str)
def test_deep_nesting_keeps_every_word(shape: str, depth: int) -> None:
    opening, closing = NESTINGS[shape]
    html = f"<p>Before the maze.</p>{opening * depth}deepest words{closing * depth}<p>After it.</p>"
    item = FeedItem(guid="g", url="https://deep.example/a", title="Deep", content_html=html)
    article = build_article(item)
    messages = render_post(article)
    assert_valid(messages, f"{shape} × {depth}")
    text = all_text(messages)
    for words in ("Before the maze.", "deepest words", "After it."):
        assert words in text, (shape, depth, words)
