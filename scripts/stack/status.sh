#!/usr/bin/env bash
# `make status`: one line per recorded instance (state, pid, ports as they were started), then the
# native servers of the INFRA_HOME make up used. Reports only, always exits 0.
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=infra.sh
. "$STACK_SCRIPT_DIR/infra.sh"
# shellcheck source=instances.sh
. "$STACK_SCRIPT_DIR/instances.sh"

if use_docker; then
  compose ps
  exit 0
fi

mapfile -t instances < <(recorded_instances)
if ((${#instances[@]} == 0)); then
  printf '%-15s %-10s (none recorded: make up starts them)\n' services stopped
fi
for name in "${instances[@]+"${instances[@]}"}"; do
  svc="$(instance_service "$name")"
  main_name="$(main_port_name "$svc" | cut -d_ -f1)"
  ports="${main_name,,} $(record_value "$name" MAIN_PORT), probes $(record_value "$name" PROBES_PORT), metrics $(record_value "$name" METRICS_PORT)"
  reader="$(record_value "$name" READER_SERVICE_ADDR)"
  [[ -z "$reader" ]] || ports+=", reader $reader"
  if pid="$(instance_pid "$name")"; then
    if instance_ready "$name"; then state=ready; else state=not-ready; fi
  else
    pid=- state=exited
  fi
  index="${name#"$svc"}"
  printf '%-15s %-10s pid %-8s #%-2s %s\n' "$svc" "$state" "$pid" "${index#-}" "$ports"
done

if external_infra && [[ ! -f "$INFRA_RECORD" ]]; then
  printf '%-15s %s\n' infrastructure "given: KAFKA_BROKERS=$KAFKA_BROKERS MONGO_URI=$MONGO_URI REDIS_URL=$REDIS_URL (and POSTGRES_URL)"
else
  home="$(infra_record_value INFRA_HOME)"
  offset="$(infra_record_value INFRA_PORT_OFFSET)"
  INFRA_HOME="${home:-$(current_infra_home)}" INFRA_PORT_OFFSET="${offset:-${INFRA_PORT_OFFSET:-0}}" \
    bash "$REPO_ROOT/scripts/infra/status.sh"
fi
