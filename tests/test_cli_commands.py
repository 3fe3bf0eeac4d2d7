"""The CLI end to end, in-process: argument parsing, output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
SEED = FIXTURES / "wsj-deepseek-zh.txt"


@pytest.fixture(autouse=True)
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.delenv("SUMMARY_LLM_URL", raising=False)


def test_quotes_json_on_the_seed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quotes", str(SEED), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    speakers = {row["speaker"] for row in rows}
    assert {"Marc Benioff", "Leon Cooperman", "Rob Arnott", "Dan Cleary"} <= speakers
    assert all(set(row) == {"quote", "speaker", "role"} for row in rows)


def test_summary_json_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", str(SEED), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert 3 <= len(doc["sentences"]) <= 12
    assert doc["summary"].startswith(doc["sentences"][0])
    assert "gunjan.banerji@wsj.com" not in doc["summary"]
    assert main(["summary", str(FIXTURES / "wsj-like-en.html")]) == 0
    assert capsys.readouterr().out.startswith("Summary:")


def test_preview_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", str(SEED), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["article"]["translator"] == "ChatGPT o1"
    assert len(doc["messages"]) >= 2


def test_missing_file_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quotes", "nope.txt"]) == 1
    assert capsys.readouterr().err.strip() == "chatwire quotes: error: nope.txt: no such file"


def test_feeds_lifecycle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["feeds", "add", "https://example.com/rss", "--channel", "-1001", "--no-check"]) == 0
    )
    assert "added feed 1: https://example.com/rss → chat -1001" in capsys.readouterr().out
    assert main(["feeds", "list"]) == 0
    listing = capsys.readouterr().out
    assert "https://example.com/rss" in listing and "active" in listing and "-1001" in listing

    opml = tmp_path / "feeds.opml"
    assert main(["feeds", "export", "-o", str(opml)]) == 0
    assert 'xmlUrl="https://example.com/rss"' in opml.read_text()

    assert main(["feeds", "disable", "1"]) == 0
    assert main(["feeds", "list"]) == 0
    assert "paused" in capsys.readouterr().out
    assert main(["feeds", "enable", "1"]) == 0
    assert main(["feeds", "list"]) == 0
    assert "\tactive\t" in capsys.readouterr().out
    assert main(["feeds", "remove", "1"]) == 0
    assert main(["feeds", "remove", "1"]) == 1
    assert main(["feeds", "enable", "1"]) == 1
    assert "no feed with id 1" in capsys.readouterr().err
    assert main(["feeds", "import", str(opml), "--channel", "-1002"]) == 0
    assert "1 added, 0 skipped" in capsys.readouterr().out


def test_feeds_add_refuses_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feeds", "add", "ftp://example.com/rss", "--channel", "-1001"]) == 1
    assert "only http:// and https://" in capsys.readouterr().err
    assert (
        main(["feeds", "add", "https://example.com/rss", "--channel", "-1", "--interval", "soon"])
        == 1
    )
    assert "interval" in capsys.readouterr().err
    # A channel name needs the Bot API, hence the token.
    assert main(["feeds", "add", "https://example.com/rss", "--channel", "@news_channel"]) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


def test_feeds_add_route_options(capsys: pytest.CaptureFixture[str]) -> None:
    bad = ["feeds", "add", "https://example.com/rss", "--channel", "-1", "--template", "{nope}"]
    bad.append("--no-check")
    assert main(bad) == 1
    assert "unknown placeholder {nope}" in capsys.readouterr().err
    good = [
        *bad[:5],
        "--no-check",
        "--template",
        "{source}\\n{link}",
        "--max-parts",
        "3",
        "--on-update",
        "edit",
    ]
    assert main(good) == 0

    async def stored_options() -> object:
        from bot.config import load_settings
        from storage import routes
        from storage.db import open_database

        db = await open_database(load_settings(None).database_url)
        async with db.begin() as conn:
            found = await routes.list_routes(conn)
        await db.close()
        return found[0].options

    import asyncio

    assert asyncio.run(stored_options()) == {
        "template": "{source}\n{link}",
        "max_parts": 3,
        "on_update": "edit",
    }


def test_routes_list_and_resume(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", "list"]) == 0
    assert "no routes yet" in capsys.readouterr().out
    add = ["feeds", "add", "https://example.com/rss", "--channel", "-1001", "--no-check"]
    assert main(add) == 0
    assert main(["routes", "resume", "-1001"]) == 1
    assert "nothing is paused for chat -1001" in capsys.readouterr().err

    async def pause() -> None:
        from bot.config import load_settings
        from storage import routes
        from storage.db import open_database

        db = await open_database(load_settings(None).database_url)
        async with db.begin() as conn:
            await routes.pause_route(conn, 1, "bot cannot post: kicked")
        await db.close()

    import asyncio

    asyncio.run(pause())
    assert main(["routes", "list"]) == 0
    assert "paused: bot cannot post: kicked" in capsys.readouterr().out
    assert main(["routes", "resume", "-1001"]) == 0
    assert "1 route(s) resumed" in capsys.readouterr().out
