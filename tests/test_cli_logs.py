"""`chatwire run` at INFO: start, stop and one line per delivered post; no library chatter."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pytest_httpserver import HTTPServer

from bot.logging_setup import configure_logging
from bot.standin import FakeTelegram, serve_in_thread

CHANNEL = -1001234567890
CLI = [sys.executable, "-m", "bot"]
FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Quiet logs</title><link>https://example.com/</link>
<item><title>One</title><link>https://example.com/1</link><guid>1</guid>
<description>First post body.</description></item>
<item><title>Two</title><link>https://example.com/2</link><guid>2</guid>
<description>Second post body.</description></item>
</channel></rss>"""


def test_library_loggers_are_quiet_unless_debug() -> None:
    configure_logging("INFO")
    assert not logging.getLogger("apscheduler.executors.default").isEnabledFor(logging.INFO)
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
    assert not logging.getLogger("tornado.access").isEnabledFor(logging.INFO)
    assert logging.getLogger("bot.deliver.publisher").isEnabledFor(logging.INFO)
    configure_logging("DEBUG")
    assert logging.getLogger("apscheduler.scheduler").isEnabledFor(logging.DEBUG)


def test_run_logs_only_what_an_operator_needs(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        FEED, content_type="application/rss+xml"
    )
    fake = FakeTelegram()
    fake.add_channel(CHANNEL, "Wire", username="wire")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": "sqlite:///data/run.db",
        "CHATWIRE_HOME": str(tmp_path),
        "POLL_TICK_SECONDS": "0.3",
        "PUBLISH_TICK_SECONDS": "0.3",
        "LOG_LEVEL": "INFO",
    }
    add = subprocess.run(
        [
            *CLI,
            "feeds",
            "add",
            httpserver.url_for("/feed.xml"),
            "--channel",
            str(CHANNEL),
            "--backfill=2",
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert add.returncode == 0, add.stderr
    assert "found: Quiet logs · language not declared · 2 items" in add.stdout
    with serve_in_thread(fake) as server:
        env |= {"TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE_URL": server.base_url}
        proc = subprocess.Popen(
            [*CLI, "run"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while len(fake.sent_to(CHANNEL)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)  # a few more idle ticks, which must log nothing
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=60)[0]
    assert proc.returncode == 0, output
    lines = output.strip().splitlines()
    assert sum("delivered article" in line for line in lines) == 2, output
    assert "chatwire starting: database sqlite:///" in lines[0]
    assert f"CHATWIRE_HOME {tmp_path}" in lines[0]
    assert lines[-1].endswith("stopped")
    info = [line for line in lines if line.split()[2] == "INFO"]
    loggers = {line.split()[3].rstrip(":") for line in info}
    # Libraries speak only of problems (a loaded machine may make APScheduler warn).
    assert all(name.startswith(("bot.", "storage.", "handlers.")) for name in loggers), loggers
    assert len(info) <= 12, output
