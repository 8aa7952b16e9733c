#!/usr/bin/env bash
# One line per component: state, pid and endpoint. Always exits 0 (it only reports).
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
load_components

for c in "${ALL_COMPONENTS[@]}"; do
  endpoint="$("${c}_endpoint")"
  if pid="$("${c}_pid")"; then
    if "${c}_check" 2>/dev/null; then state=running; else state=not-answering; fi
    printf '%-11s %-14s pid %-8s %s\n' "$c" "$state" "$pid" "${endpoint#*=}"
  else
    printf '%-11s %-14s pid %-8s %s\n' "$c" stopped - "${endpoint#*=}"
  fi
done
