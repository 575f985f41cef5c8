"""Consuming events: idempotent handlers behind an inbox, offsets committed after the database.

A poll batch is handled in one transaction with its inbox rows, so a redelivered event is skipped.
If any handler in it fails, the transaction rolls back and each record is handled again in a
transaction of its own; a record whose handler keeps failing is retried a bounded number of times,
then sent to the service's dead-letter topic with the reason, and consumption goes on. Offsets are
committed only after the database commit.

A database that cannot be reached (down, restarting, a connection cut) is not a handler failure:
the record waits for it, however long, and is never dead-lettered for it. Counted as attempts,
those failures used up the retries (about 1.5 s) within a PostgreSQL restart and parked the
event in the dead-letter topic, out of audit's journal.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.propagate import extract
from sqlalchemy import ARRAY, Select, String, Table, and_, bindparam, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp_contracts import topic_of
from pdp_kit.bulk import BulkInsert
from pdp_kit.db import utcnow
from pdp_kit.events.envelope import Event, MalformedEvent
from pdp_kit.events.kafka import BrokerUnavailable, EventProducer
from pdp_kit.metrics import platform_metrics
from pdp_kit.models import InboxEntry

log = logging.getLogger(__name__)
_INBOX: Table = InboxEntry.__table__  # type: ignore[attr-defined]
_insert_inbox = BulkInsert(_INBOX)

#: First wait after the database could not be reached; it grows to 5 s while that lasts.
UNREACHABLE_WAIT_SECONDS = 0.2

Handler = Callable[[AsyncSession, Event], Awaitable[None]]
#: Takes every new event of its kind in a poll batch at once (one multi-row write, not one a row).
BatchHandler = Callable[[AsyncSession, Sequence[Event]], Awaitable[None]]
#: Of these event ids, those whose handling the service has already stored (see ``Subscriptions``).
HandledLookup = Callable[[AsyncSession, Sequence[str]], Awaitable[Iterable[str]]]
#: How often a polling consumer sets ``pdp_consumer_lag`` (from what its fetches already know).
LAG_INTERVAL_SECONDS = 1.0
#: At most this many events' traces are linked from one batch's span.
MAX_BATCH_LINKS = 100


def database_unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database could not be reached, rather than that a handler failed:
    a refused or cut connection, or PostgreSQL's connection (08) and shutdown/start-up (57P) states.
    """
    if isinstance(exc, OSError | TimeoutError):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        state = str(getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None) or "")
        return state.startswith(("08", "57P"))
    return False


@dataclass(frozen=True)
class Subscriptions:
    """Consumed event type -> handlers, one readable table per service (``subscriptions.py``).

    ``topics`` are read in full; ``wildcard`` handlers see every event on them (the audit journal).
    The ``batch_`` variants take all new events of a poll batch in one call, for hot ingest paths.

    ``already_handled`` stands in for the inbox: given the ids of a batch, it answers those the
    service's own records already hold, and no inbox rows are written. Only for a service whose
    handlers store every event they handle under its id in the same transaction (audit: each is
    journaled or network-logged), so "stored" and "handled" are the same fact; the inbox wrote
    as many rows again as the journal and was a fifth of its ingest time (bench/README.md).
    """

    handlers: Mapping[str, Sequence[Handler]] = field(default_factory=dict)
    topics: frozenset[str] = frozenset()
    wildcard: Sequence[Handler] = ()
    batch_handlers: Mapping[str, Sequence[BatchHandler]] = field(default_factory=dict)
    batch_wildcard: Sequence[BatchHandler] = ()
    already_handled: HandledLookup | None = None

    def for_type(self, event_type: str) -> Sequence[Handler]:
        return [*self.handlers.get(event_type, ()), *self.wildcard]

    def wants(self, event_type: str) -> bool:
        return bool(
            self.handlers.get(event_type)
            or self.wildcard
            or self.batch_handlers.get(event_type)
            or self.batch_wildcard
        )

    def all_topics(self) -> set[str]:
        types = {*self.handlers, *self.batch_handlers}
        return {topic_of(t) for t in types} | set(self.topics)


