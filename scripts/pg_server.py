"""A throw-away PostgreSQL server for the test suite, needing no root and no system change.

The server binaries come from the `pgserver` wheel (a dev dependency), else from a
PostgreSQL already installed on the machine (`initdb` on PATH or /usr/lib/postgresql).
Nothing is installed system-wide and no user is created: as root the server runs as
the existing `nobody` user, since postgres refuses to run as root.

  python scripts/pg_server.py run -- CMD ARGS…   private server on a free port in a temp
                                                  folder for CMD's lifetime, then stopped
                                                  and deleted; CMD sees its URL in
                                                  CHATWIRE_TEST_POSTGRES_URL
  python scripts/pg_server.py start              a lasting server on CHATWIRE_PG_PORT
                                                  (default 54330); prints its URL
  python scripts/pg_server.py stop               stops that server

Without binaries `run` runs CMD on SQLite only (an error under CI=true).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROLE = "chatwire"
DEFAULT_PORT = 54330
SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"


def find_bin_dir() -> Path | None:
    """Where initdb, pg_ctl and postgres live: the pgserver wheel first, then the system."""
    with contextlib.suppress(ImportError):
        import pgserver  # type: ignore[import-not-found, unused-ignore]

        candidate = Path(pgserver.__file__).parent / "pginstall" / "bin"
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    system = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return system[-1].parent if system else None


def _as_owner() -> list[str]:
    """Prefix that drops root to `nobody` (postgres will not run as root)."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(args: list[str]) -> None:
    done = subprocess.run(_as_owner() + args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{Path(args[0]).name} failed: {(done.stderr or done.stdout).strip()}")


def start_server(bin_dir: Path, folder: Path, port: int) -> str:
    """initdb (once) and start a server in `folder`; returns its URL."""
    data = folder / "data"
    if os.geteuid() == 0:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.chown(folder, "nobody", "nogroup")
    if not (data / "PG_VERSION").exists():
        _run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                ROLE,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        )
    status = subprocess.run(
        [*_as_owner(), str(bin_dir / "pg_ctl"), "-D", str(data), "status"],
        capture_output=True,
        check=False,
    )
    if status.returncode == 0:  # already running (`start` twice)
        return f"postgresql://{ROLE}@127.0.0.1:{port}/postgres"
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 {SETTINGS}"
    try:
        _run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(folder / "server.log"),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            ]
        )
    except RuntimeError:
        log = folder / "server.log"
        tail = log.read_text(errors="replace").splitlines()[-10:] if log.exists() else []
        raise RuntimeError("PostgreSQL did not start:\n" + "\n".join(tail)) from None
    return f"postgresql://{ROLE}@127.0.0.1:{port}/postgres"


def stop_server(bin_dir: Path, folder: Path) -> None:
    data = folder / "data"
    if (data / "PG_VERSION").exists():
        with contextlib.suppress(RuntimeError):
            _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])


def _usable_by_owner(bin_dir: Path) -> bool:
    """Whether the server's user can run these binaries (as root: `nobody`, who cannot
    enter a checkout under a private folder such as one made by `mktemp -d`)."""
    probe = subprocess.run(
        [*_as_owner(), str(bin_dir / "initdb"), "--version"], capture_output=True, check=False
    )
    return probe.returncode == 0


def _reachable_bin_dir(bin_dir: Path, folder: Path) -> Path:
    """`bin_dir`, or a copy of its installation inside `folder` when the server's user
    cannot reach it (the copy goes with the folder)."""
    if os.geteuid() != 0 or _usable_by_owner(bin_dir):
        return bin_dir
    install = bin_dir.parent
    # The pgserver wheel's binaries find their libraries at $ORIGIN/../../../pgserver.libs:
    # copy both, in the same layout.
    libs = install.parent.parent / "pgserver.libs"
    copy = folder / "pg" / install.parent.name / install.name
    shutil.copytree(install, copy, symlinks=True)
    if libs.is_dir():
        shutil.copytree(libs, folder / "pg" / libs.name, symlinks=True)
    return copy / bin_dir.name


@contextlib.contextmanager
def private_server(bin_dir: Path) -> Iterator[tuple[str, Path]]:
    """A server of our own for the duration of the block (its URL and the binaries it
    runs), then nothing left behind."""
    folder = Path(tempfile.mkdtemp(prefix="chatwire-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "nobody", "nogroup")
    usable = bin_dir
    try:
        usable = _reachable_bin_dir(bin_dir, folder)
        yield start_server(usable, folder, _free_port()), usable
    finally:
        stop_server(usable, folder)
        shutil.rmtree(folder, ignore_errors=True)


def run(command: list[str]) -> int:
    env = dict(os.environ)
    if env.get("CHATWIRE_TEST_POSTGRES_URL"):
        print(f"tests on SQLite and PostgreSQL (given: {_shown(env)})", file=sys.stderr)
        return subprocess.call(command, env=env)
    bin_dir = find_bin_dir()
    if bin_dir is None:
        if env.get("CI") == "true":
            print("pg_server: no PostgreSQL binaries (pip install pgserver)", file=sys.stderr)
            return 1
        print(
            "tests on SQLite only (no PostgreSQL binaries: pip install pgserver)", file=sys.stderr
        )
        return subprocess.call(command, env=env)
    with private_server(bin_dir) as (url, bin_dir):
        env["CHATWIRE_TEST_POSTGRES_URL"] = url
        env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"  # pg_dump of the same version
        print(f"tests on SQLite and PostgreSQL (private server {url})", file=sys.stderr)
        return subprocess.call(command, env=env)


def _shown(env: dict[str, str]) -> str:
    """The URL without its password."""
    url = env["CHATWIRE_TEST_POSTGRES_URL"]
    scheme, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    if at and ":" in creds:
        return f"{scheme}{sep}{creds.split(':', 1)[0]}:***@{host}"
    return url


def main(argv: list[str]) -> int:
    action = argv[0] if argv else ""
    if action == "run" and "--" in argv:
        return run(argv[argv.index("--") + 1 :])
    if action in ("start", "stop"):
        bin_dir = find_bin_dir()
        if bin_dir is None:
            print("pg_server: no PostgreSQL binaries (pip install pgserver)", file=sys.stderr)
            return 1
        port = int(os.environ.get("CHATWIRE_PG_PORT", DEFAULT_PORT))
        folder = Path(os.environ.get("CHATWIRE_PG_DIR", f"/tmp/chatwire-pgserver-{port}"))
        if action == "stop":
            stop_server(bin_dir, folder)
            return 0
        try:
            print(start_server(bin_dir, folder, port))
        except RuntimeError as exc:
            print(f"pg_server: {exc}", file=sys.stderr)
            return 1
        return 0
    print("usage: pg_server.py run -- CMD… | start | stop", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
