"""Editorial rules on small inputs of our own: links, embeds, empty and cut items, headlines."""

from __future__ import annotations

import pytest

from bot import format_html
from bot.content.headline import is_fake_headline, trim_site
from bot.content.pipeline import EmptyItem, build_article
from bot.ingest.parse import parse_feed
from bot.models import Enclosure, FeedItem
from bot.render.post import RenderOptions, render_post

FEED = "https://feeds.example/rss.xml"


def _rss(items: str, channel_base: str = "") -> bytes:
    base = f' xml:base="{channel_base}"' if channel_base else ""
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel{base}><title>T</title>'
        f"<link>https://site.example/</link>{items}</channel></rss>"
    ).encode()


def _links(messages: list[dict[str, object]]) -> list[str]:
    return [
        str(e["url"])
        for m in messages
        for e in m["entities"]  # type: ignore[attr-defined]
        if e["type"] == "text_link"
    ]


def test_relative_urls_resolve_against_the_items_own_link() -> None:
    item = (
        "<item><title>A</title><link>https://news.example/2025/03/story.html</link>"
        '<description>&lt;p&gt;See &lt;a href="chart.html"&gt;the chart&lt;/a&gt;.&lt;/p&gt;'
        "</description></item>"
    )
    (parsed,) = parse_feed(_rss(item), FEED).items
    assert 'href="https://news.example/2025/03/chart.html"' in (parsed.summary_html or "")


def test_without_an_item_link_xml_base_then_the_feed_url() -> None:
    atom = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
        b"<title>F</title><entry><title>E</title><id>tag:x,2025:1</id>"
        b'<content type="html" xml:base="https://base.example/dir/">'
        b'&lt;p&gt;&lt;a href="page.html"&gt;p&lt;/a&gt;&lt;/p&gt;</content></entry>'
        b"<entry><title>F</title><id>tag:x,2025:2</id>"
        b'<content type="html">&lt;p&gt;&lt;a href="other.html"&gt;o&lt;/a&gt;&lt;/p&gt;'
        b"</content></entry></feed>"
    )
    first, second = parse_feed(atom, FEED).items
    assert 'href="https://base.example/dir/page.html"' in (first.content_html or "")
    assert 'href="https://feeds.example/other.html"' in (second.content_html or "")


def test_only_web_and_mail_links_become_entities_and_trackers_go() -> None:
    html = (
        '<p><a href="javascript:alert(1)">js</a> <a href="tag:x,2025:1">tag</a> '
        '<a href="ftp://x.example/f">ftp</a> <a href="https://ok.example/a">ok</a> '
        '<a href="https://feeds.feedburner.com/~r/site/~3/abc/">tracked</a> '
        '<a href="https://twitter.com/intent/tweet?url=x">share</a> and more words here.</p>'
        '<p><img src="https://pixel.example/1x1.gif" width="1" height="1">Body text.</p>'
    )
    messages = format_html(html, title="Links", url="https://site.example/a", source="S")
    urls = _links(messages)
    assert "https://ok.example/a" in urls
    assert all(u.startswith(("https://", "http://")) for u in urls)
    assert not any("feedburner" in u or "twitter.com/intent" in u for u in urls)
    assert all("photo" not in m for m in messages)  # the 1×1 pixel is no photo
    text = "".join(str(m["text"]) for m in messages)
    assert "js tag ftp ok tracked share" in text  # the words stay


def test_embeds_and_media_become_labelled_link_lines() -> None:
    html = (
        "<p>Intro.</p>"
        '<iframe src="https://www.youtube.com/embed/abc123"></iframe>'
        '<video src="https://cdn.example/clip.mp4"></video>'
        '<audio src="https://cdn.example/show.mp3"></audio>'
    )
    text = "".join(str(m["text"]) for m in format_html(html, title="T", url="", source="S"))
    assert "▶ Video: YouTube" in text and "🎧 Audio: cdn.example" in text
    zh = "<p>这是一段足够长的中文正文，用来确定文章的语言是中文。</p>" + html[13:]
    shown = "".join(str(m["text"]) for m in format_html(zh, title="标题", url="", source="源"))
    assert "▶ 视频：YouTube" in shown and "阅读原文" not in shown  # no URL: no link label
    podcast = FeedItem(
        guid="p",
        url="https://pod.example/1",
        title="Episode 1",
        content_html="<p>Show notes.</p>",
        enclosures=[Enclosure("https://pod.example/1.mp3", "audio/mpeg", 1000)],
    )
    posted = render_post(build_article(podcast))
    assert any(e.url == "https://pod.example/1.mp3" for m in posted for e in m.entities)


