#!/usr/bin/env bash
# `make logs`: follows the services' logs (JSON lines; pipe through `npx pino-pretty` to read
# them more comfortably). TAIL_LINES (default 50) lines of history first.
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

if use_docker; then
  compose logs -f --tail "${TAIL_LINES:-50}"
  exit 0
fi

files=()
for svc in "${SERVICES[@]}"; do
  if [[ -f "$(service_log "$svc")" ]]; then files+=("$(service_log "$svc")"); fi
done
((${#files[@]} > 0)) || die "no service logs in $LOG_DIR yet; start the system with make up"
exec tail -n "${TAIL_LINES:-50}" -F "${files[@]}"
