#!/usr/bin/env bash
# `make logs`: follows the logs of every recorded instance as JSON lines only (logs.awk adds which
# instance wrote each line); TAIL_LINES (default 50) lines of history of each first.
# PRETTY=1 (`make logs PRETTY=1`) shows them through pino-pretty (a dev dependency of the root
# package, so no download at run time).
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

pretty=()
if [[ "${PRETTY:-0}" == 1 ]]; then
  # "instance" (added by logs.awk) says more than "service": it leads each message instead.
  pretty=("$REPO_ROOT/node_modules/.bin/pino-pretty" --translateTime SYS:HH:MM:ss.l
    --messageFormat '{instance}: {msg}' --ignore 'instance,service')
  [[ -x "${pretty[0]}" ]] || die "PRETTY=1 needs pino-pretty, a dev dependency of the root package.json: run npm install (or make install)"
elif [[ -n "${PRETTY:-}" && "$PRETTY" != 0 ]]; then
  die "PRETTY must be 1 or 0, not '$PRETTY'"
fi

if use_docker; then
  # No "service-1  | " prefixes: the lines stay JSON (each carries its "service").
  if ((${#pretty[@]} > 0)); then
    compose logs -f --no-log-prefix --tail "${TAIL_LINES:-50}" | "${pretty[@]}"
  else
    compose logs -f --no-log-prefix --tail "${TAIL_LINES:-50}"
  fi
  exit 0
fi

files=()
while read -r name; do
  if [[ -f "$(instance_log "$name")" ]]; then files+=("$(instance_log "$name")"); fi
done < <(recorded_instances)
# After make down nothing is recorded: the logs of the last run are still worth reading.
if ((${#files[@]} == 0)); then
  for file in "$LOG_DIR"/*.log; do
    name="$(basename -- "$file" .log)"
    if [[ -f "$file" ]] && instance_service "$name" >/dev/null; then files+=("$file"); fi
  done
fi
((${#files[@]} > 0)) || die "no service logs in $LOG_DIR yet; start the system with make up"

# mawk (Debian's awk) waits to fill its input buffer from a pipe unless told it is interactive:
# the lines would show up in bursts, long after they were written.
filter=(awk)
if awk -W version 2>&1 | grep -q mawk; then filter+=(-W interactive); fi
filter+=(-f "$STACK_SCRIPT_DIR/logs.awk")
# -v: a header names the file whenever the output switches files, even with just one (logs.awk
# reads and drops them).
if ((${#pretty[@]} > 0)); then
  tail -v -n "${TAIL_LINES:-50}" -F "${files[@]}" | "${filter[@]}" | "${pretty[@]}"
else
  tail -v -n "${TAIL_LINES:-50}" -F "${files[@]}" | "${filter[@]}"
fi
