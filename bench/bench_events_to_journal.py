"""Events per second from a service's outbox to the audit journal, through the real broker.

Baseline: a bare aiokafka produce-and-consume of the same records against the same embedded
broker. Platform: outbox rows → relay → Kafka → audit's consumer (journal), run twice: with the
journal's SM3 chain (what audit does) and without it (each link left out, all else the same), so
the chain's cost shows (issue 10: chaining must not take the path below 10,000 events/s).

Both sides run in the shape the platform is deployed in: the relay runs in the publishing
service's process (this one) and audit's consumer in audit's own process (a child of this one,
``--audit``), as in ``make run`` and the images; the baseline's producer likewise runs here and its
consumer in a child (``--raw-consumer``). Until round 3 all four ran in this one process, which
no deployment does: relay, consumer and both aiokafka clients then shared one core of two.
Each child reports the CPU time it spent between ``go`` and ``stop``.
Run: ``.venv/bin/python bench/bench_events_to_journal.py [N]``.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, nullcontext
from pathlib import Path

from _load import cpu_seconds
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
from pdp_kit.db import create_engine
from pdp_kit.events.envelope import Event
from pdp_kit.events.kafka import EventProducer
from pdp_kit.events.outbox import OutboxRelay, record_event

RATE_GOAL = 10_000
RATIO_GOAL = 0.5


class Others:
    """CPU time of the broker and of every PostgreSQL process (another session's queries
    included: only a rough figure on a shared machine) between ``start`` and ``stop``."""

    def __init__(self, broker_pid: int | None) -> None:
        self._broker = broker_pid
        self.broker = self.postgres = 0.0

    def _now(self) -> tuple[float, float]:
        postgres = 0.0
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if (entry / "comm").read_text().startswith("postgres"):
                        postgres += cpu_seconds(int(entry.name))
                except OSError:
                    continue
        return (cpu_seconds(self._broker) if self._broker else 0.0), postgres

    def start(self) -> None:
        self._started = self._now()

    def stop(self) -> None:
        broker, postgres = self._now()
        self.broker, self.postgres = broker - self._started[0], postgres - self._started[1]


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


class Child:
    """A child process of this script, driven by lines: it prints ``ready`` once set up, takes
    ``go`` when the timed part starts, and at ``stop`` prints the CPU seconds it spent since
    ``go`` and exits."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.cpu_seconds = 0.0

    @classmethod
    async def start(cls, *args: str) -> Child:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        child = cls(process)
        await child.expect("ready", timeout=120)
        return child

    async def expect(self, word: str, *, timeout: float) -> str:
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout=timeout)
        text = line.decode().strip()
        if not text.startswith(word):
            raise RuntimeError(f"child said {text!r}, expected {word!r}")
        return text

    def say(self, word: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{word}\n".encode())

    async def stop(self) -> None:
        self.say("stop")
        self.cpu_seconds = float((await self.expect("cpu", timeout=60)).split()[1])
        await asyncio.wait_for(self.process.wait(), timeout=60)


async def _stdin_lines() -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


def _say(word: str) -> None:
    print(word, flush=True)


async def raw_consumer_child(bootstrap: str, topic: str, count: int) -> None:
    """The baseline's consumer, in its own process: the warm-up record, then ``count`` records,
    each poll's offsets committed, as audit's consumer does."""
    commands = await _stdin_lines()
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bench-{uuid.uuid4().hex[:6]}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        rebalance_timeout_ms=1000,
    )
    await consumer.start()
    received = 0
    while received < 1:  # the warm-up record
        for tp, batch in (await consumer.getmany(timeout_ms=200)).items():
            received += len(batch)
            await consumer.commit({tp: batch[-1].offset + 1})
    _say("ready")
    await commands.readline()  # go
    cpu = time.process_time()
    received = 0
    while received < count:
        for tp, batch in (await consumer.getmany(timeout_ms=200)).items():
            received += len(batch)
            await consumer.commit({tp: batch[-1].offset + 1})
    _say("done")
    await commands.readline()  # stop
    _say(f"cpu {time.process_time() - cpu}")
    await consumer.stop()


