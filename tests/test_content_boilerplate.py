"""Boilerplate blocks: flagged by signals (short, anchored, at an edge, link-dense, repeated)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot.content.boilerplate import (
    boilerplate_reason,
    is_credit,
    is_image_filename,
    repeated_rows,
)

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("SIGN UP FOR OUR NEWSLETTER", "subscribe"),
        ("Sign up for the Morning Briefing newsletter to get the day's news.", "subscribe"),
        ("Subscribe now to access the Herald Sun.", "subscribe"),
        ("Follow us on Twitter", "subscribe"),
        ("欢迎关注我们的微信公众号", "subscribe"),
        ("分享到：", "share"),
        ("转播到腾讯微博", "share"),
        ("Share this story", "share"),
        ("Share on Facebook", "share"),
        ("Facebook Twitter LinkedIn Email", "share"),
        ("微信 微博 QQ空间", "share"),
        ("[责任编辑:张三]", "editor"),
        ("责任编辑：杨倩_NF4425", "editor"),
        ("(责编：汤诗瑶、丁涛)", "editor"),
        ("(Reporting by Jane Doe; Editing by John Smith)", "editor"),
        ("Copyright © 1998 - 2019 Tencent. All Rights Reserved", "copyright"),
        ("© 2024 Example Media LLC", "copyright"),
        ("腾讯公司 版权所有", "copyright"),
        ("未经授权不得转载，违者必究。", "copyright"),
        ("免责声明：本文来自自媒体，不代表本网的观点和立场。", "copyright"),
        ("Continue reading the main story", "continue-reading"),
        ("Read more", "continue-reading"),
        ("阅读全文", "continue-reading"),
        ("Related: How the deal came together", "related"),
        ("Related Stories", "related"),
        ("相关阅读", "related"),
        ("推荐阅读：一文读懂降准", "related"),
        ("You may also like", "related"),
        (
            "Why I left was originally published in The Startup on Medium, where people are "
            "continuing the conversation by highlighting and responding to this story.",
            "originally-published",
        ),
        ("This article originally appeared on The Atlantic.", "originally-published"),
        ("本文首发于微信公众号某某", "originally-published"),
        ("Powered by WordPress", "powered-by"),
        ("Spotted a typo? Report it to us.", "report-typo"),
        ("【纠错】", "report-typo"),
        ("首页 > 新闻 > 国内", "breadcrumb"),
        ("Home » News » World", "breadcrumb"),
        ("Home / Politics / Congress", "breadcrumb"),
        ("您的位置：首页 > 财经", "breadcrumb"),
        ("Leave a comment", "comments"),
        ("发表评论", "comments"),
        ("Advertisement", "advertisement"),
        ("12-IMG_3886.jpg", "image-file-name"),
        ("🖼 IMG_0042.JPG", "image-file-name"),
        ("The post Why X matters appeared first on Example Blog.", "originally-published"),
        ("本文来自微信公众号：虎嗅APP（ID：huxiu_com），作者：张三", "originally-published"),
        ("（原标题：央行宣布降准）", "original-title"),
        ("Advertisement - Continue Reading Below", "advertisement"),
        ("Story continues below advertisement", "advertisement"),
        ("Listen to this article", "widget"),
        ("【字体：大 中 小】", "widget"),
        ("Media playback is unsupported on your device", "widget"),
        ("1 / 5", "widget"),
        ("[图片]", "placeholder"),
        ("Photo", "placeholder"),
        ("【視頻】", "placeholder"),
        ("Follow @jane on Twitter", "subscribe"),
        ("責任編輯：陳七", "editor"),  # Traditional Chinese reads the same
        ("相關報導", "related"),
        ("版權所有，轉載請註明出處", "copyright"),
        ("【糾錯】", "report-typo"),
    ],
)
def test_boilerplate(text: str, reason: str) -> None:
    assert boilerplate_reason(text) == reason


@pytest.mark.parametrize(
    "text",
    [
        "Share prices fell 3% on Monday after the company cut its forecast.",
        "Subscribers to the service will pay more from next month, the company said.",
        "她把照片分享到朋友圈后，很快收到了上百条评论，其中不少来自多年未联系的老同学。",
        "订阅用户数量在过去一年里增长了三倍，公司因此上调了全年收入预期。",
        "The study was first published in Nature in 2019 and has been cited widely since.",
        "Copyright law has not kept up with generative models, the lawyers argue.",
        "Recommended daily intake of vitamin D varies by age.",
        "Related research in mice found the same effect.",
        "He said he would read more about the case before deciding.",
        "编辑部的同事们在会上讨论了这一问题。",
        "图片来源：视觉中国",
        "Photo: Getty Images",
        "Photo by Joan Bardeletti",
        "Devindra Hardawar/AOL",
        "© Provided by Business Insider Inc",
        "∇ × B → − 1 c ∂ E → ∂ t = 4 π c j",
        "x > 3 and y > 4 imply x + y > 7.",
        "A 3/5 majority voted for the plan.",
        "Follow the money, he said.",
        "The post office closed early on Friday, the union said.",
        "",
    ],
)
def test_content_is_not_boilerplate(text: str) -> None:
    assert boilerplate_reason(text) is None
    assert boilerplate_reason(text, at_edge=True) is None


def test_position_and_link_density() -> None:
    assert boilerplate_reason("编辑：王五") is None
    assert boilerplate_reason("编辑：王五", at_edge=True) == "editor"
    assert boilerplate_reason("More about Tunisia", link_chars=18) is None
    assert boilerplate_reason("More about Tunisia", link_chars=18, at_edge=True) == "link-dense"
    linked_sentence = "Read our review of the new phone, published last week."
    assert boilerplate_reason(linked_sentence, link_chars=40, at_edge=True) is None
    assert boilerplate_reason("Politics World Business", link_chars=4, at_edge=True) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12-IMG_3886.jpg", True),
        ("🖼 IMG_3886.jpg", True),
        ("DSC01234.JPG", True),
        ("[图片] 20190312_xyz.png", True),
        ("photos/2019/cat.webp", True),
        ("IMG 3886.jpeg", True),
        ("The file is called IMG_3886.jpg and shows the harbour.", False),
        ("Download report.pdf", False),
        ("jpg", False),
        ("", False),
    ],
)
def test_is_image_filename(text: str, expected: bool) -> None:
    assert is_image_filename(text) is expected


def test_repeated_rows() -> None:
    rows = ["Most Popular", "First story", "Most Popular", "Second story", "Most Popular", "x"]
    assert repeated_rows(rows) == {0, 2, 4}
    assert repeated_rows(["Photo", "a", "Photo", "b", "photo "]) == {0, 2, 4}
    assert repeated_rows(["Photo by Jane Doe"] * 3 + [")"] * 3) == set()  # credits, no letters
    assert repeated_rows(["Same line", "Same line"]) == set()
    long_line = "A long paragraph that repeats. " * 5
    assert repeated_rows([long_line] * 3) == set()
    assert repeated_rows([]) == set()


def test_is_credit() -> None:
    assert is_credit("图片来源：新华社") and is_credit("Image: Reuters") and is_credit("© AFP")
    assert is_credit("圖片來源：中央社")
    assert not is_credit("Photo") and not is_credit("© 2024 Example Media")


_BLOCKS = frozenset(
    {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "blockquote",
     "figcaption", "section", "article", "header", "footer", "ul", "ol", "dt", "dd", "title",
     "nav", "aside", "figure"}
)  # fmt: skip


class _Page(HTMLParser):
    """Text blocks with their link characters; code and table cells left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, int]] = []
        self._parts: list[tuple[str, bool]] = []
        self._skip = 0
        self._link = 0

    def _flush(self) -> None:
        text = " ".join("".join(p for p, _ in self._parts).split())
        linked = sum(len(" ".join(p.split())) for p, in_link in self._parts if in_link)
        if text:
            self.blocks.append((text, min(linked, len(text))))
        self._parts = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "noscript", "pre", "code", "table", "math", "svg"):
            self._flush()
            self._skip += 1
        elif tag == "a":
            self._link += 1
        elif tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "pre", "code", "table", "math", "svg"):
            self._skip = max(0, self._skip - 1)
        elif tag == "a":
            self._link = max(0, self._link - 1)
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._parts.append((data, self._link > 0))


