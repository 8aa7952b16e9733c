# shellcheck shell=bash
# Starting instances for `make up` (sourced after lib.sh, instances.sh and infra.sh, never run).

# docker compose takes the services' configuration from docker-compose.yaml, not from this shell:
# say which of the caller's variables it ignores rather than dropping them silently. The names are
# those of the README's configuration table (generated from the services' config, and checked by a
# test), plus the per-service prefixes. Sets compose_scale from GATEWAYS, WRITERS and READERS.
warn_compose_ignored() {
  local name ignored=() svc var table
  # shellcheck disable=SC2016 # the backquotes are Markdown's, not a command
  table="$(sed -n '/config-table:start/,/config-table:end/s/^| `\([A-Z0-9_]*\)` *|.*/\1/p' "$REPO_ROOT/README.md")"
  for name in $table; do
    if [[ -n "${!name:-}" ]]; then ignored+=("$name"); fi
  done
  for name in $(compgen -e); do
    if [[ "$name" =~ ^(API_GATEWAY|WRITER_SERVICE|READER_SERVICE)__ ]]; then ignored+=("$name"); fi
  done
  if ((${#ignored[@]} > 0)); then
    log "WARNING: docker compose ignores ${ignored[*]}: the containers' settings are in docker-compose.yaml (STACK_MODE=native make up uses them)"
  fi
  compose_scale=()
  # shellcheck disable=SC2034 # used by up.sh
  for svc in "${SERVICES[@]}"; do
    var="$(count_variable "$svc")"
    if [[ -n "${!var:-}" ]]; then compose_scale+=(--scale "$svc=${!var}"); fi
  done
}

# Sets to_start ("SERVICE I" entries) to the planned instances that do not run yet, and says what
# runs already, and where what runs differs from what was asked.
plan_instances() {
  local svc count i name pid asked recorded
  to_start=()
  for svc in "${SERVICES[@]}"; do
    if pid="$(instance_pid "$svc")"; then
      die "$svc runs (pid $pid) as started by an older make up; make down first"
    fi
    count="$(instance_count "$svc")"
    for ((i = 0; i < count; i++)); do
      name="$(instance_name "$svc" "$i")"
      if ! pid="$(instance_pid "$name")"; then
        to_start+=("$svc $i")
        continue
      fi
      log "$name: already running (pid $pid); \`make down\` first to restart it with new code or settings"
      asked="$(instance_port "$svc" main "$i") $(instance_port "$svc" probes "$i") $(instance_port "$svc" metrics "$i")"
      recorded="$(record_value "$name" MAIN_PORT) $(record_value "$name" PROBES_PORT) $(record_value "$name" METRICS_PORT)"
      if [[ "$asked" != "$recorded" ]]; then
        log "WARNING: $name runs on ports $recorded, not the asked $asked: make down, then make up, to apply them"
      fi
    done
    while read -r name; do
      [[ "$(instance_service "$name")" == "$svc" && "${name##*-}" -ge "$count" ]] || continue
      if pid="$(instance_pid "$name")"; then
        log "WARNING: $name runs (pid $pid) beyond $(count_variable "$svc")=$count; left running (make down stops it)"
      fi
    done < <(recorded_instances)
  done
}

check_ports_free() {
  local entry svc i kind port
  for entry in "${to_start[@]}"; do
    svc="${entry%% *}" i="${entry#* }"
    for kind in main probes metrics; do
      port="$(instance_port "$svc" "$kind" "$i")"
      if port_open "$port"; then
        die "port $port (for $(instance_name "$svc" "$i")) is in use by a process this checkout did not start (see: ss -ltnp 'sport = :$port'); stop it, or move $svc with $(env_prefix "$svc")__<PORT NAME>=<free port>"
      fi
    done
  done
}

# Records the instance (ports, log) and starts it in the background.
launch_instance() {
  local svc="$1" i="$2" name pidfile logfile env_args
  name="$(instance_name "$svc" "$i")"
  pidfile="$(instance_pidfile "$name")"
  logfile="$(instance_log "$name")"
  mapfile -t env_args < <(instance_env "$svc" "$i")
  {
    printf 'SERVICE=%s\nINSTANCE=%s\nSTARTED_AT=%s\nLOG=%s\n' "$svc" "$i" "$(date -Is)" "$logfile"
    printf 'MAIN_PORT=%s\nPROBES_PORT=%s\nMETRICS_PORT=%s\n' "$(instance_port "$svc" main "$i")" \
      "$(instance_port "$svc" probes "$i")" "$(instance_port "$svc" metrics "$i")"
    if [[ "$svc" == api-gateway ]]; then printf 'READER_SERVICE_ADDR=%s\n' "$(gateway_reader_addr "$i")"; fi
  } >"$(instance_envfile "$name")"
  rm -f "$pidfile"
  log "$name: starting (log: $logfile)"
  # setsid: a Ctrl-C in this terminal or a test runner killing its process group must not take
  # the services down. The inner shell records its own pid, then execs (the same pid) into
  # with-infra-env.sh and node, so the pid file names the service itself.
  (
    cd "$REPO_ROOT/$svc" || exit 1
    # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell.
    exec setsid env "${env_args[@]}" NODE_OPTIONS="${NODE_OPTIONS:-$SERVICE_NODE_OPTIONS}" bash -c 'echo "$$" >"$0"; exec "$@"' "$pidfile" \
      "$WITH_INFRA" node --import @cqrs-products/tracing/register "$(service_entry "$svc")" \
      </dev/null >>"$logfile" 2>&1 8>&-
  ) &
}

wait_ready() {
  local name="$1" logfile pidfile deadline
  logfile="$(instance_log "$name")"
  pidfile="$(instance_pidfile "$name")"
  deadline=$((SECONDS + ${STACK_READY_TIMEOUT:-90}))
  until instance_ready "$name"; do
    if [[ -s "$pidfile" ]] && ! instance_pid "$name" >/dev/null; then
      fail_with_log "$name exited during start-up" "$logfile"
    fi
    ((SECONDS < deadline)) ||
      fail_with_log "$name did not answer http://127.0.0.1:$(record_value "$name" PROBES_PORT)/ready within ${STACK_READY_TIMEOUT:-90}s" "$logfile"
    sleep 0.2
  done
  log "$name: ready (pid $(instance_pid "$name"))"
}
