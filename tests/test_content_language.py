"""Language and Chinese script from the text; the feed's declaration only as a fallback."""

from __future__ import annotations

import gzip
import re
from collections import Counter
from html import unescape
from pathlib import Path

import opencc
import pytest

from bot.content.language import chinese_script, detect_language, normalize_language
from bot.ingest.parse import parse_feed
from tests.test_content_typography import html_blocks

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SEED = Path(__file__).resolve().parent / "fixtures" / "articles" / "wsj-deepseek-zh.txt"
# The MANIFEST gives the page's declared language; where the text is another one, the text wins.
TEXT_IS = {"readability_data-url-image.html": "la"}  # lorem ipsum on a page declared `en`
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")


def _manifest_languages() -> dict[str, str]:
    """File name → the `lang` column of the corpus MANIFEST ("–" rows left out)."""
    languages: dict[str, str] = {}
    header: list[str] = []
    for line in (CORPUS / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("|") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] in ("file", "files"):
            header = cells
            continue
        if "lang" not in header or len(cells) != len(header):
            continue
        # "ja, en" (a feed in two languages) keeps both; "he (RTL)" keeps the code
        lang = ",".join(
            re.findall(r"(?:^|, )([a-z]{2}(?:[-_][A-Za-z]+)?)", cells[header.index("lang")])
        )
        if lang:
            for name in re.findall(r"`([^`]+)`", cells[0]):
                languages[name] = lang
    return languages


def _expected(tag: str) -> str:
    code = normalize_language(tag.split(",")[0])
    assert code is not None
    return code


def _acceptable(tag: str) -> set[str | None]:
    return {normalize_language(t) for t in tag.split(",")}


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("zh-CN", "zh-Hans"),
        ("zh", "zh-Hans"),
        ("zh_TW", "zh-Hant"),
        ("zh-Hant-HK", "zh-Hant"),
        ("zh-hk", "zh-Hant"),
        ("en_US", "en"),
        ("EN-gb", "en"),
        ("pt-BR", "pt"),
        ("iw", "he"),
        ("", None),
        ("  ", None),
        (None, None),
        ("*", None),
    ],
)
def test_normalize_language(tag: str | None, expected: str | None) -> None:
    assert normalize_language(tag) == expected


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("过去两年里，市场普遍相信人工智能的崛起将带来一个新的生产力增长时代。", "en", "zh-Hans"),
        (
            "過去兩年裡，市場普遍相信人工智慧的崛起將帶來一個新的生產力增長時代。",
            "zh-cn",
            "zh-Hant",
        ),
        ("閱讀原文", None, "zh-Hant"),
        ("台灣總統大選結果揭曉", "zh-CN", "zh-Hant"),
        ("中文", "zh-TW", "zh-Hant"),  # no telling character: the Chinese hint decides
        ("中文", "en", "zh-Hans"),
        ("今日は良い天気ですね。東京では桜が咲きました。", "zh-CN", "ja"),
        ("東京五輪開幕", "ja", "ja"),  # a short all-kanji title: the hint decides
        ("오늘은 날씨가 좋다. 서울에서 열린 회의에서 발표했다.", "en", "ko"),
        ("The government said on Monday that it would raise interest rates again.", "zh-cn", "en"),
        ("Die Bundesregierung hat am Montag neue Maßnahmen beschlossen.", "en", "de"),
        ("Le gouvernement a annoncé lundi de nouvelles mesures pour l'économie.", None, "fr"),
        ("Правительство объявило в понедельник о новых мерах поддержки экономики.", "en", "ru"),
        ("Breaking news", "zh-cn", "en"),
        ("OK", "zh-cn", None),  # too short to tell, and no Han for the Chinese hint
        ("Breaking news", "en-US", "en"),
        ("ข่าวด่วน", None, "th"),
        ("12345 !!!", "de", "de"),
        ("", None, None),
    ],
)
def test_detect_language(text: str, hint: str | None, expected: str | None) -> None:
    assert detect_language(text, hint) == expected


def test_chinese_mixed_with_english_stays_chinese() -> None:
    text = SEED.read_text(encoding="utf-8")
    assert detect_language(text, "en") == "zh-Hans"
    assert detect_language(text * 20) == "zh-Hans"  # sampled, not read whole
    assert (
        chinese_script(
            "据台湾《聯合報》报道，这项政策将在明年一月起正式实施，相关部门正在加紧准备。"
        )
        == "zh-Hans"
    )


@needs_corpus
def test_corpus_pages_and_texts() -> None:
    checked = 0
    for name, tag in sorted(_manifest_languages().items()):
        path = CORPUS / "articles" / name
        if not path.exists() or path.suffix not in (".html", ".txt"):
            continue
        tag = TEXT_IS.get(name, tag)
        if path.suffix == ".html":
            text = "\n".join(html_blocks(path))
        else:
            text = path.read_text(encoding="utf-8")
        assert detect_language(text) == _expected(tag), name
        assert detect_language(text, "en" if not tag.startswith("en") else "zh-CN") == _expected(
            tag
        ), name
        checked += 1
    for folder, expected in (("zh", "zh-Hans"), ("en", "en")):
        for path in sorted((CORPUS / "answers" / folder).glob("*.txt")):
            assert detect_language(path.read_text(encoding="utf-8"), "ja") == expected, path.name
            checked += 1
    assert checked >= 150


@needs_corpus
def test_traditional_versions_of_the_chinese_corpus() -> None:
    to_traditional = opencc.OpenCC("s2twp")
    for path in sorted((CORPUS / "answers" / "zh").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert detect_language(to_traditional.convert(text), "zh-CN") == "zh-Hant", path.name
        for line in text.splitlines():
            if len(line) >= 8:  # titles and sentences too, not only whole articles
                assert detect_language(line) == "zh-Hans", line
                assert detect_language(to_traditional.convert(line)) == "zh-Hant", line


def _item_text(title: str | None, html: str | None) -> str:
    return (title or "") + "\n" + unescape(re.sub(r"<[^>]+>", " ", html or ""))


@needs_corpus
def test_corpus_feed_items() -> None:
    """Items of every feed whose language the MANIFEST knows: the text's language, or the
    feed's declaration when the item is too short to tell, never a different language."""
    checked = Counter[str]()
    for name, tag in sorted(_manifest_languages().items()):
        path = CORPUS / "feeds" / name
        if not path.exists():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        try:
            feed = parse_feed(data, "https://example.com/feed")
        except Exception:
            continue  # not a feed: the ingest tests cover that
        for item in feed.items:
            text = _item_text(item.title, item.content_html or item.summary_html)
            found = detect_language(text)
            if found is None:
                assert detect_language(text, tag.split(",")[0]) in {*_acceptable(tag), None}, name
                checked["hint"] += 1
            else:
                assert found in _acceptable(tag), (name, text[:200])
                checked["text"] += 1
    assert checked["text"] >= 250