async def raw_kafka(
    bootstrap: str, records: list[tuple[bytes, bytes]], others: Others
) -> tuple[float, float, float]:
    """Records per second, the CPU µs per record of the producer's (this) and the consumer's
    process."""
    topic = f"bench.raw.{uuid.uuid4().hex[:6]}"
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=False, linger_ms=5
    )
    await producer.start()
    await producer.send_and_wait(topic, b"warm-up")
    consumer = await Child.start("--raw-consumer", bootstrap, topic, str(len(records)))
    try:
        consumer.say("go")
        others.start()
        cpu = time.process_time()
        with Stopwatch() as watch:
            futures = [await producer.send(topic, value, key=key) for key, value in records]
            await asyncio.gather(*futures)
            await consumer.expect("done", timeout=600)
        cpu = time.process_time() - cpu
        others.stop()
    finally:
        await consumer.stop()
        await producer.stop()
    per_record = 1e6 / len(records)
    return len(records) / watch.seconds, cpu * per_record, consumer.cpu_seconds * per_record


async def audit_child(url: str, bootstrap: str, chained: bool) -> None:
    """Audit as ``make run`` runs it (``PDP_ROLE=worker``: its consumer and its own relay)."""
    commands = await _stdin_lines()
    audit = create_audit(settings_for(AuditSettings, url, bootstrap, "worker"))
    with nullcontext() if chained else unchained():
        async with audit.router.lifespan_context(audit):
            _say("ready")
            await commands.readline()  # go
            cpu = time.process_time()
            await commands.readline()  # stop
            _say(f"cpu {time.process_time() - cpu}")


@asynccontextmanager
async def audit_process(url: str, bootstrap: str, *, chained: bool) -> AsyncIterator[Child]:
    # The audit database's schema is applied by the child's start-up (its migrations).
    child = await Child.start("--audit", url, bootstrap, "chained" if chained else "unchained")
    try:
        yield child
    finally:
        await child.stop()


async def platform(
    bootstrap: str, count: int, workdir: Path, others: Others, *, chained: bool
) -> tuple[float, float, float, str]:
    """Events per second, the CPU µs per event of this (the relay's) process and of audit's."""
    async with (
        scratch_database("outbox", workdir) as outbox_url,
        scratch_database("audit", workdir) as audit_url,
    ):
        catalog = create_catalog(settings_for(CatalogSettings, outbox_url, bootstrap, "api"))
        async with (
            catalog.router.lifespan_context(catalog),
            audit_process(audit_url, bootstrap, chained=chained) as audit,
        ):
            producer = EventProducer(bootstrap, idempotence=False)
            relay = OutboxRelay(
                catalog.state.sessionmaker,
                producer,
                batch_size=catalog.state.settings.relay_batch_size,
                # The platform's default pause when the outbox is empty (0.2 s): polling every
                # 10 ms, as this bench used to, the idle relays took a quarter of the CPU of
                # the process the consumer shared with them.
                idle_seconds=catalog.state.settings.relay_idle_seconds,
            )
            journal = create_engine(audit_url)

            async def journaled() -> int:
                # The last chain position: the count, as positions have no gaps, read from the
                # key's index (a count(*) every 20 ms scanned the growing journal).
                async with journal.connect() as connection:
                    return int(await connection.scalar(select(func.max(JournalEntry.seq))) or 0)

            async def enqueue(n: int) -> None:
                async with catalog.state.sessionmaker() as session, session.begin():
                    for i in range(n):
                        await record_event(
                            session,
                            DepartmentCreated(code=f"B{i:06d}", name="基准部门"),
                            subject=f"B{i:06d}",
                        )

            try:
                await enqueue(1)  # warm-up: the audit consumer group has joined once it arrives
                await relay.drain()
                await wait_until(lambda: _at_least(journaled, 1), timeout=90)
                await enqueue(count)
                print(f"  {count:,} events in the outbox; relaying…", flush=True)
                stop = asyncio.Event()
                audit.say("go")
                others.start()
                cpu = time.process_time()
                with Stopwatch() as watch:
                    relaying = asyncio.create_task(relay.run_forever(stop))
                    published = asyncio.create_task(_relayed(relay, count + 1, watch))
                    await wait_until(
                        lambda: _at_least(journaled, count + 1), timeout=600, every=0.02
                    )
                print(
                    f"  relayed in {await published:.2f} s, journaled in "
                    f"{time.perf_counter() - watch.started:.2f} s",
                    flush=True,
                )
                cpu = time.process_time() - cpu
                others.stop()
                stop.set()
                await relaying
                await producer.stop()
            finally:
                await journal.dispose()
        per_event = 1e6 / count
        return (
            count / watch.seconds,
            cpu * per_event,
            audit.cpu_seconds * per_event,
            backend_of(outbox_url),
        )


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


