# shellcheck shell=bash
# Shared helpers for `make up`, `make down`, `make logs` and `make status` (sourced, never run).
#
# With a Docker engine the whole system runs in docker compose. Without one (or with
# STACK_MODE=native) the native infrastructure of scripts/infra/ runs on loopback and the services
# run as background processes from their dist/, one or more instances each (instances.sh). Every
# instance is recorded when it starts, so that status, logs and down read what really runs:
#   .infra/run/<service>-<i>.env   its ports and log file (KEY=VALUE lines)
#   .infra/run/<service>-<i>.pid   its pid, written by the process itself before it execs node
#   .infra/logs/<service>-<i>.log  its output (pino JSON lines)
# and the native servers this checkout's `make up` started are recorded in .infra/run/stack-infra.env
# (infra.sh), so that `make down` stops those and only those.

STACK_SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$STACK_SCRIPT_DIR/../.." && pwd -P)"
# The stack's state belongs to the checkout, whatever INFRA_HOME the servers use.
STATE_DIR="$REPO_ROOT/.infra"
LOG_DIR="$STATE_DIR/logs"
RUN_DIR="$STATE_DIR/run"
# shellcheck disable=SC2034 # used by the entry scripts that source this file
WITH_INFRA="$REPO_ROOT/scripts/with-infra-env.sh"
# The services' V8 heap sizing, as the images set it (docker/*.Dockerfile says why); a
# NODE_OPTIONS of your own replaces it.
# shellcheck disable=SC2034 # used by launch.sh
SERVICE_NODE_OPTIONS="--max-old-space-size=384 --max-semi-space-size=8"

# Start order follows the data flow: the writer creates the command topics the gateway publishes
# to, the reader must answer before the gateway's queries can.
SERVICES=(writer-service reader-service api-gateway)
# Stop order: no new commands first, then no new events, then the projection.
# shellcheck disable=SC2034 # used by down.sh
SERVICES_STOP_ORDER=(api-gateway writer-service reader-service)

LOG_TAG=stack
# shellcheck source=../lib/processes.sh
. "$STACK_SCRIPT_DIR/../lib/processes.sh"

ensure_state_dirs() {
  mkdir -p "$LOG_DIR" "$RUN_DIR"
  keep_out_of_git "$STATE_DIR"
}

# Serialises concurrent up/down runs of this checkout (two terminals, a test racing a developer).
take_stack_lock() {
  # fd 8: services close it when they start (8>&-), or they would hold the lock forever.
  exec 8>"$STATE_DIR/.stack.lock"
  flock -w 600 8 || die "another make up/down of this checkout holds $STATE_DIR/.stack.lock"
}

# Docker compose when an engine answers, unless STACK_MODE=native asks for the native way.
use_docker() {
  case "${STACK_MODE:-auto}" in
    native) return 1 ;;
    docker) return 0 ;;
    auto) command -v docker >/dev/null 2>&1 && timeout 15 docker info >/dev/null 2>&1 ;;
    *) die "STACK_MODE must be auto, native or docker, not '$STACK_MODE'" ;;
  esac
}

compose() { (cd "$REPO_ROOT" && docker compose "$@"); }

# All four endpoints given: use those servers and start no native infrastructure (as `make test`).
external_infra() {
  [[ -n "${KAFKA_BROKERS:-}" && -n "${POSTGRES_URL:-}" && -n "${MONGO_URI:-}" && -n "${REDIS_URL:-}" ]]
}

# api-gateway -> API_GATEWAY
env_prefix() {
  local upper="${1^^}"
  echo "${upper//-/_}"
}

service_entry() { echo "$REPO_ROOT/$1/dist/main.js"; }

# --- processes -------------------------------------------------------------------------------

# True when GET http://127.0.0.1:PORT/PATH answers 2xx within 2 s (bash only: no curl needed).
http_ok() {
  local port="$1" path="$2" status_line
  (
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
    IFS= read -r -t 2 status_line <&3 || exit 1
    [[ "$status_line" == HTTP/1.?" 2"[0-9][0-9]* ]]
  ) 2>/dev/null
}

# --- recorded instances ----------------------------------------------------------------------

instance_name() { echo "$1-$2"; }
instance_pidfile() { echo "$RUN_DIR/$1.pid"; }
instance_envfile() { echo "$RUN_DIR/$1.env"; }
instance_log() { echo "$LOG_DIR/$1.log"; }

# The service an instance name belongs to; fails for names that are not ours (the infra's pid
# files share .infra/run when INFRA_HOME is the default). A bare <service> is a pid file of the
# single-instance make up before instances existed: still ours to stop.
instance_service() {
  local svc
  for svc in "${SERVICES[@]}"; do
    if [[ "$1" == "$svc" || "$1" =~ ^$svc-[0-9]+$ ]]; then
      echo "$svc"
      return 0
    fi
  done
  return 1
}

# Names of the instances that have a pid file or a record, in start order.
recorded_instances() {
  local svc file name
  for svc in "${SERVICES[@]}"; do
    for file in "$RUN_DIR/$svc".pid "$RUN_DIR/$svc"-*.pid "$RUN_DIR/$svc"-*.env; do
      [[ -e "$file" ]] || continue
      name="$(basename -- "${file%.*}")"
      if instance_service "$name" >/dev/null; then echo "$name"; fi
    done | sort -u -V
  done
}

# Prints the pid of the instance if it runs from this checkout: the pid file can outlive its
# process, and the number can be reused by something that is not ours.
instance_pid() {
  local file pid cmd svc
  svc="$(instance_service "$1")" || return 1
  file="$(instance_pidfile "$1")"
  [[ -s "$file" ]] || return 1
  pid="$(head -n 1 "$file" | tr -dc '0-9')"
  [[ -n "$pid" ]] && pid_running "$pid" || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *"$(service_entry "$svc")"* ]] || return 1
  echo "$pid"
}

# file_value FILE KEY: the value of KEY in a file of KEY=VALUE lines (empty if there is none).
file_value() {
  local key value
  [[ -f "$1" ]] || return 0
  while IFS='=' read -r key value; do
    if [[ "$key" == "$2" ]]; then
      echo "$value"
      return 0
    fi
  done <"$1"
}

# record_value NAME KEY: a value from the instance's record (empty if there is none).
record_value() { file_value "$(instance_envfile "$1")" "$2"; }

instance_ready() {
  local port
  port="$(record_value "$1" PROBES_PORT)"
  [[ -n "$port" ]] && http_ok "$port" /ready
}

stop_instance() {
  local name="$1" pid
  if pid="$(instance_pid "$name")"; then
    log "$name: stopping (pid $pid)"
    stop_pid "$name" "$pid" "${STACK_STOP_TIMEOUT:-30}"
    log "$name: stopped"
  fi
  rm -f "$(instance_pidfile "$name")" "$(instance_envfile "$name")"
}
