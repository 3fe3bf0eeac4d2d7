"""Rule 4's audio label: podcast durations parsed at ingest, shown as `🎧 Audio (32 min)`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.content.pipeline import build_article
from bot.deliver.rendering import render_for_route
from bot.ingest.parse import parse_duration, parse_feed
from bot.models import FeedItem
from storage import articles
from storage.db import Database

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
NIGHTVALE = CORPUS / "feeds" / "feedrs_rss20_nightvale_podcast.xml"
ZH_BODY = "<p>本期节目我们讨论了人工智能在金融市场的应用，以及投资者应该如何看待这一轮热潮。</p>"


def _post(item: FeedItem, language: str | None = None) -> str:
    article = build_article(item, source="Show", feed_language=language)
    return "\n".join(m.text for m in render_for_route(article, {}))


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [
        ("1613", 1613),
        ("26:53", 1613),
        ("01:02:03", 3723),
        (" 0:32:00 ", 1920),
        ("45.6", 46),
        ("2:05.4", 125),
        ("", None),
        ("0", None),
        ("00:00", None),
        ("-5", None),
        ("abc", None),
        ("1:75", None),
        ("1:2:3:4", None),
        ("32 min", None),
        ("99999999", None),
        (None, None),
    ],
)
def test_parse_duration(raw: object, seconds: int | None) -> None:
    assert parse_duration(raw) == seconds


def test_nightvale_episode_gets_its_length() -> None:
    parsed = parse_feed(NIGHTVALE.read_bytes(), "https://feeds.nightvalepresents.com/")
    [item] = parsed.items
    [enclosure] = item.enclosures
    assert enclosure.mime_type == "audio/mpeg" and enclosure.duration == 26 * 60 + 53
    text = _post(item, parsed.language)
    assert "🎧 Audio (27 min): " in text


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
     xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Show</title>
<link>https://show.example/</link>
<item><title>Long one</title><link>https://show.example/1</link><guid>e1</guid>
<description>We talk about markets and machines for a long while.</description>
<itunes:duration>1:05:00</itunes:duration>
<enclosure url="https://cdn.example/cover.jpg" type="image/jpeg" length="10"/>
<enclosure url="https://cdn.example/1.mp3" type="audio/mpeg" length="100"/></item>
<item><title>Video one</title><link>https://show.example/2</link><guid>e2</guid>
<description>A short film about the harbour.</description>
<media:content url="https://cdn.example/2.mp4" type="video/mp4" duration="95"/>
<enclosure url="https://cdn.example/2.mp4" type="video/mp4" length="100"/></item>
<item><title>第三期</title><link>https://show.example/3</link><guid>e3</guid>
<description><![CDATA[ZH_BODY]]></description>
<itunes:duration>32:00</itunes:duration>
<enclosure url="https://cdn.example/3.mp3" type="audio/mpeg" length="100"/></item>
<item><title>No length</title><link>https://show.example/4</link><guid>e4</guid>
<description>An episode whose feed gives no duration.</description>
<itunes:duration>soon</itunes:duration>
<enclosure url="https://cdn.example/4.mp3" type="audio/mpeg" length="100"/></item>
</channel></rss>""".replace("ZH_BODY", ZH_BODY)


def test_rss_durations_and_labels_in_the_article_language() -> None:
    long, video, chinese, unknown = parse_feed(RSS.encode(), "https://show.example/feed").items
    assert [e.duration for e in long.enclosures] == [None, 3900]
    assert [e.duration for e in video.enclosures] == [95]
    assert "🎧 Audio (65 min): " in _post(long, "en")
    assert "▶ Video (2 min): " in _post(video, "en")
    assert "🎧 音频（32 分钟）：" in _post(chinese, "en")  # the text's language, not the feed's
    assert unknown.enclosures[0].duration is None
    text = _post(unknown, "en")
    assert "🎧 Audio: " in text and "min)" not in text


DURATIONS: list[dict[str, object]] = [
    {"duration_in_seconds": 1920},
    {"duration_in_seconds": 59.7},
    {"duration_in_seconds": "1920"},
    {"duration_in_seconds": True},
    {"duration_in_seconds": -3},
    {},
]


def test_json_feed_duration_in_seconds() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Show",
        "items": [
            {
                "id": str(n),
                "title": f"Episode {n}",
                "content_text": "An episode of the show about things.",
                "attachments": [
                    {"url": f"https://cdn.example/{n}.mp3", "mime_type": "audio/mpeg", **extra}
                ],
            }
            for n, extra in enumerate(DURATIONS)
        ],
    }
    items = parse_feed(json.dumps(doc).encode(), "https://show.example/feed.json").items
    assert [i.enclosures[0].duration for i in items] == [1920, 60, None, None, None, None]
    assert "🎧 Audio (32 min): " in _post(items[0])
    assert "🎧 Audio (1 min): " in _post(items[1])


async def test_duration_survives_storage(db: Database) -> None:
    [item] = parse_feed(NIGHTVALE.read_bytes(), "https://feeds.nightvalepresents.com/").items
    article = build_article(item, source="Night Vale")
    article.feed_id = None
    async with db.begin() as conn:
        article_id = await articles.insert_article_once(
            conn, article, None, now=datetime(2025, 1, 1, tzinfo=UTC)
        )
        assert article_id is not None
        stored = await articles.get_article(conn, article_id)
    assert stored is not None and stored.enclosures[0].duration == 1613
    text = "\n".join(m.text for m in render_for_route(stored, {}))
    assert "🎧 Audio (27 min): " in text
