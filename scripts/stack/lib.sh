# shellcheck shell=bash
# Shared helpers for `make up`, `make down`, `make logs` and `make status` (sourced, never run).
#
# With a Docker engine the whole system runs in docker compose. Without one (or with
# STACK_MODE=native) the native infrastructure of scripts/infra/ runs on loopback and the three
# services run as background processes from their dist/, with logs in .infra/logs/<service>.log
# and pids in .infra/run/<service>.pid.
#
# Each service gets the caller's environment plus the variables named <SERVICE>__<NAME>, without
# the prefix, for it alone: API_GATEWAY__HTTP_PORT=15001, WRITER_SERVICE__KAFKA_GROUP_ID=mine.
# (Plain PROBES_PORT or GRPC_PORT would be shared by several services and collide.)

STACK_SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$STACK_SCRIPT_DIR/../.." && pwd -P)"
STATE_DIR="$REPO_ROOT/.infra"
LOG_DIR="$STATE_DIR/logs"
RUN_DIR="$STATE_DIR/run"
# shellcheck disable=SC2034 # used by the entry scripts that source this file
WITH_INFRA="$REPO_ROOT/scripts/with-infra-env.sh"

# Start order follows the data flow: the writer creates the command topics the gateway publishes
# to, the reader must answer before the gateway's queries can.
SERVICES=(writer-service reader-service api-gateway)
# Stop order: no new commands first, then no new events, then the projection.
# shellcheck disable=SC2034 # used by down.sh
SERVICES_STOP_ORDER=(api-gateway writer-service reader-service)

log() { printf '[stack] %s\n' "$*" >&2; }
die() {
  printf '[stack] ERROR: %s\n' "$*" >&2
  exit 1
}

ensure_state_dirs() {
  mkdir -p "$LOG_DIR" "$RUN_DIR"
  [[ -f "$STATE_DIR/.gitignore" ]] || printf '*\n' >"$STATE_DIR/.gitignore"
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

# setting SERVICE NAME DEFAULT: the service's own <SERVICE>__NAME if set, else DEFAULT.
setting() {
  local var
  var="$(env_prefix "$1")__$2"
  echo "${!var:-$3}"
}

main_port_name() {
  case "$1" in
    api-gateway) echo HTTP_PORT ;;
    *) echo GRPC_PORT ;;
  esac
}

# Defaults as in the original and in each service's config/config.yaml: 500x main, 300x probes,
# 800x metrics, x = 1 gateway, 2 writer, 3 reader.
service_index() {
  case "$1" in
    api-gateway) echo 1 ;;
    writer-service) echo 2 ;;
    reader-service) echo 3 ;;
    *) die "unknown service $1" ;;
  esac
}
main_port() { setting "$1" "$(main_port_name "$1")" "500$(service_index "$1")"; }
probes_port() { setting "$1" PROBES_PORT "300$(service_index "$1")"; }
metrics_port() { setting "$1" METRICS_PORT "800$(service_index "$1")"; }

service_entry() { echo "$REPO_ROOT/$1/dist/main.js"; }
service_pidfile() { echo "$RUN_DIR/$1.pid"; }
service_log() { echo "$LOG_DIR/$1.log"; }

# Prints the pid of the service if it runs from this checkout: the pid file can outlive its
# process, and the number can be reused by something that is not ours.
service_pid() {
  local file pid cmd
  file="$(service_pidfile "$1")"
  [[ -s "$file" ]] || return 1
  pid="$(head -n 1 "$file" | tr -dc '0-9')"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *"$(service_entry "$1")"* ]] || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# True when GET http://127.0.0.1:PORT/PATH answers 200 within 2 s (bash only: no curl needed).
http_ok() {
  local port="$1" path="$2" status_line
  (
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
    IFS= read -r -t 2 status_line <&3 || exit 1
    [[ "$status_line" == HTTP/1.?" 200"* ]]
  ) 2>/dev/null
}

service_ready() { http_ok "$(probes_port "$1")" /ready; }

fail_with_log() {
  local message="$1" logfile="$2"
  if [[ -f "$logfile" ]]; then
    printf '[stack] ---- last 30 lines of %s ----\n' "$logfile" >&2
    tail -n 30 "$logfile" >&2
    printf '[stack] ----\n' >&2
  fi
  die "$message (log: $logfile)"
}

# SIGTERM (the services drain and commit in-flight work), then SIGKILL after $2 seconds.
stop_pid() {
  local pid="$1" timeout="${2:-30}" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "pid $pid did not stop within ${timeout}s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
}

stop_service() {
  local svc="$1" pid
  if pid="$(service_pid "$svc")"; then
    log "$svc: stopping (pid $pid)"
    stop_pid "$pid" "${STACK_STOP_TIMEOUT:-30}"
    log "$svc: stopped"
  fi
  rm -f "$(service_pidfile "$svc")"
}

# The URLs worth opening, one per line on stdout; optional tools only when something listens.
print_urls() {
  local svc gw
  gw="$(main_port api-gateway)"
  printf '\n'
  printf '  %-26s %s\n' "API" "http://127.0.0.1:$gw/api/v1/products"
  printf '  %-26s %s\n' "Swagger UI" "http://127.0.0.1:$gw/swagger"
  printf '  %-26s %s\n' "OpenAPI document" "http://127.0.0.1:$gw/swagger/json"
  for svc in "${SERVICES[@]}"; do
    printf '  %-26s %s\n' "Metrics ($svc)" "http://127.0.0.1:$(metrics_port "$svc")/metrics"
  done
  if [[ -n "${PROMETHEUS_URL:-}" ]]; then
    printf '  %-26s %s\n' "Prometheus" "$PROMETHEUS_URL"
  elif port_open 9090; then
    printf '  %-26s %s\n' "Prometheus" "http://127.0.0.1:9090"
  fi
  if port_open 16686; then printf '  %-26s %s\n' "Jaeger" "http://127.0.0.1:16686"; fi
  if port_open 3000; then printf '  %-26s %s\n' "Grafana" "http://127.0.0.1:3000"; fi
  printf '\n'
}
