#!/usr/bin/env bash
# Kafka's kafka-topics tool from the jars up.sh resolved, against the local broker by default:
#   scripts/infra/kafka-topics.sh --list
#   scripts/infra/kafka-topics.sh --describe --topic product_create
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=kafka.sh
. "$INFRA_SCRIPT_DIR/kafka.sh"

[[ -f "$KAFKA_LIBS_STAMP" ]] || die "Kafka jars not resolved yet; run scripts/infra/up.sh kafka"
[[ -f "$KAFKA_CONF/tools-log4j.properties" ]] || kafka_write_config
args=("$@")
[[ " $* " == *" --bootstrap-server "* ]] || args=(--bootstrap-server "127.0.0.1:$KAFKA_PORT" "${args[@]}")
kafka_java org.apache.kafka.tools.TopicCommand "${args[@]}"
