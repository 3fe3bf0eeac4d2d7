"""`chatwire run` as a real subprocess: a feed on a local server, Telegram faked over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from pytest_httpserver import HTTPServer

from bot.serve import webhook_secret
from bot.standin import FakeTelegram, serve_in_thread

CHANNEL = -1001234567890
FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Black-box wire</title><link>https://example.com/</link>
<item><title>Night trains are back</title><link>https://example.com/night-trains</link>
<guid>night-trains</guid><pubDate>Tue, 04 Nov 2025 08:00:00 GMT</pubDate>
<description><![CDATA[<p>The sleeper from Stockholm to Berlin left on time, every berth sold.</p>
<p>"Now people complain that they cannot get a ticket," said Karin Holm.</p>]]></description>
</item></channel></rss>"""


def _wait_for(predicate: Callable[[], object], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_run_posts_a_feed_item_and_stops_cleanly(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        FEED, content_type="application/rss+xml"
    )
    fake = FakeTelegram()
    fake.add_channel(CHANNEL, "Wire", username="wire_channel")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "POLL_TICK_SECONDS": "0.5",
        "PUBLISH_TICK_SECONDS": "0.5",
        "LOG_LEVEL": "INFO",
    }
    add = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "feeds",
            "add",
            httpserver.url_for("/feed.xml"),
            "--channel",
            str(CHANNEL),
            "--backfill",
            "1",
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert add.returncode == 0, add.stderr
    with serve_in_thread(fake) as server:
        env |= {"TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE_URL": server.base_url}
        metrics_port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--metrics-port", str(metrics_port)],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            arrived = _wait_for(lambda: fake.sent_to(CHANNEL), timeout=60)
            base = f"http://127.0.0.1:{metrics_port}"
            assert _wait_for(lambda: _get(f"{base}/healthz")[0] == 200, timeout=30)
            status, metrics = _get(f"{base}/metrics")
        finally:
            proc.send_signal(signal.SIGTERM)
            output, _ = proc.communicate(timeout=60)
    assert arrived, output
    assert proc.returncode == 0, output
    post = fake.sent_to(CHANNEL)
    assert len(post) == 1
    text = post[0].text or ""
    assert text.startswith("Night trains are back")
    assert "Karin Holm" in text
    assert not fake.used_parse_mode
    assert fake.token not in output
    assert "stopped" in output
    assert status == 200
    assert 'chatwire_telegram_requests_total{method="sendMessage",status="200"} 1.0' in metrics
    assert "chatwire_outbox_pending 0.0" in metrics
    assert 'chatwire_feed_polls_total{outcome="baseline"} 1.0' in metrics


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        response = httpx.get(url, timeout=5)
    except httpx.HTTPError:
        return 0, ""
    return response.status_code, response.text


def test_run_in_webhook_mode_answers_a_pushed_update(tmp_path: Path) -> None:
    fake = FakeTelegram()
    fake.add_user(4242, "Ada")
    port = _free_port()
    hook = "https://bot.example/telegram/hook"
    with serve_in_thread(fake) as server:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'hook.db'}",
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE_URL": server.base_url,
        }
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot",
                "run",
                "--webhook",
                hook,
                "--listen",
                f"127.0.0.1:{port}",
            ],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": 4242, "type": "private", "first_name": "Ada"},
                "from": {"id": 4242, "is_bot": False, "first_name": "Ada"},
                "text": "/help",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        }
        url = f"http://127.0.0.1:{port}/telegram/hook"
        try:
            assert _wait_for(lambda: _post(url, update, "wrong-secret") == 403, timeout=60)
            assert _post(url, update, webhook_secret(fake.token)) == 200
            answered = _wait_for(lambda: fake.sent_to(4242), timeout=30)
        finally:
            proc.send_signal(signal.SIGTERM)
            output, _ = proc.communicate(timeout=60)
    assert answered, output
    assert proc.returncode == 0, output
    assert "/summary" in (fake.sent_to(4242)[0].text or "")
    assert fake.webhook == {"url": hook, "secret_token": webhook_secret(fake.token)}
    assert fake.token not in output


def _post(url: str, body: dict[str, object], secret: str) -> int:
    try:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        return httpx.post(url, json=body, headers=headers, timeout=5).status_code
    except httpx.HTTPError:
        return 0
