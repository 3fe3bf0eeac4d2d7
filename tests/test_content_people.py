"""Authors are people or desks; translators and contributors come from their credit lines."""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from pathlib import Path

import pytest

from bot.content.people import clean_authors, contributors_of, translator_of
from bot.ingest.parse import parse_feed

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SEED = Path(__file__).resolve().parent / "fixtures" / "articles" / "wsj-deepseek-zh.txt"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")


@pytest.mark.parametrize(
    ("names", "source", "expected"),
    [
        (["by Lucas Nolan22 Dec 2016651"], "Breitbart", ["Lucas Nolan"]),
        (["news@example.com (Jane Doe)"], None, ["Jane Doe"]),
        (["jane@example.com"], None, []),
        (["www.qq.com", "张三"], "腾讯新闻", ["张三"]),
        (["http://www.tmz.com"], "TMZ", []),
        (["华尔街日报", "Gunjan Banerji"], "华尔街日报", ["Gunjan Banerji"]),
        (["ＷＳＪ", "wsj"], "WSJ", []),  # the source's own name, any width or case
        (["Reuters staff"], "Reuters", ["Reuters staff"]),
        (["本报记者"], "人民日报", ["本报记者"]),
        (["记者 张三"], None, ["张三"]),
        (["Jane Doe", "JANE DOE", "Ｊａｎｅ Ｄｏｅ"], None, ["Jane Doe"]),
        (["JOE HILDEBRAND"], None, ["Joe Hildebrand"]),
        (["By GILLIAN MOHNEY\n      March 11, 2015 3:46 PM"], "Yahoo", ["Gillian Mohney"]),
        (["April 28, 2019 at 6:01 am Updated April 29, 2019 at 3:33 pm"], None, []),
        (["Posted by Jane Doe on 3/4/2019"], None, ["Jane Doe"]),
        (["SIMPLYFOUND.COM | BY: JOE WEE"], None, ["Joe Wee"]),
        (["Stella Kim, Jennifer Jett"], "NBC News", ["Stella Kim", "Jennifer Jett"]),
        (
            ["文/ Gunjan Banerji, Asa Fitch 和 Karen Langley"],
            None,
            ["Gunjan Banerji", "Asa Fitch", "Karen Langley"],
        ),
        (["Tom Smith & Jane Doe"], None, ["Tom Smith", "Jane Doe"]),
        (["Simon & Schuster"], None, ["Simon & Schuster"]),
        (["Martin Untersinger (avec Damien Leloup et Morgane Tual)"], None, ["Martin Untersinger"]),
        (["Bruno (Henrique Zecchin) Rodrigues"], None, ["Bruno (Henrique Zecchin) Rodrigues"]),
        (["Bradley M. Kuhn (http://ebb.org/bkuhn/)"], None, ["Bradley M. Kuhn"]),
        (["Par Sébastien Farcis"], None, ["Sébastien Farcis"]),
        (["zbcx", "趋势2010", "zhaohui19711114"], None, ["zbcx", "趋势2010", "zhaohui19711114"]),
        (["", "  ", "佚名", "搜索", "admin", "12345", "2019-03-01"], None, []),
        (["atom_0.3.feed.entry[0].author.name"], None, []),
        (["Author name)"], None, ["Author name"]),
        (["作者：张三 来源：新华网"], None, ["张三"]),
        (["新华社记者张三、李四"], "新华社", ["张三", "李四"]),
        (["Jane Doe Source: Reuters"], None, ["Jane Doe"]),
        (["By Jane Doe, Staff Writer"], None, ["Jane Doe"]),
        (["记者"], None, []),
    ],
)
def test_clean_authors(names: list[str], source: str | None, expected: list[str]) -> None:
    assert clean_authors(names, source=source) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("翻译:ChatGPT o1", "ChatGPT o1"),
        ("翻译：张三", "张三"),
        ("翻译/李四", "李四"),
        ("编译：王五", "王五"),
        ("译者：赵六", "赵六"),
        ("[翻譯：陳七]", "陳七"),
        ("譯者：王小明", "王小明"),
        ("（译者：钱八）", "钱八"),
        ("Translated by Jane Doe", "Jane Doe"),
        ("Translation: Jane Doe.", "Jane Doe"),
        ("翻译这本书花了三年时间，他说。", None),
        ("Translation is hard.", None),
        ("He translated by hand.", None),
        ("", None),
    ],
)
def test_translator_of(line: str, expected: str | None) -> None:
    assert translator_of(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Contributing: Jane Doe, USA TODAY; The Associated Press",
            ["Jane Doe", "The Associated Press"],
        ),
        ("Jane Doe and John Roe contributed to this article.", ["Jane Doe", "John Roe"]),
        (
            "CNN's Moni Basu, Manesh Shrestha and Pamela Boykoff contributed to this report.",
            ["Moni Basu", "Manesh Shrestha", "Pamela Boykoff"],
        ),
        (
            "Aerospace Writer Marcia Dunn in Cape Canaveral, Florida, and Vladimir Isachenkov "
            "in Moscow contributed to this report.",
            ["Marcia Dunn", "Vladimir Isachenkov"],
        ),
        ("Additional reporting by Ana Swanson in Washington.", ["Ana Swanson"]),
        ("Jane Doe contributed reporting from Paris.", ["Jane Doe"]),
        ("参与报道：张三、李四", ["张三", "李四"]),
        ("——Tom Dotan 和 Jack Pitcher 对本文亦有贡献。", ["Tom Dotan", "Jack Pitcher"]),
        ("He contributed to the fund.", None),
        ("Contributing to the decline were rising rates.", None),
        ("Many people contributed to the campaign.", None),
        ("参与报道的记者说，现场很混乱。", None),
        ("參與報導：陳七、林八", ["陳七", "林八"]),  # Traditional labels, names kept as written
        ("——陳七對本文亦有貢獻。", ["陳七"]),
    ],
)
def test_contributors_of(line: str, expected: list[str] | None) -> None:
    assert contributors_of(line) == expected


