from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from storage.db import Database, DatabaseURLError, engine_url
from storage.migrate import available_migrations
from storage.schema import metadata


async def test_migrate_is_idempotent(empty_db: Database) -> None:
    first = await empty_db.migrate()
    assert first == [m.version for m in available_migrations()]
    assert await empty_db.migrate() == []


async def test_upgrade_from_first_version_keeps_data(empty_db: Database) -> None:
    assert await empty_db.migrate(target=1) == [1]
    now = datetime(2025, 1, 28, tzinfo=UTC)
    async with empty_db.begin() as conn:
        await conn.execute(
            sa.text(
                "INSERT INTO feeds (url, next_poll_at, created_at, options) "
                "VALUES ('https://example.com/feed', :now, :now, '{}')"
            ),
            {"now": now.replace(tzinfo=None)},
        )
    applied = await empty_db.migrate()
    assert applied == [m.version for m in available_migrations() if m.version > 1]
    async with empty_db.begin() as conn:
        urls = (await conn.execute(sa.text("SELECT url FROM feeds"))).scalars().all()
    assert urls == ["https://example.com/feed"]


async def test_migrations_build_the_schema_the_code_queries(db: Database) -> None:
    def columns(sync_conn: sa.Connection) -> dict[str, set[str]]:
        inspector = sa.inspect(sync_conn)
        return {
            name: {c["name"] for c in inspector.get_columns(name)}
            for name in inspector.get_table_names()
        }

    async with db.begin() as conn:
        actual = await conn.run_sync(columns)
    for table in metadata.sorted_tables:
        assert actual[table.name] == set(table.c.keys()), table.name


async def test_sqlite_pragmas(db: Database) -> None:
    if db.dialect != "sqlite":
        pytest.skip("SQLite only")
    async with db.begin() as conn:
        assert (await conn.execute(sa.text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(sa.text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await conn.execute(sa.text("PRAGMA busy_timeout"))).scalar() == 10_000


def test_engine_url_maps_drivers() -> None:
    assert engine_url("sqlite:///data/x.db").drivername == "sqlite+aiosqlite"
    assert engine_url("postgresql://u@h/db").drivername == "postgresql+asyncpg"
    assert engine_url("postgres://u@h/db").drivername == "postgresql+asyncpg"
    with pytest.raises(DatabaseURLError):
        engine_url("mysql://u@h/db")
    with pytest.raises(DatabaseURLError):
        engine_url("::::")
