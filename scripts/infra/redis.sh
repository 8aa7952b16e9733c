# shellcheck shell=bash
# Redis from Debian's package, as our own daemon: a pure cache here, so no persistence at all
# (a restart starts empty, which the cache-invalidation design must tolerate anyway).

REDIS_HOME="$INFRA_DIR/redis"
REDIS_LOG="$LOG_DIR/redis.log"
REDIS_PIDFILE="$RUN_DIR/redis.pid"
REDIS_PORT="$(infra_port 6379)"

redis_install() {
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    apt_install redis-server redis-tools
  fi
}

redis_pid() { pid_from_file "$REDIS_PIDFILE" redis-server; }

redis_check() {
  [[ "$(timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]
}

redis_ports() { echo "$REDIS_PORT"; }

redis_start() {
  mkdir -p "$REDIS_HOME"
  rm -f "$REDIS_PIDFILE"
  log "redis: starting on 127.0.0.1:$REDIS_PORT"
  # No config file: every setting is on the command line, so nothing from /etc/redis applies.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
    --dir "$REDIS_HOME" --pidfile "$REDIS_PIDFILE" --logfile "$REDIS_LOG" \
    --save '' --appendonly no 9>&- </dev/null ||
    fail_with_log "redis: redis-server failed to start" "$REDIS_LOG"
}

redis_wait() { wait_for redis 30 "$REDIS_LOG" redis_wait_pid redis_check; }

# redis writes its pid file a moment after forking; until then "not there yet" is not "dead".
redis_wait_pid() { [[ ! -s "$REDIS_PIDFILE" ]] || redis_pid; }

redis_stop() {
  local pid
  pid="$(redis_pid)" || return 0
  stop_pid redis "$pid" 30
  rm -f "$REDIS_PIDFILE"
}

redis_endpoint() { echo "REDIS_URL=redis://127.0.0.1:$REDIS_PORT"; }
