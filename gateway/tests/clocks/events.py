"""Building the services' clock events and feeding them to the gateway's real consumer path
(the kit's ``EventConsumer``: inbox, one transaction per batch), without a broker."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiokafka.structs import ConsumerRecord
from fastapi import FastAPI

from gateway.subscriptions import subscriptions
from pdp_contracts import EventPayload, sharing
from pdp_kit.events.consumer import EventConsumer
from pdp_kit.events.envelope import Event

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def at(payload: EventPayload, subject: str, minutes: int) -> Event:
    """The event as its producer would have written it ``minutes`` after ``T0``."""
    return dataclasses.replace(
        Event.of(payload, subject=subject), time=T0 + timedelta(minutes=minutes)
    )


def record(event: Event, offset: int) -> ConsumerRecord[bytes, bytes]:
    key, value, headers = event.encode()
    return ConsumerRecord(
        topic=event.source.rsplit("/", 1)[-1],
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


class ParkedRecords:
    """Stands in for the dead-letter producer: a parked record fails the test."""

    def __init__(self) -> None:
        self.records: list[Any] = []

    async def publish(self, topic: str, key: Any, value: bytes, headers: Any) -> None:
        self.records.append((topic, value))


async def consume(app: FastAPI, *events: Event) -> None:
    """Each event in its own poll, in the order given, as the gateway's consumer takes them."""
    parked = ParkedRecords()
    consumer = EventConsumer(
        name="pdp-gateway",
        subscriptions=subscriptions,
        sessionmaker=app.state.sessionmaker,
        dead_letters=parked,  # type: ignore[arg-type]
        dead_letter_topic="pdp.gateway.dlq",
        max_attempts=1,
        retry_base_seconds=0.0,
    )
    for offset, event in enumerate(events):
        await consumer.handle_records([record(event, offset)])
    assert parked.records == []


def share_request(
    request_id: str = "req-1", *, provider: str = "D003", due: date = date(2026, 12, 3)
) -> sharing.RequestSubmitted:
    return sharing.RequestSubmitted(
        id=request_id,
        resource_id="res-1",
        requester="D002",
        provider=provider,
        share_type="conditional",
        fields=["name"],
        scenario="低保资格核查",
        legal_basis="《社会救助暂行办法》",
        method="api",
        valid_until=date(2027, 6, 30),
        received_on=date(2026, 11, 19),
        reply_due_on=due,
        provisional=False,
    )
