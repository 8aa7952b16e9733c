#!/usr/bin/env bash
# `make down`: stops what `make up` started. Docker engine: docker compose down. Otherwise every
# recorded instance (SIGTERM, then SIGKILL after STACK_STOP_TIMEOUT, default 30 s), the instances
# of one service together, service by service; then the native servers this checkout's make up
# started, in the INFRA_HOME it started them in (infra.sh). Their data stays.
set -euo pipefail
shopt -s inherit_errexit

# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=infra.sh
. "$STACK_SCRIPT_DIR/infra.sh"

if use_docker; then
  compose down
  exit 0
fi

[[ -d "$STATE_DIR" ]] || {
  log "nothing to stop ($STATE_DIR does not exist)"
  exit 0
}
ensure_state_dirs
take_stack_lock

mapfile -t instances < <(recorded_instances)
# Gateways first (no new commands), then writers (no new events), then readers (the projection);
# the instances of one service stop in parallel: each one's shutdown is its own.
for svc in "${SERVICES_STOP_ORDER[@]}"; do
  pids=()
  for name in "${instances[@]+"${instances[@]}"}"; do
    [[ "$(instance_service "$name")" == "$svc" ]] || continue
    stop_instance "$name" &
    pids+=("$!")
  done
  for pid in "${pids[@]+"${pids[@]}"}"; do wait "$pid"; done
done

if external_infra && [[ ! -f "$INFRA_RECORD" ]]; then
  log "infrastructure left running: it was given by KAFKA_BROKERS, POSTGRES_URL, MONGO_URI and REDIS_URL"
else
  stop_recorded_infra
fi
