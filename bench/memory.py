"""Memory of the whole bot: `chatwire run` (a real subprocess) against the stand-in
Telegram over HTTP, with 0, 100 and 1,000 local feeds.

Idle RSS is read once the bot has started and sat still; with feeds, after every feed
has been polled twice (the baseline, then a steady cycle). Targets: ≤ 70 MiB idle,
≤ 80 MiB with 1,000 feeds after two cycles.

    .venv/bin/python bench/memory.py                    # 0, 100 and 1,000 feeds
    .venv/bin/python bench/memory.py --feeds 100        # one size
    .venv/bin/python bench/memory.py --imports          # also: what each import costs
    .venv/bin/python bench/memory.py --runs 3           # each size 3 times, and the median
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.standin import FakeTelegram, serve_in_thread
from storage import feeds, routes
from storage.db import open_database

CHANNEL = -1001234567890
IDLE_SECONDS = 8.0
FEED_INTERVAL = 5  # seconds: stored directly, below the CLI's 60 s floor, to get two cycles


def feed_body(number: int) -> bytes:
    items = "".join(
        f"<item><title>Feed {number} item {k}</title><link>https://m{number}.example/{k}</link>"
        f"<guid>m-{number}-{k}</guid><pubDate>Tue, 0{k + 1} Sep 2025 08:00:00 GMT</pubDate>"
        f"<description><![CDATA[<p>{'Body text of a story. ' * 40}</p>]]></description></item>"
        for k in range(5)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Memory {number}</title><link>https://m{number}.example/</link>{items}"
        "</channel></rss>"
    ).encode()


class FeedServer:
    """Serves /feed/N.xml and counts the requests per feed."""

    def __init__(self) -> None:
        self.hits: collections.Counter[int] = collections.Counter()
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                number = int(self.path.rsplit("/", 1)[1].split(".")[0])
                body = feed_body(number)
                with owner.lock:
                    owner.hits[number] += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, number: int) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/feed/{number}.xml"

    def polled_at_least(self, times: int, count: int) -> bool:
        with self.lock:
            return count == 0 or (len(self.hits) == count and min(self.hits.values()) >= times)

    def close(self) -> None:
        self.server.shutdown()


async def seed(url: str, server: FeedServer, count: int) -> None:
    db = await open_database(url)
    async with db.begin() as conn:
        for number in range(count):
            feed = await feeds.add_feed(
                conn, server.url(number), interval_seconds=FEED_INTERVAL, backfill=0
            )
            await routes.add_route(conn, feed.id, CHANNEL)
    await db.close()


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def measure(count: int) -> tuple[float, float, float]:
    """(RSS after start, RSS after two cycles or idle, seconds to two cycles)."""
    fake = FakeTelegram()
    fake.add_channel(CHANNEL, "Memory")
    server = FeedServer()
    with tempfile.TemporaryDirectory() as folder, serve_in_thread(fake) as api:
        url = f"sqlite:///{folder}/memory.db"
        asyncio.run(seed(url, server, count))
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DATABASE_URL": url,
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "ALLOW_PRIVATE_FEED_URLS": "true",
            "POLL_TICK_SECONDS": "0.5",
            "LOG_LEVEL": "WARNING",
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=env,
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            started = time.monotonic()
            deadline = started + 600
            while not fake.pending_updates() and time.monotonic() - started < 3:
                time.sleep(0.1)
            time.sleep(2.0)
            at_start = rss_mib(proc.pid)
            while not server.polled_at_least(2, count) and time.monotonic() < deadline:
                if proc.poll() is not None:
                    raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "died")
                time.sleep(0.2)
            cycles = time.monotonic() - started
            time.sleep(IDLE_SECONDS if count == 0 else 2.0)
            after = rss_mib(proc.pid)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
            server.close()
    return at_start, after, cycles


IMPORTS = [
    "bot.cli",
    "bot.commands",
    "bot.serve",
    "bot.runtime",
    "telegram.ext",
    "sqlalchemy.ext.asyncio",  # the whole package, ORM included
    "storage.async_engine",  # what chatwire imports: the engine alone
    "aiosqlite",
    "asyncpg",
    "feedparser",
    "trafilatura",
    "prometheus_client",
    "tornado.web",
    "apscheduler",
    "markdown_it",
    "nh3",
]


_RSS = (
    "import os; print(next(int(l.split()[1]) for l in open(f'/proc/{os.getpid()}/status')"
    " if l.startswith('VmRSS:')) / 1024)"
)


def _rss_after(statement: str) -> float | None:
    out = subprocess.run(
        [sys.executable, "-c", f"{statement}; {_RSS}"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    return float(out.stdout) if out.returncode == 0 else None


def import_costs() -> None:
    """RSS of a fresh interpreter after importing each module alone."""
    base = _rss_after("pass") or 0.0
    print(f"bare interpreter: {base:.1f} MiB")
    for module in IMPORTS:
        found = _rss_after(f"import {module}")
        shown = f"+{found - base:.1f} MiB" if found is not None else "failed"
        print(f"  import {module:<24} {shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, action="append", help="feeds (repeatable)")
    parser.add_argument("--imports", action="store_true", help="also print import costs")
    parser.add_argument("--runs", type=int, default=1, help="runs per size (median printed)")
    args = parser.parse_args()
    if args.imports:
        import_costs()
    for count in args.feeds or [0, 100, 1000]:
        results: list[float] = []
        for _ in range(max(1, args.runs)):
            at_start, after, cycles = measure(count)
            results.append(after)
            if count == 0:
                state, target = "idle", " (target ≤ 70)"
            else:
                state = f"after two poll cycles ({cycles:.0f} s)"
                target = " (target ≤ 80)" if count >= 1000 else ""
            print(f"{count} feeds: {at_start:.1f} MiB after start, {after:.1f} MiB {state}{target}")
        if len(results) > 1:
            shown = ", ".join(f"{r:.1f}" for r in results)
            print(f"{count} feeds: median {statistics.median(results):.1f} MiB ({shown})")


if __name__ == "__main__":
    main()
