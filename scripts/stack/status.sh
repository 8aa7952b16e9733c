#!/usr/bin/env bash
# `make status`: one line per service (state, pid, ports), then the infrastructure. Reports only,
# always exits 0.
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

if use_docker; then
  compose ps
  exit 0
fi

for svc in "${SERVICES[@]}"; do
  ports="$(main_port_name "$svc" | tr 'A-Z_' 'a-z ' | cut -d' ' -f1) $(main_port "$svc"), probes $(probes_port "$svc"), metrics $(metrics_port "$svc")"
  if pid="$(service_pid "$svc")"; then
    if service_ready "$svc"; then state=ready; else state=not-ready; fi
    printf '%-15s %-10s pid %-8s %s\n' "$svc" "$state" "$pid" "$ports"
  else
    printf '%-15s %-10s pid %-8s %s\n' "$svc" stopped - "$ports"
  fi
done
if external_infra; then
  printf '%-15s %s\n' infrastructure "given: KAFKA_BROKERS=$KAFKA_BROKERS MONGO_URI=$MONGO_URI REDIS_URL=$REDIS_URL (and POSTGRES_URL)"
else
  bash "$REPO_ROOT/scripts/infra/status.sh"
fi
