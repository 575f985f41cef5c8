#!/usr/bin/env bash
# Creates the platform's topics on the compose broker; safe to run again (--if-not-exists).
# The same topics are Strimzi KafkaTopic resources in deploy/k8s/base/infra/topics.yaml.
set -euo pipefail

bootstrap="${KAFKA_BOOTSTRAP:-kafka:9092}"
topics=/opt/kafka/bin/kafka-topics.sh

create() {  # name partitions retention.ms
  "$topics" --bootstrap-server "$bootstrap" --create --if-not-exists \
    --topic "$1" --partitions "$2" --replication-factor 1 \
    --config "retention.ms=$3" --config min.insync.replicas=1
}

week=604800000
month=2592000000

# domain events, one topic per producer (the subject is the key: one aggregate stays in order)
for service in catalog sharing opening registry audit; do
  create "pdp.${service}.events" 6 "$month"
  create "pdp.${service}.dlq" 1 "$month"
done
# the gateway's network log, consumed by audit
create pdp.gateway.netlog 6 "$week"

"$topics" --bootstrap-server "$bootstrap" --list