def _page_blocks(path: Path) -> list[tuple[str, int]]:
    raw = path.read_bytes()
    for encoding in ("utf-8", "gb18030", "euc-kr", "latin-1"):
        try:
            html = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    page = _Page()
    page.feed(html)
    page.close()
    page._flush()
    return page.blocks


def _flag(blocks: list[tuple[str, int]]) -> list[tuple[int, str, str]]:
    repeated = repeated_rows([t for t, _ in blocks])
    flagged = []
    for i, (text, links) in enumerate(blocks):
        edge = i < 3 or i >= len(blocks) - 3
        reason = boilerplate_reason(text, link_chars=links, at_edge=edge)
        if reason or i in repeated:
            flagged.append((i, reason or "repeated", text))
    return flagged


def _weight(text: str) -> int:
    return len(text) + len(re.findall(r"[\u3400-\u9fff]", text))


@needs_corpus
def test_extracted_articles_keep_their_body() -> None:
    """Over every paragraph of the readability extractions: what is flagged is short (never a
    body paragraph), and the boilerplate those extractions still carry is found."""
    flagged: dict[str, list[str]] = {}
    paragraphs = 0
    for path in sorted((CORPUS / "articles").glob("readability_*.html")):
        if path.name.endswith(".source.html"):
            continue
        blocks = _page_blocks(path)
        paragraphs += len(blocks)
        for _, reason, text in _flag(blocks):
            assert _weight(text) <= 300, (path.name, reason, text)
            flagged.setdefault(path.name, []).append(text)
    assert paragraphs >= 1500
    assert sum(map(len, flagged.values())) <= paragraphs * 0.05
    assert flagged["readability_breitbart.html"] == ["SIGN UP FOR OUR NEWSLETTER"] * 2
    assert "Continue reading the main story" in flagged["readability_nytimes-2.html"]
    assert (
        "This article originally appeared on The Atlantic." in flagged["readability_citylab-1.html"]
    )
    assert "Post a comment" in flagged["readability_firefox-nightly-blog.html"]
    assert "Photo" in flagged["readability_nytimes-5.html"]  # a placeholder under every photo
    assert not any(is_credit(t) for texts in flagged.values() for t in texts)


