"""Passwords never printed, never on a command line; metrics local unless told."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.cli import build_parser
from storage.backup import backup_database
from storage.db import DatabaseURLError, engine_url, safe_url

SECRET = "s3cretPassw0rd"


async def test_pg_dump_gets_the_password_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in pg_dump records its argv and PGPASSWORD, as `ps` and the tool would see."""
    record = tmp_path / "seen"
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > {record}\n'
        f'printf "PGPASSWORD=%s\\n" "$PGPASSWORD" >> {record}\n'
        'for a in "$@"; do case "$a" in --file=*) printf PGDMP > "${a#--file=}";; esac; done\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    target = tmp_path / "out.dump"
    await backup_database(f"postgresql://chatwire:{SECRET}@db.example:5432/chatwire", target)
    seen = record.read_text().splitlines()
    argv, env = seen[:-1], seen[-1]
    assert not any(SECRET in arg for arg in argv), argv
    assert env == f"PGPASSWORD={SECRET}"
    assert "--dbname=postgresql://chatwire@db.example:5432/chatwire" in argv
    assert target.read_bytes() == b"PGDMP"


def test_urls_in_messages_hide_the_password() -> None:
    assert SECRET not in safe_url(f"postgresql://u:{SECRET}@h/db")
    with pytest.raises(DatabaseURLError) as info:
        engine_url(f"postgresql://u:{SECRET}@h:port/db")
    assert SECRET not in str(info.value)


def test_metrics_bind_to_loopback_unless_told() -> None:
    args = build_parser().parse_args(["run", "--metrics-port", "9090"])
    assert args.metrics_host == "127.0.0.1"
    dockerfile = (Path(__file__).resolve().parents[1] / "Dockerfile").read_text()
    assert "0.0.0.0" not in dockerfile.split("CMD", 1)[1]
