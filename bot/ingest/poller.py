"""The poll job: the database is the schedule, each tick claims what is due.

A tick claims due feeds under a lease, starts one task per feed and returns
after a short wait; slow feeds keep running and report on a later tick. A
process that dies mid-poll loses nothing: its leases expire, the feeds are
claimed again, and items already stored are found by the de-duplication keys.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from concurrent.futures import Executor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import httpx

from bot.ingest import dedup, schedule
from bot.ingest.fetch import PAGE_ACCEPT, FetchError, FetchResult, fetch
from bot.ingest.fulltext import PageText, extract_page, with_fulltext
from bot.ingest.links import with_web_links
from bot.ingest.parse import FeedParseError, ParsedFeed, parse_feed
from bot.models import Article, EmptyItem, FeedItem
from bot.routing.admit import admit, hold_quiet
from storage import articles, deliveries, feeds, routes
from storage.async_engine import AsyncConnection
from storage.db import Database
from storage.feeds import Feed
from storage.routes import Route
from storage.types import utcnow

log = logging.getLogger(__name__)

MAX_ITEMS_PER_POLL = 500
"""A feed document with more items than this is cut to its newest ones."""
MAX_ERROR_CHARS = 500
BODY_HASH_KEY = "body_sha256"
"""Key in `feeds.options`: hash of the last parsed body, for servers without validators."""
FAILING_SINCE_KEY = "failing_since"  # when the current spell of failures began
NOTICED_KEY = "failure_noticed"  # admins were told of this spell
MAX_EMPTY_ITEMS = 100
"""Skipped-item fingerprints a feed remembers (newest kept); each is logged once."""
EMPTY_KEY_CHARS = 16
BASELINE_BATCH = 100
"""Baseline items stored per transaction (they queue no deliveries)."""
DB_CONNECTIONS = 4
"""Transactions the poller runs at once on PostgreSQL (SQLite: one)."""
LARGE_DOCUMENT_BYTES = 1 << 20
"""Feed documents this large are parsed one at a time (memory grows with the document)."""
MIN_IDLE_SECONDS = 0.25
"""When nothing more is due, the tick checks again after at least this long."""
ArticleBuilder = Callable[..., Article]
_T = TypeVar("_T")


class PollerConfig(Protocol):
    """The Settings fields the poller reads (Settings satisfies it)."""

    @property
    def poll_concurrency(self) -> int: ...
    @property
    def poll_per_host_concurrency(self) -> int: ...
    @property
    def poll_tick_seconds(self) -> float: ...
    @property
    def fetch_timeout_seconds(self) -> float: ...
    @property
    def fetch_max_bytes(self) -> int: ...
    @property
    def feed_max_failures(self) -> int: ...
    @property
    def notice_after(self) -> tuple[int | None, int | None]: ...


@dataclass(frozen=True, slots=True)
class UpdatedArticle:
    """A stored article whose feed item changed; `edit_chat_ids` want their posts edited."""

    article_id: int
    feed_id: int
    edit_chat_ids: tuple[int, ...] = ()


@dataclass(slots=True)
class FeedOutcome:
    """What one poll of one feed did."""

    feed_id: int
    url: str
    status: str  # "baseline" | "new" | "updated" | "unchanged" | "error" | "lost"
    new_article_ids: list[int] = field(default_factory=list)
    baseline_article_ids: list[int] = field(default_factory=list)
    updated: list[UpdatedArticle] = field(default_factory=list)
    error: str | None = None
    deactivated: bool = False
    next_poll_at: datetime | None = None


@dataclass(slots=True)
class PollReport:
    """Outcomes of the polls that finished since the previous report."""

    outcomes: list[FeedOutcome] = field(default_factory=list)
    claimed: int = 0
    in_flight: int = 0

    @property
    def polled(self) -> int:
        return len(self.outcomes)

    @property
    def new_article_ids(self) -> list[int]:
        return [i for o in self.outcomes for i in o.new_article_ids]

    @property
    def updated(self) -> list[UpdatedArticle]:
        return [u for o in self.outcomes for u in o.updated]

    @property
    def errors(self) -> dict[int, str]:
        return {o.feed_id: o.error for o in self.outcomes if o.error is not None}

    @property
    def deactivated(self) -> list[int]:
        return [o.feed_id for o in self.outcomes if o.deactivated]

    def merge(self, other: PollReport) -> None:
        self.outcomes.extend(other.outcomes)
        self.claimed += other.claimed
        self.in_flight = other.in_flight


@dataclass(slots=True)
class _Stored:
    new: list[int] = field(default_factory=list)
    baseline: list[int] = field(default_factory=list)
    updated: list[UpdatedArticle] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)  # keys of empty items first seen now


@dataclass(slots=True)
class _Run:
    """One poll's context while its items are stored."""

    feed: Feed
    shared: set[str]
    routes: Sequence[Route]
    baseline: bool
    source: str | None = None
    language: str | None = None
    stored: _Stored = field(default_factory=_Stored)

    @property
    def edit_chats(self) -> tuple[int, ...]:
        return tuple(r.chat_id for r in self.routes if r.options.get("on_update") == "edit")


