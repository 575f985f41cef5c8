"""Consuming events: idempotent handlers behind an inbox, offsets committed after the database.

Each record is handled in a savepoint of one transaction per poll batch, with its inbox row, so a
redelivered event is skipped and a failing handler rolls back only itself. A record whose handler
keeps failing is retried a bounded number of times, then sent to the service's dead-letter topic
with the reason; consumption goes on. Offsets are committed only after the database commit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.propagate import extract
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from pdp_kit.events.envelope import Event, MalformedEvent
from pdp_kit.events.kafka import BrokerUnavailable, EventProducer
from pdp_kit.models import InboxEntry
from pdp_kit.telemetry import meter

log = logging.getLogger(__name__)

Handler = Callable[[AsyncSession, Event], Awaitable[None]]


@dataclass(frozen=True)
class Subscriptions:
    """Consumed event type -> handlers, one readable table per service (``subscriptions.py``).

    ``topics`` are read in full; ``wildcard`` handlers see every event on them (the audit journal).
    """

    handlers: Mapping[str, Sequence[Handler]] = field(default_factory=dict)
    topics: frozenset[str] = frozenset()
    wildcard: Sequence[Handler] = ()

    def for_type(self, event_type: str) -> Sequence[Handler]:
        return [*self.handlers.get(event_type, ()), *self.wildcard]

    def all_topics(self) -> set[str]:
        from pdp_contracts import events_topic, producer_of

        return {events_topic(producer_of(t)) for t in self.handlers} | set(self.topics)


@dataclass
class ConsumerStats:
    handled: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    ignored: int = 0


class EventConsumer:
    """Runs a service's subscriptions against its consumer group."""

    def __init__(
        self,
        *,
        name: str,
        subscriptions: Subscriptions,
        sessionmaker: async_sessionmaker[AsyncSession],
        dead_letters: EventProducer,
        dead_letter_topic: str,
        max_attempts: int = 5,
        retry_base_seconds: float = 0.1,
    ) -> None:
        self.name = name
        self._subscriptions = subscriptions
        self._sessionmaker = sessionmaker
        self._dead_letters = dead_letters
        self._dead_letter_topic = dead_letter_topic
        self._max_attempts = max_attempts
        self._retry_base = retry_base_seconds
        self.stats = ConsumerStats()
        self._consumed = meter().create_counter(
            "pdp_events_consumed", description="Events a consumer group took, by outcome"
        )

    def _count(self, outcome: str) -> None:
        setattr(self.stats, outcome, getattr(self.stats, outcome) + 1)
        self._consumed.add(1, {"outcome": outcome, "consumer": self.name})

    async def run(self, consumer: AIOKafkaConsumer, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                batches = await consumer.getmany(timeout_ms=500)
            except KafkaError as exc:
                log.warning("consumer %s cannot poll: %r", self.name, exc)
                await asyncio.sleep(1.0)
                continue
            for tp, records in batches.items():
                await self.handle_records(records)
                await self._commit(consumer, tp, records[-1].offset + 1, stop)

    async def _commit(
        self, consumer: AIOKafkaConsumer, tp: TopicPartition, offset: int, stop: asyncio.Event
    ) -> None:
        while True:
            try:
                await consumer.commit({tp: offset})
                return
            except KafkaError as exc:
                # The inbox makes a redelivery harmless; keep trying while we run.
                log.warning("offset commit failed for %s: %r", tp, exc)
                if stop.is_set():
                    return
                await asyncio.sleep(1.0)

    async def handle_records(self, records: Sequence[ConsumerRecord[Any, Any]]) -> None:
        """Handle one partition's records in order: batch first, then failures one by one."""
        parsed: list[tuple[ConsumerRecord[Any, Any], Event]] = []
        for record in records:
            try:
                parsed.append((record, Event.decode(record.value)))
            except MalformedEvent as exc:
                await self._dead_letter(record, reason=str(exc))
        failed: list[tuple[ConsumerRecord[Any, Any], Event]] = []
        async with self._sessionmaker() as session, session.begin():
            for record, event in parsed:
                try:
                    async with session.begin_nested():
                        await self._handle(session, event)
                except Exception:
                    log.warning("handler failed for %s (%s)", event.id, event.type, exc_info=True)
                    failed.append((record, event))
        for record, event in failed:
            await self._retry(record, event)

    async def _retry(self, record: ConsumerRecord[Any, Any], event: Event) -> None:
        error: Exception | None = None
        for attempt in range(1, self._max_attempts):
            await asyncio.sleep(self._retry_base * 2 ** (attempt - 1))
            try:
                async with self._sessionmaker() as session, session.begin():
                    await self._handle(session, event)
                return
            except Exception as exc:  # noqa: BLE001 - any handler failure is retried, then parked
                error = exc
        await self._dead_letter(
            record, reason=f"handler failed {self._max_attempts} times: {error!r}"
        )

    async def _handle(self, session: AsyncSession, event: Event) -> None:
        handlers = self._subscriptions.for_type(event.type)
        if not handlers:
            self._count("ignored")
            return
        seen = await session.scalar(
            select(col(InboxEntry.event_id)).where(
                col(InboxEntry.consumer) == self.name, col(InboxEntry.event_id) == event.id
            )
        )
        if seen is not None:
            self._count("duplicates")
            return
        parent = extract({"traceparent": event.traceparent} if event.traceparent else {})
        token = otel_context.attach(parent)
        try:
            with trace.get_tracer(__name__).start_as_current_span(
                f"consume {event.type}",
                kind=trace.SpanKind.CONSUMER,
                attributes={"messaging.message.id": event.id, "pdp.subject": event.subject},
            ):
                for handler in handlers:
                    await handler(session, event)
        finally:
            otel_context.detach(token)
        session.add(InboxEntry(consumer=self.name, event_id=event.id, event_type=event.type))
        await session.flush()
        self._count("handled")

    async def _dead_letter(self, record: ConsumerRecord[Any, Any], *, reason: str) -> None:
        log.error(
            "dead-lettering %s[%s]@%s: %s", record.topic, record.partition, record.offset, reason
        )
        headers = [
            *(record.headers or ()),
            ("pdp-dlq-reason", reason.encode()[:4000]),
            ("pdp-dlq-origin", f"{record.topic}/{record.partition}/{record.offset}".encode()),
            ("pdp-dlq-consumer", self.name.encode()),
        ]
        while True:
            try:
                await self._dead_letters.publish(
                    self._dead_letter_topic, record.key, record.value or b"", list(headers)
                )
                break
            except BrokerUnavailable:
                # Never drop a record: hold the partition until the dead letter is stored.
                await asyncio.sleep(1.0)
        self._count("dead_lettered")
