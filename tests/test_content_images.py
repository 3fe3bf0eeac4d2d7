"""Junk images (trackers, icons, logos, avatars, spacers) against real content images."""

from __future__ import annotations

import gzip
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot.content.images import is_junk_image
from bot.ingest.parse import parse_feed

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")


@pytest.mark.parametrize(
    ("src", "attrs"),
    [
        ("http://feeds.feedburner.com/~r/example/blog/~4/orRnfLWBRNc", {}),
        ("http://feeds.feedburner.com/~ff/example/blog?d=yIl2AUoC8zA", {}),
        ("https://media.example.org/include/images/tracking/rss-pixel.png?story=1", {}),
        ("https://bbc.112.2o7.net/b/ss/bbcworldservice/1/H.22.1--NS/0", {}),
        ("https://www.google-analytics.com/__utm.gif?utmwv=1", {}),
        ("https://stats.wordpress.com/b.gif?v=noscript", {}),
        ("https://pixel.wp.com/g.gif?blog=1", {}),
        ("https://ad.doubleclick.net/ddm/trackimp/N123;ord=1", {}),
        ("https://hm.baidu.com/hm.gif?si=abc", {}),
        ("http://counter.example.cn:8000/c.gif?id=31153719", {"width": "0", "height": "0"}),
        ("https://example.com/img/photo.jpg", {"width": "1", "height": "1"}),
        ("https://example.com/img/photo.jpg", {"width": "7", "height": "7"}),
        ("https://example.com/img/photo.jpg", {"width": "60px"}),
        ("https://example.com/uploads/banner.jpg?utm_source=rss&utm_medium=feed", {}),
        ("https://example.com/favicon.ico", {}),
        ("https://example.com/static/apple-touch-icon.png", {}),
        ("https://example.com/images/icons/share.png", {}),
        ("https://example.com/img/navi_icon_twitter_big.png", {}),
        ("https://example.com/images/icon01.gif", {}),
        ("https://example.com/static/img/logo.271e845.png", {}),
        ("https://example.com/img/site-logo.svg", {}),
        ("https://example.com/img/chart.svg", {}),
        ("https://secure.gravatar.com/avatar/bd81725a781b?s=60&d=mm", {}),
        ("https://example.com/_img/avatars/jane-doe.jpg", {}),
        ("https://cdn.example.com/fit/c/64/64/0*XIIviYv1.jpeg", {"classes": "avatar-image"}),
        ("https://example.com/images/spacer.gif", {}),
        ("https://example.com/images/clear.gif", {}),
        ("https://example.com/img/1px.gif", {}),
        ("https://example.com/img/next_page.jpg", {}),
        ("https://example.com/img/btn_close.gif", {}),
        ("https://example.com/feed-icon-14x14.png", {}),
        ("https://example.com/images/60x60/author.jpg", {}),
        ("https://example.com/static/code_wx.jpg", {}),
        ("https://example.com/wp-content/themes/news/img/fb.png", {}),
        ("https://example.com/skins/default/filetype/jpg.gif", {}),
        ("https://example.com/a.jpg", {"alt": "qq_logo"}),
        ("https://example.com/a.jpg", {"alt": "扫码关注二维码"}),
        ("https://example.com/a.jpg", {"classes": "wp-smiley"}),
        ("data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", {}),
        ("data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg'/>", {}),
        ("", {}),
        ('{"default":{"src":"//img.example.com/a.jpg"}}', {}),
    ],
)
def test_junk(src: str, attrs: dict[str, str]) -> None:
    assert is_junk_image(src, **attrs) is True


@pytest.mark.parametrize(
    ("src", "attrs"),
    [
        ("https://cdn.arstechnica.net/wp-content/uploads/2015/04/server-crash-640x426.jpg", {}),
        ("https://i.guim.co.uk/img/media/05cb692c/0_0_4800_3200/master/4800.jpg?width=300", {}),
        ("https://o.aolcdn.com/images/dims?crop=1600%2C1067%2C0%2C0&quality=85&format=jpg", {}),
        (
            "https://duet-cdn.vox-cdn.com/thumbor/0x0:2400x1350/2400x1350/filters:focal(1200x675:1201x676)",
            {},
        ),
        (
            "https://p3-juejin.byteimg.com/tos-cn-i-k3u1fbpfcp/0579d~tplv-k3u1fbpfcp-watermark.jpg",
            {},
        ),
        ("https://cnet1.cbsistatic.com/img/nAMdBzIE=/570x0/2014/03/21/863df5d9.jpg", {}),
        ("https://example.com/img/photo-16x9.jpg", {}),
        ("https://example.com/uploads/2019/05/image.png", {}),
        ("https://example.com/news/silicon-valley-lexicon.jpg", {}),
        ("//inews.gtimg.com/newsapp_bt/0/10211616160/1000", {"classes": "content-picture"}),
        ("/NMediaFile/2019/0614/MAIN201906141807000399797949197.jpg", {"width": "600"}),
        ("https://example.com/a.jpg", {"width": "100%", "height": "auto"}),
        ("https://example.com/a.jpg", {"alt": "The authors of the logo study at their lab"}),
        ("https://pics5.baidu.com/feed/f9198618367a.jpeg?token=1f7ad07f", {}),
        ("data:image/jpeg;base64," + "A" * 20000, {}),
    ],
)
def test_content(src: str, attrs: dict[str, str]) -> None:
    assert is_junk_image(src, **attrs) is False