@dataclass(slots=True)
class _Candidate:
    """An item that is new or changed since it was stored."""

    item: FeedItem
    fingerprint: str
    match: articles.KnownArticle | None
    deliver: bool


class _ByContent:
    """Stored articles by (title, content hash): the last link of the key chain."""

    def __init__(self, known: Iterable[articles.KnownArticle]) -> None:
        self._found: dict[tuple[str, str], articles.KnownArticle] = {}
        for article in known:
            if article.content_hash:
                self._found.setdefault((article.title, article.content_hash), article)

    def find(self, article: Article) -> articles.KnownArticle | None:
        if not article.content_hash:
            return None
        return self._found.get((article.title, article.content_hash))

    def add(self, article: Article, article_id: int) -> None:
        if article.content_hash:
            key = (article.title, article.content_hash)
            self._found.setdefault(
                key,
                articles.KnownArticle(
                    article_id,
                    article.guid,
                    article.url,
                    article.title,
                    article.content_hash,
                    dict(article.extra),
                ),
            )


class _GroupCommit:
    """Feed-state writes that arrive together share one transaction (and one statement).

    Most polls end in a one-row UPDATE; queued behind the database gate, they
    are written as a batch, each caller resumed once its row is committed.
    """

    def __init__(
        self, transaction: Callable[[], AbstractAsyncContextManager[AsyncConnection]]
    ) -> None:
        self._transaction = transaction
        self._pending: list[tuple[int, str | None, dict[str, Any], asyncio.Future[bool]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def write(self, feed_id: int, token: str | None, values: dict[str, Any]) -> bool:
        """Write the poll's result if `token` still holds the feed's lease; whether it did."""
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append((feed_id, token, values, done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush(), name="poller-feed-states")
        return await done

    async def wait(self) -> None:
        """Let a flush in progress finish (shutdown)."""
        if self._flusher is not None and not self._flusher.done():
            await asyncio.wait([self._flusher])

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                async with self._transaction() as conn:
                    held = await feeds.finish_polls(conn, [(i, t, v) for i, t, v, _ in batch])
            except Exception as exc:
                for _, _, _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            except BaseException:  # cancelled: nobody may wait forever
                for _, _, _, done in batch + self._pending:
                    done.cancel()
                raise
            else:
                for feed_id, _, _, done in batch:
                    if not done.done():
                        done.set_result(feed_id in held)


def _since(value: object, default: datetime) -> datetime:
    """The stored start of a failing spell (ISO text), or `default`."""
    if not isinstance(value, str):
        return default
    try:
        found = datetime.fromisoformat(value)
    except ValueError:
        return default
    return found if found.tzinfo is not None or default.tzinfo is None else default


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc or url).lower()


def _body_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def empty_key(item_print: str) -> str:
    """The short key an empty item is remembered by in its feed's options."""
    return item_print[:EMPTY_KEY_CHARS]


def build_articles(
    builder: ArticleBuilder,
    batch: Sequence[tuple[FeedItem, str]],
    feed_id: int,
    source: str | None,
    language: str | None,
) -> list[Article | EmptyItem | None]:
    """Articles for (item, fingerprint) pairs, with the ingest keys set.

    An item that cannot be built is logged and left out (None), so one malformed
    entry never keeps the rest of its feed from being posted; it is tried again
    at the next poll. An item with no title and no text comes back as its
    EmptyItem, unlogged: the poller logs it once and remembers it. Module-level
    and free of the poller's state, so a process pool can run it.
    """
    built: list[Article | EmptyItem | None] = []
    for item, item_print in batch:
        try:
            article = builder(item, source=source, feed_language=language)
        except EmptyItem as exc:
            built.append(exc)
            continue
        except Exception:
            log.exception("feed %s: skipped item %s", feed_id, item.guid or item.url)
            built.append(None)
            continue
        article.feed_id = feed_id
        article.guid = item.guid
        article.extra[dedup.FINGERPRINT_KEY] = item_print
        built.append(article)
    return built


def _build_article(*args: Any, **kwargs: Any) -> Article:
    """bot.content.pipeline.build_article, imported at the first article rather than at
    start: the HTML→Markdown stack (bs4, lxml) is ~8 MiB an idle bot does not need.
    Module-level so a process pool can pickle it."""
    from bot.content.pipeline import build_article

    return build_article(*args, **kwargs)


def _default_builder() -> ArticleBuilder:
    return _build_article


class Poller:
    """Claims due feeds, polls them concurrently, writes back their state.

    Parsing and article building run in `executor` when one is given (a
    ProcessPoolExecutor puts them on other cores), else in threads.
    """

    def __init__(
        self,
        db: Database,
        http: httpx.AsyncClient,
        config: PollerConfig,
        notify: Callable[[str], Awaitable[None]],
        clock: Callable[[], datetime] = utcnow,
        *,
        rng: random.Random | None = None,
        tick_wait: float | None = None,
        lease: timedelta | None = None,
        build_article: ArticleBuilder | None = None,
        executor: Executor | None = None,
        guarded_http: httpx.AsyncClient | None = None,
    ) -> None:
        self.db = db
        self.http = http
        # Feeds added from chat, and every feed's item pages, are fetched through a
        # client that checks every hop and pins the checked address; the operator's
        # CLI feed URLs themselves are trusted.
        self.guarded_http = guarded_http
        self.config = config
        self.notify = notify
        self.clock = clock
        self.rng = rng or random.Random()
        self.tick_wait = config.poll_tick_seconds * 0.8 if tick_wait is None else tick_wait
        timeout = config.fetch_timeout_seconds
        self.lease = lease or timedelta(seconds=max(300.0, timeout * 10))
        self.build_article = build_article or _default_builder()
        self.executor = executor
        self._global = asyncio.Semaphore(config.poll_concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        # SQLite has one writer, and every connection over the pool size is opened
        # and closed again: a few transactions at a time are faster than many.
        self._db_gate = asyncio.Semaphore(1 if db.dialect == "sqlite" else DB_CONNECTIONS)
        self._large_parse = asyncio.Semaphore(1)
        self._tasks: dict[asyncio.Task[FeedOutcome], int] = {}
        self._states = _GroupCommit(self._transaction)

    # -- the job ---------------------------------------------------------------

    @property
    def capacity(self) -> int:
        """Feeds held at once: twice the concurrency, so a slot never idles waiting for a claim."""
        return self.config.poll_concurrency * 2

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    async def tick(self) -> PollReport:
        """Keep the slots full for `tick_wait` seconds, then report what finished meanwhile.

        Feeds are claimed as capacity frees (not one batch per tick): a poll that
        ends makes room for the next due feed at once, and when nothing is due the
        tick sleeps until the next feed falls due. A failed claim (database
        unavailable) is logged; the polls already running still report, and the
        next tick claims again.
        """
        report = PollReport()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.tick_wait
        idle_until = 0.0  # loop time before which nothing is due (after a short claim)
        first = True
        while True:
            report.outcomes.extend(self._collect())  # finished polls free their slots
            now = loop.time()
            free = self.capacity - len(self._tasks)
            refill = free > 0 and (not self._tasks or free >= max(1, self.capacity // 4))
            if first or (now >= idle_until and refill):
                first = False
                try:
                    claimed, wanted = await self._claim(free)
                except Exception:
                    log.exception("claiming due feeds failed; retrying at the next tick")
                    idle_until = deadline
                else:
                    report.claimed += claimed
                    if claimed < wanted:  # all that is due is running: sleep till the next
                        idle_until = await self._next_due(loop.time(), deadline)
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            until_due = idle_until - loop.time()
            wake = min(remaining, until_due) if until_due > 0 else remaining
            if self._tasks:
                await asyncio.wait(
                    list(self._tasks), timeout=wake, return_when=asyncio.FIRST_COMPLETED
                )
            else:
                await asyncio.sleep(wake)
        report.outcomes.extend(self._collect())
        report.in_flight = len(self._tasks)
        return report

    async def _next_due(self, loop_now: float, deadline: float) -> float:
        """Loop time at which the next unleased feed falls due (capped at `deadline`)."""
        try:
            async with self._transaction() as conn:
                due = await feeds.next_due_at(conn)
        except Exception:
            log.exception("reading the next due time failed")
            return deadline
        if due is None:
            return deadline
        # At least a moment: a feed due now but not claimable (another process's
        # transaction holds it) must not make the loop spin.
        return min(deadline, loop_now + max(MIN_IDLE_SECONDS, (due - self.clock()).total_seconds()))

    async def run_until_idle(self) -> PollReport:
        """Poll everything due now (and what falls due meanwhile) to the end: CLI and bench."""
        total = PollReport()
        while True:
            free = self.capacity - len(self._tasks)
            if not self._tasks or free >= max(1, self.capacity // 4):
                total.claimed += await self._claim_and_start()
            if not self._tasks:
                return total
            await asyncio.wait(list(self._tasks), return_when=asyncio.FIRST_COMPLETED)
            total.outcomes.extend(self._collect())

    async def drain(self) -> PollReport:
        """Wait for the polls in flight (no new claims)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks))
        return PollReport(outcomes=self._collect())

    async def aclose(self) -> None:
        """Stop: cancel polls in flight; their leases expire and another tick retries them."""
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks))
        self._tasks.clear()
        await self._states.wait()

    async def _claim_and_start(self) -> int:
        claimed, _wanted = await self._claim(self.capacity - len(self._tasks))
        return claimed

    async def _claim(self, free: int) -> tuple[int, int]:
        """Claim up to `free` due feeds and start polling them; (claimed, asked for)."""
        if free <= 0:
            return 0, 0
        async with self._transaction() as conn:
            claimed = await feeds.claim_due_feeds(
                conn, limit=free, lease=self.lease, now=self.clock()
            )
        running = set(self._tasks.values())
        for feed in claimed:
            if feed.id not in running:
                task = asyncio.create_task(self.poll_feed(feed), name=f"poll-feed-{feed.id}")
                self._tasks[task] = feed.id
        return len(claimed), free

    def _collect(self) -> list[FeedOutcome]:
        done = [task for task in self._tasks if task.done()]
        outcomes = []
        for task in done:
            feed_id = self._tasks.pop(task)
            if task.cancelled():
                continue
            exc = task.exception()
            if exc is not None:  # poll_feed catches everything; this is a last resort
                log.error("poll of feed %s crashed", feed_id, exc_info=exc)
                continue
            outcomes.append(task.result())
        return outcomes

    # -- one feed --------------------------------------------------------------

    async def poll_feed(self, feed: Feed) -> FeedOutcome:
        """Fetch, parse and store one claimed feed; every failure is recorded, none raised."""
        stored = _Stored()
        try:
            return await self._poll(feed, stored)
        except asyncio.CancelledError:
            raise
        except feeds.LeaseLostError:
            return self._lost(feed, stored)
        except Exception as exc:
            log.exception("unexpected error polling feed %s (%s)", feed.id, feed.url)
            try:
                return await self._failed(feed, f"internal error: {type(exc).__name__}: {exc}")
            except Exception:
                log.exception("cannot record the failure of feed %s", feed.id)
                return FeedOutcome(feed.id, feed.url, "error", error=str(exc))

    async def _poll(self, feed: Feed, stored: _Stored) -> FeedOutcome:
        try:
            async with self._slot(feed.url):
                result = await fetch(
                    self._client_for(feed),
                    feed.url,
                    time_limit=self.config.fetch_timeout_seconds,
                    max_bytes=self.config.fetch_max_bytes,
                    etag=feed.etag,
                    last_modified=feed.last_modified,
                )
        except FetchError as exc:
            return await self._failed(
                feed, exc.message, retry_after=exc.retry_after, gone=exc.status == 410
            )
        if result.content is None or self._same_body(feed, result.content):
            return await self._succeeded(feed, result, None, stored)
        try:
            parsed = await self._parse(result)
        except FeedParseError as exc:
            return await self._failed(feed, exc.message)
        await self._store(feed, parsed, stored)
        return await self._succeeded(feed, result, parsed, stored)

    async def _parse(self, result: FetchResult) -> ParsedFeed:
        """Parse off the loop; large documents one at a time.

        feedparser's cost grows with the document (a 5 MB body can peak near
        200 MB, 5 MB of unknown entity references over 300 MB in its lenient
        parser), so twenty large feeds parsed at once could take gigabytes.
        """
        assert result.content is not None
        args = (parse_feed, result.content, result.url, result.headers)
        if len(result.content) < LARGE_DOCUMENT_BYTES:
            return await self._cpu(*args)
        async with self._large_parse:
            return await self._cpu(*args)

    @staticmethod
    def _same_body(feed: Feed, content: bytes) -> bool:
        """The server ignored the conditional GET but sent the same bytes: nothing to parse."""
        return feed.baseline_done and feed.options.get(BODY_HASH_KEY) == _body_hash(content)

    @asynccontextmanager
    async def _slot(self, url: str) -> AsyncIterator[None]:
        """A per-host slot, then a global one (in that order, so no global slot idles)."""
        host = _host_key(url)
        limit = self._hosts.get(host)
        if limit is None:
            limit = self._hosts[host] = asyncio.Semaphore(self.config.poll_per_host_concurrency)
        async with limit, self._global:
            yield

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncConnection]:
        """A transaction, once one of the poller's few database slots is free."""
        async with self._db_gate, self.db.begin() as conn:
            yield conn

    # -- storing items ---------------------------------------------------------

    async def _store(self, feed: Feed, parsed: ParsedFeed, stored: _Stored) -> None:
        items = dedup.unique_items(map(with_web_links, parsed.items))[:MAX_ITEMS_PER_POLL]
        shared = dedup.shared_links(items)
        async with self._transaction() as conn:
            known = await articles.known_articles(
                conn,
                feed.id,
                guids=[i.guid for i in items if i.guid],
                urls=[u for i in items if (u := dedup.link_key(i, shared))],
            )
            active_routes = await routes.routes_for_feed(conn, feed.id)
        run = _Run(feed, shared, active_routes, baseline=not feed.baseline_done, stored=stored)
        empty = set(feed.empty_items)
        run.source = feed.title or parsed.title
        run.language = parsed.language
        ordered = dedup.oldest_first(items)
        deliver_from = len(ordered) - max(0, feed.backfill) if run.baseline else 0
        quiet: list[_Candidate] = []
        loud: list[_Candidate] = []
        for index, item in enumerate(ordered):
            match = dedup.match_known(item, known, shared)
            item_print = dedup.fingerprint(item)
            if match is not None and match.extra.get(dedup.FINGERPRINT_KEY) == item_print:
                continue
            if match is None and empty_key(item_print) in empty:
                continue  # skipped and logged at an earlier poll
            candidate = _Candidate(item, item_print, match, deliver=index >= deliver_from)
            (quiet if not candidate.deliver and match is None else loud).append(candidate)
        for start in range(0, len(quiet), BASELINE_BATCH):
            await self._store_quietly(run, quiet[start : start + BASELINE_BATCH])
        for candidate in loud:
            await self._store_item(run, candidate)

    async def _cpu(self, func: Callable[..., _T], *args: Any) -> _T:
        """Run CPU-bound work off the event loop: in `executor`, else in a thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(func, *args))

    async def _build(
        self, run: _Run, batch: Sequence[tuple[FeedItem, str]]
    ) -> list[Article | None]:
        """Built articles; an empty item is logged once, remembered, and comes back as None."""
        built = await self._cpu(
            build_articles, self.build_article, batch, run.feed.id, run.source, run.language
        )
        out: list[Article | None] = []
        for (item, item_print), article in zip(batch, built, strict=True):
            if isinstance(article, EmptyItem):
                key = empty_key(item_print)
                if key not in run.stored.empty:
                    run.stored.empty.append(key)
                    log.warning(
                        "feed %s: item %s has no title and no text; not posted",
                        run.feed.id,
                        item.guid or item.url or key,
                    )
                article = None
            out.append(article)
        return out

    async def _store_quietly(self, run: _Run, batch: Sequence[_Candidate]) -> None:
        """Baseline items (stored, never posted) in one transaction: all of them or none."""
        built = await self._build(run, [(c.item, c.fingerprint) for c in batch])
        now = self.clock()
        async with self._transaction() as conn:
            await feeds.extend_lease(conn, run.feed.id, run.feed.lease_token, self.lease)
            same = _ByContent(
                await articles.known_articles(
                    conn,
                    run.feed.id,
                    content_hashes=[a.content_hash for a in built if a and a.content_hash],
                )
            )
            for candidate, article in zip(batch, built, strict=True):
                if article is None:
                    continue
                existing = candidate.match or same.find(article)
                article_id = await self._apply(conn, run, candidate, article, existing, now)
                if article_id is not None:
                    same.add(article, article_id)

    async def _store_item(self, run: _Run, candidate: _Candidate) -> None:
        """One item, one transaction: the article and its deliveries, or nothing."""
        item = candidate.item
        if run.feed.fulltext:
            # An item's link is the feed author's choice, whoever added the feed: its page
            # is fetched through the guard (unless the operator allows private addresses).
            client = self.guarded_http or self.http

            async def fetch_page(url: str) -> bytes | None:
                return await self._fetch_page(client, url)

            item = await with_fulltext(item, fetch_page, self._extract)
        [article] = await self._build(run, [(item, candidate.fingerprint)])
        if article is None:
            return
        now = self.clock()
        async with self._transaction() as conn:
            # Writing first takes the write lock (SQLite) or the feed's row lock (PostgreSQL)
            # before any read, and fences: a poller that lost its lease stops here.
            await feeds.extend_lease(conn, run.feed.id, run.feed.lease_token, self.lease)
            existing = candidate.match
            if existing is None and article.content_hash:
                same = await articles.known_articles(
                    conn, run.feed.id, content_hashes=[article.content_hash]
                )
                existing = _ByContent(same).find(article)
            await self._apply(conn, run, candidate, article, existing, now)

    async def _apply(
        self,
        conn: AsyncConnection,
        run: _Run,
        candidate: _Candidate,
        article: Article,
        existing: articles.KnownArticle | None,
        now: datetime,
    ) -> int | None:
        """Insert (and queue), record an update, or note the new fingerprint; the new id if any.

        `existing` is what the key chain found: by guid or link (looked up for the
        whole document before) or else by title and content hash.
        """
        if existing is None:
            key = dedup.item_key(candidate.item, run.shared)
            article_id = await articles.insert_article_once(conn, article, key, now=now)
            if article_id is not None:
                if candidate.deliver:
                    admitted = await admit(conn, article_id, article, run.routes, now=now)
                    await deliveries.enqueue_deliveries(conn, article_id, admitted, now=now)
                    await hold_quiet(conn, article_id, admitted, now=now)
                (run.stored.new if candidate.deliver else run.stored.baseline).append(article_id)
                return article_id
            assert key is not None  # only a keyed insert can conflict
            existing = await articles.known_by_key(conn, run.feed.id, key)
            if existing is None:
                raise RuntimeError(f"feed {run.feed.id}: item key {key!r} conflicts but is gone")
        if existing.content_hash != article.content_hash:
            article.extra["updated"] = now.isoformat()
            await articles.update_article(
                conn, existing.id, article, now=now, edit_chats=run.edit_chats
            )
            run.stored.updated.append(UpdatedArticle(existing.id, run.feed.id, run.edit_chats))
        else:
            extra = {**existing.extra, dedup.FINGERPRINT_KEY: candidate.fingerprint}
            await articles.set_article_extra(conn, existing.id, extra)
        return None

    def _client_for(self, feed: Feed) -> httpx.AsyncClient:
        if self.guarded_http is not None and feed.options.get("added_from_chat"):
            return self.guarded_http
        return self.http

    async def _fetch_page(self, client: httpx.AsyncClient, url: str) -> bytes | None:
        async with self._slot(url):
            result = await fetch(
                client,
                url,
                time_limit=self.config.fetch_timeout_seconds,
                max_bytes=self.config.fetch_max_bytes,
                accept=PAGE_ACCEPT,
            )
        return result.content

    async def _extract(self, page: bytes, url: str) -> PageText | None:
        return await self._cpu(extract_page, page, url)

    # -- writing back the feed's state -----------------------------------------

    async def _succeeded(
        self, feed: Feed, result: FetchResult, parsed: ParsedFeed | None, stored: _Stored
    ) -> FeedOutcome:
        now = self.clock()
        options = dict(feed.options)
        options.pop(FAILING_SINCE_KEY, None)
        options.pop(NOTICED_KEY, None)
        if feed.error_count:
            log.info(
                "feed #%d recovered after %d failures: %s", feed.id, feed.error_count, feed.url
            )
        if stored.empty:
            kept = [k for k in feed.empty_items if k not in stored.empty]
            options[feeds.EMPTY_ITEMS_KEY] = (kept + stored.empty)[-MAX_EMPTY_ITEMS:]
        if parsed is not None and result.content is not None:
            options[BODY_HASH_KEY] = _body_hash(result.content)
            if parsed.ttl_minutes:
                options["ttl_minutes"] = parsed.ttl_minutes
            else:
                options.pop("ttl_minutes", None)
        interval = schedule.poll_interval(
            feed.interval_seconds,
            ttl_minutes=options.get("ttl_minutes"),
            max_age=result.max_age,
            retry_after=result.retry_after,
        )
        first = parsed is not None and not feed.baseline_done
        spread = schedule.FIRST_SPREAD if first else schedule.JITTER
        next_poll = schedule.jittered(now, interval, self.rng, spread=spread)
        values: dict[str, Any] = {
            "last_polled_at": now,
            "last_success_at": now,
            "next_poll_at": next_poll,
            "error_count": 0,
            "last_error": None,
            "options": options,
            "etag": result.etag if parsed is not None else (result.etag or feed.etag),
            "last_modified": result.last_modified
            if parsed is not None
            else (result.last_modified or feed.last_modified),
        }
        if parsed is not None:
            values["baseline_done"] = True
            values["title"] = feed.title or parsed.title
            values["site_url"] = parsed.link or feed.site_url
            values["language"] = parsed.language or feed.language
        if result.permanent_url:
            async with self._transaction() as conn:
                if await feeds.get_feed_by_url(conn, result.permanent_url) is None:
                    values["url"] = result.permanent_url
                held = feed.id in await feeds.finish_polls(
                    conn, [(feed.id, feed.lease_token, values)]
                )
        else:
            held = await self._states.write(feed.id, feed.lease_token, values)
        if not held:
            return self._lost(feed, stored)
        status = "baseline" if first else "new" if stored.new else "unchanged"
        if status == "unchanged" and stored.updated:
            status = "updated"
        return FeedOutcome(
            feed.id,
            values.get("url", feed.url),
            status,
            new_article_ids=stored.new,
            baseline_article_ids=stored.baseline,
            updated=stored.updated,
            next_poll_at=next_poll,
        )

    async def _failed(
        self, feed: Feed, message: str, *, retry_after: float | None = None, gone: bool = False
    ) -> FeedOutcome:
        now = self.clock()
        count = feed.error_count + 1
        deactivate = gone or count >= self.config.feed_max_failures
        delay = schedule.backoff_delay(count, feed.interval_seconds, retry_after=retry_after)
        next_poll = schedule.jittered(now, delay, self.rng)
        message = message[:MAX_ERROR_CHARS]
        options = dict(feed.options)
        since = _since(options.get(FAILING_SINCE_KEY), now) if count > 1 else now
        options[FAILING_SINCE_KEY] = since.isoformat()
        if count == 1:  # a new spell (after a success, or re-enabled by hand)
            options.pop(NOTICED_KEY, None)
            log.info("feed #%d failing: %s (%s)", feed.id, message, feed.url)
        notice_failures, notice_seconds = self.config.notice_after
        due = (notice_failures is not None and count >= notice_failures) or (
            notice_seconds is not None and (now - since).total_seconds() >= notice_seconds
        )
        tell = due and not deactivate and not options.get(NOTICED_KEY)
        if tell:
            options[NOTICED_KEY] = True
        held = await self._states.write(
            feed.id,
            feed.lease_token,
            {
                "error_count": count,
                "last_error": message,
                "last_polled_at": now,
                "next_poll_at": next_poll,
                "active": not deactivate,
                "options": options,
            },
        )
        if not held:
            return self._lost(feed, _Stored())
        if tell:
            await self._notify(
                f"Feed #{feed.id} is failing: {count} failure(s) since "
                f"{since:%Y-%m-%d %H:%M} UTC.\n{feed.url}\nLast error: {message}\n"
                f"It is retried with backoff and deactivated after "
                f"{self.config.feed_max_failures} failures in a row."
            )
        if deactivate:
            reason = (
                "the server says it is gone (HTTP 410)" if gone else f"{count} failures in a row"
            )
            log.warning("feed #%d deactivated: %s; last error: %s", feed.id, reason, message)
            await self._notify(
                f"Feed #{feed.id} deactivated: {reason}.\n{feed.url}\nLast error: {message}\n"
                f"Re-enable it once fixed (it is kept with its articles)."
            )
        return FeedOutcome(
            feed.id,
            feed.url,
            "error",
            error=message,
            deactivated=deactivate,
            next_poll_at=next_poll,
        )

    @staticmethod
    def _lost(feed: Feed, stored: _Stored) -> FeedOutcome:
        """Another poller claimed the feed after this one's lease ran out: it owns the result.

        What this poll stored before it noticed (each item in a transaction that
        held the lease) is still reported, so its deliveries and edits go ahead.
        """
        log.warning("feed %s: lease lost mid-poll; leaving the result to its new holder", feed.id)
        return FeedOutcome(
            feed.id,
            feed.url,
            "lost",
            new_article_ids=stored.new,
            baseline_article_ids=stored.baseline,
            updated=stored.updated,
        )

    async def _notify(self, text: str) -> None:
        try:
            await self.notify(text)
        except Exception:
            log.exception("admin notice failed: %s", text)
