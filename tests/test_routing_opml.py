"""Route rules survive an OPML export and import (they are route options, which
`feeds export` writes in chatwire's namespace), and a bad rule in a file is refused."""

from __future__ import annotations

import json

import pytest

from bot.ingest import manage
from bot.routing.portable import check_rules
from storage import feeds, routes
from storage.db import Database

NEWS, SPORT = -1007000000001, -1007000000002
RULES = {
    "filters": {"include": ["title:ai", "大桥"], "exclude": ["re:(?i)sponsored"]},
    "preview": "large",
    "topic": 12,
    "quiet": {"from": "22:00", "to": "07:00", "tz": "Asia/Shanghai", "release": "each"},
    "digest": "daily",
    "digest_at": "07:30",
}


async def _export(db: Database) -> str:
    first = await manage.add_feed(db, "https://a.example/rss", chat=NEWS)
    await manage.add_feed(db, "https://a.example/rss", chat=SPORT)  # no rules there
    async with db.begin() as conn:
        await routes.set_route_options(conn, first.route.id, RULES)
    return await manage.export_opml(db)


async def _forget_everything(db: Database) -> None:
    """Start again from an empty list: the import must bring back feeds, routes, rules."""
    async with db.begin() as conn:
        for feed in await feeds.list_feeds(conn):
            await feeds.remove_feed(conn, feed.id)


async def test_rules_round_trip_through_opml(db: Database) -> None:
    text = await _export(db)
    assert "xmlns:chatwire=" in text and "大桥" in text
    await _forget_everything(db)
    result = await manage.import_opml(db, text.encode(), chat=None)
    assert not result.skipped
    async with db.begin() as conn:
        found = {r.chat_id: r.options for r in await routes.list_routes(conn)}
    assert found[NEWS] == RULES and not found[SPORT]


async def test_an_imported_bad_rule_is_refused_with_its_reason(db: Database) -> None:
    text = await _export(db)
    bad = text.replace(json.dumps("re:(?i)sponsored")[1:-1], "re:(a")
    await _forget_everything(db)
    result = await manage.import_opml(db, bad.encode(), chat=None)
    assert [url for url, _ in result.skipped] == ["https://a.example/rss"]
    assert "bad rule" in result.skipped[0][1]


def test_check_rules_names_the_problem() -> None:
    check_rules(RULES)
    with pytest.raises(ValueError, match="bad regular expression"):
        check_rules({"filters": {"include": ["re:(a"]}})
    with pytest.raises(ValueError, match="time zone"):
        check_rules({"quiet": {"from": "1:00", "to": "2:00", "tz": "X/Y"}})
    with pytest.raises(ValueError, match="unknown preview"):
        check_rules({"preview": "huge"})
