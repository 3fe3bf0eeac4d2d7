from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.models import Article
from storage import articles
from storage.backup import BackupError, backup_database
from storage.db import Database
from tests.conftest import POSTGRES_URL


async def test_backup_copies_a_live_database(db: Database, tmp_path: Path) -> None:
    async with db.begin() as conn:
        await articles.insert_article(conn, Article(title="Kept in the backup"))
    target = tmp_path / "copies" / "backup.db"
    if db.dialect == "sqlite":
        url = db.engine.url.set(drivername="sqlite").render_as_string()
        await backup_database(url, target)
        with sqlite3.connect(target) as copy:
            titles = [row[0] for row in copy.execute("SELECT title FROM articles")]
        assert titles == ["Kept in the backup"]
        assert not target.with_name("backup.db.partial").exists()
    else:
        assert POSTGRES_URL is not None
        await backup_database(POSTGRES_URL, target)
        assert target.read_bytes().startswith(b"PGDMP")


async def test_backup_refuses_what_it_cannot_copy(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no database file"):
        await backup_database(f"sqlite:///{tmp_path / 'missing.db'}", tmp_path / "b.db")
    with pytest.raises(BackupError, match="in-memory"):
        await backup_database("sqlite://", tmp_path / "b.db")