def test_iframes_survive_the_feed_parser() -> None:
    item = (
        "<item><title>V</title><link>https://v.example/1</link><description>"
        '&lt;p&gt;Watch:&lt;/p&gt;&lt;iframe src="https://player.vimeo.com/video/42"&gt;'
        "&lt;/iframe&gt;&lt;script&gt;bad()&lt;/script&gt;</description></item>"
    )
    (parsed,) = parse_feed(_rss(item), FEED).items
    assert "<script" not in (parsed.summary_html or "")
    posted = render_post(build_article(parsed))
    assert "▶ Video: Vimeo" in posted[0].text


def test_empty_items_are_never_posted() -> None:
    with pytest.raises(EmptyItem):
        build_article(FeedItem(guid="tag:x,2025:1", url="tag:x,2025:1", title=None))
    with pytest.raises(EmptyItem):
        build_article(FeedItem(guid="1", url=None, title="  ", content_html="<p> </p><br>"))
    assert format_html("", title="", url="", source="S") == []


def test_a_cut_teaser_ends_with_an_ellipsis_and_a_read_more_link() -> None:
    for tail in ("...", "[…]", "… Read more", " [...]"):
        item = FeedItem(
            guid="t",
            url="https://t.example/1",
            title="Teaser",
            content_html=f"<p>The first lines of a longer story{tail}</p>",
        )
        (m,) = render_post(build_article(item))
        assert "The first lines of a longer story…" in m.text, tail
        assert "Continue reading →" in m.text
        assert any(e.url == "https://t.example/1" and e.type == "text_link" for e in m.entities)


@pytest.mark.parametrize(
    "fake",
    ["Photo", "12-IMG_3886.jpg", "Posted by Jane Doe", "By Jane Doe", "2019-06-14 18:07",
     "https://example.com/a", "[图片]", "function(){var a=1;}", "来源：新华网", "原文"],
)  # fmt: skip
def test_fake_headlines_are_recognised(fake: str) -> None:
    from bot.content.headline import clean_title

    assert not clean_title(fake) or is_fake_headline(clean_title(fake))


def test_headline_rules() -> None:
    assert trim_site("女儿出嫁，郑板桥画了几笔兰花当嫁妆--文化--人民网", None).startswith(
        "女儿出嫁"
    )
    assert trim_site("武汉的声音：有英勇的你，才有英雄的城！-新华网", None) == (
        "武汉的声音：有英勇的你，才有英雄的城！"
    )
    assert trim_site("COVID-19 vaccines explained", None) == "COVID-19 vaccines explained"
    # no title given: never the first paragraph
    item = FeedItem(guid="1", url=None, title=None, content_html="<p>Just a first line.</p>")
    article = build_article(item)
    assert article.title == "" and "Just a first line." in article.content_markdown
    # a title that only repeats the opening of the body is dropped, the body kept whole
    body = "<p>Markets fell sharply on Monday as investors weighed the new tariffs.</p>"
    item = FeedItem(guid="2", url=None, title="Markets fell sharply on Monday…", content_html=body)
    article = build_article(item)
    assert article.title == "" and "Markets fell sharply" in article.content_markdown
    # placeholders go from the title
    item = FeedItem(guid="3", url=None, title="[图片] 央行宣布降准", content_html="<p>正文。</p>")
    assert build_article(item).title == "央行宣布降准"


def test_photo_caption_never_says_only_original_article() -> None:
    long_body = "".join(
        f"<p>Paragraph {i} of a long article without a title.</p>" for i in range(80)
    )
    item = FeedItem(guid="1", url="https://e.example/1", title=None, content_html=long_body,
                    lead_image="https://e.example/photo.jpg")  # fmt: skip
    messages = render_post(build_article(item))
    assert messages[0].photo == "https://e.example/photo.jpg"
    assert messages[0].text.startswith("Paragraph 0")
    assert messages[0].text.strip() != "Original article"


def test_typography_is_on_by_default_and_off_per_route() -> None:
    item = FeedItem(
        guid="1", url=None, title="测试", content_html="<p>市场普遍相信,这是真的(对吗)?</p>"
    )
    article = build_article(item)
    assert "市场普遍相信，这是真的（对吗）？" in render_post(article)[0].text
    off = render_post(article, RenderOptions(typography=False))[0].text
    assert "市场普遍相信,这是真的(对吗)?" in off


def test_traditional_chinese_gets_a_traditional_footer() -> None:
    body = "<p>這是一篇繁體中文的文章，討論臺灣的經濟發展與產業轉型，內容相當豐富。</p>"
    item = FeedItem(guid="1", url="https://tw.example/1", title="經濟發展", content_html=body)
    article = build_article(item, feed_language="en")  # the feed's declaration is wrong
    assert article.language == "zh-Hant"
    text = render_post(article)[0].text
    assert "閱讀原文" in text and "回覆" in text and "阅读原文" not in text
