# shellcheck shell=bash
# Prometheus from Debian's package, scraping the services on their host metrics ports with
# monitoring/prometheus.yml (targets that are not running simply show as down).

PROM_HOME="$INFRA_DIR/prometheus"
PROM_LOG="$LOG_DIR/prometheus.log"
PROM_PIDFILE="$RUN_DIR/prometheus.pid"
PROM_PORT="$(infra_port 9090)"
PROM_CONFIG="$REPO_ROOT/monitoring/prometheus.yml"

prometheus_install() {
  if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
    apt_install prometheus
  fi
}

prometheus_pid() { pid_from_file "$PROM_PIDFILE" prometheus; }

prometheus_check() { probe http "http://127.0.0.1:$PROM_PORT/-/ready"; }

prometheus_ports() { echo "$PROM_PORT"; }

prometheus_start() {
  [[ -f "$PROM_CONFIG" ]] || die "prometheus: $PROM_CONFIG does not exist yet"
  mkdir -p "$PROM_HOME"
  log "prometheus: starting on 127.0.0.1:$PROM_PORT"
  spawn "$PROM_PIDFILE" "$PROM_LOG" prometheus --config.file="$PROM_CONFIG" \
    --web.listen-address="127.0.0.1:$PROM_PORT" --storage.tsdb.path="$PROM_HOME"
}

prometheus_wait() { wait_for prometheus 60 "$PROM_LOG" prometheus_pid prometheus_check; }

prometheus_stop() {
  local pid
  pid="$(prometheus_pid)" || return 0
  stop_pid prometheus "$pid" 30
  rm -f "$PROM_PIDFILE"
}

prometheus_endpoint() { echo "PROMETHEUS_URL=http://127.0.0.1:$PROM_PORT"; }
