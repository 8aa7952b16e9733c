# shellcheck shell=bash
# The native servers of the stack (sourced after lib.sh, never run). `make up` records which of
# them it started itself, and in which INFRA_HOME, in .infra/run/stack-infra.env; `make down` stops
# exactly those, in that home, whatever INFRA_HOME its own caller has. Servers that were already
# running (`make infra-up`, a test run, a colleague's checkout sharing the home) are left alone.

INFRA_RECORD="$RUN_DIR/stack-infra.env"

# As scripts/infra/lib.sh and with-infra-env.sh resolve it.
current_infra_home() {
  local home="${INFRA_HOME:-$REPO_ROOT/.infra}"
  [[ "$home" == /* ]] || home="$PWD/$home"
  echo "$home"
}

# KEY of the record (INFRA_HOME, INFRA_PORT_OFFSET, STARTED), empty if there is no record.
infra_record_value() { file_value "$INFRA_RECORD" "$1"; }

# The components of scripts/infra that run in the given home (found by their pid files there).
infra_running() {
  (
    export INFRA_HOME="$1" INFRA_PORT_OFFSET="$2"
    # shellcheck source=../infra/lib.sh
    . "$REPO_ROOT/scripts/infra/lib.sh"
    load_components
    for c in "${ALL_COMPONENTS[@]}"; do
      if "${c}_pid" >/dev/null 2>&1; then printf '%s ' "$c"; fi
    done
  )
}

# Starts the native servers and records the ones this run started (on top of earlier records).
start_infra() {
  local home offset before after recorded c started=""
  home="$(current_infra_home)"
  offset="${INFRA_PORT_OFFSET:-0}"
  recorded="$(infra_record_value INFRA_HOME)"
  if [[ -n "$recorded" && "$recorded" != "$home" && -n "$(infra_record_value STARTED)" ]]; then
    die "this checkout's make up already started servers in INFRA_HOME=$recorded; make down first, or use that INFRA_HOME"
  fi
  before="$(infra_running "$home" "$offset")"
  # Its stdout is the endpoint list, which <INFRA_HOME>/env keeps; the progress goes to stderr.
  if ! bash "$REPO_ROOT/scripts/infra/up.sh" >/dev/null 8>&-; then
    die "the native infrastructure did not start (see above). Servers of another checkout on the same ports? Point KAFKA_BROKERS, POSTGRES_URL, MONGO_URI and REDIS_URL at them instead, or run a second set with INFRA_HOME and INFRA_PORT_OFFSET."
  fi
  after="$(infra_running "$home" "$offset")"
  if [[ "$recorded" == "$home" ]]; then started="$(infra_record_value STARTED)"; fi
  for c in $after; do
    if [[ " $before " != *" $c "* && " $started " != *" $c "* ]]; then started+="${started:+ }$c"; fi
  done
  printf 'INFRA_HOME=%s\nINFRA_PORT_OFFSET=%s\nSTARTED=%s\n' "$home" "$offset" "$started" >"$INFRA_RECORD.tmp"
  mv "$INFRA_RECORD.tmp" "$INFRA_RECORD"
}

# Stops the recorded servers in the recorded home; says what it leaves running and why.
stop_recorded_infra() {
  local home offset started running hint
  home="$(infra_record_value INFRA_HOME)"
  if [[ -z "$home" ]]; then
    log "native servers: none recorded as started by make up; left as they are (make infra-down stops them)"
    return 0
  fi
  offset="$(infra_record_value INFRA_PORT_OFFSET)"
  started="$(infra_record_value STARTED)"
  if [[ -n "$started" ]]; then
    # shellcheck disable=SC2086 # a space-separated list of component names
    INFRA_HOME="$home" INFRA_PORT_OFFSET="$offset" bash "$REPO_ROOT/scripts/infra/down.sh" $started 8>&-
  fi
  running="$(infra_running "$home" "$offset")"
  if [[ -n "${running// /}" ]]; then
    hint="make infra-down"
    [[ "$home" == "$REPO_ROOT/.infra" ]] || hint="INFRA_HOME=$home INFRA_PORT_OFFSET=$offset make infra-down"
    log "native servers left running in $home, as make up found them: ${running% } ($hint stops them)"
  fi
  rm -f "$INFRA_RECORD"
}
