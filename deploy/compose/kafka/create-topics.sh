#!/usr/bin/env bash
# Creates the platform's topics on the compose broker; safe to run again (--if-not-exists).
# The same topics are Strimzi KafkaTopic resources in deploy/k8s/base/infra/topics.yaml
# (tests/deploy checks that both lists agree).
set -euo pipefail

bootstrap="${KAFKA_BOOTSTRAP:-kafka:9092}"
week=604800000
month=2592000000

create() {  # topic partitions retention.ms
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --create --if-not-exists \
    --topic "$1" --partitions "$2" --replication-factor 1 --config "retention.ms=$3"
}

# domain events, one topic per producer (the aggregate id is the key: its events stay in order)
create pdp.catalog.events 6 "$month"
create pdp.sharing.events 6 "$month"
create pdp.opening.events 6 "$month"
create pdp.registry.events 6 "$month"
create pdp.audit.events 6 "$month"
create pdp.gateway.events 6 "$month"
# dead letters of each service's consumers
create pdp.catalog.dlq 1 "$month"
create pdp.sharing.dlq 1 "$month"
create pdp.opening.dlq 1 "$month"
create pdp.registry.dlq 1 "$month"
create pdp.audit.dlq 1 "$month"
create pdp.gateway.dlq 1 "$month"
# the gateway's network log, consumed by audit
create pdp.gateway.netlog 6 "$week"

/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --list
