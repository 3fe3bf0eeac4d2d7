"""Chinese typography off per route: `feeds add --no-typography` and `/addfeed … typography=off`."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.admin import AdminError, parse_addfeed
from bot.cli import main
from bot.content.pipeline import build_article
from bot.deliver.rendering import options_for_route, render_for_route
from bot.models import FeedItem
from storage import routes
from storage.db import create_database
from tests.test_admin_commands import admin_says, world  # noqa: F401 (fixture)
from tests.test_feedback_support import CHANNEL, World

HALF_WIDTH = "过去两年里,市场普遍相信人工智能会改变一切.但是今年的情况不同了?"


def _route_options(url: str) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        db = create_database(url)
        try:
            async with db.begin() as conn:
                return [r.options for r in await routes.list_routes(conn)]
        finally:
            await db.close()

    return asyncio.run(read())


def _text(options: dict[str, Any]) -> str:
    item = FeedItem(
        guid="g-1",
        url="https://news.example/1",
        title="市场的变化",
        content_html=f"<p>{HALF_WIDTH}</p>",
    )
    article = build_article(item, source="新闻")
    return "\n".join(m.text for m in render_for_route(article, options))


def test_feeds_add_no_typography_is_stored_listed_and_honoured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    add = ["feeds", "add", "https://example.com/rss", "--channel", "-1001", "--no-check"]
    assert main([*add, "--no-typography"]) == 0
    assert (
        main(["feeds", "add", "https://example.com/other", "--channel", "-1002", "--no-check"]) == 0
    )
    capsys.readouterr()
    assert main(["routes", "list"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert "'typography': False" in listing[0] and "typography" not in listing[1]

    off, default = _route_options(url)
    assert off == {"typography": False} and default == {}
    assert options_for_route(off).typography is False
    assert options_for_route(default).typography is True
    assert "市场普遍相信人工智能会改变一切.但是" in _text(off)
    polished = _text(default)
    assert "过去两年里，市场普遍相信人工智能会改变一切。但是" in polished


def test_addfeed_typography_words() -> None:
    parsed = parse_addfeed(["https://ex.com/feed", "@zh_news", "typography=off"])
    assert dict(parsed.settings) == {"typography": "off"}
    with pytest.raises(AdminError, match="use on or off"):
        parse_addfeed(["https://ex.com/feed", "@zh_news", "typography=maybe"])


async def test_addfeed_typography_off_reaches_the_route(world: World) -> None:  # noqa: F811
    answer = await admin_says(
        world, "/addfeed https://feeds.example/rss @news_channel typography=off"
    )
    assert answer.endswith("Chinese typography is off."), answer
    answer = await admin_says(world, "/addfeed https://feeds.example/zh typography=off")
    assert answer == "Not added: typography= needs a channel to post to."
    answer = await admin_says(
        world, "/addfeed https://feeds.example/on @news_channel typography=on"
    )
    assert "typography" not in answer
    async with world.db.begin() as conn:
        found = {r.feed_id: (r.chat_id, r.options) for r in await routes.list_routes(conn)}
    assert sorted(found.values(), key=str) == sorted(
        [(CHANNEL, {"typography": False}), (CHANNEL, {})], key=str
    )
