"""The SQLite file survives SIGKILL during heavy writing (WAL): nothing committed is lost."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from storage.db import open_database

WRITER = """
import asyncio, sys
from bot.models import Article
from storage import articles
from storage.db import open_database

async def main(url):
    db = await open_database(url)
    i = 0
    while True:
        async with db.begin() as conn:
            for _ in range(20):
                article = Article(title=f"a{i}", content_markdown="x" * 2000)
                await articles.insert_article(conn, article)
                i += 1
        print(i, flush=True)  # everything up to i is committed

asyncio.run(main(sys.argv[1]))
"""


def _kill_after(url: str, commits: int, cwd: Path) -> int:
    """Run the writer until it reports `commits` commits, SIGKILL it; the last count seen."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, url], stdout=subprocess.PIPE, text=True, cwd=cwd
    )
    assert proc.stdout is not None
    last = 0
    for _ in range(commits):
        line = proc.stdout.readline()
        if not line:
            break
        last = int(line)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return last


def test_sigkill_during_writes_loses_nothing_committed(tmp_path: Path) -> None:
    path = tmp_path / "durable.db"
    url = f"sqlite:///{path}"
    repo = Path(__file__).resolve().parents[1]
    rng = random.Random(11)
    for _round in range(3):
        acknowledged = _kill_after(url, rng.randint(3, 15), repo)
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert count >= acknowledged

    async def reopen() -> None:
        db = await open_database(url)  # migrations and WAL recovery on restart
        await db.close()

    asyncio.run(reopen())
