"""Chinese typography: full-width marks inside Chinese sentences, pangu spacing, nothing else."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.typography import needs_space, polish_cjk, polish_spans

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SEED = Path(__file__).resolve().parent / "fixtures" / "articles" / "wsj-deepseek-zh.txt"
HAN = "\u3400-\u4dbf\u4e00-\u9fff"
KANA = re.compile("[\u3040-\u30ff]")
# A half-width mark between two Han characters (spaces allowed): never after polishing.
BETWEEN_HAN = re.compile(f"[{HAN}]\\s*[,:;?!]\\s*[{HAN}]|[{HAN}][.][{HAN}]")
URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*[A-Za-z0-9/#=_\-]")
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
NUMBER = re.compile(r"\d+(?:[,.:]\d+)+")
ENGLISH_PHRASE = re.compile(r"[A-Za-z]+(?:[,;:]? [A-Za-z]+){2,}[,.;:!?]? [A-Za-z]+")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("过去两年里,市场普遍相信", "过去两年里，市场普遍相信"),
        ("其特别之处在于:通过一些巧妙的工程方法", "其特别之处在于：通过一些巧妙的工程方法"),
        ("英伟达(Nvidia)一直处于", "英伟达（Nvidia）一直处于"),
        ("下跌 5.6%,创下四年多以来", "下跌 5.6%，创下四年多以来"),
        ("什么是 DeepSeek?", "什么是 DeepSeek？"),
        ("真的吗?好的!", "真的吗？好的！"),
        ("他说 “Hello, world.” 然后", "他说 “Hello, world.” 然后"),
        ('他说 "Hello, world." 然后', '他说 "Hello, world." 然后'),
        ("他说 Hello, world. 然后", "他说 Hello, world. 然后"),
        ("价格是1,000元,时间10:30", "价格是 1,000 元，时间 10:30"),
        ("增长3.5%.", "增长 3.5%。"),
        ("访问https://example.com/a?b=1,c=2,然后", "访问 https://example.com/a?b=1,c=2，然后"),
        ("联系a.b@x.com,谢谢", "联系 a.b@x.com，谢谢"),
        ("用`a,b`分隔,然后", "用`a,b`分隔，然后"),
        ("中文 (简体)", "中文（简体）"),
        ("卢煜明(2016年)、施一公(2017年);", "卢煜明（2016 年）、施一公（2017 年）；"),
        ("天空新闻(Sky News)采访", "天空新闻（Sky News）采访"),
        ("调用f(x)函数", "调用 f(x)函数"),
        ("等等...然后", "等等...然后"),
        ("预防办法:1.窗户", "预防办法：1.窗户"),
        (
            "Salesforce 首席执行官 Marc Benioff 说,“先行者",
            "Salesforce 首席执行官 Marc Benioff 说，“先行者",
        ),
        ("“这其实是经典剧情,”Salesforce", "“这其实是经典剧情，”Salesforce"),
        ("“We are fine,”他说", "“We are fine,”他说"),
        ("iPhone手机在2024年卖了3亿部", "iPhone 手机在 2024 年卖了 3 亿部"),
        ("I love you, he said. OK?", "I love you, he said. OK?"),
        ("The word 你好, meaning hello, is common.", "The word 你好, meaning hello, is common."),
        ("Xi Jinping (习近平) said on Monday.", "Xi Jinping (习近平) said on Monday."),
        ("见[链接](https://x.com/a)中文", "见[链接](https://x.com/a)中文"),
        ("在 X(原推特)上", "在 X（原推特）上"),
    ],
)
def test_examples(text: str, expected: str) -> None:
    assert polish_cjk(text) == expected
    assert polish_cjk(expected) == expected


def test_japanese_and_korean_untouched() -> None:
    ja = "日本語のテキストです,はい。2024年に発表(予定)"
    assert polish_cjk(ja) == ja
    kanji_only = "3/9(木) 18:45配信"
    assert polish_cjk(kanji_only, language="ja") == kanji_only
    assert polish_cjk(kanji_only) == "3/9（木）18:45 配信"  # alone it reads as Chinese
    ko = "쾌감 얻는 31세女, 변태?"
    assert polish_cjk(ko) == ko
    assert polish_cjk(ko, language="ko") == ko


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("中文", "GPU", True),
        ("GPU", "中文", True),
        ("2024", "年", True),
        ("增长", "35%", True),
        ("35%", "的", True),
        ("中文", "，", False),
        ("，", "GPU", False),
        ("GPU", " ", False),
        ("English", "words", False),
        ("日本", "", False),
        ("です", "GPU", False),
    ],
)
def test_needs_space(left: str, right: str, expected: bool) -> None:
    assert needs_space(left, right) is expected


def _chinese_mark_count(text: str) -> int:
    """Half-width marks with a Han neighbour (spaces skipped), outside numbers and URLs."""
    text = URL.sub(" ", EMAIL.sub(" ", NUMBER.sub("0", text)))
    count = 0
    for m in re.finditer(r"[,.:;?!()]", text):
        left = text[: m.start()].rstrip()[-1:]
        right = text[m.end() : m.end() + 1]
        if re.match(f"[{HAN}]", left) or re.match(f"[{HAN}]", right):
            count += 1
    return count


def test_seed_gains_full_width_punctuation() -> None:
    text = SEED.read_text(encoding="utf-8")
    before = _chinese_mark_count(text)
    polished = polish_cjk(text)
    assert before >= 80
    assert _chinese_mark_count(polished) <= 2  # `“AI,AI,AI’` style lists stay as written
    assert not BETWEEN_HAN.search(polished)
    assert "英伟达（Nvidia）一直" in polished
    assert "karen.langley@wsj.com" in polished
    assert polish_cjk(polished) == polished


_BLOCKS = frozenset(
    [
        "p",
        "div",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "td",
        "th",
        "tr",
        "br",
        "blockquote",
        "figcaption",
        "section",
        "article",
        "header",
        "footer",
        "ul",
        "ol",
        "table",
        "pre",
        "dt",
        "dd",
        "title",
    ]
)


class _Blocks(HTMLParser):
    """Visible text of an HTML page, one block element per entry (script/style skipped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._skip = 0

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "noscript"):
            self._skip += 1
        elif tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._current.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


