"""Poll benchmark: the real Poller against naive loops, and `chatwire run`'s schedule.

N feeds are served from a local HTTP server (another process, 127.0.0.1 only,
spread over 50 ports so per-host caps behave as with 50 sites) with a fixed
network latency. The mix: most feeds unchanged (304 with ETag), some with a
new item per poll, some failing (500/503), some HTML pages, a few slow ones.

Cycle 1 is the baseline (every feed new, every body parsed and stored);
cycle 2 is the steady state a running bot sees every interval, and is what the
naive loop (sequential `httpx.get` + `feedparser.parse`, no conditional GET,
no database) is compared against, run one feed at a time and with the
poller's own concurrency (asyncio, a semaphore, parsing in threads). Peak RSS
is this process's high-water mark.

`--schedule` runs the running bot's own scheduler (the runtime `chatwire run`
builds, its JobQueue ticking the poll job) against 1,000 local feeds polled
every minute, and reports how late each poll is claimed after its due time
(p50/p95), after a warm-up that covers the first (baseline) cycle.

    .venv/bin/python bench/poll.py                 # 250 and 1,000 feeds, then the schedule
    .venv/bin/python bench/poll.py --feeds 1000    # one size, in this process
    .venv/bin/python bench/poll.py --schedule --duration 300 --warmup 120
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import feedparser
import httpx

from bot.config import Settings
from bot.ingest.fetch import make_http_client
from bot.ingest.poller import Poller, PollReport
from bot.runtime import runtime
from bot.standin import FakeBotAPIRequest, FakeTelegram
from storage import feeds, routes
from storage.db import Database, create_database, open_database
from storage.types import utcnow

PORTS = 50
ITEMS_PER_FEED = 10
SLOW_SECONDS = 1.0

# -- the server (runs in a child process) ------------------------------------------


def kind_of(index: int) -> str:
    slot = index % 100
    if slot < 80:
        return "static"
    if slot < 92:
        return "growing"
    if slot < 97:
        return "error"
    if slot < 99:
        return "html"
    return "slow"


def feed_document(index: int, first_item: int) -> bytes:
    paragraph = (
        "<p>Markets moved on Tuesday as investors weighed the news. 市场周二波动，"
        "投资者权衡消息。 The report said growth would continue through the year.</p>"
    )
    items = []
    for n in range(first_item, first_item + ITEMS_PER_FEED):
        items.append(
            f"<item><title>Feed {index} story {n}</title>"
            f"<link>https://site{index}.example/story/{n}</link>"
            f"<guid>site{index}-{n}</guid>"
            f"<pubDate>Tue, 28 Jan 2025 {n % 24:02d}:00:00 +0000</pubDate>"
            f"<description><![CDATA[{paragraph * 4}]]></description></item>"
        )
    head = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {index}'
    return (
        head + "</title><link>https://example.com/</link>" + "".join(items) + "</channel></rss>"
    ).encode()


HTML_PAGE = b"<!DOCTYPE html><html><head><title>Home</title></head><body>Not a feed</body></html>"


@dataclass
class ServerState:
    latency: float
    hits: dict[int, int] = field(default_factory=dict)
    static: dict[int, bytes] = field(default_factory=dict)


def respond(
    state: ServerState, index: int, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    kind = kind_of(index)
    hits = state.hits[index] = state.hits.get(index, 0) + 1
    if kind == "error":
        extra = {"Retry-After": "120"} if index % 2 else {}
        return (503 if index % 2 else 500), extra, b"server error"
    if kind == "html":
        return 200, {"Content-Type": "text/html"}, HTML_PAGE
    if kind == "growing":
        body = feed_document(index, hits)
        etag = f'"g{index}-{hits}"'
    else:
        body = state.static.get(index) or state.static.setdefault(index, feed_document(index, 0))
        etag = f'"s{index}"'
    if headers.get("if-none-match") == etag:
        return 304, {"ETag": etag}, b""
    return 200, {"ETag": etag, "Content-Type": "application/rss+xml"}, body


async def handle(
    state: ServerState, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            headers = {
                k.strip().lower(): v.strip()
                for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)
            }
            index = int(path.rsplit("/", 1)[1])
            delay = state.latency * random.uniform(0.5, 1.5)
            if kind_of(index) == "slow":
                delay += SLOW_SECONDS
            await asyncio.sleep(delay)
            status, extra, body = respond(state, index, headers)
            reason = {
                200: "OK",
                304: "Not Modified",
                500: "Internal Server Error",
                503: "Service Unavailable",
            }[status]
            out = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}"]
            out += [f"{k}: {v}" for k, v in extra.items()]
            writer.write(("\r\n".join(out) + "\r\n\r\n").encode() + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


def serve(latency: float, ports_out: Any) -> None:
    async def main() -> None:
        state = ServerState(latency)
        servers = [
            await asyncio.start_server(
                lambda r, w: handle(state, r, w), "127.0.0.1", 0, backlog=1024
            )
            for _ in range(PORTS)
        ]
        ports_out.send([s.sockets[0].getsockname()[1] for s in servers])
        await asyncio.Event().wait()

    asyncio.run(main())


# -- the measured side -------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> Any:
        return self.now


@dataclass
class Measure:
    wall: float
    cpu: float
    rss_mb: float
    worker_cpu: float = 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def cycle(
    db: Database, http: httpx.AsyncClient, settings: Settings, clock: Clock, workers: int
) -> tuple[PollReport, Measure]:
    """One full cycle; with workers, a fresh process pool whose CPU is counted when it exits."""

    async def notify(_text: str) -> None:
        return None

    wall, cpu, child = time.perf_counter(), time.process_time(), children_cpu()
    pool = (
        ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        if workers
        else None
    )
    try:
        poller = Poller(db, http, settings, notify, clock, rng=random.Random(1), executor=pool)
        report = await poller.run_until_idle()
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    measure = Measure(
        time.perf_counter() - wall,
        time.process_time() - cpu,
        peak_rss_mb(),
        worker_cpu=children_cpu() - child,
    )
    return report, measure


def summary(report: PollReport) -> str:
    counts: dict[str, int] = {}
    for outcome in report.outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    new = len(report.new_article_ids) + sum(len(o.baseline_article_ids) for o in report.outcomes)
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + f"; articles stored {new}"


async def setup(db: Database, urls: list[str], clock: Clock) -> None:
    await db.migrate()
    async with db.begin() as conn:
        for n, url in enumerate(urls):
            feed = await feeds.add_feed(conn, url, interval_seconds=600, now=clock())
            await routes.add_route(conn, feed.id, -1000 - n, now=clock())


async def real_cycles(
    urls: list[str], settings: Settings, workers: int
) -> tuple[Measure, Measure, str, str]:
    clock = Clock()
    with tempfile.TemporaryDirectory() as tmp:
        db = create_database(f"sqlite:///{tmp}/bench.db")
        await setup(db, urls, clock)
        async with make_http_client(settings.poll_concurrency) as http:
            first, m1 = await cycle(db, http, settings, clock, workers)
            clock.now += timedelta(days=2)
            second, m2 = await cycle(db, http, settings, clock, workers)
        await db.close()
    return m1, m2, summary(first), summary(second)


def naive_cycle(urls: list[str]) -> Measure:
    wall, cpu = time.perf_counter(), time.process_time()
    with httpx.Client(timeout=20) as client:
        for url in urls:
            try:
                response = client.get(url)
            except httpx.HTTPError:
                continue
            if response.status_code == 200:
                feedparser.parse(response.content)
    return Measure(time.perf_counter() - wall, time.process_time() - cpu, peak_rss_mb())


async def naive_concurrent(urls: list[str], concurrency: int) -> Measure:
    """The naive loop with the poller's concurrency: no conditional GET, no database."""
    wall, cpu = time.perf_counter(), time.process_time()
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency * 2, max_keepalive_connections=concurrency)

    async def one(client: httpx.AsyncClient, url: str) -> None:
        async with gate:
            try:
                response = await client.get(url)
            except httpx.HTTPError:
                return
        if response.status_code == 200:
            await asyncio.to_thread(feedparser.parse, response.content)

    async with httpx.AsyncClient(timeout=20, limits=limits) as client:
        await asyncio.gather(*(one(client, url) for url in urls))
    return Measure(time.perf_counter() - wall, time.process_time() - cpu, peak_rss_mb())


