#!/usr/bin/env bash
# `make down`: stops what `make up` started. Docker engine: docker compose down. Otherwise the
# three services (by their pid files, SIGTERM then SIGKILL after STACK_STOP_TIMEOUT, default 30 s)
# and, unless the four endpoints point at servers of somebody else, the native infrastructure
# (its data stays in .infra/).
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

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

for svc in "${SERVICES_STOP_ORDER[@]}"; do stop_service "$svc"; done

if external_infra; then
  log "infrastructure left running: it was given by KAFKA_BROKERS, POSTGRES_URL, MONGO_URI and REDIS_URL"
else
  bash "$REPO_ROOT/scripts/infra/down.sh" 8>&-
fi