_TRAILER = re.compile(
    r"^(?:\[|【|\(|（)?(?:责任编辑|编辑|免责声明|原标题)"
    r"|^Share this with|^Media playback is not supported"
)


@needs_corpus
def test_answer_texts_lose_only_their_trailers() -> None:
    """The answers texts are article bodies: only editor/disclaimer trailers, repost
    original-title lines and BBC's share and media-playback lines may be flagged."""
    flagged = 0
    for path in sorted((CORPUS / "answers").glob("*/*.txt")):
        if path.name.endswith(".summary.txt"):
            continue
        lines = [(line, 0) for line in path.read_text(encoding="utf-8").splitlines() if line]
        for _, reason, text in _flag(lines):
            assert _TRAILER.match(text), (path.name, reason, text)
            flagged += 1
        for line, _ in lines:
            if re.match(r"^(?:责任编辑|【编辑)", line):
                assert boilerplate_reason(line, at_edge=True) == "editor", line
    assert flagged >= 15


@needs_corpus
def test_source_pages_navigation_is_found() -> None:
    """Full source pages are mostly page furniture: their share, subscribe, copyright and
    related lines are flagged in Chinese, English and other languages."""
    reasons: dict[str, set[str]] = {}
    for path in sorted((CORPUS / "articles").glob("*.source.html")):
        for _, reason, text in _flag(_page_blocks(path)):
            reasons.setdefault(reason, set()).add(text)
            if re.search(r"all rights reserved|版权所有", text, re.IGNORECASE):
                assert reason == "copyright", text
    assert {"分享到：", "用微信扫描二维码", "Share this story", "SHARE THIS"} <= reasons["share"]
    assert {"相关新闻", "推荐阅读", "Related Stories"} <= reasons["related"]
    assert {"(责编：汤诗瑶、丁涛)", "责任编辑： 焦鹏"} <= reasons["editor"]
    assert {"人民网>>文化", "首页 / 其他 / 正文", "뉴스 > 경제 > 기업·CEO"} <= reasons["breadcrumb"]
    assert "【纠错】" in reasons["report-typo"]
    assert "Powered by" in reasons["powered-by"]
    assert len(reasons["copyright"]) >= 10
    assert len(reasons["link-dense"]) >= 30


@pytest.mark.parametrize(
    "line", ["このニュースをシェア", "この記事をシェア", "ツイートする", "はてなブックマークに追加"]
)
def test_japanese_share_lines_are_boilerplate(line: str) -> None:
    assert boilerplate_reason(line, at_edge=True) == "share"


def test_japanese_sentences_about_sharing_are_content() -> None:
    text = "政府は、この記事をシェアした人数を公表していないが、専門家は拡散の速さを指摘した。"
    assert boilerplate_reason(text, at_edge=True) is None


@pytest.mark.parametrize("line", ["+1", "＋12", "👍 3", "图集", "組圖", "Photo gallery"])
def test_widget_leftovers_at_the_edge_are_boilerplate(line: str) -> None:
    assert boilerplate_reason(line, at_edge=True) is not None
    assert boilerplate_reason(line, at_edge=False) is None  # mid-article: keep


def test_a_score_or_a_number_alone_is_kept() -> None:
    assert boilerplate_reason("87", at_edge=True) is None
