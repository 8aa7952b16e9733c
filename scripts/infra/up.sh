#!/usr/bin/env bash
# Installs what is missing and starts the local infrastructure on 127.0.0.1, idempotently.
#   scripts/infra/up.sh                 postgres redis kafka mongo prometheus
#   scripts/infra/up.sh kafka mongo     only those
# Prints the endpoints as KEY=VALUE lines on stdout and writes them to .infra/env (INFRA_HOME and
# INFRA_PORT_OFFSET place a second instance elsewhere: see lib.sh).
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
load_components

components=()
if (($# == 0)); then
  components=("${DEFAULT_COMPONENTS[@]}")
else
  for arg in "$@"; do components+=("$(component_name "$arg")"); done
fi

ensure_layout
take_lock

# Install everything first: slow steps (apt, Maven, go build) then run before any server starts,
# and a failure leaves nothing half-started.
for c in "${components[@]}"; do "${c}_install"; done

# Start whatever is not already running and answering, then wait for all of them together so
# the start-ups overlap.
to_wait=()
for c in "${components[@]}"; do
  if pid="$("${c}_pid")"; then
    if "${c}_check" 2>/dev/null; then
      log "$c: already running (pid $pid)"
    else
      log "$c: running (pid $pid) but not answering yet; waiting"
      to_wait+=("$c")
    fi
    continue
  fi
  # shellcheck disable=SC2046 # ports are a space-separated list of numbers.
  assert_port_free "$c" $("${c}_ports")
  "${c}_start"
  to_wait+=("$c")
done
for c in "${to_wait[@]+"${to_wait[@]}"}"; do
  "${c}_wait"
  log "$c: ready"
done

# The env file lists the endpoints of the default set (static: they do not depend on what runs).
{
  for c in "${DEFAULT_COMPONENTS[@]}"; do "${c}_endpoint"; done
} >"$INFRA_DIR/env.tmp"
mv "$INFRA_DIR/env.tmp" "$INFRA_DIR/env"
cat "$INFRA_DIR/env"