class _Images(HTMLParser):
    """Every <img> of a page, with whether it sits inside a <figure>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.figure = 0
        self.images: list[tuple[dict[str, str], bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "figure":
            self.figure += 1
        elif tag == "img":
            values = {k: v or "" for k, v in attrs}
            self.images.append((values, self.figure > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self.figure = max(0, self.figure - 1)


def _page_images(path: Path) -> list[tuple[dict[str, str], bool]]:
    raw = path.read_bytes()
    for encoding in ("utf-8", "gb18030", "euc-kr", "latin-1"):
        try:
            html = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    parser = _Images()
    parser.feed(html)
    return parser.images


def _junk(attrs: dict[str, str]) -> bool:
    return is_junk_image(
        attrs.get("data-src") or attrs.get("src", ""),
        width=attrs.get("width"),
        height=attrs.get("height"),
        alt=attrs.get("alt", ""),
        classes=attrs.get("class", ""),
    )


def _declared_small(attrs: dict[str, str]) -> bool:
    sides = [attrs.get("width", "").removesuffix("px"), attrs.get("height", "").removesuffix("px")]
    return any(s.isdigit() and 0 < int(s) < 100 for s in sides)


@needs_corpus
def test_figure_images_of_extracted_articles_are_content() -> None:
    """Images inside <figure> of the readability extractions are the articles' photos: all kept
    unless the page itself declares them under 100 px (a video thumbnail)."""
    count = 0
    for path in sorted((CORPUS / "articles").glob("readability_*.html")):
        if path.name.endswith(".source.html"):
            continue
        for attrs, in_figure in _page_images(path):
            if in_figure:
                count += 1
                assert _junk(attrs) == _declared_small(attrs), (path.name, attrs)
    assert count >= 100


@needs_corpus
def test_corpus_page_furniture_is_rejected() -> None:
    """Over every <img> of every corpus page: the furniture we can name for sure is rejected,
    and a good share of all images (the photos) is kept."""
    kept = rejected = 0
    for path in sorted((CORPUS / "articles").glob("*.html")):
        for attrs, _ in _page_images(path):
            src = attrs.get("src", "")
            junk = _junk(attrs)
            kept += not junk
            rejected += junk
            declared = {attrs.get("width"), attrs.get("height")}
            if declared <= {"0", "1"} and declared & {"0", "1"}:
                assert junk, (path.name, src)  # tracking pixels
            if "gravatar.com" in src or "/avatars/" in src or "/icons/" in src:
                assert junk, (path.name, src)
            if src.startswith("data:image/gif") and not attrs.get("data-src"):
                assert junk, (path.name, src[:60])
    assert kept >= 300 and rejected >= 250


@needs_corpus
def test_corpus_feed_images() -> None:
    """FeedBurner and NPR tracking pixels in real feeds are junk; media thumbnails are not."""
    junk_sources: list[str] = []
    kept_sources: list[str] = []
    for path in sorted((CORPUS / "feeds").iterdir()):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        try:
            feed = parse_feed(data, "https://example.com/feed")
        except Exception:
            continue
        for item in feed.items:
            sources = [item.lead_image] if item.lead_image else []
            parser = _Images()
            parser.feed((item.content_html or "") + (item.summary_html or ""))
            for attrs, _ in parser.images:
                (junk_sources if _junk(attrs) else kept_sources).append(attrs.get("src", ""))
            for src in sources:
                (junk_sources if is_junk_image(src) else kept_sources).append(src)
    assert all("feedburner.com/~" not in s and "pixel" not in s for s in kept_sources)
    assert sum("feedburner.com/~" in s for s in junk_sources) >= 50
    assert sum("npr-rss-pixel" in s for s in junk_sources) >= 20
    assert sum("bbci.co.uk" in s for s in kept_sources) >= 20
    assert sum("ytimg.com" in s for s in kept_sources) == 1
