"""Feed categories reach the article, so route filters on `category:` can match them."""

from __future__ import annotations

import json

from bot.content.pipeline import build_article
from bot.ingest.parse import parse_feed
from bot.routing import filters

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>Budget vote</title><link>https://n.example/1</link>
<category>Politics</category><category domain="x">Economy</category><category>Politics</category>
<description>The vote passed.</description></item></channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>T</title><id>urn:t</id><updated>2025-01-01T00:00:00Z</updated>
<entry><title>Bridge opens</title><id>urn:1</id><updated>2025-01-01T00:00:00Z</updated>
<link href="https://n.example/2"/><category term="infra" label="基础设施"/><category term="local"/>
<content type="html">&lt;p&gt;大桥通车。&lt;/p&gt;</content></entry></feed>""".encode()


def test_rss_atom_and_json_categories_are_kept_once_in_order() -> None:
    rss = parse_feed(RSS, "https://n.example/rss").items[0]
    assert rss.categories == ["Politics", "Economy"]
    atom = parse_feed(ATOM, "https://n.example/atom").items[0]
    assert atom.categories == ["基础设施", "local"]
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "T",
        "items": [{"id": "1", "content_text": "x", "tags": ["AI", "AI", 3, "chips"]}],
    }
    item = parse_feed(json.dumps(doc).encode(), "https://n.example/feed.json").items[0]
    assert item.categories == ["AI", "chips"]


def test_a_category_rule_filters_on_the_feeds_categories() -> None:
    article = build_article(parse_feed(RSS, "https://n.example/rss").items[0], source="N")
    assert article.extra["categories"] == ["Politics", "Economy"]
    assert filters.build(include=["category:economy"]).verdict(article).posted
    assert not filters.build(exclude=["category:politics"]).verdict(article).posted
    assert not filters.build(include=["category:sport"]).verdict(article).posted