async def _relayed(relay: OutboxRelay, n: int, watch: Stopwatch) -> float:
    """Seconds from the start until the relay had published ``n`` events."""

    async def done() -> bool:
        return relay.published >= n

    await wait_until(done, timeout=600, every=0.01)
    return time.perf_counter() - watch.started


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
        raw_others, chained_others, plain_others = (Others(broker.pid) for _ in range(3))
        raw, producer_cpu, raw_cpu = await raw_kafka(
            broker.bootstrap, [(key, value)] * count, raw_others
        )
        print("platform: outbox → relay → Kafka → audit journal…", flush=True)
        rate, relay_cpu, audit_cpu, backend = await platform(
            broker.bootstrap, count, Path(tmp), chained_others, chained=True
        )
        print("platform again, the journal without its SM3 chain…", flush=True)
        plain, _, plain_cpu, _ = await platform(
            broker.bootstrap, count, Path(tmp), plain_others, chained=False
        )
    report(
        f"Events per second, {count:,} events ({backend}, embedded Tansu broker)",
        [
            ("raw aiokafka produce + consume", raw, "events/s"),
            ("outbox → audit journal (SM3-chained)", rate, "events/s"),
            ("outbox → audit journal, no chain", plain, "events/s"),
        ],
        baseline="raw aiokafka produce + consume",
    )
    per_event = 1e6 / count
    print(
        f"  CPU per event, µs (raw / chained / no chain): consumer's process {raw_cpu:.0f} / "
        f"{audit_cpu:.0f} / {plain_cpu:.0f}; producer's or relay's process "
        f"{producer_cpu:.0f} / {relay_cpu:.0f} / –; broker "
        f"{raw_others.broker * per_event:.0f} / {chained_others.broker * per_event:.0f} / "
        f"{plain_others.broker * per_event:.0f}; PostgreSQL (all its processes) "
        f"{raw_others.postgres * per_event:.0f} / {chained_others.postgres * per_event:.0f} / "
        f"{plain_others.postgres * per_event:.0f}"
    )
    verdict(f"outbox → journal {rate:,.0f} events/s", f"≥ {RATE_GOAL:,}/s", rate >= RATE_GOAL)
    verdict(f"{rate / raw:.2f}× raw aiokafka", f"≥ {RATIO_GOAL}× raw", rate / raw >= RATIO_GOAL)


def main() -> None:
    if sys.argv[1:2] == ["--raw-consumer"]:
        bootstrap, topic, count = sys.argv[2:5]
        asyncio.run(raw_consumer_child(bootstrap, topic, int(count)))
    elif sys.argv[1:2] == ["--audit"]:
        url, bootstrap, chain = sys.argv[2:5]
        asyncio.run(audit_child(url, bootstrap, chain == "chained"))
    else:
        asyncio.run(main_async(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000))


if __name__ == "__main__":
    main()
