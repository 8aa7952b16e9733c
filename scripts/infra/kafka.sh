# shellcheck shell=bash
# Apache Kafka, single node in KRaft mode (combined broker + controller), from the official jars
# on Maven Central: no tarball download and no ZooKeeper.

KAFKA_HOME="$INFRA_DIR/kafka"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_DATA="$KAFKA_HOME/data"
KAFKA_CONF="$KAFKA_HOME/config"
KAFKA_LOG="$LOG_DIR/kafka.log"
KAFKA_PIDFILE="$RUN_DIR/kafka.pid"
KAFKA_PORT="$(infra_port 9092)"
KAFKA_CONTROLLER_PORT="$(infra_port 9093)"
KAFKA_LIBS_STAMP="$KAFKA_LIBS/.version"

kafka_install() {
  local want="${KAFKA_SCALA_VERSION}-${KAFKA_VERSION}"
  [[ -f "$KAFKA_LIBS_STAMP" && "$(cat "$KAFKA_LIBS_STAMP")" == "$want" ]] && return 0
  reuse_from_default_home kafka/libs kafka/libs/.version "$want" && return 0
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  command -v mvn >/dev/null || apt_install maven
  log "kafka: resolving kafka_$want jars from Maven Central (cached in ~/.m2)"
  # A fresh directory: jars of another version left behind would end up on the classpath.
  rm -rf "$KAFKA_LIBS" "$KAFKA_LIBS.tmp"
  mkdir -p "$KAFKA_HOME"
  if ! mvn -q -B -Dstyle.color=never -f "$INFRA_SCRIPT_DIR/kafka/pom.xml" \
    -Dkafka.version="$KAFKA_VERSION" -Dkafka.scala.version="$KAFKA_SCALA_VERSION" \
    -Dmaven.dependency.plugin.version="$MAVEN_DEPENDENCY_PLUGIN_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS.tmp" \
    >"$LOG_DIR/kafka-mvn.log" 2>&1; then
    fail_with_log "kafka: resolving the broker jars with Maven failed" "$LOG_DIR/kafka-mvn.log"
  fi
  printf '%s\n' "$want" >"$KAFKA_LIBS.tmp/.version"
  mv "$KAFKA_LIBS.tmp" "$KAFKA_LIBS"
}

kafka_pid() { pid_from_file "$KAFKA_PIDFILE" kafka.Kafka; }

kafka_check() { probe kafka 127.0.0.1 "$KAFKA_PORT"; }

kafka_ports() { echo "$KAFKA_PORT $KAFKA_CONTROLLER_PORT"; }

# Runs a Kafka command-line class from the resolved jars (StorageTool, TopicCommand, ...).
kafka_java() {
  java -Xmx256m -Dlog4j.configuration="file:$KAFKA_CONF/tools-log4j.properties" \
    -cp "$KAFKA_LIBS/*" "$@"
}

kafka_write_config() {
  mkdir -p "$KAFKA_CONF" "$KAFKA_DATA"
  cat >"$KAFKA_CONF/server.properties" <<EOP
# Written by scripts/infra/kafka.sh on each start; edit that script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DATA
num.partitions=10
default.replication.factor=1
auto.create.topics.enable=true
# One node: internal topics cannot be replicated, and nobody else will join a consumer group.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
# Fewer internal partitions than the default 50 make the first consumer group join faster.
offsets.topic.num.partitions=10
transaction.state.log.num.partitions=10
EOP
  cat >"$KAFKA_CONF/log4j.properties" <<'EOP'
# Everything goes to stdout, which scripts/infra/kafka.sh appends to .infra/logs/kafka.log.
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
EOP
  # Command-line tools: only problems, on stderr, so their stdout stays parseable.
  cat >"$KAFKA_CONF/tools-log4j.properties" <<'EOP'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOP
}

# The cluster id is generated once and the storage formatted once: re-formatting would erase
# topics and committed offsets, which restart tests rely on surviving.
kafka_format() {
  local id_file="$KAFKA_HOME/cluster.id" id
  if [[ ! -s "$id_file" ]]; then
    kafka_java kafka.tools.StorageTool random-uuid 2>>"$KAFKA_LOG" | tail -n 1 >"$id_file.tmp"
    [[ -s "$id_file.tmp" ]] || fail_with_log "kafka: could not generate a cluster id" "$KAFKA_LOG"
    mv "$id_file.tmp" "$id_file"
  fi
  [[ -f "$KAFKA_DATA/meta.properties" ]] && return 0
  id="$(cat "$id_file")"
  log "kafka: formatting storage (cluster id $id)"
  kafka_java kafka.tools.StorageTool format -t "$id" -c "$KAFKA_CONF/server.properties" \
    >>"$KAFKA_LOG" 2>&1 || fail_with_log "kafka: storage format failed" "$KAFKA_LOG"
}

kafka_start() {
  kafka_write_config
  kafka_format
  log "kafka: starting broker on 127.0.0.1:$KAFKA_PORT (controller 127.0.0.1:$KAFKA_CONTROLLER_PORT)"
  spawn "$KAFKA_PIDFILE" "$KAFKA_LOG" java -Xmx512m -Xms256m -server -XX:+UseG1GC \
    -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$KAFKA_CONF/log4j.properties" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONF/server.properties"
}

kafka_wait() { wait_for kafka 120 "$KAFKA_LOG" kafka_pid kafka_check; }

kafka_stop() {
  local pid
  pid="$(kafka_pid)" || return 0
  # A clean shutdown avoids log recovery on the next start; 60s covers controlled shutdown.
  stop_pid kafka "$pid" 60
  rm -f "$KAFKA_PIDFILE"
}

kafka_endpoint() { echo "KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"; }
