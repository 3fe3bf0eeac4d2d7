"""Answer latency: /summary and /quotes against a database of 100,000 stored articles.

Run by hand: `.venv/bin/python bench/answers.py [--articles N]`. Builds a temporary SQLite
database, then times what a handler does for an answer (load the article, analyse it or
read the cache) for 200 articles of about 10,000 characters: cold (first ask) and cached.
Prints p50/p99 milliseconds and peak RSS, and the analysers alone on the same bodies
(no database). Targets: cached p99 < 20 ms, cold p99 < 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.analysis.quotes import find_quotes  # noqa: E402
from bot.analysis.summary import extractive_summary  # noqa: E402
from bot.answers import article_quotes, article_summary  # noqa: E402
from bot.content.pipeline import load_article_file  # noqa: E402
from bot.models import Article  # noqa: E402
from storage import articles  # noqa: E402
from storage.db import Database, open_database  # noqa: E402
from storage.schema import articles as articles_table  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "articles"
SAMPLED = 200
TARGET_CHARS = 10_000
BATCH = 2_000


def _bodies() -> list[tuple[str, str, str]]:
    """(title, language, ~10,000-character body) built from the fixture articles."""
    out = []
    for path in sorted(FIXTURES.iterdir()):
        article = load_article_file(path)
        body = article.content_markdown
        while len(body) < TARGET_CHARS:
            body += "\n\n" + article.content_markdown
        out.append((article.title, article.language or "en", body[:TARGET_CHARS]))
    return out


async def _fill(db: Database, count: int, rng: random.Random) -> list[int]:
    """Insert `count` articles (short ones in bulk, plus the sampled long ones)."""
    now = datetime.now(UTC)
    bodies = _bodies()
    short = [b[2][:1500] for b in bodies]
    async with db.begin() as conn:
        for start in range(0, count - SAMPLED, BATCH):
            rows = [
                {
                    "title": f"Article {i}",
                    "guid": f"g{i}",
                    "url": f"https://example.com/{i}",
                    "content_markdown": short[i % len(short)],
                    "language": bodies[i % len(bodies)][1],
                    "authors": [],
                    "enclosures": [],
                    "extra": {},
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(start, min(start + BATCH, count - SAMPLED))
            ]
            await conn.execute(articles_table.insert(), rows)
    ids = []
    async with db.begin() as conn:
        for i in range(SAMPLED):
            title, language, body = bodies[i % len(bodies)]
            ids.append(
                await articles.insert_article(
                    conn, Article(title=f"{title} #{i}", content_markdown=body, language=language)
                )
            )
    rng.shuffle(ids)
    return ids


async def _time(ids: list[int], answer: Callable[[int], Awaitable[object]]) -> list[float]:
    times = []
    for article_id in ids:
        start = time.perf_counter()
        await answer(article_id)
        times.append((time.perf_counter() - start) * 1000)
    return times


def _report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"{name:<18} p50 {statistics.median(ordered):7.2f} ms   p99 {p99:7.2f} ms")


def _analysis_only() -> None:
    """The pure analysers on the same ~10,000-character bodies, without the database."""
    bodies = _bodies()
    for name, fn in (("quotes", find_quotes), ("summary", extractive_summary)):
        times = []
        for _ in range(10):
            for _title, language, body in bodies:
                start = time.perf_counter()
                fn(body, language)
                times.append((time.perf_counter() - start) * 1000)
        _report(f"{name} analysis", times)


async def main(count: int) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        db = await open_database(f"sqlite:///{tmp}/bench.db")
        start = time.perf_counter()
        ids = await _fill(db, count, rng)
        print(f"{count:,} articles stored in {time.perf_counter() - start:.1f} s")

        async def summary(article_id: int) -> object:
            async with db.begin() as conn:
                article = await articles.get_article(conn, article_id)
            assert article is not None
            return await article_summary(db, article)

        async def quotes(article_id: int) -> object:
            async with db.begin() as conn:
                article = await articles.get_article(conn, article_id)
            assert article is not None
            return await article_quotes(db, article)

        _analysis_only()
        _report("/summary cold", await _time(ids, summary))
        _report("/summary cached", await _time(ids, summary))
        _report("/quotes cold", await _time(ids, quotes))
        _report("/quotes cached", await _time(ids, quotes))
        await db.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    asyncio.run(main(parser.parse_args().articles))
