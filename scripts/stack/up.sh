#!/usr/bin/env bash
# `make up`: the whole system, then the URLs to open. Idempotent: what already runs is left alone.
#   Docker engine:  docker compose up -d --build --wait (GATEWAYS/WRITERS/READERS become --scale)
#   otherwise:      native infrastructure (scripts/infra/up.sh, unless KAFKA_BROKERS, POSTGRES_URL,
#                   MONGO_URI and REDIS_URL are all given), migrations, build, then GATEWAYS, WRITERS
#                   and READERS instances (default 1 each; ports and variables: instances.sh) in the
#                   background from their dist/, each waited for until /ready.
# STACK_READY_TIMEOUT (seconds, default 90) bounds the wait for each instance.
set -euo pipefail
shopt -s inherit_errexit

# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=instances.sh
. "$STACK_SCRIPT_DIR/instances.sh"
# shellcheck source=infra.sh
. "$STACK_SCRIPT_DIR/infra.sh"
# shellcheck source=urls.sh
. "$STACK_SCRIPT_DIR/urls.sh"
# shellcheck source=launch.sh
. "$STACK_SCRIPT_DIR/launch.sh"

# Before anything starts: a configuration that cannot apply is refused, not half-used.
check_plan

if use_docker; then
  log "Docker engine found: docker compose up"
  warn_compose_ignored
  # shellcheck disable=SC2154 # set by warn_compose_ignored
  compose up -d --build --wait "${compose_scale[@]+"${compose_scale[@]}"}"
  print_compose_urls
  exit 0
fi

ensure_state_dirs
take_stack_lock

if external_infra; then
  log "using the servers given by KAFKA_BROKERS, POSTGRES_URL, MONGO_URI and REDIS_URL"
else
  start_infra
fi

plan_instances
# shellcheck disable=SC2154 # set by plan_instances
if ((${#to_start[@]} > 0)); then
  cd "$REPO_ROOT"
  # As the Makefile's install target: npm ci only when package-lock.json changed since the last one.
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    log "installing dependencies (npm ci)"
    npm ci --no-audit --no-fund >&2
  fi
  log "applying migrations (log: $LOG_DIR/migrate.log)"
  printf '\n=== %s make up: migrate up\n' "$(date -Is)" >>"$LOG_DIR/migrate.log"
  "$WITH_INFRA" npm run --silent migrate:up >>"$LOG_DIR/migrate.log" 2>&1 8>&- ||
    fail_with_log "the migrations failed" "$LOG_DIR/migrate.log"
  log "building (npm run build)"
  npm run --silent build >&2
  check_ports_free

  started=()
  # A failed start leaves nothing half-running: what this run started is stopped again.
  cleanup_on_failure() {
    local name
    for name in "${started[@]+"${started[@]}"}"; do stop_instance "$name"; done
  }
  trap cleanup_on_failure EXIT
  # One at a time, in start order (to_start is in it), each ready before the next: two readers
  # starting at once against FerretDB were seen to fail ("connection ... closed") while they set up
  # the read model.
  for entry in "${to_start[@]}"; do
    launch_instance "${entry%% *}" "${entry#* }"
    started+=("$(instance_name "${entry%% *}" "${entry#* }")")
    wait_ready "${started[-1]}"
  done
  trap - EXIT
fi

print_native_urls
log "status: make status; logs: make logs (PRETTY=1 to read them; files in $LOG_DIR); stop everything: make down"
