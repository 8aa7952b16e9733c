# shellcheck shell=bash
# PostgreSQL from Debian's package, but our own cluster under .infra: the Debian cluster and its
# service scripts are left alone so they can neither fight over the port nor keep our settings.

PG_HOME="$INFRA_DIR/postgres"
PG_DATA="$PG_HOME/data"
PG_LOG="$LOG_DIR/postgres.log"
PG_PORT="$(infra_port 5432)"
PG_DB=products
PG_URL="postgres://postgres:postgres@127.0.0.1:$PG_PORT/$PG_DB"

pg_bin_dir() {
  local d
  d="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$d" && -x "$d/postgres" ]] || return 1
  echo "$d"
}

# postgres refuses to run as root; as root we run it (and initdb, pg_ctl) as the Debian
# package's postgres user. A non-root developer runs it as themselves.
as_pg() {
  if [[ $EUID -eq 0 ]]; then
    (cd "$PG_HOME" && runuser -u postgres -- "$@")
  else
    (cd "$PG_HOME" && "$@")
  fi
}

# The postgres user needs to reach .infra/postgres; a clone under /root (mode 700) blocks it.
# Only the search (x) bit is added, so directory listings stay private.
pg_make_traversable() {
  [[ $EUID -eq 0 ]] || return 0
  runuser -u postgres -- test -x "$PG_HOME" 2>/dev/null && return 0
  # Top-down, so a directory that is only unreachable because of its parent is left alone.
  local d="" part
  local -a parts
  IFS=/ read -r -a parts <<<"${PG_HOME#/}"
  for part in "${parts[@]}"; do
    d="$d/$part"
    if ! runuser -u postgres -- test -x "$d" 2>/dev/null; then
      log "granting search permission (o+x) on $d so the postgres user can reach $PG_HOME"
      chmod o+x "$d"
    fi
  done
}

postgres_install() {
  pg_bin_dir >/dev/null || apt_install postgresql
  pg_bin_dir >/dev/null || die "postgresql installed but no /usr/lib/postgresql/*/bin/postgres found"
}

postgres_pid() { pid_from_file "$PG_DATA/postmaster.pid" postgres; }

postgres_check() {
  local bin
  bin="$(pg_bin_dir)" || return 1
  PGCONNECT_TIMEOUT=3 "$bin/psql" -X -q -tA "$PG_URL" -c 'select 1' 2>/dev/null | grep -qx 1
}

postgres_ports() { echo "$PG_PORT"; }

pg_socket_dir() {
  # Unix socket paths are limited to 107 bytes; a deep clone falls back to /tmp.
  local d="$PG_HOME/run"
  if ((${#d} > 90)); then d=/tmp; fi
  echo "$d"
}

pg_write_config() {
  # Rewritten on every start so that edits here apply to existing clusters too.
  cat >"$PG_DATA/infra.conf" <<EOF
# Written by scripts/infra/postgres.sh on each start; edit that script, not this file.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$(pg_socket_dir)'
max_connections = 200
password_encryption = 'scram-sha-256'
# Durability is traded for test speed: this is a throw-away dev/test cluster, never production.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  grep -q "^include_if_exists = 'infra.conf'" "$PG_DATA/postgresql.conf" ||
    printf "\ninclude_if_exists = 'infra.conf'\n" >>"$PG_DATA/postgresql.conf"
  [[ $EUID -ne 0 ]] || chown postgres:postgres "$PG_DATA/infra.conf"
}

pg_initdb() {
  local bin="$1" pwfile="$PG_HOME/.pwfile"
  log "postgres: initdb $PG_DATA"
  printf 'postgres\n' >"$pwfile"
  [[ $EUID -ne 0 ]] || chown postgres:postgres "$pwfile"
  chmod 600 "$pwfile"
  # Password (scram) auth on socket and TCP, so the one URL works the same for every client.
  if ! as_pg "$bin/initdb" -D "$PG_DATA" -U postgres --pwfile="$pwfile" -A scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >>"$PG_LOG" 2>&1; then
    rm -f "$pwfile"
    fail_with_log "postgres: initdb failed" "$PG_LOG"
  fi
  rm -f "$pwfile"
}

postgres_start() {
  local bin
  bin="$(pg_bin_dir)"
  mkdir -p "$PG_HOME/run"
  touch "$PG_LOG"
  if [[ $EUID -eq 0 ]]; then
    chown postgres:postgres "$PG_HOME" "$PG_HOME/run" "$PG_LOG"
    pg_make_traversable
  fi
  [[ -s "$PG_DATA/PG_VERSION" ]] || pg_initdb "$bin"
  pg_write_config
  log "postgres: starting on 127.0.0.1:$PG_PORT"
  as_pg "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null 9>&- ||
    fail_with_log "postgres: pg_ctl start failed" "$PG_LOG"
}

# Runs after the server answers: the database is part of "up", not of the service's migrations.
postgres_post_start() {
  local bin
  bin="$(pg_bin_dir)"
  local admin_url="postgres://postgres:postgres@127.0.0.1:$PG_PORT/postgres"
  if ! "$bin/psql" -X -q -tA "$admin_url" -c "select 1 from pg_database where datname = '$PG_DB'" | grep -qx 1; then
    log "postgres: creating database $PG_DB"
    "$bin/psql" -X -q "$admin_url" -c "create database $PG_DB" >/dev/null
  fi
}

postgres_wait() {
  wait_for postgres 60 "$PG_LOG" postgres_pid pg_db_or_server_ready
  postgres_post_start
}

# Before the database exists only the server can be asked; the real check follows creation.
pg_db_or_server_ready() {
  local bin
  bin="$(pg_bin_dir)" || return 1
  PGCONNECT_TIMEOUT=3 "$bin/psql" -X -q -tA "postgres://postgres:postgres@127.0.0.1:$PG_PORT/postgres" \
    -c 'select 1' 2>/dev/null | grep -qx 1
}

postgres_stop() {
  local bin pid
  bin="$(pg_bin_dir)"
  pid="$(postgres_pid)" || return 0
  # "fast" rolls back open transactions and disconnects clients: what a test restart wants.
  if ! as_pg "$bin/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null 2>&1; then
    log "postgres: fast shutdown failed; using immediate shutdown"
    as_pg "$bin/pg_ctl" -D "$PG_DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || stop_pid postgres "$pid" 10
  fi
}

postgres_endpoint() { echo "POSTGRES_URL=$PG_URL"; }
