"""`feeds export` then `feeds import` into an empty database restores feeds, schedule,
routes and route options; plain OPML takes --channel, --backfill and --template."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from storage import feeds, routes
from storage.db import open_database

PLAIN = b"""<?xml version="1.0"?><opml version="2.0"><head/><body>
<outline text="A" xmlUrl="https://a.example/rss"/>
<outline text="B" xmlUrl="https://b.example/feed"/>
</body></opml>"""


@pytest.fixture(autouse=True)
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.delenv("CHATWIRE_HOME", raising=False)


def use(monkeypatch: pytest.MonkeyPatch, path: Path) -> str:
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def snapshot(url: str) -> list[tuple[Any, ...]]:
    async def read() -> list[tuple[Any, ...]]:
        db = await open_database(url)
        async with db.begin() as conn:
            stored = {f.id: f for f in await feeds.list_feeds(conn)}
            found = await routes.list_routes(conn)
        await db.close()
        return sorted(
            (
                stored[r.feed_id].url,
                stored[r.feed_id].interval_seconds,
                stored[r.feed_id].fulltext,
                stored[r.feed_id].active,
                r.chat_id,
                r.options,
                r.active,
            )
            for r in found
        )

    return asyncio.run(read())


def test_export_then_import_restores_routes_and_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    first = use(monkeypatch, tmp_path / "first.db")
    a = ["feeds", "add", "https://a.example/rss", "--no-check", "--interval", "15m"]
    assert main([*a, "--channel", "-1001", "--template", "{title}\\n{link}"]) == 0
    assert main([*a, "--channel", "-1002", "--max-parts", "2", "--on-update", "edit"]) == 0
    b = ["feeds", "add", "https://b.example/feed", "--no-check", "--fulltext"]
    assert main([*b, "--channel", "-1003", "--no-media"]) == 0
    assert main(["feeds", "disable", "2"]) == 0

    async def pause() -> None:
        db = await open_database(first)
        async with db.begin() as conn:
            await routes.pause_route(conn, 2, "bot removed")
        await db.close()

    asyncio.run(pause())
    opml = tmp_path / "out.opml"
    assert main(["feeds", "export", "-o", str(opml)]) == 0
    text = opml.read_text()
    assert 'xmlns:chatwire="' in text and "chatwire:route" in text
    before = snapshot(first)

    second = use(monkeypatch, tmp_path / "second.db")
    capsys.readouterr()
    assert main(["feeds", "import", str(opml)]) == 0
    assert "2 added, 0 skipped" in capsys.readouterr().out
    after = snapshot(second)
    assert after == before
    assert [row[4:] for row in after] == [
        (-1002, {"max_parts": 2, "on_update": "edit"}, False),
        (-1001, {"template": "{title}\n{link}"}, True),
        (-1003, {"with_media": False}, True),
    ]


def test_plain_opml_needs_a_channel_and_takes_backfill_and_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = use(monkeypatch, tmp_path / "c.db")
    plain = tmp_path / "plain.opml"
    plain.write_bytes(PLAIN)
    assert main(["feeds", "import", str(plain)]) == 0
    captured = capsys.readouterr()
    assert "0 added, 2 skipped" in captured.out
    assert "no chat to post to: give --channel" in captured.err
    assert main(["feeds", "import", str(plain), "--template", "{nope}", "--channel", "-5"]) == 1
    assert "unknown placeholder {nope}" in capsys.readouterr().err
    args = ["feeds", "import", str(plain), "--channel", "-5", "--backfill", "3"]
    assert main([*args, "--template", "{source}\\n{link}"]) == 0
    assert [row[4:] for row in snapshot(url)] == [
        (-5, {"template": "{source}\n{link}"}, True),
        (-5, {"template": "{source}\n{link}"}, True),
    ]

    async def backfills() -> list[int]:
        db = await open_database(url)
        async with db.begin() as conn:
            found = [f.backfill for f in await feeds.list_feeds(conn)]
        await db.close()
        return found

    assert asyncio.run(backfills()) == [3, 3]
