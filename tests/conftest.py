"""Shared fixtures: a migrated database on every backend the machine offers.

SQLite always; PostgreSQL too when CHATWIRE_TEST_POSTGRES_URL names a server
(`make test` starts a private one). Each pytest run creates a database of its
own on that server (a unique name, dropped at the end) and points the variable
at it, so two runs against one server never touch each other's tables.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from storage.db import Database, create_database

SERVER_URL = os.environ.get("CHATWIRE_TEST_POSTGRES_URL")
RUN_DATABASE = f"chatwire_run_{os.getpid()}_{secrets.token_hex(4)}"
POSTGRES_URL = (
    sa.make_url(SERVER_URL).set(database=RUN_DATABASE).render_as_string(hide_password=False)
    if SERVER_URL
    else None
)
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


def run_database_url(suffix: str) -> str:
    """A further database name of this run (tests that need one of their own)."""
    assert POSTGRES_URL is not None
    url = sa.make_url(POSTGRES_URL)
    return url.set(database=f"{url.database}_{suffix}").render_as_string(hide_password=False)


async def _admin(statements: list[str]) -> None:
    assert SERVER_URL is not None
    admin = create_database(SERVER_URL)
    try:
        async with admin.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            for statement in statements:
                await conn.execute(sa.text(statement))
    finally:
        await admin.close()


def pytest_configure(config: pytest.Config) -> None:
    if SERVER_URL and POSTGRES_URL:
        asyncio.run(_admin([f"CREATE DATABASE {RUN_DATABASE}"]))
        os.environ["CHATWIRE_TEST_POSTGRES_URL"] = POSTGRES_URL  # for subprocesses


def pytest_unconfigure(config: pytest.Config) -> None:
    if SERVER_URL and POSTGRES_URL:
        os.environ["CHATWIRE_TEST_POSTGRES_URL"] = SERVER_URL
        asyncio.run(_drop_run_databases())


async def _drop_run_databases() -> None:
    """This run's database and any made from it by run_database_url()."""
    assert SERVER_URL is not None
    admin = create_database(SERVER_URL)
    try:
        async with admin.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            names = (
                await conn.execute(
                    sa.text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                    {"p": f"{RUN_DATABASE}%"},
                )
            ).scalars()
            for name in list(names):
                await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.close()


@pytest.fixture(autouse=True)
def _no_leaked_log_handlers() -> Iterator[None]:
    """Tests that configure logging must not leave a handler on a closed stream behind."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


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
