from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ingest.encoding import canonical_codec, decode_document
from bot.ingest.parse import FeedParseError, ParsedFeed, parse_feed

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
BASE = "https://host.example/feeds/main.xml"


def load(name: str, headers: dict[str, str] | None = None) -> ParsedFeed:
    return parse_feed((FIXTURES / name).read_bytes(), BASE, headers)


def test_rss20_cdata_html_relative_links_and_metadata() -> None:
    feed = load("rss20_cdata.xml")
    assert feed.title == "Example & Co. News"
    assert feed.link == "https://news.example.com/"
    assert feed.language == "en-us" and feed.ttl_minutes == 120
    first = feed.items[0]
    assert first.guid == "markets-rally-1"
    assert first.url == "https://host.example/2025/01/markets-rally"
    assert first.title == "Markets rally after surprise cut"
    assert first.authors == ["Jane Doe"]
    assert first.published == datetime(2025, 1, 28, 9, 0, tzinfo=UTC)
    assert first.content_html is not None and "<b>rose</b>" in first.content_html
    assert 'src="https://host.example/img/chart.png"' in first.content_html
    assert "<script" not in first.content_html
    assert (
        first.summary_html is not None and 'href="https://host.example/more"' in first.summary_html
    )
    assert first.lead_image == "https://cdn.example.com/thumb.jpg"
    assert [(e.url, e.mime_type, e.length) for e in first.enclosures] == [
        ("https://cdn.example.com/audio.mp3", "audio/mpeg", 12345)
    ]


def test_missing_dates_and_duplicate_guids_are_kept_for_the_poller() -> None:
    items = load("rss20_cdata.xml").items
    assert items[1].published is None and items[1].title == "No date here"
    assert [i.guid for i in items[2:]] == ["dup", "dup"]


def test_atom_xhtml_content_and_xml_base() -> None:
    feed = load("atom_xhtml.xml")
    assert feed.title == "Example Blog" and feed.language == "en"
    hello, text = feed.items
    assert hello.title == "Hello world"
    assert hello.url == "https://blog.example.org/posts/hello"
    assert hello.authors == ["Alice", "Bob"]
    assert hello.published == datetime(2025, 1, 27, 8, 30, tzinfo=UTC)
    assert hello.content_html is not None
    assert "<strong>paragraph</strong>" in hello.content_html
    assert 'href="https://blog.example.org/about"' in hello.content_html
    # relative URLs resolve against the item's own link first (then xml:base, then the feed)
    assert 'src="https://blog.example.org/posts/images/pic.jpg"' in hello.content_html
    assert hello.summary_html == "<p>A short summary.</p>"
    assert text.content_html == "<p>Line one &lt;not a tag&gt;</p><p>Line two</p>"
    assert text.summary_html is None
    assert text.published == datetime(2025, 1, 26, 10, 0, tzinfo=UTC)


def test_rss10_rdf() -> None:
    feed = load("rss10_rdf.xml")
    assert feed.title == "RDF Site" and feed.language == "de"
    assert [i.url for i in feed.items] == ["https://rdf.example.net/a", "https://rdf.example.net/b"]
    assert feed.items[0].authors == ["Max Mustermann"]
    assert feed.items[0].published == datetime(2025, 1, 20, 11, 0, tzinfo=UTC)
    assert feed.items[1].published is None


def test_rss091_latin1() -> None:
    feed = load("rss091.xml")
    assert feed.items[0].title == "Café ouvert"
    assert feed.items[0].guid is None


def test_gbk_declared_as_gb2312_decodes_gbk_only_characters() -> None:
    feed = load("gbk.xml")
    assert feed.title == "中文新闻网"
    item = feed.items[0]
    assert item.title == "朱镕基谈经济改革"
    assert item.summary_html is not None and "堃" in item.summary_html
    assert item.published == datetime(2025, 1, 27, 0, 0, tzinfo=UTC)


def test_gbk_with_only_an_http_charset() -> None:
    feed = load("gbk_http_charset.xml", {"Content-Type": "text/xml; charset=GBK"})
    assert feed.items[0].title == "朱镕基谈经济改革"


