"""Route rules survive an OPML export and import (the chatwire:rules attribute)."""

from __future__ import annotations

import pytest

from bot.ingest import manage
from bot.ingest.opml import parse_opml
from bot.routing import portable
from storage import routes
from storage.db import Database

NEWS, SPORT, ELSEWHERE = -1007000000001, -1007000000002, -1007000000003
RULES = {
    "filters": {"include": ["title:ai", "大桥"], "exclude": ["re:(?i)sponsored"]},
    "preview": "large",
    "topic": 12,
    "quiet": {"from": "22:00", "to": "07:00", "tz": "Asia/Shanghai", "release": "each"},
    "digest": "daily",
    "digest_at": "07:30",
}


async def _export(db: Database, *, sport: bool = True) -> str:
    first = await manage.add_feed(db, "https://a.example/rss", chat=NEWS)
    if sport:
        await manage.add_feed(db, "https://a.example/rss", chat=SPORT)  # no rules there
    await manage.add_feed(db, "https://b.example/rss", chat=NEWS)
    async with db.begin() as conn:
        await routes.set_route_options(
            conn, first.route.id, {**RULES, "topic_id": 99, "template": "{link}"}
        )
    return await manage.export_opml(db)


async def test_rules_round_trip_through_opml(db: Database) -> None:
    text = await _export(db)
    assert "xmlns:chatwire=" in text and "chatwire:rules=" in text
    outlines = {o.url: o for o in parse_opml(text.encode())}
    assert outlines["https://b.example/rss"].rules is None
    assert portable.rules_for_chat(outlines["https://a.example/rss"].rules, NEWS) == RULES
    assert portable.rules_for_chat(outlines["https://a.example/rss"].rules, SPORT) is None

    async with db.begin() as conn:  # start again from an empty list
        for route in await routes.list_routes(conn):
            await routes.set_route_options(conn, route.id, {})
    result = await manage.import_opml(db, text.encode(), chat=NEWS)
    assert not result.skipped
    async with db.begin() as conn:
        found = {(r.feed_id, r.chat_id): r.options for r in await routes.list_routes(conn)}
    assert RULES.items() <= next(o for (f, c), o in found.items() if c == NEWS and o).items()


async def test_rules_follow_a_list_moved_to_another_chat(db: Database) -> None:
    text = await _export(db, sport=False)
    result = await manage.import_opml(db, text.encode(), chat=ELSEWHERE)
    assert not result.skipped
    async with db.begin() as conn:
        moved = [r for r in await routes.list_routes(conn) if r.chat_id == ELSEWHERE]
    with_rules = [r.options for r in moved if r.options]
    assert len(moved) == 2 and len(with_rules) == 1  # only feed a had rules (one route)
    # with two routes in the file, a third chat cannot tell whose rules to take
    two = '[{"chat": 1, "rules": {"preview": "off"}}, {"chat": 2, "rules": {}}]'
    assert portable.rules_for_chat(two, ELSEWHERE) is None
    assert portable.rules_for_chat(two, 2) is None
    assert with_rules[0]["filters"] == RULES["filters"] and with_rules[0]["digest"] == "daily"
    assert "topic" not in with_rules[0]  # a topic id belongs to its own chat


def test_bad_rules_are_refused() -> None:
    with pytest.raises(ValueError, match="not JSON"):
        portable.rules_for_chat("{", NEWS)
    bad = '[{"chat": 1, "rules": {"filters": {"include": ["re:(a"]}}}]'
    with pytest.raises(ValueError, match="bad regular expression"):
        portable.rules_for_chat(bad, 1)
    with pytest.raises(ValueError, match="time zone"):
        portable.rules_for_chat(
            '[{"chat": 1, "rules": {"quiet": {"from": "1:00", "to": "2:00", "tz": "X/Y"}}}]', 1
        )