def _batch_trace(events: Sequence[Event]) -> tuple[otel_context.Context, list[trace.Link]]:
    """Where a batch's span belongs: in the trace of its events when they all came from one
    (a request and what it caused), else a trace of its own linked to each event's."""
    contexts = [
        trace.get_current_span(extract({"traceparent": e.traceparent})).get_span_context()
        for e in events
        if e.traceparent
    ]
    contexts = [c for c in contexts if c.is_valid]
    if contexts and len(contexts) == len(events) and len({c.trace_id for c in contexts}) == 1:
        return extract({"traceparent": events[0].traceparent or ""}), []
    return otel_context.Context(), [trace.Link(c) for c in contexts[:MAX_BATCH_LINKS]]


#: A record and its event, or why it is not one (it goes to the dead-letter topic).
_Decoded = tuple[ConsumerRecord[Any, Any], Event | MalformedEvent]
#: A poll: the offsets to commit after handling it, and its records decoded, in order.
_Poll = tuple[dict[TopicPartition, int], list[_Decoded]]


def _decode(records: Sequence[ConsumerRecord[Any, Any]]) -> list[_Decoded]:
    decoded: list[_Decoded] = []
    for record in records:
        try:
            decoded.append((record, Event.decode(record.value)))
        except MalformedEvent as exc:
            decoded.append((record, exc))
    return decoded


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
        self._tracer = trace.get_tracer(__name__)
        self._metrics = platform_metrics()
        #: The offsets this consumer committed last, per partition (for the lag).
        self._committed: dict[TopicPartition, int] = {}
        self._lag_measured_at = 0.0

    def _count(self, outcomes: Counter[str]) -> None:
        for outcome, n in outcomes.items():
            if n:
                setattr(self.stats, outcome, getattr(self.stats, outcome) + n)
                self._metrics.consumer_events.labels(self.name, outcome).inc(n)

    async def measure_lag(self, consumer: AIOKafkaConsumer) -> dict[str, int]:
        """Set ``pdp_consumer_lag`` per topic: each assigned partition's end offset (as the last
        fetch saw it) minus the group's committed position there, summed; return it."""
        lag: dict[str, int] = {}
        for tp in consumer.assignment():
            end = consumer.highwater(tp)
            committed = self._committed.get(tp)
            if committed is None:
                committed = await consumer.committed(tp)
                if committed is None:  # nothing committed yet: behind by everything fetched so far
                    committed = (await consumer.beginning_offsets([tp])).get(tp, 0)
                self._committed[tp] = committed
            lag[tp.topic] = lag.get(tp.topic, 0) + max((end or committed) - committed, 0)
        for topic, behind in lag.items():
            self._metrics.consumer_lag.labels(self.name, topic).set(behind)
        return lag

    async def _maybe_measure_lag(self, consumer: AIOKafkaConsumer) -> None:
        now = asyncio.get_running_loop().time()
        if now - self._lag_measured_at < LAG_INTERVAL_SECONDS:
            return
        self._lag_measured_at = now
        try:
            await self.measure_lag(consumer)
        except KafkaError as exc:
            log.debug("consumer %s could not measure its lag: %r", self.name, exc)

    async def run(self, consumer: AIOKafkaConsumer, stop: asyncio.Event) -> None:
        committing: asyncio.Task[None] | None = None
        polling: asyncio.Task[_Poll] | None = None
        self._committed.clear()  # a new member: what it knew of its partitions may be stale
        try:
            while not stop.is_set():
                if polling is None:
                    polling = asyncio.create_task(self._poll(consumer))
                try:
                    offsets, decoded = await polling
                finally:
                    polling = None
                if not offsets:
                    continue
                # The next poll (the fetch, aiokafka's record parsing, our decoding: CPU) runs
                # while this batch waits on the database; its records are only handled after
                # this batch committed, and its offsets only committed after its own handling.
                polling = asyncio.create_task(self._poll(consumer))
                # One transaction for the whole poll (each partition's records stay in order),
                # then every partition's offset: fewer commits is most of the ingest rate.
                await self._handle_decoded(decoded)
                # The offset commit (a broker round trip) overlaps the next batch's handling; one
                # is in flight at a time, so offsets are committed in order.
                if committing is not None:
                    await committing
                committing = asyncio.create_task(self._commit(consumer, offsets, stop))
        finally:
            if polling is not None:
                # Fetched and not handled: nothing of it was committed, so it comes again.
                polling.cancel()
                await asyncio.gather(polling, return_exceptions=True)
            if committing is not None:
                await committing

    async def _poll(self, consumer: AIOKafkaConsumer) -> _Poll:
        """One poll: the offsets to commit once it is handled, and its records decoded."""
        try:
            batches = await consumer.getmany(timeout_ms=500)
        except KafkaError as exc:
            log.warning("consumer %s cannot poll: %r", self.name, exc)
            await asyncio.sleep(1.0)
            return {}, []
        await self._maybe_measure_lag(consumer)
        offsets = {tp: records[-1].offset + 1 for tp, records in batches.items() if records}
        return offsets, _decode([r for records in batches.values() for r in records])

    async def _commit(
        self, consumer: AIOKafkaConsumer, offsets: dict[TopicPartition, int], stop: asyncio.Event
    ) -> None:
        """Commit after the database did. A failed commit is not retried here: the records come
        again after a rebalance or restart, and the inbox skips them."""
        try:
            await consumer.commit(offsets)
        except KafkaError as exc:
            log.warning("offset commit failed for %s: %r", offsets, exc)
        else:
            self._committed.update(offsets)

    async def handle_records(self, records: Sequence[ConsumerRecord[Any, Any]]) -> None:
        """Handle a poll's records in order: the whole batch in one transaction first;
        if anything in it fails, each record again on its own, with bounded retries."""
        await self._handle_decoded(_decode(records))

    async def _handle_decoded(self, decoded: Sequence[_Decoded]) -> None:
        parsed: list[tuple[ConsumerRecord[Any, Any], Event]] = []
        for record, event in decoded:
            if isinstance(event, MalformedEvent):
                await self._dead_letter(record, reason=str(event))
            else:
                parsed.append((record, event))
        if not parsed:
            return
        try:
            async with self._sessionmaker() as session, session.begin():
                outcomes = await self._handle(session, [event for _, event in parsed])
        except Exception:
            log.warning("batch of %d failed; handling one by one", len(parsed), exc_info=True)
        else:
            self._count(outcomes)
            return
        for record, event in parsed:
            await self._handle_alone(record, event)

    async def _handle_alone(self, record: ConsumerRecord[Any, Any], event: Event) -> None:
        error: Exception | None = None
        attempt = waited = 0
        while attempt < self._max_attempts:
            if attempt:
                await asyncio.sleep(self._retry_base * 2 ** (attempt - 1))
            try:
                async with self._sessionmaker() as session, session.begin():
                    outcomes = await self._handle(session, [event])
            except Exception as exc:  # noqa: BLE001 - any handler failure is retried, then parked
                if database_unreachable(exc):
                    waited += 1
                    log.warning("database unreachable for %s; waiting: %r", event.id, exc)
                    await asyncio.sleep(min(UNREACHABLE_WAIT_SECONDS * waited, 5.0))
                    continue
                attempt += 1
                error = exc
                log.warning("handler failed for %s (%s): %r", event.id, event.type, exc)
            else:
                self._count(outcomes)
                return
        await self._dead_letter(
            record, reason=f"handler failed {self._max_attempts} times: {error!r}"
        )

    async def _handle(self, session: AsyncSession, events: Sequence[Event]) -> Counter[str]:
        """Run the handlers of the events not yet in the inbox, then record them there.

        One inbox lookup and one inbox insert per batch: the per-event cost is the handlers'.
        With ``already_handled`` the service's own records answer the lookup and there is no
        inbox insert.
        """
        outcomes: Counter[str] = Counter()
        wanted = [e for e in events if self._subscriptions.wants(e.type)]
        outcomes["ignored"] = len(events) - len(wanted)
        handled_lookup = self._subscriptions.already_handled
        ids = [e.id for e in wanted]
        if not ids:
            seen: set[str] = set()
        elif handled_lookup is not None:
            seen = set(await handled_lookup(session, ids))
        else:
            seen = set(await session.scalars(self._inbox_lookup(session, ids)))
        fresh: list[Event] = []
        for event in wanted:
            if event.id in seen:
                outcomes["duplicates"] += 1
                continue
            seen.add(event.id)
            fresh.append(event)
        for event in fresh:
            await self._dispatch(session, event)
        await self._dispatch_batch(session, fresh)
        if fresh and handled_lookup is None:
            now = utcnow()
            await _insert_inbox(
                session,
                [
                    {
                        "consumer": self.name,
                        "event_id": e.id,
                        "event_type": e.type,
                        "handled_at": now,
                    }
                    for e in fresh
                ],
            )
        outcomes["handled"] = len(fresh)
        return outcomes

    def _inbox_lookup(self, session: AsyncSession, ids: Sequence[str]) -> Select[tuple[str]]:
        """The ids of the batch already in the inbox. On PostgreSQL the ids are a table joined to
        the inbox: as ``event_id = ANY(:ids)`` the planner could scan the inbox and test each
        row against every id (this server does not autovacuum, so the inbox is never analyzed):
        500 ids against 20,000 inbox rows took ~100 ms a look-up, growing with the inbox, where
        the join takes a few ms (bench/README.md, round 3)."""
        if session.bind.dialect.name != "postgresql":
            return select(_INBOX.c.event_id).where(
                _INBOX.c.consumer == self.name, _INBOX.c.event_id.in_(ids)
            )
        ids_param = bindparam("inbox_ids", list(ids), type_=ARRAY(String))
        batch = func.unnest(ids_param).table_valued("id").render_derived(name="batch")
        return select(_INBOX.c.event_id).join(
            batch, and_(_INBOX.c.consumer == self.name, _INBOX.c.event_id == batch.c.id)
        )

    async def _dispatch_batch(self, session: AsyncSession, events: Sequence[Event]) -> None:
        if not events:
            return
        by_type: dict[str, list[Event]] = {}
        for event in events:
            by_type.setdefault(event.type, []).append(event)
        parent, links = _batch_trace(events)
        token = otel_context.attach(parent)
        try:
            with self._tracer.start_as_current_span(
                "consume batch",
                kind=trace.SpanKind.CONSUMER,
                attributes={"count": len(events)},
                links=links,
            ):
                for event_type, group in by_type.items():
                    for batch_handler in self._subscriptions.batch_handlers.get(event_type, ()):
                        await batch_handler(session, group)
                for batch_handler in self._subscriptions.batch_wildcard:
                    await batch_handler(session, events)
        finally:
            otel_context.detach(token)

    async def _dispatch(self, session: AsyncSession, event: Event) -> None:
        handlers = self._subscriptions.for_type(event.type)
        if not handlers:
            return
        parent = extract({"traceparent": event.traceparent} if event.traceparent else {})
        token = otel_context.attach(parent)
        try:
            with self._tracer.start_as_current_span(
                f"consume {event.type}",
                kind=trace.SpanKind.CONSUMER,
                attributes={"messaging.message.id": event.id, "pdp.subject": event.subject},
            ):
                for handler in handlers:
                    await handler(session, event)
        finally:
            otel_context.detach(token)

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
        self._count(Counter(dead_lettered=1))
        self._metrics.consumer_dead_letters.labels(self.name, record.topic).inc()
