"""Hostile XML: no encoding, comment or processing instruction lets a DTD reach the parser."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer

import bot.ingest.poller as poller_module
from bot.ingest.parse import FeedParseError, parse_feed
from bot.ingest.poller import Poller
from bot.ingest.xmlsafety import UnsafeXMLError, safe_xml_text
from storage.db import Database
from tests.test_ingest_poller import Clock, Config, add

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
BASE = "https://host.example/feed.xml"
BODY = (
    '<rss version="2.0"><channel><title>Site {ref}</title>'
    "<item><title>Story {ref}</title><link>https://host.example/1</link>"
    "<description>Text {ref}</description></item></channel></rss>"
)


def doc(prolog: str, ref: str = "&a;", decl: str = '<?xml version="1.0"?>') -> str:
    return decl + prolog + BODY.format(ref=ref)


ENTITY = '<!DOCTYPE rss [<!ENTITY a "' + "A" * 1000 + '">]>'


@pytest.mark.parametrize(
    "prolog",
    [
        ENTITY,
        "<!-- <a -->" + ENTITY,  # the old guard stopped at the `<a` inside the comment
        "<!-- x --><?pi <b?>\n" + ENTITY,
        '<!DOCTYPE rss [<!-- ] > --><!ENTITY a "x">]>',
        '<!ENTITY a "stray, outside any DOCTYPE">',
        '<!doctype rss [ <!entity a "lower case">]>',
    ],
)
def test_general_entity_declarations_are_refused(prolog: str) -> None:
    with pytest.raises(FeedParseError, match="declares XML entities"):
        parse_feed(doc(prolog).encode(), BASE)


@pytest.mark.parametrize(
    "codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-16", "utf-32"]
)
def test_wide_encodings_with_or_without_a_bom_are_checked_after_decoding(codec: str) -> None:
    """`utf-16`/`utf-32` write a BOM; the -le/-be codecs write none."""
    hostile = doc("<!-- <a -->" + ENTITY, decl="").encode(codec)
    with pytest.raises(FeedParseError, match="declares XML entities"):
        parse_feed(hostile, BASE)
    fine = doc("", ref="新闻", decl="").encode(codec)
    feed = parse_feed(fine, BASE)
    assert feed.title == "Site 新闻" and feed.items[0].title == "Story 新闻"


def test_utf16_with_a_declaration_and_no_bom() -> None:
    data = doc("", ref="é", decl='<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16-le")
    assert parse_feed(data, BASE).items[0].title == "Story é"


def test_billion_laughs_is_refused() -> None:
    levels = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)
    ]
    with pytest.raises(FeedParseError, match="declares XML entities"):
        parse_feed(doc("<!DOCTYPE rss [" + "".join(levels) + "]>", ref="&l9;").encode(), BASE)


def test_entities_made_by_parameter_entities_are_stripped_never_expanded() -> None:
    """A general entity declared through a parameter entity is gone with the subset."""
    prolog = "<!DOCTYPE rss [<!ENTITY % p \"<!ENTITY a 'EXPANDED'>\"> %p;]>"
    feed = parse_feed(doc(prolog).encode(), BASE)
    assert "EXPANDED" not in (feed.items[0].title or "")


def test_declarations_hidden_in_comments_or_instructions_never_reach_feedparser() -> None:
    """feedparser re-creates "safe" entities it finds on lines before the first element,
    even inside a comment or PI; the rebuilt prolog keeps neither."""
    for wrapper in ("<!--\n{}\n-->", "<?hide\n{}\n?>"):
        hidden = wrapper.format('<!ENTITY a "EXPANDED">\n<!DOCTYPE rss>')
        feed = parse_feed(doc("\n" + hidden + "\n").encode(), BASE)
        assert "EXPANDED" not in (feed.items[0].title or "")


def test_external_entities_and_dtds_are_never_fetched(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/evil.dtd").respond_with_data('<!ENTITY a "FETCHED">')
    url = httpserver.url_for("/evil.dtd")
    with pytest.raises(FeedParseError, match="declares XML entities"):
        parse_feed(doc(f'<!DOCTYPE rss [<!ENTITY a SYSTEM "{url}">]>').encode(), BASE)
    with pytest.raises(FeedParseError, match="declares XML entities"):
        parse_feed(doc('<!DOCTYPE rss [<!ENTITY a SYSTEM "file:///etc/passwd">]>').encode(), BASE)
    for prolog in (
        f'<!DOCTYPE rss [<!ENTITY % ext SYSTEM "{url}"> %ext;]>',
        f'<!DOCTYPE rss SYSTEM "{url}">',
        f'<!-- <a --><!DOCTYPE rss PUBLIC "-//x//EN" "{url}">',
    ):
        feed = parse_feed(doc(prolog).encode(), BASE)
        assert feed.items and "FETCHED" not in (feed.items[0].title or "")
    assert httpserver.log == []


def test_the_corpus_feed_with_an_external_parameter_entity_parses_safely() -> None:
    data = (CORPUS / "feeds" / "feedparser_doctype_entity_decl.xml").read_bytes()
    assert b"%HTMLlat1;" in data
    feed = parse_feed(data, BASE)
    assert feed.items == []  # the file's channel is empty; it is a feed, not an error


def test_rebuilt_prolog_keeps_declaration_and_doctype_name() -> None:
    text = (
        '<!-- c -->\n<?xml version="1.0" encoding="gb2312"?>\n<!DOCTYPE rss PUBLIC '
        '"-//Netscape Communications//DTD RSS 0.91//EN" "x.dtd" [ <!ENTITY % p "q"> ]>\n<rss/>'
    )
    assert safe_xml_text(text) == (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "x.dtd">\n<rss/>'
    )
    assert safe_xml_text("\x00<rss\x01/>") == "<rss/>"
    with pytest.raises(UnsafeXMLError):
        safe_xml_text('<!DOCTYPE r [<!ENTITY\n  a "b">]><r/>')


MEMORY_PROBE = textwrap.dedent(
    """
    import json, sys
    from bot.ingest.parse import FeedParseError, parse_feed

    def peak_mb():  # this process's high-water mark (ru_maxrss would include the parent's)
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024

    data = sys.stdin.buffer.read()
    before = peak_mb()
    try:
        outcome = len(parse_feed(data, "https://host.example/feed.xml").items)
    except FeedParseError as exc:
        outcome = exc.message
    print(json.dumps({"outcome": outcome, "peak_mb": peak_mb(), "before_mb": before}))
    """
)


def _five_mb(prolog: str, codec: str = "utf-8", ref: str = "&a;") -> bytes:
    """A 5 MB feed whose one item's text repeats `ref` (1.6 million references to `a`)."""
    refs = ref * ((5 * 1024 * 1024 - 2000) // len(ref))
    return ('<?xml version="1.0"?>' + prolog + BODY.format(ref=refs)).encode(codec)


def _five_mb_of_items(prolog: str) -> bytes:
    """A 5 MB feed of ordinary items (the DTD's subset is dropped, the items kept)."""
    item = (
        "<item><title>Story {n}</title><link>https://host.example/{n}</link>"
        "<description>" + "Plain words of a long story. " * 30 + "</description></item>"
    )
    items = "".join(item.format(n=n) for n in range(5 * 1024 * 1024 // len(item)))
    return (
        '<?xml version="1.0"?>'
        + prolog
        + '<rss version="2.0"><channel><title>Big</title>'
        + items
        + "</channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("linear amplification", _five_mb(ENTITY)),
        ("behind a comment", _five_mb("<!-- <a -->" + ENTITY)),
        ("UTF-16 without BOM", _five_mb("<!-- <a -->" + ENTITY, "utf-16-le")[: 5 * 1024 * 1024]),
        (
            "subset stripped",
            _five_mb_of_items('<!DOCTYPE rss [<!ENTITY % p "x">]>'),
        ),
    ],
)
@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads Linux's VmHWM")
def test_parsing_a_hostile_5mb_feed_stays_under_200mb(name: str, data: bytes) -> None:
    """Measured in a fresh process: expat alone allowed ~100x growth (1.8 GB for 4.9 MB)."""
    run = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE],
        input=data,
        capture_output=True,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    result = json.loads(run.stdout)
    assert result["peak_mb"] < 200, (name, result)


async def test_large_documents_are_parsed_one_at_a_time(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """feedparser's memory grows with the document: two big feeds never parse together."""
    big = _five_mb_of_items("")[: 2 << 20]  # cut short: a bozo document is parsed all the same
    active = 0
    most = 0
    lock = threading.Lock()
    real = parse_feed

    def watched(*args: Any) -> Any:
        nonlocal active, most
        with lock:
            active += 1
            most = max(most, active)
        try:
            time.sleep(0.2)
            return real(*args)
        finally:
            with lock:
                active -= 1

    def serve_big(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=httpx.ByteStream(big))

    async def ignore(_text: str) -> None:
        return None

    monkeypatch.setattr(poller_module, "parse_feed", watched)
    clock = Clock()
    for n in range(3):
        await add(db, f"https://big{n}.example/feed", clock, chats=())
    async with httpx.AsyncClient(transport=httpx.MockTransport(serve_big)) as http:
        config = Config(poll_concurrency=4, fetch_max_bytes=4 << 20)
        poller = Poller(db, http, config, ignore, clock, rng=random.Random(1), tick_wait=0)
        report = await poller.run_until_idle()
    assert [o.status for o in report.outcomes] == ["baseline"] * 3
    assert most == 1
