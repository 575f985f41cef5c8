"""Audit's subscriptions behind the kit's real consumer, without a broker: records built from
events, and a stand-in for the dead-letter producer."""

from typing import Any

from aiokafka.structs import ConsumerRecord
from fastapi import FastAPI

from audit.subscriptions import subscriptions
from pdp_kit.events.consumer import EventConsumer
from pdp_kit.events.envelope import Event


class ParkedRecords:
    """Stands in for the dead-letter producer."""

    def __init__(self) -> None:
        self.records: list[tuple[str, Any]] = []

    async def publish(self, topic: str, key: Any, value: bytes, headers: Any) -> None:
        self.records.append((topic, value))


def record(event: Event, *, topic: str, offset: int) -> ConsumerRecord[bytes, bytes]:
    key, value, headers = event.encode()
    return ConsumerRecord(
        topic=topic,
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=key,
        value=value,
        checksum=None,
        serialized_key_size=len(key),
        serialized_value_size=len(value),
        headers=headers,
    )


def consumer(app: FastAPI, parked: ParkedRecords) -> EventConsumer:
    return EventConsumer(
        name="pdp-audit",
        subscriptions=subscriptions,
        sessionmaker=app.state.sessionmaker,
        dead_letters=parked,  # type: ignore[arg-type]
        dead_letter_topic="pdp.audit.dlq",
        max_attempts=2,
        retry_base_seconds=0.0,
    )
