# shellcheck shell=bash
# What the native `make up` starts: how many instances of each service, and the environment each
# one gets on top of the caller's (sourced after lib.sh, never run; scripts/stack/plan.sh prints it).
#
# Counts: GATEWAYS, WRITERS, READERS (1 to 9, default 1). Ports: instance i (0-based) of a service
# gets its base port + 100 * i for each of main, probes and metrics (gateways on 5001, 5101, ...;
# probes 3001, 3101, ...). Nine instances stay below the next range (5901 < 8001, 3901 < 5001).
# Every gateway instance i queries reader instance i mod READERS. Instances of one service share its
# consumer group (KAFKA_GROUP_ID from config.yaml or <SERVICE>__KAFKA_GROUP_ID), so Kafka spreads
# the partitions over them.
#
# Variables of the configuration table reach every service that reads them (the caller's
# environment is inherited); <SERVICE>__<NAME> sets NAME for that service alone and wins. Two kinds
# are computed here, so plain variables are handled explicitly rather than silently overwritten:
#   HTTP_PORT, READER_SERVICE_ADDR   read by the gateway only: they apply to it (the base port of
#                                    its instances; the reader every gateway queries)
#   GRPC_PORT, PROBES_PORT,          read by several services, and each instance needs its own:
#   METRICS_PORT, KAFKA_GROUP_ID     refused, naming the prefixed forms (one group for writers and
#                                    readers would mix the two in one consumer group)

# Read by more than one service but must differ per service: refused without a prefix.
PER_SERVICE_VARIABLES=(GRPC_PORT PROBES_PORT METRICS_PORT KAFKA_GROUP_ID)
# Computed per instance by make up; a prefixed value of these is a base, not passed through as is.
COMPUTED_VARIABLES=(HTTP_PORT GRPC_PORT PROBES_PORT METRICS_PORT READER_SERVICE_ADDR)
MAX_INSTANCES=9
PORT_STEP=100

count_variable() {
  case "$1" in
    api-gateway) echo GATEWAYS ;;
    writer-service) echo WRITERS ;;
    reader-service) echo READERS ;;
    *) die "unknown service $1" ;;
  esac
}

# The services that read a variable, as the configuration table says (for the refusal message).
readers_of() {
  case "$1" in
    GRPC_PORT | KAFKA_GROUP_ID) echo writer-service reader-service ;;
    *) echo api-gateway writer-service reader-service ;;
  esac
}

# Validated by check_plan before anything uses it.
instance_count() {
  local var
  var="$(count_variable "$1")"
  echo "${!var:-1}"
}

main_port_name() {
  case "$1" in
    api-gateway) echo HTTP_PORT ;;
    *) echo GRPC_PORT ;;
  esac
}

# Defaults as in the original and in each service's config/config.yaml: 500x main, 300x probes,
# 800x metrics, x = 1 gateway, 2 writer, 3 reader.
service_digit() {
  case "$1" in
    api-gateway) echo 1 ;;
    writer-service) echo 2 ;;
    reader-service) echo 3 ;;
    *) die "unknown service $1" ;;
  esac
}

# port_setting SERVICE main|probes|metrics: "VARIABLE VALUE" of the base port: <SERVICE>__<NAME>,
# else (the gateway's HTTP_PORT only) the plain variable, else "default" and the default.
port_setting() {
  local svc="$1" kind="$2" name default var
  case "$kind" in
    main) name="$(main_port_name "$svc")" default="500$(service_digit "$svc")" ;;
    probes) name=PROBES_PORT default="300$(service_digit "$svc")" ;;
    metrics) name=METRICS_PORT default="800$(service_digit "$svc")" ;;
  esac
  var="$(env_prefix "$svc")__$name"
  if [[ -n "${!var:-}" ]]; then echo "$var ${!var}"; return; fi
  if [[ "$name" == HTTP_PORT && -n "${HTTP_PORT:-}" ]]; then echo "HTTP_PORT $HTTP_PORT"; return; fi
  echo "default $default"
}

base_port() {
  local setting
  setting="$(port_setting "$1" "$2")"
  echo "${setting#* }"
}

# instance_port SERVICE KIND I: the base port plus PORT_STEP per instance.
instance_port() {
  local base
  base="$(base_port "$1" "$2")"
  echo $((base + PORT_STEP * $3))
}

gateway_reader_addr() {
  local readers port
  if [[ -n "${API_GATEWAY__READER_SERVICE_ADDR:-}" ]]; then
    echo "$API_GATEWAY__READER_SERVICE_ADDR"
  elif [[ -n "${READER_SERVICE_ADDR:-}" ]]; then
    echo "$READER_SERVICE_ADDR"
  else
    readers="$(instance_count reader-service)"
    port="$(instance_port reader-service main $(($1 % readers)))"
    echo "127.0.0.1:$port"
  fi
}

# instance_env SERVICE I: the KEY=VALUE lines this instance gets on top of the inherited environment.
instance_env() {
  local svc="$1" i="$2" prefix name computed var
  echo "$(main_port_name "$svc")=$(instance_port "$svc" main "$i")"
  echo "PROBES_PORT=$(instance_port "$svc" probes "$i")"
  echo "METRICS_PORT=$(instance_port "$svc" metrics "$i")"
  if [[ "$svc" == api-gateway ]]; then echo "READER_SERVICE_ADDR=$(gateway_reader_addr "$i")"; fi
  prefix="$(env_prefix "$svc")__"
  for name in $(compgen -e); do
    [[ "$name" == "$prefix"* ]] || continue
    computed=0
    for var in "${COMPUTED_VARIABLES[@]}"; do
      if [[ "${name#"$prefix"}" == "$var" ]]; then computed=1; fi
    done
    if ((computed == 0)); then echo "${name#"$prefix"}=${!name}"; fi
  done
}

# Refuses what cannot apply as given, before anything starts: plain per-service variables, bad
# counts or ports, and two instances planned on one port. Runs in the calling shell (never in a
# command substitution), so its die ends the script.
check_plan() {
  local var svc i forms kind setting value port seen=" "
  for var in "${PER_SERVICE_VARIABLES[@]}"; do
    [[ -n "${!var:-}" ]] || continue
    forms=""
    for svc in $(readers_of "$var"); do forms+="${forms:+ and/or }$(env_prefix "$svc")__$var"; done
    die "$var=${!var} would apply to $(readers_of "$var" | sed 's/ /, /g') at once, and each needs its own: set $forms instead (and unset $var)"
  done
  for svc in "${SERVICES[@]}"; do
    var="$(count_variable "$svc")"
    [[ "${!var:-1}" =~ ^[1-9]$ ]] || die "$var must be a number from 1 to $MAX_INSTANCES, not '${!var}'"
    for kind in main probes metrics; do
      setting="$(port_setting "$svc" "$kind")"
      value="${setting#* }"
      [[ "$value" =~ ^[1-9][0-9]{0,4}$ ]] || die "${setting%% *} must be a port number, not '$value'"
      for ((i = 0; i < ${!var:-1}; i++)); do
        port=$((value + PORT_STEP * i))
        ((port <= 65535)) ||
          die "$svc instance $i would need $kind port $port (base $value + $PORT_STEP per instance): choose a lower base with ${setting%% *}"
        [[ "$seen" != *" $port "* ]] ||
          die "port $port is planned twice (the second time for $svc instance $i, $kind): move a base port with <SERVICE>__<PORT NAME>"
        seen+="$port "
      done
    done
  done
}
