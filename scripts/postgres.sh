#!/usr/bin/env bash
# Start (or reuse) a throw-away PostgreSQL server for the test suite and print its URL.
# Installs Debian's postgresql package when no server binaries are found and we are root.
# Usage: scripts/postgres.sh start | stop
# Without a server (not root, no apt), prints nothing: tests then run on SQLite only,
# except under CI=true, where that is an error.
set -euo pipefail

PORT="${CHATWIRE_PG_PORT:-54329}"
DATA="${CHATWIRE_PG_DIR:-/tmp/chatwire-pg-$PORT}"
DB=chatwire_test
ROLE=chatwire

find_bin() {
  local name=$1 dir
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/$name" ]; then echo "$dir/$name"; return 0; fi
  done
  return 1
}

fail() {
  echo "postgres.sh: $*" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  exit 0
}

install_server() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
  echo "postgres.sh: installing PostgreSQL from Debian packages" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
}

# postgres refuses to run as root: run it as an unprivileged system user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local initdb pg_ctl
  initdb=$(find_bin initdb) || { install_server || true; initdb=$(find_bin initdb) || fail "no PostgreSQL server available"; }
  pg_ctl=$(find_bin pg_ctl) || fail "pg_ctl not found"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    mkdir -p "$DATA"
    [ "$(id -u)" = 0 ] && { id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres; chown postgres "$DATA"; }
    as_owner "$initdb" -D "$DATA" -U "$ROLE" -A trust -E UTF8 --no-sync >/dev/null
  fi
  if ! as_owner "$pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_owner "$pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 start \
      -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null \
      || { tail -20 "$DATA/server.log" >&2; fail "PostgreSQL did not start"; }
  fi
  if ! as_owner psql -h 127.0.0.1 -p "$PORT" -U "$ROLE" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1; then
    as_owner psql -h 127.0.0.1 -p "$PORT" -U "$ROLE" -d postgres -qc "CREATE DATABASE $DB" >/dev/null
  fi
  echo "postgresql://$ROLE@127.0.0.1:$PORT/$DB"
}

stop() {
  local pg_ctl
  pg_ctl=$(find_bin pg_ctl) || exit 0
  [ -f "$DATA/PG_VERSION" ] && as_owner "$pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
