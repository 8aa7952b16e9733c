#!/usr/bin/env bash
# Stops what scripts/infra/up.sh started (found through our own pid files only), keeping data.
#   scripts/infra/down.sh               everything that runs
#   scripts/infra/down.sh kafka         only Kafka (e.g. for broker-outage tests)
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
load_components

components=()
if (($# == 0)); then
  components=("${ALL_COMPONENTS[@]}")
else
  for arg in "$@"; do components+=("$(component_name "$arg")"); done
fi

[[ -d "$INFRA_DIR" ]] || { log "nothing to stop ($INFRA_DIR does not exist)"; exit 0; }
ensure_layout
take_lock

for c in "${components[@]}"; do
  if pid="$("${c}_pid")"; then
    log "$c: stopping (pid $pid)"
    "${c}_stop"
    log "$c: stopped"
  elif (($# > 0)); then
    log "$c: not running"
  fi
done
