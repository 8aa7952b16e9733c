#!/usr/bin/env bash
# `make up`: the whole system, then the URLs to open. Idempotent: what already runs is left alone.
#   Docker engine:  docker compose up -d --build --wait
#   otherwise:      native infrastructure (scripts/infra/up.sh, unless KAFKA_BROKERS, POSTGRES_URL,
#                   MONGO_URI and REDIS_URL are all given), migrations, build, then the three
#                   services in the background from their dist/, each waited for until /ready.
# STACK_READY_TIMEOUT (seconds, default 90) bounds the wait for each service.
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

if use_docker; then
  log "Docker engine found: docker compose up"
  compose up -d --build --wait
  print_urls
  exit 0
fi

ensure_state_dirs
take_stack_lock

if external_infra; then
  log "using the servers given by KAFKA_BROKERS, POSTGRES_URL, MONGO_URI and REDIS_URL"
else
  # Its stdout is the endpoint list, which .infra/env keeps; the progress goes to stderr.
  if ! bash "$REPO_ROOT/scripts/infra/up.sh" >/dev/null 8>&-; then
    die "the native infrastructure did not start (see above). Servers of another checkout on the same ports? Point KAFKA_BROKERS, POSTGRES_URL, MONGO_URI and REDIS_URL at them instead."
  fi
fi

to_start=()
for svc in "${SERVICES[@]}"; do
  if pid="$(service_pid "$svc")"; then
    log "$svc: already running (pid $pid); \`make down\` first to restart it with new code"
  else
    to_start+=("$svc")
  fi
done

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

  for svc in "${to_start[@]}"; do
    for port in "$(main_port "$svc")" "$(probes_port "$svc")" "$(metrics_port "$svc")"; do
      if port_open "$port"; then
        die "port $port (for $svc) is in use by a process this checkout did not start (see: ss -ltnp 'sport = :$port'); stop it, or move $svc with $(env_prefix "$svc")__<PORT NAME>=<free port>"
      fi
    done
  done

  started=()
  # A failed start leaves nothing half-running: what this run started is stopped again.
  cleanup_on_failure() {
    local svc
    for svc in "${started[@]+"${started[@]}"}"; do stop_service "$svc"; done
  }
  trap cleanup_on_failure EXIT

  for svc in "${to_start[@]}"; do
    env_args=(
      "$(main_port_name "$svc")=$(main_port "$svc")"
      "PROBES_PORT=$(probes_port "$svc")"
      "METRICS_PORT=$(metrics_port "$svc")"
    )
    if [[ "$svc" == api-gateway ]]; then
      env_args+=("READER_SERVICE_ADDR=$(setting api-gateway READER_SERVICE_ADDR "127.0.0.1:$(main_port reader-service)")")
    fi
    prefix="$(env_prefix "$svc")__"
    for name in $(compgen -e); do
      if [[ "$name" == "$prefix"* ]]; then env_args+=("${name#"$prefix"}=${!name}"); fi
    done

    pidfile="$(service_pidfile "$svc")"
    logfile="$(service_log "$svc")"
    rm -f "$pidfile"
    printf '\n=== %s make up: starting %s\n' "$(date -Is)" "$svc" >>"$logfile"
    log "$svc: starting (log: $logfile)"
    # setsid: a Ctrl-C in this terminal or a test runner killing its process group must not take
    # the services down. The inner shell records its own pid, then execs (the same pid) into
    # with-infra-env.sh and node, so the pid file names the service itself.
    (
      cd "$REPO_ROOT/$svc"
      # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell.
      exec setsid env "${env_args[@]}" bash -c 'echo "$$" >"$0"; exec "$@"' "$pidfile" \
        "$WITH_INFRA" node --import @cqrs-products/tracing/register "$(service_entry "$svc")" \
        </dev/null >>"$logfile" 2>&1 8>&-
    ) &
    started+=("$svc")

    deadline=$((SECONDS + ${STACK_READY_TIMEOUT:-90}))
    until service_ready "$svc"; do
      if ! service_pid "$svc" >/dev/null && [[ -s "$pidfile" ]]; then
        fail_with_log "$svc exited during start-up" "$logfile"
      fi
      ((SECONDS < deadline)) ||
        fail_with_log "$svc did not answer http://127.0.0.1:$(probes_port "$svc")/ready within ${STACK_READY_TIMEOUT:-90}s" "$logfile"
      sleep 0.5
    done
    log "$svc: ready (pid $(service_pid "$svc"))"
  done
  trap - EXIT
fi

print_urls
log "logs: make logs (files in $LOG_DIR); stop everything: make down"
