#!/usr/bin/env bash
# Runs a command with the endpoints of the native infra (<INFRA_HOME>/env, written by
# scripts/infra/up.sh; INFRA_HOME defaults to .infra) exported, without overriding variables that
# are already set: pointing KAFKA_BROKERS, POSTGRES_URL, MONGO_URI or REDIS_URL elsewhere wins.
# INFRA_HOME and INFRA_PORT_OFFSET pass through to the command, so fault tests that stop and start
# servers (packages/testing infra-control) act on the same instance.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ -n "${INFRA_HOME:-}" ]]; then
  [[ "$INFRA_HOME" == /* ]] || INFRA_HOME="$PWD/$INFRA_HOME"
  export INFRA_HOME
fi
env_file="${INFRA_HOME:-$root/.infra}/env"
if [[ -f "$env_file" ]]; then
  while IFS='=' read -r key value; do
    [[ -z "$key" || "$key" == \#* ]] && continue
    [[ -z "${!key:-}" ]] && export "$key=$value"
  done <"$env_file"
fi
exec "$@"
