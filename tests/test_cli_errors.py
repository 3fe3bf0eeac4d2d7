"""Every error an operator can cause or meet: one line on stderr, the right exit status,
no traceback (unless LOG_LEVEL=DEBUG). Each case runs `chatwire` as a subprocess."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from bot.ingest.parse import parse_feed
from bot.standin import FakeTelegram, serve_in_thread
from storage import feeds
from storage.db import open_database
from tests.cli_helpers import run_chatwire

SECRET = "s3cretPassw0rd"
CHANNEL = -1001234567890


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}",
        **extra,
    }


chatwire = run_chatwire


def one_line(result: subprocess.CompletedProcess[str], status: int) -> str:
    """The single stderr line of a failed command (asserting there is only that)."""
    assert result.returncode == status, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_postgresql_unreachable_is_one_line_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://chatwire:{SECRET}@127.0.0.1:{closed_port()}/chatwire"
    result = chatwire("feeds", "list", env=base_env(tmp_path, DATABASE_URL=url), cwd=tmp_path)
    line = one_line(result, 1)
    assert line.startswith("chatwire feeds: error: cannot open PostgreSQL at 127.0.0.1:")
    assert SECRET not in result.stderr + result.stdout


def test_traceback_only_at_debug(tmp_path: Path) -> None:
    url = f"postgresql://chatwire:{SECRET}@127.0.0.1:{closed_port()}/chatwire"
    env = base_env(tmp_path, DATABASE_URL=url, LOG_LEVEL="DEBUG")
    result = chatwire("feeds", "list", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("chatwire feeds: error: cannot open")


def test_unparsable_database_url_hides_the_password(tmp_path: Path) -> None:
    url = f"postgresql://chatwire:{SECRET}@127.0.0.1:notaport/chatwire"
    result = chatwire("feeds", "list", env=base_env(tmp_path, DATABASE_URL=url), cwd=tmp_path)
    line = one_line(result, 2)
    assert line.startswith("chatwire: error: DATABASE_URL is invalid")
    assert SECRET not in result.stderr


@pytest.mark.parametrize("kind", ["not-a-database", "a-directory", "under-a-file"])
def test_sqlite_file_that_cannot_be_opened(tmp_path: Path, kind: str) -> None:
    if kind == "not-a-database":
        target = tmp_path / "notes.db"
        target.write_text("these are notes, not a database\n" * 100)
    elif kind == "a-directory":
        target = tmp_path / "folder.db"
        target.mkdir()
    else:
        (tmp_path / "plain").write_text("x")
        target = tmp_path / "plain" / "c.db"
    env = base_env(tmp_path, DATABASE_URL=f"sqlite:///{target}")
    line = one_line(chatwire("feeds", "list", env=env, cwd=tmp_path), 1)
    assert line.startswith(f"chatwire feeds: error: cannot open SQLite file {target}: ")


def test_in_memory_sqlite_is_refused_for_storing(tmp_path: Path) -> None:
    env = base_env(tmp_path, DATABASE_URL="sqlite://")
    line = one_line(chatwire("feeds", "list", env=env, cwd=tmp_path), 2)
    assert "in-memory" in line


def test_relative_sqlite_path_resolves_against_chatwire_home(tmp_path: Path) -> None:
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = base_env(tmp_path, DATABASE_URL="sqlite:///data/c.db", CHATWIRE_HOME=str(home))
    result = chatwire("db", "migrate", env=env, cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert (home / "data" / "c.db").is_file()
    assert not (elsewhere / "data").exists()


def test_usage_errors_exit_2_and_version_exits_0(tmp_path: Path) -> None:
    env = base_env(tmp_path)
    usage = chatwire("feeds", "add", env=env, cwd=tmp_path)
    assert usage.returncode == 2 and "usage:" in usage.stderr
    version = chatwire("--version", env=env, cwd=tmp_path)
    assert version.returncode == 0
    assert version.stdout.startswith("chatwire ")


def test_export_to_a_missing_folder(tmp_path: Path) -> None:
    result = chatwire(
        "feeds", "export", "-o", "/no/such/dir/x.opml", env=base_env(tmp_path), cwd=tmp_path
    )
    line = one_line(result, 1)
    assert line == "chatwire feeds: error: /no/such/dir/x.opml: No such file or directory"


def test_output_piped_into_head_is_quiet(tmp_path: Path) -> None:
    async def seed() -> None:
        db = await open_database(f"sqlite:///{tmp_path / 'c.db'}")
        async with db.begin() as conn:
            for n in range(3000):
                await feeds.add_feed(conn, f"https://feeds{n}.example/rss.xml")
        await db.close()

    asyncio.run(seed())
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "feeds", "list"],
        env=base_env(tmp_path),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # what `| head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert first.startswith(b"1\t")
    assert err == ""


def test_feed_with_out_of_range_character_references_is_kept() -> None:
    data = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Refs &#x110000;</title>'
        b"<item><title>a &#99999999999999999999; b &#xD800; c &#233;</title>"
        b"<link>https://example.com/1</link>"
        b"<description><![CDATA[<p>x &#1114112; y</p>]]></description></item>"
        b"</channel></rss>"
    )
    parsed = parse_feed(data, "https://example.com/")
    assert parsed.title == "Refs \ufffd"
    assert [item.title for item in parsed.items] == ["a \ufffd b \ufffd c é"]


def test_preview_of_a_feed_with_bad_character_references(tmp_path: Path) -> None:
    feed = tmp_path / "refs.xml"
    feed.write_bytes(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>Kept &#x110000; item</title><link>https://example.com/1</link>"
        b"<description>body &#99999999; text</description></item></channel></rss>"
    )
    result = chatwire("preview", str(feed), env=base_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Kept \ufffd item" in result.stdout


def test_feeds_add_with_a_mistyped_channel(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        '<rss version="2.0"><channel><title>Wire</title><item><title>One</title>'
        "<link>https://example.com/1</link></item></channel></rss>",
        content_type="application/rss+xml",
    )
    fake = FakeTelegram()
    fake.add_channel(CHANNEL, "Wire", username="wire_channel")
    with serve_in_thread(fake) as server:
        env = base_env(
            tmp_path, TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_BASE_URL=server.base_url
        )
        url = httpserver.url_for("/feed.xml")
        typo = chatwire("feeds", "add", url, "--channel", "@wire_chanel", env=env, cwd=tmp_path)
        line = one_line(typo, 1)
        assert line.startswith("chatwire feeds: error: cannot post to @wire_chanel: ")
        assert "not found" in line.lower()
        good = chatwire("feeds", "add", url, "--channel", "@wire_channel", env=env, cwd=tmp_path)
        assert good.returncode == 0, good.stderr
        assert f"→ @wire_channel ({CHANNEL})" in good.stdout
        listed = chatwire("feeds", "list", env=env, cwd=tmp_path)
        assert f"→ @wire_channel ({CHANNEL})" in listed.stdout
        routes = chatwire("routes", "list", env=env, cwd=tmp_path)
        assert f"feed 1 → @wire_channel ({CHANNEL})" in routes.stdout
        resume = chatwire("routes", "resume", "@wire_channel", env=env, cwd=tmp_path)
        line = one_line(resume, 1)
        assert line.endswith(
            f"nothing is paused for @wire_channel ({CHANNEL}) (see `chatwire routes list`)"
        )


def test_run_retries_while_the_bot_api_is_unreachable(tmp_path: Path) -> None:
    env = base_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN="123456:" + "A" * 35,
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{closed_port()}/bot",
        LOG_LEVEL="INFO",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    warnings: list[str] = []
    deadline = time.monotonic() + 60
    while len(warnings) < 2 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if " WARNING " in line:
            warnings.append(line)
    proc.send_signal(signal.SIGTERM)
    rest = proc.communicate(timeout=60)[0]
    assert proc.returncode == 0, rest
    assert len(warnings) == 2, warnings
    assert "cannot reach the Telegram Bot API" in warnings[0]
    assert "retrying in 1 s" in warnings[0] and "retrying in 2 s" in warnings[1]
    assert "Traceback" not in rest + "".join(warnings)


def test_run_retries_while_postgresql_is_unreachable(tmp_path: Path) -> None:
    url = f"postgresql://chatwire:{SECRET}@127.0.0.1:{closed_port()}/chatwire"
    env = base_env(tmp_path, TELEGRAM_BOT_TOKEN="123456:" + "A" * 35, DATABASE_URL=url)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        if " WARNING " in line:
            break
    proc.send_signal(signal.SIGTERM)
    rest = proc.communicate(timeout=60)[0]
    output = "".join(seen) + rest
    assert proc.returncode == 0, output
    assert "cannot open PostgreSQL at 127.0.0.1" in output
    assert "retrying in 1 s" in output
    assert SECRET not in output and "Traceback" not in output
