# shellcheck shell=bash
# Shared helpers for the native infrastructure scripts (sourced, never executed).
# Everything lives under <repo root>/.infra so a fresh clone anywhere gets its own servers' data,
# and nothing outside the clone is touched except apt packages, ~/.m2 and the Go module cache.
#
# A second, independent set of servers on the same machine (say, next to colleagues' test runs
# that must not see an outage) takes two variables, inherited by every script and test helper:
#   INFRA_HOME         where data, logs, pid files and env live (default <repo root>/.infra)
#   INFRA_PORT_OFFSET  added to every port (default 0): 1000 gives PostgreSQL 6432, Redis 7379,
#                      Kafka 10092/10093, MongoDB wire 28017, Prometheus 10090

INFRA_SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$INFRA_SCRIPT_DIR/../.." && pwd -P)"
INFRA_PORT_OFFSET="${INFRA_PORT_OFFSET:-0}"
if ! [[ "$INFRA_PORT_OFFSET" =~ ^[0-9]+$ ]] || ((INFRA_PORT_OFFSET > 50000)); then
  printf '[infra] ERROR: INFRA_PORT_OFFSET must be a number from 0 to 50000, not %s\n' "$INFRA_PORT_OFFSET" >&2
  exit 1
fi
# Absolute, so that servers started from another working directory find the same place.
INFRA_DIR="${INFRA_HOME:-$REPO_ROOT/.infra}"
[[ "$INFRA_DIR" == /* ]] || INFRA_DIR="$PWD/$INFRA_DIR"
LOG_DIR="$INFRA_DIR/logs"
RUN_DIR="$INFRA_DIR/run"
BIN_DIR="$INFRA_DIR/bin"

# shellcheck source=versions.env
. "$INFRA_SCRIPT_DIR/versions.env"

# The system interpreter starts faster than a pyenv shim, and the probe needs only the stdlib.
if [[ -x /usr/bin/python3 ]]; then PYTHON=/usr/bin/python3; else PYTHON="$(command -v python3 || true)"; fi
PROBE="$INFRA_SCRIPT_DIR/probe.py"

# shellcheck disable=SC2034 # used by the entry scripts that source this file
DEFAULT_COMPONENTS=(postgres redis kafka mongo prometheus)
ALL_COMPONENTS=(postgres redis kafka mongo prometheus)

LOG_TAG=infra
# shellcheck source=../lib/processes.sh
. "$INFRA_SCRIPT_DIR/../lib/processes.sh"

ensure_layout() {
  mkdir -p "$LOG_DIR" "$RUN_DIR" "$BIN_DIR"
  keep_out_of_git "$INFRA_DIR"
}

# Serialises concurrent up/down runs (parallel make targets, a test harness racing a developer).
take_lock() {
  # fd 9: every server we start closes it (9>&-), else it would hold the lock forever.
  exec 9>"$INFRA_DIR/.lock"
  flock -w 600 9 || die "another scripts/infra run holds $INFRA_DIR/.lock"
}

# Normalises a user-given component name; "ferretdb" is accepted for "mongo".
component_name() {
  case "$1" in
    postgres | postgresql | pg) echo postgres ;;
    redis) echo redis ;;
    kafka) echo kafka ;;
    mongo | mongodb | ferretdb) echo mongo ;;
    prometheus) echo prometheus ;;
    *) die "unknown component '$1' (known: ${ALL_COMPONENTS[*]})" ;;
  esac
}

load_components() {
  local f
  for f in postgres redis kafka ferretdb prometheus; do
    # shellcheck source=/dev/null
    . "$INFRA_SCRIPT_DIR/$f.sh"
  done
}

# --- processes -------------------------------------------------------------------------------

# True if $1 is alive and its command line contains $2: a pid file can outlive its process and
# the number can be reused by something that is not ours.
pid_is() {
  local pid="$1" marker="$2" cmd
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *"$marker"* ]]
}

# Prints the pid recorded in pid file $1 if that process is alive and matches $2.
pid_from_file() {
  local file="$1" marker="$2" pid
  [[ -s "$file" ]] || return 1
  pid="$(head -n 1 "$file" | tr -dc '0-9')"
  pid_is "$pid" "$marker" || return 1
  echo "$pid"
}

# Starts a long-running foreground server detached from our session (so Ctrl-C in the calling
# terminal or a test runner's process-group kill does not take it down); the child records its
# own pid before exec, which stays right whether or not setsid had to fork.
spawn() {
  local pidfile="$1" logfile="$2" name="$3"
  shift 2
  rm -f "$pidfile"
  printf '\n=== %s starting: %s\n' "$(date -Is)" "$*" >>"$logfile"
  (
    cd "$INFRA_DIR" || exit 1
    exec 9>&- # the server must not inherit (and so hold forever) our lock
    # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell.
    exec setsid bash -c 'echo "$$" >"$0"; exec "$@"' "$pidfile" "$@" </dev/null >>"$logfile" 2>&1
  ) &
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s "$pidfile" ]] && return 0
    sleep 0.1
  done
  die "could not start $name (no pid file $pidfile); see $logfile"
}

# --- ports and readiness ---------------------------------------------------------------------

# A component's port in this instance: its well-known default plus INFRA_PORT_OFFSET.
infra_port() { echo $(($1 + INFRA_PORT_OFFSET)); }

# Refuses to start next to a foreign server: it would either fail to bind or, worse, tests
# would silently talk to somebody else's database.
assert_port_free() {
  local name="$1" port
  shift
  for port in "$@"; do
    if port_open "$port"; then
      die "port $port on 127.0.0.1 (needed by $name) is already in use by a process these scripts did not start; stop it first (see: ss -ltnp 'sport = :$port')"
    fi
  done
}

# wait_for NAME TIMEOUT LOGFILE PIDFUNC CHECKFUNC: polls CHECKFUNC until it succeeds; gives up
# early if the process died, and shows the log either way so the failure explains itself.
wait_for() {
  local name="$1" timeout="$2" logfile="$3" pidfunc="$4" check="$5"
  local deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if "$check" 2>/dev/null; then return 0; fi
    if ! "$pidfunc" >/dev/null 2>&1; then
      fail_with_log "$name exited during start-up" "$logfile"
    fi
    sleep 0.5
  done
  "$check" && return 0
  fail_with_log "$name did not answer within ${timeout}s" "$logfile"
}

probe() { "$PYTHON" "$PROBE" "$@"; }

# --- artefacts ---------------------------------------------------------------------------------

# A second instance (INFRA_HOME elsewhere) copies the built FerretDB binary or the resolved Kafka
# jars from the default home when their version stamp matches, instead of building them again.
# Read-only on the default home: its servers are neither asked nor touched.
reuse_from_default_home() {
  local rel="$1" stamp_rel="$2" want="$3" default_home="$REPO_ROOT/.infra"
  [[ "$INFRA_DIR" != "$default_home" && -e "$default_home/$rel" ]] || return 1
  [[ -f "$default_home/$stamp_rel" && "$(cat "$default_home/$stamp_rel")" == "$want" ]] || return 1
  log "reusing $rel ($want) from $default_home"
  mkdir -p "$(dirname -- "$INFRA_DIR/$rel")"
  rm -rf "${INFRA_DIR:?}/$rel" "$INFRA_DIR/$rel.tmp"
  cp -R "$default_home/$rel" "$INFRA_DIR/$rel.tmp"
  mv "$INFRA_DIR/$rel.tmp" "$INFRA_DIR/$rel"
  # Last, so that an interrupted copy is never taken for a complete one.
  cp "$default_home/$stamp_rel" "$INFRA_DIR/$stamp_rel"
}

# --- packages --------------------------------------------------------------------------------

APT_UPDATED=0

# Installs Debian packages without letting their maintainer scripts start system services:
# those would grab our ports (5432, 6379, 9090, 9100) with configurations we do not control.
apt_install() {
  local sudo=() created_policy=0 rc=0
  [[ $EUID -eq 0 ]] || sudo=(sudo)
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${sudo[@]}" chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
  fi
  log "installing Debian packages: $*"
  # Only when something is missing, and once per run: warm runs never touch apt at all.
  if ((APT_UPDATED == 0)); then
    # A partly failed update (one unreachable mirror) may still leave usable lists; the install
    # below is what decides.
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$LOG_DIR/apt.log" 2>&1 ||
      log "apt-get update reported errors (see $LOG_DIR/apt.log); trying the install anyway"
    APT_UPDATED=1
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
    >>"$LOG_DIR/apt.log" 2>&1 || rc=$?
  ((created_policy == 0)) || "${sudo[@]}" rm -f /usr/sbin/policy-rc.d
  ((rc == 0)) || fail_with_log "apt-get install $* failed" "$LOG_DIR/apt.log"
}
