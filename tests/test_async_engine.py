"""storage.async_engine: SQLAlchemy's asyncio engine without the ORM (issue 14, "Memory")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import asyncio, json, sys
{before}
import sqlalchemy as sa
from storage.async_engine import AsyncConnection, AsyncEngine, create_async_engine

async def main():
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.connect() as conn:
        value = (await conn.execute(sa.text("SELECT 41 + 1"))).scalar_one()
        kind = isinstance(conn, AsyncConnection) and isinstance(engine, AsyncEngine)
    await engine.dispose()
    return value, kind

value, kind = asyncio.run(main())
orm_after_use = "sqlalchemy.orm" in sys.modules
import sqlalchemy.ext.asyncio as full
print(json.dumps({{
    "value": value,
    "kind": kind,
    "orm_after_use": orm_after_use,
    "session": hasattr(full, "AsyncSession"),
    "same_class": full.AsyncConnection is AsyncConnection,
}}))
"""


def _probe(before: str = "") -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(before=before)],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_the_engine_runs_without_loading_the_orm() -> None:
    found = _probe()
    assert found["value"] == 42 and found["kind"]
    assert found["orm_after_use"] is False


def test_the_whole_package_still_imports_afterwards_with_the_same_classes() -> None:
    found = _probe()
    assert found["session"] is True
    assert found["same_class"] is True


def test_a_package_imported_earlier_is_used_as_it_is() -> None:
    found = _probe("import sqlalchemy.ext.asyncio")
    assert found["value"] == 42 and found["kind"]
    assert found["orm_after_use"] is True  # the caller loaded it, not us
    assert found["same_class"] is True
