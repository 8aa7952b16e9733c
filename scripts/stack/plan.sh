#!/usr/bin/env bash
# Prints what the native `make up` would start with this environment, one line per instance:
# its name, then the variables it gets on top of the inherited environment. Starts nothing; exits
# non-zero with make up's own message when make up would refuse the configuration.
#   GATEWAYS=2 READERS=2 bash scripts/stack/plan.sh
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=instances.sh
. "$STACK_SCRIPT_DIR/instances.sh"

check_plan
for svc in "${SERVICES[@]}"; do
  count="$(instance_count "$svc")"
  for ((i = 0; i < count; i++)); do
    env_lines="$(instance_env "$svc" "$i")"
    printf '%s %s\n' "$(instance_name "$svc" "$i")" "$(tr '\n' ' ' <<<"$env_lines" | sed 's/ $//')"
  done
done
