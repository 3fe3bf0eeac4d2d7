"""Versioned schema migrations: numbered SQL files, each applied once, in order.

The SQL is written once for both databases; the few type names that differ
are placeholders filled in per dialect.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import resources

import sqlalchemy as sa

_TYPES = {
    "sqlite": {
        "pk": "INTEGER PRIMARY KEY AUTOINCREMENT",
        "bigint": "BIGINT",
        "ts": "DATETIME",
        "json": "TEXT",
        "bool": "BOOLEAN",
    },
    "postgresql": {
        "pk": "BIGSERIAL PRIMARY KEY",
        "bigint": "BIGINT",
        "ts": "TIMESTAMPTZ",
        "json": "JSON",
        "bool": "BOOLEAN",
    },
}
log = logging.getLogger(__name__)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_NAME = re.compile(r"^(\d{4})_(\w+)\.sql$")
# A statement starting "@sqlite" or "@postgresql" runs on that database only; with a "?"
# ("@postgresql?") it is optional: an extension the server lacks (pg_trgm is contrib, and
# CREATE EXTENSION may need rights the bot's role has not) is skipped with a warning.
_ONLY = re.compile(r"^@(sqlite|postgresql)(\?)?\s+")


@dataclass(frozen=True, slots=True)
class Statement:
    sql: str
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str

    def statements(self, dialect: str) -> list[Statement]:
        types = _TYPES[dialect]
        text = _PLACEHOLDER.sub(lambda m: types.get(m[1], m[0]), self.sql)
        body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
        found = [stmt.strip() for stmt in body.split(";") if stmt.strip()]
        return [
            Statement(_ONLY.sub("", stmt), optional=bool(only and only[2]))
            for stmt in found
            if (only := _ONLY.match(stmt)) is None or only[1] == dialect
        ]


def available_migrations() -> list[Migration]:
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text("utf-8")))
    return sorted(found, key=lambda m: m.version)


def applied_versions(conn: sa.Connection) -> set[int]:
    conn.execute(
        sa.text(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL)"
        )
    )
    return {row[0] for row in conn.execute(sa.text("SELECT version FROM schema_migrations"))}


def apply_migrations(conn: sa.Connection, target: int | None = None) -> list[int]:
    """Apply every migration not yet applied, up to `target`; return their versions."""
    dialect = conn.dialect.name
    if dialect not in _TYPES:
        raise RuntimeError(f"no migrations for database {dialect!r}")
    if dialect == "postgresql":
        # Two processes starting at once must not both migrate.
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(7316425)"))
    done = applied_versions(conn)
    applied = []
    for migration in available_migrations():
        if migration.version in done or (target is not None and migration.version > target):
            continue
        for statement in migration.statements(dialect):
            if not statement.optional:
                conn.execute(sa.text(statement.sql))
                continue
            try:
                with conn.begin_nested():  # a failure rolls back this statement only
                    conn.execute(sa.text(statement.sql))
            except sa.exc.DBAPIError as exc:
                first_line = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
                log.warning(
                    "migration %04d: skipped optional %r: %s",
                    migration.version,
                    statement.sql.split("\n")[0][:80],
                    first_line,
                )
        conn.execute(
            sa.text("INSERT INTO schema_migrations (version, name) VALUES (:v, :n)"),
            {"v": migration.version, "n": migration.name},
        )
        applied.append(migration.version)
    return applied
