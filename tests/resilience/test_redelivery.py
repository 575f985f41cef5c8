"""Every event delivered three times, shuffled: each consumer ends as after one delivery in order.

Kafka keeps one aggregate's events in order (one key, one partition) but interleaves aggregates
as it likes, and at-least-once delivery repeats a record after later ones (a relay killed before
marking a batch sent publishes it again). So the shuffle keeps each aggregate's first copies in
order, interleaves aggregates at random, and puts two more copies of every event anywhere after
its first. The events go through the kit's real consumer path (inbox, batch transaction, retries)
with each service's own ``subscriptions`` table and its own PostgreSQL database.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka.structs import ConsumerRecord
from district_events import district
from resilience_kit import Database, Summary

from audit.subscriptions import subscriptions as audit_subscriptions
from catalog.subscriptions import subscriptions as catalog_subscriptions
from gateway.subscriptions import subscriptions as gateway_subscriptions
from opening.subscriptions import subscriptions as opening_subscriptions
from pdp_contracts import topic_of
from pdp_kit.events.consumer import EventConsumer, Subscriptions
from pdp_kit.events.envelope import Event
from registry.subscriptions import subscriptions as registry_subscriptions
from sharing.subscriptions import subscriptions as sharing_subscriptions

pytestmark = [pytest.mark.timeout(300), pytest.mark.postgres]

CONSUMERS: dict[str, Subscriptions] = {
    "audit": audit_subscriptions,
    "sharing": sharing_subscriptions,
    "opening": opening_subscriptions,
    "registry": registry_subscriptions,
    "catalog": catalog_subscriptions,
    "gateway": gateway_subscriptions,
}
#: Order-dependent by design: audit's hash chain links entries in arrival order (Art. 32).
ARRIVAL_ORDER_TABLES = {"chain_head", "chain_checkpoint", "chain_cut", "alembic_version"}
ARRIVAL_ORDER_COLUMNS = {"seq", "hash"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class ParkedRecords:
    """Stands in for the dead-letter producer: what a consumer gave up on."""

    def __init__(self) -> None:
        self.records: list[str] = []

    async def publish(self, topic: str, key: Any, value: bytes, headers: Any) -> None:
        self.records.append(Event.decode(value).id)


def _record(event: Event, offset: int) -> ConsumerRecord[bytes, bytes]:
    key, value, headers = event.encode()
    return ConsumerRecord(
        topic=topic_of(event.type),
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


def three_times_shuffled(events: Sequence[Event], rng: random.Random) -> list[Event]:
    queues: dict[str, list[Event]] = {}
    for event in events:
        queues.setdefault(event.subject, []).append(event)
    first: list[Event] = []
    while queues:
        subject = rng.choice(sorted(queues))
        first.append(queues[subject].pop(0))
        if not queues[subject]:
            del queues[subject]
    delivered = list(first)
    for event in first:
        for _ in range(2):
            after = delivered.index(event) + 1
            delivered.insert(rng.randint(after, len(delivered)), event)
    return delivered


async def deliver(
    service: str, database: Database, events: Sequence[Event], rng: random.Random
) -> list[str]:
    parked = ParkedRecords()
    consumer = EventConsumer(
        name=f"pdp-{service}",
        subscriptions=CONSUMERS[service],
        sessionmaker=database.sessionmaker,
        dead_letters=parked,  # type: ignore[arg-type]
        dead_letter_topic=f"pdp.{service}.dlq",
        max_attempts=2,
        retry_base_seconds=0.0,
    )
    offset = 0
    while offset < len(events):
        size = rng.randint(1, 8)
        batch = events[offset : offset + size]
        await consumer.handle_records([_record(e, offset + i) for i, e in enumerate(batch)])
        offset += size
    return parked.records


async def snapshot(
    database: Database, since: datetime, known_ids: set[str]
) -> dict[str, list[str]]:
    """Every table as a sorted list of rows, with what legitimately differs between runs masked:
    times written "now", ids a handler generated, audit's arrival-order chain."""
    tables = [
        row[0]
        for row in await database.rows(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE'"
        )
        if row[0] not in ARRIVAL_ORDER_TABLES
    ]

    def mask(value: Any) -> Any:
        if isinstance(value, datetime) and value.astimezone(UTC) >= since:
            return "<now>"
        if isinstance(value, str):
            return UUID.sub(lambda m: m[0] if m[0] in known_ids else "<new id>", value)
        if isinstance(value, bytes | memoryview):
            return mask(bytes(value).decode("utf-8", "replace"))
        if isinstance(value, dict):
            return {k: mask(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mask(v) for v in value]
        return value

    tables_rows: dict[str, list[str]] = {}
    for table in sorted(tables):
        async with database.engine.connect() as connection:
            result = await connection.exec_driver_sql(f'SELECT * FROM "{table}"')
            columns = list(result.keys())
            rows = result.all()
        masked = [
            repr(
                {
                    c: mask(v)
                    for c, v in zip(columns, row, strict=True)
                    if c not in ARRIVAL_ORDER_COLUMNS
                }
            )
            for row in rows
        ]
        tables_rows[table] = sorted(masked)
    return tables_rows


@pytest.mark.parametrize("service", list(CONSUMERS))
async def test_three_shuffled_deliveries_leave_a_consumer_as_one_delivery_does(
    service: str, redelivery_dbs: tuple[Database, Database]
) -> None:
    summary = Summary(f"triple delivery to {service}")
    once_db, thrice_db = redelivery_dbs
    events = district()
    known = {e.id for e in events}
    delivered = three_times_shuffled(events, random.Random(service))
    since = datetime.now(UTC)

    parked_once = await deliver(service, once_db, events, random.Random(1))
    parked_thrice = await deliver(service, thrice_db, delivered, random.Random(2))

    once, thrice = await snapshot(once_db, since, known), await snapshot(thrice_db, since, known)
    differing = {t: (once[t], thrice[t]) for t in once if once[t] != thrice[t]}
    assert not differing, differing
    assert sorted(parked_once) == sorted(set(parked_thrice)), (parked_once, parked_thrice)
    wanted = [e for e in events if CONSUMERS[service].wants(e.type)]
    if CONSUMERS[service].already_handled is None:
        assert len(once["pdp_inbox"]) == len(wanted)
    else:  # its own records stand in for the inbox (audit's journal and network log)
        assert once["pdp_inbox"] == []
    # The comparison is not of empty tables: the handlers kept read-model rows.
    read_model = sum(len(rows) for t, rows in once.items() if t not in {"pdp_inbox", "pdp_outbox"})
    assert read_model > 0
    summary.print(
        events=len(events),
        deliveries=len(delivered),
        events_consumed=len(wanted),
        read_model_rows=read_model,
        tables=len(once),
        parked=len(parked_once),
    )
