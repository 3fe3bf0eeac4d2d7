"""The database handle: one async engine for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from storage.migrate import apply_migrations

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000


class DatabaseURLError(ValueError):
    """DATABASE_URL names no database chatwire can use."""


def engine_url(url: str) -> sa.URL:
    """Map the user-facing URL onto the async driver SQLAlchemy needs."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise DatabaseURLError(f"cannot parse {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+asyncpg")
    raise DatabaseURLError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@dataclass(slots=True)
class Database:
    engine: AsyncEngine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """A connection inside one transaction, committed on success."""
        async with self.engine.begin() as conn:
            yield conn

    async def migrate(self, target: int | None = None) -> list[int]:
        async with self.engine.begin() as conn:
            return await conn.run_sync(apply_migrations, target)

    async def close(self) -> None:
        await self.engine.dispose()


def create_database(url: str, *, echo: bool = False) -> Database:
    """Build the engine; for SQLite also create the file's folder and set the pragmas."""
    target = engine_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if target.get_backend_name() == "sqlite":
        if target.database and target.database != ":memory:":
            Path(target.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(target, **kwargs)
    if target.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return Database(engine)


async def open_database(url: str, *, migrate: bool = True) -> Database:
    """Open the database and bring its schema up to date."""
    db = create_database(url)
    if migrate:
        applied = await db.migrate()
        if applied:
            log.info("applied schema migrations %s", applied)
    return db