def test_gbk_without_any_declaration_is_detected() -> None:
    feed = load("gbk_http_charset.xml", {"Content-Type": "application/rss+xml"})
    assert feed.title == "中文新闻网"


def test_big5() -> None:
    feed = load("big5.xml")
    assert feed.title == "繁體新聞" and feed.language == "zh-tw"
    assert feed.items[0].title == "臺灣經濟成長率創新高"
    assert feed.items[0].summary_html == "<p>行政院主計總處公布，經濟成長率優於預期。</p>"


def test_utf8_body_behind_a_latin1_header_stays_utf8() -> None:
    data = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Ünïcödé 中文</title>'
        "</channel></rss>"
    ).encode()
    feed = parse_feed(data, BASE, {"content-type": "text/xml; charset=ISO-8859-1"})
    assert feed.title == "Ünïcödé 中文"


def test_malformed_xml_is_parsed_leniently() -> None:
    feed = load("malformed.xml")
    assert [i.title for i in feed.items] == ["Tom & Jerry", "Second"]
    assert feed.items[0].url == "https://broken.example.com/tom-and-jerry"


def test_html_page_is_not_a_feed_and_names_the_feed_it_links() -> None:
    with pytest.raises(FeedParseError) as info:
        load("html_page.html")
    assert "HTML page" in info.value.message
    assert "https://host.example/feed.xml" in info.value.message


@pytest.mark.parametrize(
    "data",
    [b"\x00\x01\x02garbage\xff\xfe", b"just some words", b"<note><to>x</to></note>"],
)
def test_garbage_is_not_a_feed(data: bytes) -> None:
    with pytest.raises(FeedParseError, match="not a feed"):
        parse_feed(data, BASE)


def test_entity_bomb_is_refused() -> None:
    with pytest.raises(FeedParseError, match="entities"):
        load("bomb.xml")


def test_entity_text_inside_cdata_is_fine() -> None:
    data = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>XML tips</title><item>'
        b"<title>DTDs</title><description><![CDATA[<pre>&lt;!ENTITY a &quot;b&quot;&gt;</pre>"
        b"<code><!ENTITY x 'y'></code>]]></description></item></channel></rss>"
    )
    assert parse_feed(data, BASE).items[0].title == "DTDs"


def test_empty_channel_is_a_feed_with_no_items() -> None:
    feed = parse_feed(b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>', BASE)
    assert feed.title == "Quiet" and feed.items == []


def test_json_feed_10() -> None:
    feed = load("jsonfeed_10.json")
    assert feed.title == "JSON Feed One" and feed.link == "https://json.example.com/"
    second, first = feed.items
    assert second.guid == "2" and second.url == "https://json.example.com/posts/2"
    assert second.content_html == "<p>Plain text &lt;body&gt;</p><p>with two paragraphs.</p>"
    assert second.lead_image == "https://json.example.com/img/2.png"
    assert second.authors == ["Feed Author"]
    assert second.published == datetime(2025, 1, 28, 10, 0, tzinfo=UTC)
    assert first.url == "https://elsewhere.example.org/story"
    # relative URLs resolve against the item's own link first
    assert first.content_html == '<p>Hello <a href="https://elsewhere.example.org/x">x</a></p>'
    assert first.authors == ["Item Author"]
    assert first.published == datetime(2025, 1, 27, 15, 0, tzinfo=UTC)
    assert first.enclosures[0].length == 1000


def test_json_feed_11() -> None:
    feed = load("jsonfeed_11.json", {"Content-Type": "application/feed+json"})
    assert feed.language == "zh-CN"
    first, bare = feed.items
    assert first.title == "深度求索发布新模型" and first.authors == ["王小明", "李华"]
    assert first.language == "zh-Hans"
    assert first.published == datetime(2025, 1, 27, 10, 0, tzinfo=UTC)
    assert bare.title is None and bare.published is None and bare.url is None
    assert bare.authors == ["编辑部"]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("{not json", "invalid JSON"),
        ('{"title": "x", "items": []}', "version"),
        ('{"version": "https://jsonfeed.org/version/1.1"}', "items"),
        ("[1, 2]", "not an object"),
    ],
)
def test_bad_json_is_not_a_feed(doc: str, message: str) -> None:
    with pytest.raises(FeedParseError, match=message):
        parse_feed(doc.encode(), BASE, {"Content-Type": "application/json"})


