"""Cost of /search with many stored articles, on SQLite and (given a URL) PostgreSQL.

Run by hand: `.venv/bin/python bench/search.py [--articles N] [--postgres URL]`.
Builds a database of N articles (half English, half Chinese, each a shuffle of real
sentences from the corpus's answers/ texts, about 1.5 KB), all posted round-robin
into 20 chats, then times one page of /search (`bot.search.find`, 11 rows asked)
for queries drawn from the same texts: common and rare English words, two-word
queries, Chinese words of 3-4 characters (trigram index), of 2 characters (the doubled
`pairs` column), rare ones among them, and of 1 character (the LIKE fallback).
Prints p50/p95 milliseconds per kind. Target: p95 < 50 ms.
The PostgreSQL database given is emptied first.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bot.models import Article  # noqa: E402
from bot.search import find  # noqa: E402
from storage import search as store  # noqa: E402
from storage.db import Database, create_database, open_database  # noqa: E402
from storage.schema import articles, messages, search_docs  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "answers"
BATCH = 2_000
SAMPLES = 60
CHATS = [-1_002_000_000_000 - i for i in range(20)]
RARE_PAIRS = ["女排", "冰壶", "鲸鱼", "火山", "围棋", "滑雪"]  # in no corpus text
_SENTENCE = re.compile(r"(?<=[.!?。！？])\s*")


def _sentences(language: str) -> list[str]:
    found: list[str] = []
    for path in sorted((CORPUS / language).glob("*.txt")):
        if path.name.endswith(".summary.txt"):
            continue
        text = " ".join(path.read_text("utf-8").split())
        found += [s for s in _SENTENCE.split(text) if 10 <= len(s) <= 300]
    return found


def _queries(rng: random.Random, english: list[str], chinese: list[str]) -> dict[str, list[str]]:
    words = [w.lower() for s in english for w in re.findall(r"[A-Za-z]{4,}", s)]
    counts: dict[str, int] = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    by_count = sorted(counts, key=lambda w: -counts[w])
    han = [s for s in chinese if re.search(r"[\u4e00-\u9fff]{4}", s)]

    def chinese_word(size: int) -> str:
        while True:
            sentence = rng.choice(han)
            start = rng.randrange(len(sentence) - size + 1)
            piece = sentence[start : start + size]
            if re.fullmatch(r"[\u4e00-\u9fff]+", piece):
                return piece

    return {
        "english common word": [rng.choice(by_count[:50]) for _ in range(SAMPLES)],
        "english rare word": [rng.choice(by_count[-500:]) for _ in range(SAMPLES)],
        "english two words": [
            f"{rng.choice(by_count[:300])} {rng.choice(by_count[:300])}" for _ in range(SAMPLES)
        ],
        "english no match": [f"{rng.choice(by_count)}zq" for _ in range(SAMPLES)],
        "chinese 3-4 chars": [chinese_word(rng.choice((3, 4))) for _ in range(SAMPLES)],
        "chinese 2 chars (pairs)": [chinese_word(2) for _ in range(SAMPLES)],
        "chinese 1 char (LIKE)": [chinese_word(1) for _ in range(SAMPLES)],
        "chinese 2 chars, rare": [rng.choice(RARE_PAIRS) for _ in range(SAMPLES // 6)],
    }


async def _fill(db: Database, count: int, rng: random.Random) -> None:
    english, chinese = _sentences("en"), _sentences("zh")
    now = datetime.now(UTC)
    async with db.begin() as conn:
        for start in range(0, count, BATCH):
            rows, docs, posts = [], [], []
            for i in range(start + 1, min(count, start + BATCH) + 1):
                pool, joiner = (english, " ") if i % 2 else (chinese, "")
                title = rng.choice(pool)[:80]
                text = joiner.join(rng.sample(pool, 8))
                rows.append(
                    {"id": i, "title": title, "content_markdown": text, "url": f"https://x/{i}"}
                    | {"created_at": now, "updated_at": now}
                )
                body = store.document_of(Article(title=title, content_markdown=text))
                docs.append({"article_id": i, "body": body, "pairs": store.pairs_of(body)})
                posts.append(
                    {"chat_id": CHATS[i % len(CHATS)], "message_id": i, "article_id": i}
                    | {"part": 1, "kind": "post", "created_at": now}
                )
            await conn.execute(articles.insert(), rows)
            await conn.execute(search_docs.insert(), docs)
            await conn.execute(messages.insert(), posts)
        if db.dialect == "sqlite":
            await conn.execute(sa.text("INSERT INTO search_fts (search_fts) VALUES ('rebuild')"))
        else:
            await conn.execute(sa.text("ANALYZE"))


def _report(name: str, times: list[float]) -> float:
    ordered = sorted(times)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(f"  {name:<26} p50 {statistics.median(ordered):7.2f} ms   p95 {p95:7.2f} ms")
    return p95


async def _run(db: Database, label: str, count: int, *, reuse: bool = False) -> None:
    started = time.perf_counter()
    if reuse:
        print(f"{label}: reusing the {count} articles a previous run stored")
    else:
        await _fill(db, count, random.Random(7))
        elapsed = time.perf_counter() - started
        print(f"{label}: {count} articles stored and indexed in {elapsed:.0f} s")
    queries = _queries(random.Random(11), _sentences("en"), _sentences("zh"))
    everything: list[float] = []
    for kind, texts in queries.items():
        for text in texts[:3]:  # warm the caches as a running bot has them
            await find(db, CHATS, text)
        times = []
        for text in texts:
            begun = time.perf_counter()
            await find(db, CHATS, text)
            times.append((time.perf_counter() - begun) * 1000)
        everything += times
        _report(kind, times)
    _report("ALL", everything)


async def main(count: int, postgres: str | None, sqlite: bool = True, reuse: bool = False) -> None:
    if sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            db = await open_database(f"sqlite:///{Path(tmp) / 'search.db'}")
            try:
                await _run(db, "SQLite (FTS5 trigram)", count)
            finally:
                await db.close()
    if postgres:
        db = create_database(postgres)
        try:
            if not reuse:
                async with db.begin() as conn:
                    await conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
                    await conn.execute(sa.text("CREATE SCHEMA public"))
            await db.migrate()
            await _run(db, "PostgreSQL (pg_trgm)", count, reuse=reuse)
        finally:
            await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--postgres", help="an EMPTY-able PostgreSQL URL to bench too")
    parser.add_argument("--no-sqlite", action="store_true", help="bench PostgreSQL only")
    parser.add_argument(
        "--reuse", action="store_true", help="PostgreSQL: query what the last run stored"
    )
    args = parser.parse_args()
    asyncio.run(main(args.articles, args.postgres, not args.no_sqlite, args.reuse))
