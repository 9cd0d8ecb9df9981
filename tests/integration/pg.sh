#!/usr/bin/env bash
# Sourced by integration tests: start_pg starts a real PostgreSQL server from Debian's package
# in a temporary directory on a free loopback port and sets PG_URL_BASE; stop_pg stops it.
# PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
start_pg() {
  if [[ -z "$pg_bin" ]]; then
    echo "PostgreSQL not installed: run scripts/install-deps.sh" >&2
    return 1
  fi
  pg_dir=$(mktemp -d /tmp/sb-pg-XXXXXX)
  local as=()
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres "$pg_dir"
    as=(runuser -u postgres --)
  fi
  pg_as=("${as[@]}")
  "${as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres -E UTF8 --no-sync \
    >"$pg_dir/initdb.log" 2>&1 || return 1
  for _ in 1 2 3 4 5; do
    pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    if "${as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -w -t 30 -l "$pg_dir/server.log" \
        -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1" start >/dev/null; then
      PG_URL_BASE="postgresql://postgres@127.0.0.1:$pg_port"
      return 0
    fi
  done
  return 1
}
create_db() {  # create_db NAME -> prints its URL
  psql -q "$PG_URL_BASE/postgres" -c "CREATE DATABASE $1" >/dev/null && echo "$PG_URL_BASE/$1"
}
stop_pg() {
  if [[ -n "${pg_dir:-}" ]]; then
    "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$pg_dir"
  fi
}