@cache
def html_blocks(path: Path) -> tuple[str, ...]:
    """The text blocks of a corpus HTML file (UTF-8, else the page's own GBK/EUC-KR guess)."""
    raw = path.read_bytes()
    for encoding in ("utf-8", "gb18030", "euc-kr", "latin-1"):
        try:
            html = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    return tuple(parser.blocks)


def _html_text(path: Path) -> str:
    return "\n".join(html_blocks(path))


def _corpus_texts() -> list[tuple[str, str]]:
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in (CORPUS / "answers" / "zh").glob("*")]
    texts += [(p.name, _html_text(p)) for p in (CORPUS / "articles").glob("*.html")]
    texts += [(p.name, p.read_text(encoding="utf-8")) for p in (CORPUS / "articles").glob("*.txt")]
    texts += [
        (p.name, p.read_text(encoding="utf-8")) for p in (CORPUS / "answers" / "en").glob("*")
    ]
    return sorted(texts)


needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")


@needs_corpus
def test_corpus_properties() -> None:
    checked = 0
    for name, text in _corpus_texts():
        japanese = len(KANA.findall(text)) * 10 >= len(re.findall(f"[{HAN}]", text)) > 0
        polished = polish_cjk(text, language="ja" if japanese else None)
        assert polish_cjk(polished) == polished, name
        if japanese or not re.search(f"[{HAN}]", text):
            assert polished == text, name
            continue
        checked += 1
        for line in polished.split("\n"):
            if not (KANA.search(line) or re.search("[\uac00-\ud7af]", line)):
                assert not BETWEEN_HAN.search(line), (name, line)
        for pattern in (URL, EMAIL, NUMBER, ENGLISH_PHRASE):
            for token in pattern.findall(text):
                assert token in polished, (name, token)

        # Only marks change and spaces appear next to Han; every other character stays.
        def core(s: str) -> str:
            return re.sub(r"\s", "", s.translate(str.maketrans("，。：；？！（）", ",.:;?!()")))

        assert core(polished) == core(text), name
    assert checked >= 25


_ALPHABET = st.sampled_from(
    list("中文字英伟达说")
    + list("abcXYZ019")
    + list(",.:;?!() \"'“”‘’%@/")
    + ["http://a.b/c", "\n"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_idempotent_and_lossless(text: str) -> None:
    polished = polish_cjk(text)
    assert polish_cjk(polished) == polished
    assert polished.replace(" ", "").translate(
        str.maketrans("，。：；？！（）", ",.:;?!()")
    ) == text.replace(" ", "")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x2FF)))
def test_text_without_han_is_unchanged(text: str) -> None:
    assert polish_cjk(text) == text


_BACK = str.maketrans("，。：；？！（）", ",.:;?!()")


def test_polish_spans_examples() -> None:
    assert polish_spans(["英伟达", "(Nvidia)", "一直处于前沿,市场"]) == [
        "英伟达",
        "（Nvidia）",
        "一直处于前沿，市场",
    ]
    assert polish_spans(["什么是 ", "DeepSeek", "?"]) == ["什么是 ", "DeepSeek", "？"]
    assert polish_spans(["中文", "GPU", "很快,对吧?"]) == ["中文", "GPU", "很快，对吧？"]
    assert polish_spans(["说 ", ",", " 好"]) == ["说", "，", "好"]
    assert polish_spans(["English, only."]) == ["English, only."]
    assert polish_spans([]) == []
    assert needs_space("中文", "GPU") and not needs_space("中文", "GPU", language="ja")


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_polish_spans_match_polish_cjk(data: st.DataObject) -> None:
    """Any split of a seed line into spans polishes like the whole line; each span keeps its
    own characters (marks converted, blanks dropped or added inside it)."""
    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line]
    line = data.draw(st.sampled_from(lines))
    cuts = sorted(data.draw(st.sets(st.integers(0, len(line)), max_size=6)))
    parts = [line[a:b] for a, b in zip([0, *cuts], [*cuts, len(line)], strict=True)]
    out = polish_spans(parts)
    assert len(out) == len(parts)
    assert "".join(out).replace(" ", "") == polish_cjk(line).replace(" ", "")
    for before, after in zip(parts, out, strict=True):
        assert after.translate(_BACK).replace(" ", "") == before.translate(_BACK).replace(" ", "")
    assert polish_spans(out) == out


def test_a_long_latin_stretch_in_a_chinese_line_polishes_like_a_short_one() -> None:
    # the English phrase decision is remembered per run, so this is linear; same output
    short = polish_cjk("中" + "Abc Def, " * 3)
    long = polish_cjk("中" + "Abc Def, " * 2000)
    assert long.startswith(short.rstrip()[: len(short) - 2])
    assert long.count("，") == short.count("，")