def test_seed_credit_lines() -> None:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    assert [translator_of(line) for line in lines if translator_of(line)] == ["ChatGPT o1"]
    found = [c for line in lines if (c := contributors_of(line))]
    assert found == [["Tom Dotan", "Jack Pitcher"]]


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def _looks_clean(name: str) -> bool:
    return not re.search(r"@|https?://|www\.|\.com\b|\d{1,2}:\d{2}|\b\d{4}\b", name)


@needs_corpus
def test_corpus_bylines() -> None:
    """Every readability byline: clean names only, each taken from the byline itself, never
    the site's own name; the garbled and date-only bylines come out right."""
    results: dict[str, list[str]] = {}
    for path in sorted((CORPUS / "articles").glob("*.metadata.json")):
        meta = json.loads(path.read_text(encoding="utf-8"))
        byline, site = meta.get("byline"), meta.get("siteName")
        if not byline:
            continue
        names = clean_authors([byline], source=site)
        results[path.name.removesuffix(".metadata.json")] = names
        for name in names:
            assert _looks_clean(name), (path.name, name)
            assert _key(name) in _key(byline), (path.name, name)
            assert not site or _key(name) != _key(site), (path.name, name)
    assert results["readability_breitbart"] == ["Lucas Nolan"]
    assert results["readability_seattletimes-1"] == []  # the byline is a date
    assert results["readability_heise"] == []  # the byline is the site's name
    assert results["readability_webmd-2"] == ["Kelli Miller", "WebMD Health News"]
    assert results["readability_schema-org-context-object"] == ["Stella Kim", "Jennifer Jett"]
    assert sum(bool(v) for v in results.values()) >= 40


@needs_corpus
def test_corpus_feed_authors() -> None:
    """Feed authors: the feed's own name (a YouTube channel) is dropped, people and forum
    handles are kept, template placeholders are not."""
    kept: list[str] = []
    for path in sorted((CORPUS / "feeds").iterdir()):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        try:
            feed = parse_feed(data, "https://example.com/feed")
        except Exception:
            continue
        for item in feed.items:
            names = clean_authors(item.authors, source=feed.title)
            assert all(_looks_clean(n) for n in names), (path.name, names)
            assert all(_key(n) != _key(feed.title or "") for n in names), (path.name, names)
            kept.extend(names)
    assert {"Manoush Zomorodi", "The Associated Press", "大鱼儿", "sushenghai"} <= set(kept)
    assert not any("author.name" in n or n == "PBS Space Time" for n in kept)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("参与报道：张三、李四", ["张三", "李四"]),
        ("Contributing: Jane Doe, John Roe", ["Jane Doe", "John Roe"]),
        ("实习生：王五", ["王五"]),
    ],
)
def test_a_contributor_line_at_the_end_gives_names_not_its_label(
    line: str, expected: list[str]
) -> None:
    from bot.content.pipeline import build_article
    from bot.models import FeedItem

    html = f"<p>正文第一段，内容很多。</p><p>正文第二段。</p><p>{line}</p>"
    item = FeedItem(guid="g", url="https://example.com/a", title="标题", content_html=html)
    assert build_article(item).extra.get("contributors") == expected
