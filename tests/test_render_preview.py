"""`chatwire preview`: files, URLs, feeds, JSON shape, clean errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer

from bot.render.preview import is_feed, run_preview

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
SEED = FIXTURES / "wsj-deepseek-zh.txt"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


async def test_seed_json() -> None:
    out = io.StringIO()
    assert await run_preview(str(SEED), True, out) == 0
    doc = json.loads(out.getvalue())
    art = doc["article"]
    assert art["title"] == "DeepSeek 让科技和华尔街天翻地覆的那一天"
    assert art["authors"] == ["Gunjan Banerji", "Asa Fitch", "Karen Langley"]
    assert art["translator"] == "ChatGPT o1"
    assert art["language"] == "zh-Hans"
    assert art["published"].startswith("2025-01-28T09:04:57")
    assert art["reading_minutes"] == [11, 14]
    assert set(art) == {"title", "url", "authors", "translator", "source", "published",
                        "language", "reading_minutes"}  # fmt: skip
    messages = doc["messages"]
    assert len(messages) >= 2
    first = messages[0]
    assert first["text"].startswith(art["title"])
    assert first["entities"][0] == {"type": "bold", "offset": 0, "length": len(art["title"])}
    for m in messages:
        units = len(m["text"].encode("utf-16-le")) // 2
        assert all(e["offset"] + e["length"] <= units for e in m["entities"])


async def test_human_plain_when_not_a_tty() -> None:
    out = io.StringIO()
    assert await run_preview(str(FIXTURES / "en-features.html"), False, out) == 0
    text = out.getvalue()
    assert "\x1b[" not in text
    assert "── message 1/1" in text
    assert "• First point" in text


async def test_human_ansi_on_a_tty() -> None:
    out = _Tty()
    assert await run_preview(str(FIXTURES / "notes-en.md"), False, out) == 0
    text = out.getvalue()
    assert "\x1b[1mRelease notes: version 2.0" in text
    assert "<https://example.com/changelog>" in text


async def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert await run_preview("/nonexistent/article.txt", False, out) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such file" in err and "Traceback" not in err
    assert out.getvalue() == ""


async def test_unsupported_extension(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,2\n")
    assert await run_preview(str(path), True, io.StringIO()) == 1
    assert "unsupported file type" in capsys.readouterr().err


async def test_url(httpserver: HTTPServer) -> None:
    html = (FIXTURES / "wsj-like-en.html").read_text(encoding="utf-8")
    page = f"<html><head><title>DeepSeek day</title></head><body>{html}</body></html>"
    httpserver.expect_request("/story").respond_with_data(page, content_type="text/html")
    out = io.StringIO()
    async with httpx.AsyncClient() as client:
        status = await run_preview(httpserver.url_for("/story"), True, out, http=client)
    assert status == 0
    doc = json.loads(out.getvalue())
    assert doc["article"]["url"] == httpserver.url_for("/story")
    assert doc["article"]["title"] == "DeepSeek day"
    assert doc["article"]["source"] == "localhost"


async def test_url_http_error(httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    async with httpx.AsyncClient() as client:
        assert (
            await run_preview(httpserver.url_for("/gone"), False, io.StringIO(), http=client) == 1
        )
    assert "HTTP 404" in capsys.readouterr().err


def test_feed_sniffing() -> None:
    assert is_feed(b'<?xml version="1.0"?>\n<rss version="2.0"><channel>')
    assert is_feed(b"\xef\xbb\xbf<feed xmlns='http://www.w3.org/2005/Atom'>")
    assert is_feed(b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">')
    assert is_feed(b'{"version": "https://jsonfeed.org/version/1.1", "items": []}')
    assert not is_feed(b'{"version": 2}')
    assert not is_feed(b"<html><body><p>An article about <rss> feeds</p></body></html>")
    assert not is_feed("DeepSeek 让科技".encode())


async def test_feed_file(tmp_path: Path) -> None:
    pytest.importorskip("bot.ingest.parse")
    feed = tmp_path / "feed.xml"
    feed.write_text(
        """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Example Wire</title><link>https://example.com/</link>
<language>en-us</language>
<item><title>First</title><link>https://example.com/1</link><guid>1</guid>
<description><![CDATA[<p>By Ann Lee</p><p>First body with <b>bold</b>.</p>]]></description></item>
<item><title>Second</title><link>https://example.com/2</link><guid>2</guid>
<description><![CDATA[<p>Second body.</p>]]></description></item>
</channel></rss>""",
        encoding="utf-8",
    )
    out = io.StringIO()
    assert await run_preview(str(feed), True, out) == 0
    docs = json.loads(out.getvalue())
    assert [d["article"]["title"] for d in docs] == ["First", "Second"]
    assert docs[0]["article"]["authors"] == ["Ann Lee"]
    assert docs[0]["article"]["source"] == "Example Wire"
    assert docs[0]["article"]["language"] == "en"


async def test_format_html_prints_what_preview_json_prints(tmp_path: Path) -> None:
    from bot import format_html

    here = Path(__file__).parent
    corpus = here.parent.parent / "shared" / "corpus" / "articles"
    pages = [here / "fixtures" / "articles" / "en-features.html"]
    if (corpus / "gne_qq_qq.source.html").exists():
        pages.append(corpus / "gne_qq_qq.source.html")
    for page in pages:
        out = io.StringIO()
        assert await run_preview(str(page), True, out) == 0
        printed = json.loads(out.getvalue())["messages"]
        html = page.read_text(encoding="utf-8-sig")
        assert format_html(html, title="", url="", source="") == printed, page.name
