#!/usr/bin/env bash
# Runs a command with the endpoints of the native infra (.infra/env, written by
# scripts/infra/up.sh) exported, without overriding variables that are already set: pointing
# KAFKA_BROKERS, POSTGRES_URL, MONGO_URI or REDIS_URL elsewhere wins.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ -f "$root/.infra/env" ]]; then
  while IFS='=' read -r key value; do
    [[ -z "$key" || "$key" == \#* ]] && continue
    [[ -z "${!key:-}" ]] && export "$key=$value"
  done <"$root/.infra/env"
fi
exec "$@"
