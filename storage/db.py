"""The database handle: one async engine for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from storage.async_engine import AsyncConnection, AsyncEngine, create_async_engine
from storage.migrate import apply_migrations

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_CACHED_STATEMENTS = 32
"""Prepared statements each SQLite connection keeps (the driver's default is 128). Every
IN-list length is its own SQL text, so a long poll run fills 128 slots with claim variants
used a few times each, ~6 KiB apiece on every pooled connection (measured: SQLite's
memory 2.1 → 0.8 MiB with 1,000 feeds); the statements run for every feed stay cached."""


class DatabaseURLError(ValueError):
    """DATABASE_URL names no database chatwire can use."""


class DatabaseUnavailable(Exception):
    """The database cannot be reached or opened; the message is one line, without a password."""


def safe_url(url: str | sa.URL) -> str:
    """The URL fit for a log line or an error message: the password masked."""
    try:
        parsed = sa.make_url(url) if isinstance(url, str) else url
    except (sa.exc.ArgumentError, ValueError):
        return "<unparsable URL>"
    return parsed.render_as_string(hide_password=True)


def _reason(exc: BaseException) -> str:
    """The root cause of a connection failure, in one line."""
    cause: BaseException = exc
    while True:
        inner = getattr(cause, "orig", None) or cause.__cause__
        if inner is None or inner is cause:
            break
        cause = inner
    text = " ".join(str(cause).split()) or type(cause).__name__
    return text if len(text) <= 300 else text[:297] + "…"


def describe_target(url: sa.URL) -> str:
    """'SQLite file /x/y.db' or 'PostgreSQL at host:port/db', for error messages."""
    if url.get_backend_name() == "sqlite":
        return f"SQLite file {url.database}"
    return f"PostgreSQL at {url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def engine_url(url: str) -> sa.URL:
    """Map the user-facing URL onto the async driver SQLAlchemy needs."""
    try:
        parsed = sa.make_url(url)
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise DatabaseURLError(
            "cannot parse it (the form is sqlite:///PATH or "
            "postgresql://USER:PASSWORD@HOST:PORT/DB)"
        ) from exc
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


def dialect_insert(conn: AsyncConnection, table: sa.Table) -> Any:
    """The dialect's INSERT, which has ON CONFLICT; the dialect module is imported only when
    used, so a SQLite process never loads the PostgreSQL one (~2 MiB)."""
    insert: Any
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def create_database(url: str, *, echo: bool = False) -> Database:
    """Build the engine; for SQLite also create the file's folder and set the pragmas."""
    target = engine_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if target.get_backend_name() == "sqlite":
        if target.database and target.database != ":memory:":
            try:
                Path(target.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseUnavailable(
                    f"cannot open {describe_target(target)}: {exc.strerror or exc}"
                ) from None
        kwargs["connect_args"] = {
            "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
            "cached_statements": SQLITE_CACHED_STATEMENTS,
        }
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(target, **kwargs)
    if target.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return Database(engine)


def _probe_sqlite(path: str) -> None:
    """Open the file and read its header (creating it when missing, as the engine would)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


async def open_database(url: str, *, migrate: bool = True) -> Database:
    """Open the database and bring its schema up to date.

    Raises DatabaseUnavailable (one line, no password) when it cannot be reached or
    opened, so callers can retry or report it without a traceback.
    """
    target = engine_url(url)
    if target.get_backend_name() == "sqlite" and target.database not in (None, "", ":memory:"):
        # Probe with the plain driver first: a failed aiosqlite connect leaves a worker
        # thread that may print a traceback at exit, after our one-line error.
        try:
            await asyncio.to_thread(_probe_sqlite, str(target.database))
        except (OSError, sqlite3.Error) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            if isinstance(exc, (FileExistsError, NotADirectoryError)):
                reason = "part of its folder path is a file, not a folder"
            raise DatabaseUnavailable(f"cannot open {describe_target(target)}: {reason}") from None
    db = create_database(url)
    try:
        async with db.begin() as conn:
            await conn.execute(sa.text("SELECT 1"))
    except (OSError, sa.exc.DBAPIError, sa.exc.InterfaceError) as exc:
        await db.close()
        raise DatabaseUnavailable(
            f"cannot open {describe_target(db.engine.url)}: {_reason(exc)}"
        ) from exc
    except Exception as exc:  # asyncpg raises its own classes for refused logins and the like
        await db.close()
        if type(exc).__module__.split(".")[0] not in ("asyncpg", "sqlite3", "aiosqlite"):
            raise
        raise DatabaseUnavailable(
            f"cannot open {describe_target(db.engine.url)}: {_reason(exc)}"
        ) from exc
    if migrate:
        applied = await db.migrate()
        if applied:
            log.info("applied schema migrations %s", applied)
    return db