def test_json_item_id_numbers_and_odd_fields_are_tolerated() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1",
        "items": [{"id": 7, "title": ["not", "a", "string"], "date_published": "yesterday"}, 3],
    }
    feed = parse_feed(json.dumps(doc).encode(), BASE)
    assert len(feed.items) == 1
    assert feed.items[0].guid == "7" and feed.items[0].title is None
    assert feed.items[0].published is None


def test_codec_supersets() -> None:
    assert canonical_codec("GB2312") == "gb18030"
    assert canonical_codec("big5") == "big5hkscs"
    assert canonical_codec("no-such-charset") is None


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=1, max_size=200))
def test_decoding_round_trips_any_text_in_utf8_and_gb18030(text: str) -> None:
    for codec in ("utf-8", "gb18030"):
        doc = f'<?xml version="1.0" encoding="{codec}"?><x>{text}</x>'
        decoded, _ = decode_document(doc.encode(codec))
        assert decoded == doc


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_crash_the_parser(data: bytes) -> None:
    try:
        parse_feed(data, BASE)
    except FeedParseError as exc:
        assert exc.message


CORPUS_FEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "feeds"


def test_undeclared_latin1_french_is_read_as_windows_1252_not_central_european() -> None:
    # charset-normalizer ties cp1250 and cp1252 on short Western text; 'être à' must not
    # become 'ętre ŕ'
    data = (CORPUS_FEEDS / "miniflux_no_encoding_declared_latin1_bytes.xml").read_bytes()
    text, codec = decode_document(data)
    assert codec == "cp1252"
    assert "pourraient être à l'origine" in text
    feed = parse_feed(data, BASE)
    assert feed.items[0].title == "Perturbateurs endocriniens : quels effets sur le cerveau ?"


def test_undeclared_central_european_text_still_reads_as_windows_1250() -> None:
    doc = (
        "<rss><channel><title>Wiadomości</title><item><title>Zażółć gęślą jaźń</title>"
        "<description>Wczoraj w Łodzi odbyło się spotkanie mieszkańców, którzy dyskutowali "
        "o przyszłości miasta i jego ulic. Świętowano też rocznicę.</description></item>"
        "</channel></rss>"
    )
    text, codec = decode_document(doc.encode("cp1250"))
    assert codec == "cp1250" and text == doc


def test_json_feed_with_a_bare_version_number_is_a_feed() -> None:
    # gofeed's sample writes "version": "1.1" instead of the spec's URL; readers accept it
    data = (CORPUS_FEEDS / "gofeed_jsonfeed11_deprecated_author.json").read_bytes()
    feed = parse_feed(data, BASE)
    assert feed.title == "title" and len(feed.items) == 1
    assert feed.items[0].authors == ["author_name"]


@pytest.mark.parametrize(
    ("version", "accepted"),
    [
        ("https://jsonfeed.org/version/1.1", True),
        ("http://jsonfeed.org/version/1", True),
        ("1", True),
        ("1.0", True),
        (" 1.1 ", True),
        ("2.0", False),
        ("v1", False),
        (None, False),
    ],
)
def test_which_json_versions_make_a_feed(version: str | None, accepted: bool) -> None:
    doc: dict[str, object] = {"title": "T", "items": [{"id": "1", "content_text": "Hello."}]}
    if version is not None:
        doc["version"] = version
    data = json.dumps(doc).encode()
    if accepted:
        assert len(parse_feed(data, BASE, {"Content-Type": "application/feed+json"}).items) == 1
    else:
        with pytest.raises(FeedParseError):
            parse_feed(data, BASE, {"Content-Type": "application/feed+json"})
