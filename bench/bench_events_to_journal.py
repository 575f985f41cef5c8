"""Events per second from a service's outbox to the audit journal, through the real broker.

Baseline: a bare aiokafka produce-and-consume of the same records against the same embedded broker
in the same process. Platform: outbox rows → relay → Kafka → audit's consumer (inbox, journal),
run twice: with the journal's SM3 chain (what audit does) and without it (each link left out, all
else the same), so the chain's cost shows (issue 10: chaining must not take the path below
10,000 events/s).
Run: ``.venv/bin/python bench/bench_events_to_journal.py [N]``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from _support import Stopwatch, backend_of, report, scratch_database, verdict, wait_until
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import func, select

from audit.chain import appender
from audit.journal.models import JournalEntry
from audit.main import create_app as create_audit
from audit.settings import AuditSettings
from catalog.main import create_app as create_catalog
from catalog.settings import CatalogSettings
from pdp_contracts.catalog import DepartmentCreated
from pdp_kit.auth.tokens import generate_signing_key
from pdp_kit.broker import EmbeddedBroker
from pdp_kit.events.envelope import Event
from pdp_kit.events.kafka import EventProducer
from pdp_kit.events.outbox import OutboxRelay, record_event

RATE_GOAL = 10_000
RATIO_GOAL = 0.5


def settings_for(cls, url: str, bootstrap: str, role: str):  # type: ignore[no-untyped-def]
    jwks = json.dumps({"keys": [generate_signing_key().as_dict(private=False)]})
    return cls(
        env="test",
        role=role,
        database_url=url,
        jwks=jwks,
        kafka_bootstrap=bootstrap,
        kafka_idempotence=False,
        kafka_rebalance_timeout_ms=1000,
        log_json=False,
        log_level="WARNING",
    )


async def raw_kafka(bootstrap: str, records: list[tuple[bytes, bytes]]) -> float:
    topic = f"bench.raw.{uuid.uuid4().hex[:6]}"
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bench-{uuid.uuid4().hex[:6]}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        rebalance_timeout_ms=1000,
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=False, linger_ms=5
    )
    await producer.start()
    await producer.send_and_wait(topic, b"warm-up")
    await consumer.start()
    await wait_until(lambda: _assigned(consumer), timeout=60)
    received = 0
    with Stopwatch() as watch:
        futures = [await producer.send(topic, value, key=key) for key, value in records]
        while received < len(records) + 1:
            for tp, batch in (await consumer.getmany(timeout_ms=200)).items():
                received += len(batch)
                await consumer.commit({tp: batch[-1].offset + 1})
        await asyncio.gather(*futures)
    await producer.stop()
    await consumer.stop()
    return len(records) / watch.seconds


async def _assigned(consumer: AIOKafkaConsumer) -> bool:
    return bool(consumer.assignment())


async def platform(bootstrap: str, count: int, workdir: Path) -> tuple[float, str]:
    async with (
        scratch_database("outbox", workdir) as outbox_url,
        scratch_database("audit", workdir) as audit_url,
    ):
        catalog = create_catalog(settings_for(CatalogSettings, outbox_url, bootstrap, "api"))
        audit = create_audit(settings_for(AuditSettings, audit_url, bootstrap, "worker"))
        async with catalog.router.lifespan_context(catalog), audit.router.lifespan_context(audit):
            producer = EventProducer(bootstrap, idempotence=False)
            relay = OutboxRelay(
                catalog.state.sessionmaker,
                producer,
                batch_size=catalog.state.settings.relay_batch_size,
                # The platform's default pause when the outbox is empty (0.2 s): polling every
                # 10 ms, as this bench used to, the idle relays (this one and audit's own) took
                # a quarter of the process's CPU from the consumer they share it with.
                idle_seconds=catalog.state.settings.relay_idle_seconds,
            )

            async def journaled() -> int:
                # The last chain position: the count, as positions have no gaps, read from the
                # key's index (a count(*) every 20 ms scanned the growing journal).
                async with audit.state.sessionmaker() as session:
                    return int(await session.scalar(select(func.max(JournalEntry.seq))) or 0)

            async def enqueue(n: int) -> None:
                async with catalog.state.sessionmaker() as session, session.begin():
                    for i in range(n):
                        await record_event(
                            session,
                            DepartmentCreated(code=f"B{i:06d}", name="基准部门"),
                            subject=f"B{i:06d}",
                        )

            await enqueue(1)  # warm-up: the audit consumer group has joined once this arrives
            await relay.drain()
            await wait_until(lambda: _at_least(journaled, 1), timeout=90)
            await enqueue(count)
            print(f"  {count:,} events in the outbox; relaying…", flush=True)
            stop = asyncio.Event()
            with Stopwatch() as watch:
                relaying = asyncio.create_task(relay.run_forever(stop))
                await wait_until(lambda: _at_least(journaled, count + 1), timeout=600, every=0.02)
            stop.set()
            await relaying
            await producer.stop()
            return count / watch.seconds, backend_of(outbox_url)


@contextmanager
def unchained() -> Iterator[None]:
    """Audit's chains without their SM3 links (no canonical bytes, no hash): the same rows,
    positions and head lock, so the difference is what chaining costs."""
    link = appender.link
    appender.link = lambda previous, *_: previous
    try:
        yield
    finally:
        appender.link = link


async def _at_least(query, n: int) -> bool:  # type: ignore[no-untyped-def]
    return await query() >= n


async def main_async(count: int) -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        EmbeddedBroker(log_path=Path(tmp) / "tansu.log") as broker,
    ):
        sample = Event.of(DepartmentCreated(code="B000000", name="基准部门"), subject="B000000")
        key, value, _ = sample.encode()
        print(f"raw aiokafka produce-and-consume of {count:,} records…", flush=True)
        raw = await raw_kafka(broker.bootstrap, [(key, value)] * count)
        print("platform: outbox → relay → Kafka → audit journal…", flush=True)
        rate, backend = await platform(broker.bootstrap, count, Path(tmp))
        print("platform again, the journal without its SM3 chain…", flush=True)
        with unchained():
            plain, _ = await platform(broker.bootstrap, count, Path(tmp))
    report(
        f"Events per second, {count:,} events ({backend}, embedded Tansu broker)",
        [
            ("raw aiokafka produce + consume", raw, "events/s"),
            ("outbox → audit journal (SM3-chained)", rate, "events/s"),
            ("outbox → audit journal, no chain", plain, "events/s"),
        ],
        baseline="raw aiokafka produce + consume",
    )
    verdict(f"outbox → journal {rate:,.0f} events/s", f"≥ {RATE_GOAL:,}/s", rate >= RATE_GOAL)
    verdict(f"{rate / raw:.2f}× raw aiokafka", f"≥ {RATIO_GOAL}× raw", rate / raw >= RATIO_GOAL)


def main() -> None:
    asyncio.run(main_async(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000))


if __name__ == "__main__":
    main()
