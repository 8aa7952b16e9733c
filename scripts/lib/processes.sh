# shellcheck shell=bash
# Messages and process control shared by scripts/infra/lib.sh and scripts/stack/lib.sh (sourced,
# never run). The file that sources this sets LOG_TAG first (infra, stack): every line it prints
# says which of the two wrote it.

log() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; }
die() {
  printf '[%s] ERROR: %s\n' "$LOG_TAG" "$*" >&2
  exit 1
}

# Dies with MESSAGE after the last lines of LOGFILE, so that a failure explains itself.
fail_with_log() {
  local message="$1" logfile="$2"
  if [[ -f "$logfile" ]]; then
    printf '[%s] ---- last 30 lines of %s ----\n' "$LOG_TAG" "$logfile" >&2
    tail -n 30 "$logfile" >&2
    printf '[%s] ----\n' "$LOG_TAG" >&2
  fi
  die "$message (log: $logfile)"
}

# Keeps DIR (state, logs, pid files) out of git even if the repo's .gitignore forgets it.
keep_out_of_git() { [[ -f "$1/.gitignore" ]] || printf '*\n' >"$1/.gitignore"; }

# Running, as opposed to ended and not yet reaped: a zombie answers `kill -0` until its parent
# collects it, which on some machines' PID 1 takes ~2 s per process (measured with a bare sleep),
# and waiting for that made `make down` take 8 s for five servers that had long exited.
pid_running() {
  local stat
  kill -0 "$1" 2>/dev/null || return 1
  read -r stat <"/proc/$1/stat" 2>/dev/null || return 1
  stat="${stat##*) }"
  [[ "${stat%% *}" != Z ]]
}

# stop_pid NAME PID [TIMEOUT]: SIGTERM, wait up to TIMEOUT seconds (30), then SIGKILL. Servers and
# services get the chance to shut down cleanly (drain, commit), but a wedged one cannot make a
# stop hang.
stop_pid() {
  local name="$1" pid="$2" timeout="${3:-30}" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < timeout * 20; i++)); do
    pid_running "$pid" || return 0
    sleep 0.05
  done
  log "$name (pid $pid) did not stop within ${timeout}s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    pid_running "$pid" || return 0
    sleep 0.05
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
