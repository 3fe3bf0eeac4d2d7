"""An idle `chatwire run` imports only what it runs (issue 14, "Memory").

The analysis, translation, the formatter, full-text extraction, Prometheus, tornado and the
PostgreSQL driver each cost RSS in every process that imports them; they load on first
use. These tests build the whole runtime in a fresh interpreter, the way `chatwire run`
does, run a poller and a publisher tick, and list what got imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.malloc import MemoryReleaser

ROOT = Path(__file__).resolve().parents[1]

# Loaded on first use only: each line says what pays for it.
LAZY = [
    "bot.analysis.quotes",  # /quotes
    "bot.analysis.summary",  # /summary
    "bot.analysis.llm",
    "bot.translate.engine",  # a translated route or TRANSLATE_LLM_URL
    "bot.translate.gate",
    "bot.translate.worker",
    "bot.render.post",  # the first article posted
    "bot.content.pipeline",
    "feedparser",  # the first feed parsed
    "nh3",
    "selectolax",
    "pycld2",
    "trafilatura",  # a full-text route
    "markdownify",
    "bs4",
    "lxml",
    "markdown_it",
    "prometheus_client",  # --metrics-port
    "tornado",  # --webhook or --metrics-port
    "bot.ingest.opml",  # feeds import/export
    "xml.etree",
    "asyncpg",  # a PostgreSQL DATABASE_URL
    "sqlalchemy.dialects.postgresql",
    "sqlalchemy.orm",  # never: Core only (storage/async_engine.py)
    "sqlalchemy.ext.asyncio.session",
]

SCRIPT = """
import asyncio, json, sys, tempfile

from bot.ptbimport import import_telegram_ext

import_telegram_ext(webhooks=False)  # as `chatwire run` does without --webhook
import bot.cli  # noqa: F401  (the CLI path `chatwire run` takes)

from bot.config import Settings
from bot.runtime import runtime

before_standin = sorted(sys.modules)
from bot.standin import FakeBotAPIRequest, FakeTelegram  # the stand-in itself runs on tornado


async def main() -> None:
    fake = FakeTelegram()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, database_url=f"sqlite:///{folder}/idle.db")
        request = FakeBotAPIRequest(fake)
        async with runtime(
            settings, token=fake.token, request=request, updates_request=request
        ) as rt:
            await rt.poller.tick()
            await rt.publisher.tick()


asyncio.run(main())
print(json.dumps({"before_standin": before_standin, "idle": sorted(sys.modules)}))
"""


def _idle_modules() -> dict[str, set[str]]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout.strip().splitlines()[-1])
    return {name: set(modules) for name, modules in found.items()}


@pytest.fixture(scope="module")
def imported() -> dict[str, set[str]]:
    return _idle_modules()


@pytest.fixture
def idle_modules(imported: dict[str, set[str]]) -> set[str]:
    return imported["idle"]


def test_the_idle_bot_ran_its_ticks(idle_modules: set[str]) -> None:
    # the probe sees imports: what the ticks and the handlers need is there
    assert {"bot.ingest.poller", "bot.deliver.publisher", "handlers.reader"} <= idle_modules
    assert "telegram.ext" in idle_modules


def _loaded(modules: set[str], module: str) -> list[str]:
    return sorted(m for m in modules if m == module or m.startswith(module + "."))


@pytest.mark.parametrize("module", [m for m in LAZY if m != "tornado"])
def test_an_idle_bot_does_not_import(idle_modules: set[str], module: str) -> None:
    loaded = _loaded(idle_modules, module)
    assert not loaded, f"{module} is imported by an idle bot: {loaded[:5]}"


def test_a_polling_bot_does_not_import_tornado(imported: dict[str, set[str]]) -> None:
    # checked before the stand-in (which serves over tornado) is imported
    loaded = _loaded(imported["before_standin"], "tornado")
    assert not loaded, f"tornado is imported without --webhook: {loaded[:5]}"
    assert "telegram.ext" in imported["before_standin"]


def test_releaser_runs_at_most_once_per_interval_and_when_a_burst_ends() -> None:
    now = [100.0]
    calls: list[float] = []

    def release() -> bool:
        calls.append(now[0])
        return True

    releaser = MemoryReleaser(5.0, release=release, clock=lambda: now[0])
    assert not releaser.after_tick(busy=False)  # nothing happened yet
    assert releaser.after_tick(busy=True)
    now[0] += 4.0
    assert not releaser.after_tick(busy=True)
    now[0] += 1.0
    assert releaser.after_tick(busy=True)
    now[0] += 1.0
    assert releaser.after_tick(busy=False)  # the burst ended: once more
    now[0] += 1.0
    assert not releaser.after_tick(busy=False)
    assert calls == [100.0, 105.0, 106.0]


def test_sqlite_connections_keep_a_bounded_statement_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio
    import sqlite3

    import sqlalchemy as sa

    from storage.db import SQLITE_CACHED_STATEMENTS, create_database

    seen: list[object] = []
    real_connect = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("cached_statements"))
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)  # aiosqlite opens through it

    async def main() -> None:
        db = create_database(f"sqlite:///{tmp_path}/cache.db")
        async with db.begin() as conn:
            await conn.execute(sa.text("SELECT 1"))
        await db.close()

    asyncio.run(main())
    assert seen == [SQLITE_CACHED_STATEMENTS]
    assert SQLITE_CACHED_STATEMENTS < 128  # the driver's default


@pytest.mark.parametrize(("cpus", "threads"), [(1, 2), (2, 2), (3, 3), (16, 4)])
def test_parse_threads_follow_the_cores_within_bounds(cpus: int, threads: int) -> None:
    from bot.runtime import parse_threads

    assert parse_threads(cpus) == threads
