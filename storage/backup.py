"""Online backups: SQLite's backup API, or pg_dump for PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from pathlib import Path

import sqlalchemy as sa

from storage.db import engine_url


class BackupError(Exception):
    """The backup could not be made; the message says why and what to do."""


def _sqlite_backup(source: str, target: Path) -> None:
    if not Path(source).is_file():
        raise BackupError(f"no database file at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst, pages=1024)  # in steps, so writers are not blocked for long
            (ok,) = dst.execute("PRAGMA integrity_check").fetchone()
            if ok != "ok":
                raise BackupError(f"the copy failed its integrity check: {ok}")
        finally:
            dst.close()
    finally:
        src.close()
    partial.replace(target)


async def _pg_dump(url: sa.URL, target: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            "pg_dump is not installed; install PostgreSQL's client tools, or run "
            f"`pg_dump --format=custom --file {target} <your DATABASE_URL>` where they are"
        )
    # The password goes through the environment, never argv (argv shows in `ps`).
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    dsn = url._replace(drivername="postgresql", password=None).render_as_string(hide_password=False)
    process = await asyncio.create_subprocess_exec(
        pg_dump,
        "--format=custom",
        "--no-password",
        f"--file={target}",
        f"--dbname={dsn}",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    _, err = await process.communicate()
    if process.returncode != 0:
        raise BackupError(f"pg_dump failed: {err.decode(errors='replace').strip()}")


async def backup_database(database_url: str, target: Path) -> None:
    """Copy the live database to `target` without stopping the bot."""
    url = engine_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupError("an in-memory database cannot be backed up")
        await asyncio.to_thread(_sqlite_backup, url.database, target)
    else:
        await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
        await _pg_dump(url, target)
