"""The one way to talk to Kafka: a producer and consumers built from settings, with bounded waits.

aiokafka's ``send_and_wait`` and ``stop`` can hang while the broker is down, so every wait here
has a timeout. Idempotence is a setting because the embedded Tansu broker refuses idempotent
producers; production turns it on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import KafkaError

log = logging.getLogger(__name__)

Record = tuple[str, bytes | None, bytes, list[tuple[str, bytes]]]
MAX_POLL_RECORDS = 2000
FETCH_MAX_WAIT_MS = 50
#: ``send_many`` lets other tasks run after this many records.
YIELD_EVERY = 250


class BrokerUnavailable(RuntimeError):
    """The broker could not be reached or did not acknowledge in time."""


@dataclass(frozen=True)
class SentBatch:
    """Records handed to the producer; ``acknowledged`` completes when the broker has them all."""

    acknowledged: asyncio.Future[Any]


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


class EventProducer:
    """A lazily (re)started aiokafka producer; ``publish_many`` waits for every acknowledgement."""

    def __init__(self, bootstrap: str, *, idempotence: bool, timeout: float = 10.0) -> None:
        self._bootstrap = bootstrap
        self._idempotence = idempotence
        self._timeout = timeout
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

    @property
    def connected(self) -> bool:
        return self._producer is not None

    async def _ensure_started(self) -> AIOKafkaProducer:
        async with self._lock:
            if self._producer is not None:
                return self._producer
            producer = AIOKafkaProducer(
                bootstrap_servers=self._bootstrap,
                acks="all",
                enable_idempotence=self._idempotence,
                linger_ms=5,
                max_batch_size=1024 * 1024,
                request_timeout_ms=int(self._timeout * 1000),
                retry_backoff_ms=200,
            )
            try:
                await asyncio.wait_for(producer.start(), timeout=self._timeout)
            except (TimeoutError, KafkaError, OSError) as exc:
                await _stop_quietly(producer, self._timeout)
                raise BrokerUnavailable(
                    f"cannot reach Kafka at {self._bootstrap}: {exc!r}"
                ) from exc
            self._producer = producer
            return producer

    async def publish_many(self, records: Iterable[Record]) -> None:
        await self.wait_acknowledged(await self.send_many(records))

    async def send_many(self, records: Iterable[Record]) -> SentBatch:
        """Hand ``records`` to the producer, in order, without waiting for the broker; a later
        batch's records go after these (aiokafka keeps one request in flight per partition, so
        a partition's records reach the broker in the order sent)."""
        producer = await self._ensure_started()

        async def send_all() -> list[asyncio.Future[Any]]:
            futures = []
            for n, (topic, key, value, headers) in enumerate(records, 1):
                futures.append(await producer.send(topic, value, key=key, headers=headers))
                if n % YIELD_EVERY == 0:
                    # producer.send rarely waits, so a batch would hold the loop for its whole
                    # length: let what the caller does meanwhile (the relay's database
                    # statements, acknowledgements) go on.
                    await asyncio.sleep(0)
            return futures

        try:
            futures = await asyncio.wait_for(send_all(), timeout=self._timeout)
        except (TimeoutError, KafkaError, OSError) as exc:
            # Drop the producer: its buffers may hold records we will send again from the outbox.
            await self._reset()
            raise BrokerUnavailable(f"publish failed: {exc!r}") from exc
        acknowledged = asyncio.gather(*futures)
        # Read its outcome even if nobody waits for it (an earlier batch failed first).
        acknowledged.add_done_callback(_retrieve)
        return SentBatch(acknowledged)

    async def wait_acknowledged(self, batch: SentBatch) -> None:
        """Until the broker acknowledged every record of ``batch``; BrokerUnavailable if not."""
        try:
            await asyncio.wait_for(asyncio.shield(batch.acknowledged), timeout=self._timeout)
        except (TimeoutError, KafkaError, OSError) as exc:
            await self._reset()
            raise BrokerUnavailable(f"publish failed: {exc!r}") from exc

    async def publish(
        self, topic: str, key: bytes | None, value: bytes, headers: list[tuple[str, bytes]]
    ) -> None:
        await self.publish_many([(topic, key, value, headers)])

    async def _reset(self) -> None:
        async with self._lock:
            producer, self._producer = self._producer, None
        if producer is not None:
            await _stop_quietly(producer, self._timeout)

    async def stop(self) -> None:
        await self._reset()


async def _stop_quietly(client: Any, timeout: float) -> None:
    try:
        await asyncio.wait_for(client.stop(), timeout=timeout)
    except Exception:
        log.debug("kafka client did not stop cleanly", exc_info=True)


def build_consumer(
    bootstrap: str,
    *,
    group_id: str,
    topics: Iterable[str],
    client_id: str | None = None,
    rebalance_timeout_ms: int = 10_000,
) -> AIOKafkaConsumer:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=group_id,
        client_id=client_id or group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        metadata_max_age_ms=5000,
        # A poll batch is one transaction and one offset commit: larger batches, fewer of both.
        max_poll_records=MAX_POLL_RECORDS,
        # How long a fetch may wait for records. The embedded Tansu broker answers a fetch that
        # found nothing only when this runs out, not when records arrive, so a consumer that had
        # caught up stalled up to aiokafka's default 500 ms each time (bench/README.md, round 3).
        fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
        session_timeout_ms=10_000,
        heartbeat_interval_ms=1_000,
        # The coordinator waits this long for members to (re)join; Tansu waits it out on every
        # join, so a small value makes a one-member dev group start in seconds.
        rebalance_timeout_ms=rebalance_timeout_ms,
    )
    consumer.subscribe(topics=sorted(set(topics)), listener=ResumeFromCommitted(consumer))
    return consumer


class ResumeFromCommitted(ConsumerRebalanceListener):  # type: ignore[misc]
    """After every (re)assignment, read on from the group's committed offset, or from the start.

    Kafka keeps logs across restarts, so this is its normal behaviour; it matters when a broker
    comes back without its data (the embedded memory broker): positions kept from before would
    point past the new log's end and skip what the relay publishes again. Replays are harmless:
    the inbox skips them.
    """

    def __init__(self, consumer: AIOKafkaConsumer) -> None:
        self._consumer = consumer

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        return None

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        for tp in assigned:
            committed = await self._consumer.committed(tp)
            if committed is None:
                await self._consumer.seek_to_beginning(tp)
            else:
                self._consumer.seek(tp, committed)


async def probe_broker(bootstrap: str, timeout: float = 1.0) -> bool:
    """Whether some bootstrap address accepts a TCP connection (readiness, not a full handshake)."""
    for address in bootstrap.split(","):
        host, _, port = address.strip().rpartition(":")
        try:
            _, writer = await asyncio.wait_for(
                asyncio.open_connection(host.strip("[]") or "127.0.0.1", int(port)), timeout
            )
        except (OSError, TimeoutError, ValueError):
            continue
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return True
    return False


async def stop_quietly(client: Any, timeout: float = 10.0) -> None:
    await _stop_quietly(client, timeout)
