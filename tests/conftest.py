"""Shared fixtures: a migrated database on every backend the machine offers.

SQLite always; PostgreSQL too when CHATWIRE_TEST_POSTGRES_URL names a server
(`make test` starts one when it can), so SQLite-only code fails there.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from storage.db import Database, create_database

POSTGRES_URL = os.environ.get("CHATWIRE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


async def _fresh_postgres(url: str) -> Database:
    db = create_database(url)
    async with db.begin() as conn:
        await conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(sa.text("CREATE SCHEMA public"))
    return db


@pytest.fixture(params=BACKENDS)
async def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A database with no schema yet, on each backend."""
    if request.param == "postgresql":
        assert POSTGRES_URL is not None
        db = await _fresh_postgres(POSTGRES_URL)
    else:
        db = create_database(f"sqlite:///{tmp_path / 'chatwire.db'}")
    try:
        yield db
    finally:
        await db.close()


@pytest.fixture
async def db(empty_db: Database) -> Database:
    """A database migrated to the current schema."""
    await empty_db.migrate()
    return empty_db