def row(label: str, m: Measure, note: str) -> str:
    workers = f" + workers {m.worker_cpu:5.2f} s" if m.worker_cpu else ""
    return (
        f"   {label + ':':20} wall {m.wall:6.2f} s  cpu {m.cpu:6.2f} s{workers}  "
        f"peak RSS {m.rss_mb:6.1f} MB  [{note}]"
    )


def run_size(count: int, latency: float, naive: bool, workers: int) -> None:
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    server = context.Process(target=serve, args=(latency, send), daemon=True)
    server.start()
    try:
        ports = receive.recv()
        hosts = random.Random(42)  # feeds spread over the hosts regardless of their kind
        urls = [f"http://127.0.0.1:{hosts.choice(ports)}/feed/{i}" for i in range(count)]
        settings = Settings(_env_file=None)  # type: ignore[call-arg]
        m1, m2, s1, s2 = asyncio.run(real_cycles(urls, settings, workers))
        kinds = {
            k: sum(kind_of(i) == k for i in range(count))
            for k in ("static", "growing", "error", "html", "slow")
        }
        print(
            f"== {count} feeds, {latency * 1000:.0f} ms latency, {PORTS} hosts, "
            f"concurrency {settings.poll_concurrency} "
            f"(per host {settings.poll_per_host_concurrency}), "
            f"{f'{workers} worker processes' if workers else 'threads'} for parsing"
        )
        print(
            "   mix: "
            + ", ".join(f"{k} {v}" for k, v in kinds.items())
            + f" (slow = +{SLOW_SECONDS:g} s)"
        )
        print(row("cycle 1 (baseline)", m1, s1))
        print(row("cycle 2 (steady)", m2, s2))
        if naive:
            concurrency = settings.poll_concurrency
            c = asyncio.run(naive_concurrent(urls, concurrency))
            print(row(f"naive, {concurrency} at once", c, "AsyncClient.get + parse in threads"))
            n = naive_cycle(urls)
            print(row("naive sequential", n, "httpx.Client.get + feedparser.parse, one by one"))
            print(
                f"   speed-up of cycle 2: {c.wall / m2.wall:.1f}x against the naive loop with the "
                f"same concurrency, {n.wall / m2.wall:.1f}x against the sequential one"
            )
    finally:
        server.terminate()
        server.join()


