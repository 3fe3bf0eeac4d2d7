#!/usr/bin/env bash
# A lasting PostgreSQL server for running tests by hand; prints its URL.
# Uses scripts/pg_server.py (binaries from the pgserver wheel; no root, no apt, no new user).
# Usage: scripts/postgres.sh start | stop   (port CHATWIRE_PG_PORT, default 54330)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-$here/../.venv/bin/python}"
exec "$python" "$here/pg_server.py" "${1:-start}"
