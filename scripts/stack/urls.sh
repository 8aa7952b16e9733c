# shellcheck shell=bash
# What `make up` prints: for each instance that runs, the URLs that answer (sourced after lib.sh,
# instances.sh and infra.sh). Each URL here is one a GET answers with 2xx; make-up.e2e.spec.ts
# fetches every URL printed.

SEARCH_PATH='/api/v1/products/search?search=&page=1&size=10'

url_line() { printf '  %-18s %-9s %s\n' "$1" "$2" "$3"; }

# instance_urls NAME SERVICE MAIN PROBES METRICS
instance_urls() {
  local name="$1" svc="$2" main="$3" probes="$4" metrics="$5" base
  if [[ "$svc" == api-gateway ]]; then
    base="http://127.0.0.1:$main"
    url_line "$name" "search" "$base$SEARCH_PATH"
    url_line "" "health" "$base/api/v1/products/health"
    url_line "" "Swagger" "$base/swagger"
    url_line "" "OpenAPI" "$base/swagger/json"
    name=""
  else
    url_line "$name" "gRPC" "127.0.0.1:$main (with reflection and the health service)"
    name=""
  fi
  url_line "$name" "probes" "http://127.0.0.1:$probes/ready (and /live)"
  url_line "" "metrics" "http://127.0.0.1:$metrics/metrics"
}

# "http://host:port/path" of the Prometheus UI's targets page, if a Prometheus answers there.
# Debian's Prometheus 2.42 (natively) serves only the classic UI (/targets is 404); 3.x (compose)
# has no /classic: whichever answers.
prometheus_targets_url() {
  local url="$1" hostport port path
  hostport="${url#http://}"
  hostport="${hostport%%/*}"
  port="${hostport##*:}"
  [[ "$hostport" == 127.0.0.1:* || "$hostport" == localhost:* ]] || return 1
  for path in /classic/targets /targets; do
    if http_ok "$port" "$path"; then
      echo "http://127.0.0.1:$port$path"
      return 0
    fi
  done
  return 1
}

# The Prometheus of the native servers (<INFRA_HOME>/env) or the one given by PROMETHEUS_URL.
prometheus_url() {
  local home key value
  if [[ -n "${PROMETHEUS_URL:-}" ]]; then echo "$PROMETHEUS_URL"; return 0; fi
  external_infra && return 1
  home="$(infra_record_value INFRA_HOME)"
  home="${home:-$(current_infra_home)}"
  [[ -f "$home/env" ]] || return 1
  while IFS='=' read -r key value; do
    if [[ "$key" == PROMETHEUS_URL ]]; then echo "$value"; return 0; fi
  done <"$home/env"
  return 1
}

# Tools around the services: printed only when they answer.
print_tool_urls() {
  local prom targets
  if prom="$(prometheus_url)" && targets="$(prometheus_targets_url "$prom")"; then
    url_line "Prometheus" "targets" "$targets"
  fi
  if http_ok 16686 /; then url_line "Jaeger" "UI" "http://127.0.0.1:16686"; fi
  if http_ok 3000 /api/health; then url_line "Grafana" "UI" "http://127.0.0.1:3000/dashboards"; fi
}

# Natively: the recorded instances that run.
print_native_urls() {
  local name svc nondefault=0 instances ordered=()
  mapfile -t instances < <(recorded_instances)
  # Gateways first: the REST API and Swagger UI are what a person opens.
  for svc in api-gateway writer-service reader-service; do
    for name in "${instances[@]+"${instances[@]}"}"; do
      if [[ "$(instance_service "$name")" == "$svc" ]]; then ordered+=("$name"); fi
    done
  done
  printf '\n'
  for name in "${ordered[@]+"${ordered[@]}"}"; do
    instance_pid "$name" >/dev/null || continue
    svc="$(instance_service "$name")"
    instance_urls "$name" "$svc" "$(record_value "$name" MAIN_PORT)" "$(record_value "$name" PROBES_PORT)" \
      "$(record_value "$name" METRICS_PORT)"
    [[ "$(record_value "$name" METRICS_PORT)" == "800$(service_digit "$svc")" ]] || nondefault=1
  done
  print_tool_urls
  printf '\n'
  if ((nondefault)); then
    log "Prometheus scrapes the default metrics ports 8001-8003 only (monitoring/prometheus.yml)"
  fi
}

# docker compose: one instance each, on the ports docker-compose.yaml publishes.
print_compose_urls() {
  local svc d
  printf '\n'
  for svc in "${SERVICES[@]}"; do
    d="$(service_digit "$svc")"
    instance_urls "$svc" "$svc" "500$d" "300$d" "800$d"
  done
  print_tool_urls
  printf '\n'
}