# -- the running bot's schedule -----------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def scheduled(
    urls: list[str], *, interval: int, duration: float, database_url: str | None
) -> list[tuple[float, float]]:
    """Run `chatwire run`'s runtime (its JobQueue ticking the poll job) for `duration`
    seconds; (seconds since start, lateness in seconds) for every feed claimed."""
    samples: list[tuple[float, float]] = []
    real = feeds.claim_due_feeds
    began = utcnow()

    async def measured(conn: Any, **kwargs: Any) -> list[feeds.Feed]:
        claimed = await real(conn, **kwargs)
        now = utcnow()
        since = (now - began).total_seconds()
        samples.extend((since, (now - f.next_poll_at).total_seconds()) for f in claimed)
        return claimed

    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{tmp}/bench.db"
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, database_url=url, poll_interval_seconds=interval
        )
        db = await open_database(url)
        async with db.begin() as conn:  # no routes: this measures polling, not sending
            for feed_url in urls:
                await feeds.add_feed(conn, feed_url, interval_seconds=interval)
        fake = FakeTelegram()
        feeds.claim_due_feeds = measured
        try:
            async with runtime(
                settings, token=fake.token, request=FakeBotAPIRequest(fake), db=db
            ) as rt:
                began = utcnow()
                await rt.app.start()
                await asyncio.sleep(duration)
                await rt.app.stop()
        finally:
            feeds.claim_due_feeds = real
            await db.close()
    return samples


def run_schedule(
    count: int, latency: float, *, duration: float, warmup: float, database_url: str | None
) -> None:
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    server = context.Process(target=serve, args=(latency, send), daemon=True)
    server.start()
    interval = 60
    try:
        ports = receive.recv()
        hosts = random.Random(42)
        urls = [f"http://127.0.0.1:{hosts.choice(ports)}/feed/{i}" for i in range(count)]
        wall, cpu = time.perf_counter(), time.process_time()
        samples = asyncio.run(
            scheduled(urls, interval=interval, duration=duration, database_url=database_url)
        )
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        server.terminate()
        server.join()
    steady = [late for at, late in samples if at >= warmup]
    window = duration - warmup
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    print(
        f"== schedule: {count} feeds every {interval} s, `chatwire run`'s JobQueue "
        f"(poll tick {settings.poll_tick_seconds:g} s, concurrency {settings.poll_concurrency}), "
        f"{latency * 1000:.0f} ms latency, {database_url or 'SQLite'}"
    )
    print(
        f"   {len(samples)} polls claimed in {duration:.0f} s; the {len(steady)} after the "
        f"{warmup:.0f} s warm-up: {len(steady) / window:.1f} polls/s "
        f"(the schedule asks {count / interval:.1f}/s)"
    )
    print(
        f"   lateness after warm-up: p50 {percentile(steady, 0.5):.2f} s, "
        f"p95 {percentile(steady, 0.95):.2f} s, max {max(steady, default=float('nan')):.2f} s "
        f"[target p95 < 10 s]; cpu {cpu:.1f} s in {wall:.0f} s, peak RSS {peak_rss_mb():.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, help="one size, in this process")
    parser.add_argument("--latency-ms", type=float, default=40.0, help="server latency per request")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive loop")
    parser.add_argument(
        "--workers", type=int, default=0, help="parse/build in a process pool of this size"
    )
    parser.add_argument("--schedule", action="store_true", help="only the schedule run")
    parser.add_argument("--duration", type=float, default=300.0, help="schedule run, seconds")
    parser.add_argument("--warmup", type=float, default=120.0, help="schedule warm-up, seconds")
    parser.add_argument("--database-url", help="schedule run on this database (default SQLite)")
    args = parser.parse_args()
    if args.schedule:
        run_schedule(
            args.feeds or 1000,
            args.latency_ms / 1000,
            duration=args.duration,
            warmup=args.warmup,
            database_url=args.database_url,
        )
        return
    if args.feeds:
        run_size(args.feeds, args.latency_ms / 1000, naive=not args.no_naive, workers=args.workers)
        return
    for count in (250, 1000):
        command = [
            sys.executable,
            __file__,
            "--feeds",
            str(count),
            "--latency-ms",
            str(args.latency_ms),
            "--workers",
            str(args.workers),
        ]
        if args.no_naive:
            command.append("--no-naive")
        subprocess.run(command, check=True)
    schedule = [sys.executable, __file__, "--schedule", "--latency-ms", str(args.latency_ms)]
    schedule += ["--duration", str(args.duration), "--warmup", str(args.warmup)]
    subprocess.run(schedule, check=True)


if __name__ == "__main__":
    main()
