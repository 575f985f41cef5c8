"""Audit: the cost of tamper evidence and retention (Art. 32, 34), on PostgreSQL.

1. Journal ingest, per poll batch of 500 through the kit's consumer path (decode, inbox, handler):
   the chained journal against the same path with a plain INSERT (no chain).
2. Network-log ingest through the same consumer path, chained: the records as the gateway's
   buffer encodes them (``RequestsLogged`` events of 200 entries), handled by audit's real
   consumer (``EventConsumer.handle_records``) in polls of up to 4 MB (aiokafka's 1 MB a
   partition, four partitions), against a bare ``COPY`` of the same rows (prepared tuples) into a
   table of the same columns in the same database. Goal (issue 10): at least 0.5×. Also printed:
   the same bare COPY into a table with the network log's five indexes (the write the ingest
   cannot avoid), and the old path (one ``RequestLogged`` event a request).
3. Retention purge of six months of network logs (N rows, default 1,000,000): dropping the
   monthly partitions against a ``DELETE`` of the same rows. Goal: drop under one second.
4. ``GET /integrity`` (every chain recomputed) over M records (default 200,000 to keep ``make
   bench`` short; the issue's figure is ``bench_audit.py 20000 1000000 1000000``): time printed.

Run: ``.venv/bin/python bench/bench_audit.py [EVENTS] [PURGE_ROWS] [INTEGRITY_ROWS]``.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import pkgutil
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from _support import Stopwatch, migrated_database, postgres_reachable, report, verdict
from aiokafka.structs import ConsumerRecord
from sqlalchemy import Table, bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

import pdp_contracts
from audit.chain import service as chain_service
from audit.chain.hashing import fields_text, genesis, links_of
from audit.journal import service as journal_service
from audit.main import definition
from audit.netlogs.service import chain as netlog_chain
from audit.retention import partitions
from audit.settings import AuditSettings
from audit.subscriptions import subscriptions
from gateway.netlog.buffer import LoggedRequest, outbox_rows
from pdp_contracts.catalog import DepartmentCreated
from pdp_contracts.gateway import RequestLogged
from pdp_kit.db import sessionmaker
from pdp_kit.events.consumer import EventConsumer, Subscriptions
from pdp_kit.events.envelope import Event

BATCH = 500
NETLOG = "pdp.gateway.netlog"
MIGRATIONS = Path(definition.migrations_dir)


class NoDeadLetters:
    async def publish(self, *args: Any) -> None:
        raise AssertionError(f"a benchmark record was dead-lettered: {args[-1]}")


def records(events: Sequence[Event], topic: str) -> list[ConsumerRecord[bytes, bytes]]:
    out = []
    for offset, event in enumerate(events):
        key, value, headers = event.encode()
        out.append(
            ConsumerRecord(topic, 0, offset, 0, 0, key, value, None, len(key), len(value), headers)
        )
    return out


async def consume(engine: AsyncEngine, subs: Subscriptions, batch: list[Any]) -> float:
    consumer = EventConsumer(
        name=f"bench-{id(subs)}",
        subscriptions=subs,
        sessionmaker=sessionmaker(engine),
        dead_letters=NoDeadLetters(),  # type: ignore[arg-type]
        dead_letter_topic="pdp.audit.dlq",
    )
    with Stopwatch() as watch:
        for start in range(0, len(batch), BATCH):
            await consumer.handle_records(batch[start : start + BATCH])
    return len(batch) / watch.seconds


async def plain_journal(session: AsyncSession, events: Sequence[Event]) -> None:
    """The journal as it was before the chain: one INSERT round per batch, no head, no hash."""
    table: Table = journal_service._journal
    columns = [c for c in table.columns if c.name not in ("seq",)]
    statement = text(
        f"INSERT INTO journal_plain ({', '.join(c.name for c in columns)}) "
        f"VALUES ({', '.join(':' + c.name for c in columns)})"
    ).bindparams(*(bindparam(c.name, type_=c.type) for c in columns))
    now = datetime.now(UTC)
    await session.execute(
        statement,
        [
            {
                "event_id": e.id,
                "type": e.type,
                "source": e.source,
                "subject": e.subject,
                "time": e.time,
                "actor": e.actor,
                "department": e.department,
                "data": e.data,
                "traceparent": e.traceparent,
                "extensions": None,
                "received_at": now,
                "hash": "",
            }
            for e in events
        ],
    )


async def journal_ingest(count: int) -> list[tuple[str, float, str]]:
    events = [
        Event.of(DepartmentCreated(code=f"B{i:06d}", name="基准部门"), subject=f"B{i:06d}")
        for i in range(count)
    ]
    async with migrated_database("audit_journal", MIGRATIONS) as (engine, _):
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE journal_plain (LIKE journal_entry)"))
            await conn.execute(text("ALTER TABLE journal_plain ALTER COLUMN seq SET DEFAULT 0"))
        plain = Subscriptions(topics=subscriptions.topics, batch_wildcard=(plain_journal,))
        chained = Subscriptions(
            topics=subscriptions.topics,
            batch_wildcard=(lambda s, ev: journal_service.journal_events(s, events=ev),),
        )
        unchained_rate = await consume(engine, plain, records(events, "pdp.catalog.events"))
        chained_rate = await consume(engine, chained, records(events, "pdp.catalog.events"))
    return [
        ("journal, plain INSERT (no chain)", unchained_rate, "events/s"),
        ("journal, SM3-chained", chained_rate, "events/s"),
    ]


def logged_request(i: int, moment: datetime) -> LoggedRequest:
    """A request as the gateway's middleware records it."""
    return LoggedRequest(
        request_id=f"req-{i}",
        time=moment,
        client_id=f"client-D{i % 50:03d}",
        source_address="10.0.0.7",
        method="GET",
        path="/api/catalog/resources",
        status=200,
        latency_ms=3.25,
        bytes_in=0,
        bytes_out=2048,
        traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    )


def single_event(request: LoggedRequest) -> Event:
    """The same request as the gateway published it before batches: one event."""
    payload = RequestLogged(
        **{k: getattr(request, k) for k in RequestLogged.model_fields},
    )
    return Event.of(
        payload,
        subject=request.request_id,
        actor=request.client_id,
        traceparent=request.traceparent,
    )


def gateway_records(requests: Sequence[LoggedRequest]) -> list[ConsumerRecord[bytes, bytes]]:
    """The Kafka records of the gateway's flushes (200 entries a flush, its default batch)."""
    out = []
    for start in range(0, len(requests), 200):
        for row in outbox_rows(requests[start : start + 200]):
            key, value = row["key"].encode(), row["value"]
            headers = [(name, raw.encode("latin-1")) for name, raw in row["headers"]]
            offset = len(out)
            out.append(
                ConsumerRecord(
                    NETLOG, 0, offset, 0, 0, key, value, None, len(key), len(value), headers
                )
            )
    return out


def polls(records: list[ConsumerRecord[bytes, bytes]], max_bytes: int) -> list[list[Any]]:
    """The records cut as aiokafka's fetches would: up to ``max_bytes`` a poll."""
    out: list[list[Any]] = [[]]
    size = 0
    for record in records:
        if out[-1] and size + len(record.value or b"") > max_bytes:
            out.append([])
            size = 0
        out[-1].append(record)
        size += len(record.value or b"")
    return out


async def consume_polls(engine: AsyncEngine, batches: list[list[Any]], rows: int) -> float:
    # Audit's data-call check imports every contract module on its first batch (~0.2 s once a
    # process); a running consumer paid that long ago.
    for module in pkgutil.iter_modules(pdp_contracts.__path__):
        importlib.import_module(f"{pdp_contracts.__name__}.{module.name}")
    consumer = EventConsumer(
        name="bench-netlog",
        subscriptions=subscriptions,
        sessionmaker=sessionmaker(engine),
        dead_letters=NoDeadLetters(),  # type: ignore[arg-type]
        dead_letter_topic="pdp.audit.dlq",
    )
    with Stopwatch() as watch:
        for batch in batches:
            await consumer.handle_records(batch)
    return rows / watch.seconds


async def bare_copy(engine: AsyncEngine, table: str, rows: list[tuple[Any, ...]]) -> float:
    async with engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        with Stopwatch() as watch:
            for first in range(0, len(rows), 20_000):
                await raw.copy_records_to_table(table, records=rows[first : first + 20_000])
    return len(rows) / watch.seconds


async def netlog_ingest(count: int) -> list[tuple[str, float, str]]:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    requests = [logged_request(i, start + timedelta(seconds=i)) for i in range(count)]
    batches = gateway_records(requests)
    entries = [entry for r in batches for entry in json.loads(r.value or b"")["data"]["entries"]]
    async with migrated_database("audit_netlog", MIGRATIONS) as (engine, _):
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE netlog_copy (LIKE netlog)"))
            await conn.execute(text("CREATE TABLE netlog_indexed (LIKE netlog INCLUDING INDEXES)"))
        now = datetime.now(UTC)
        rows = [
            (n + 1, *e[:2], datetime.fromisoformat(e[2]), *e[3:], now, "")
            for n, e in enumerate(entries)
        ]
        copy_rate = await bare_copy(engine, "netlog_copy", rows)
        indexed_rate = await bare_copy(engine, "netlog_indexed", rows)
        platform = await consume_polls(engine, polls(batches, 4 * 1024 * 1024), count)
    # The old path, one event a request, on a database of its own (fewer rows: it is slow).
    singles = [single_event(r) for r in requests[: min(count, 20_000)]]
    async with migrated_database("audit_netlog_single", MIGRATIONS) as (engine, _):
        single_rate = await consume(engine, subscriptions, records(singles, NETLOG))
    return [
        ("bare COPY of the same rows", copy_rate, "rows/s"),
        ("bare COPY into a table with netlog's indexes", indexed_rate, "rows/s"),
        ("consumer path → chained netlog (batches)", platform, "rows/s"),
        ("consumer path, one RequestLogged a request", single_rate, "rows/s"),
    ]


async def fill_netlog(engine: AsyncEngine, rows: int, first_day: date, days: int) -> None:
    """``rows`` network-log rows over ``days`` days, in chain order, with real SM3 links."""
    seconds = days * 86_400 / rows
    origin = datetime.combine(first_day, datetime.min.time(), tzinfo=UTC)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO netlog SELECT n, 'e' || n, 'r' || n, "
                "CAST(:origin AS timestamptz) + make_interval(secs => n * CAST(:step AS float8)), "
                "'client-D001', '10.0.0.7', 'GET', "
                "'/api/catalog/resources', 200, 3.25, 0, 2048, NULL, now(), '' "
                "FROM generate_series(1, :rows) AS n"
            ),
            {"origin": origin, "step": seconds, "rows": rows},
        )


async def purge(rows: int) -> tuple[list[tuple[str, float, str]], int]:
    async with migrated_database("audit_purge", MIGRATIONS) as (engine, _):
        async with sessionmaker(engine)() as session, session.begin():
            await partitions.ensure_partitions(session, date(2025, 1, 1))
            for month in range(4, 13):
                await partitions._create(session, 2025, month)
        await fill_netlog(engine, rows, date(2025, 1, 1), 180)  # January to June 2025
        older_than = datetime(2025, 7, 1, tzinfo=UTC)
        async with sessionmaker(engine)() as session, session.begin():
            with Stopwatch() as drop_watch:
                dropped = await partitions.drop_partitions_through(
                    session, older_than=older_than, position=rows
                )
        await fill_netlog(engine, rows, date(2025, 1, 1), 180)  # the same rows again
        async with engine.begin() as conn:
            with Stopwatch() as delete_watch:
                deleted = (
                    await conn.execute(text("DELETE FROM netlog WHERE seq <= :n"), {"n": rows})
                ).rowcount
    assert dropped == rows == deleted, (dropped, deleted)
    return [
        ("DELETE of the same rows", delete_watch.seconds, "s"),
        ("partition drop", drop_watch.seconds, "s"),
    ], rows


async def integrity(rows: int) -> float:
    """Chain ``rows`` network-log records for real, then time the full verification."""
    async with migrated_database("audit_integrity", MIGRATIONS) as (engine, _):
        chain = netlog_chain
        previous = genesis(chain.kind)
        now = datetime.now(UTC)
        origin = datetime(2026, 3, 1, tzinfo=UTC)
        async with engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            for first in range(1, rows + 1, 50_000):
                batch = []
                for n in range(first, min(first + 50_000, rows + 1)):
                    row = {
                        "event_id": f"e{n}",
                        "request_id": f"r{n}",
                        "time": origin + timedelta(seconds=n),
                        "client_id": "client-D001",
                        "source_address": "10.0.0.7",
                        "method": "GET",
                        "path": "/api/catalog/resources",
                        "status": 200,
                        "latency_ms": 3.25,
                        "bytes_in": 0,
                        "bytes_out": 2048,
                        "traceparent": None,
                        "received_at": now,
                    }
                    text_ = fields_text(row, chain.columns)  # form 2, as the ingest writes
                    previous = next(links_of(previous, chain.kind, n - 1, [text_]))
                    batch.append((n, *row.values(), previous.hex()))
                await raw.copy_records_to_table("netlog", records=batch)
            await conn.execute(
                text("UPDATE chain_head SET position = :p, hash = :h WHERE kind = 'netlog'"),
                {"p": rows, "h": previous.hex()},
            )
            await conn.commit()
        with tempfile.TemporaryDirectory() as tmp:
            settings = AuditSettings(env="test", data_dir=Path(tmp), log_json=False)
            maker = sessionmaker(engine)
            maker.configure(info={"audit_settings": settings})
            async with maker() as session:
                with Stopwatch() as watch:
                    result = await chain_service.verify_all(session)
        assert result.ok, result
        assert result.checked == rows, result
    return watch.seconds


async def main_async(events: int, purge_rows: int, integrity_rows: int) -> None:
    if not await postgres_reachable():
        print("PostgreSQL is not reachable: the audit benchmark runs on PostgreSQL only")
        return
    logging.getLogger().setLevel(logging.WARNING)
    report(
        f"Journal ingest, {events:,} events through the consumer path (PostgreSQL)",
        await journal_ingest(events),
        baseline="journal, plain INSERT (no chain)",
    )
    copy, indexed, platform, _ = report(
        f"Network-log ingest, {events:,} rows (PostgreSQL)",
        await netlog_ingest(events),
        baseline="bare COPY of the same rows",
    )
    ratio = platform.value / copy.value
    verdict(f"network-log ingest {ratio:.2f}× bare COPY", "≥ 0.5×", ratio >= 0.5)
    print(
        f"  (the same ingest is {platform.value / indexed.value:.2f}× a bare COPY into a table "
        "with the network log's indexes)"
    )
    rows, _ = await purge(purge_rows)
    _, drop = report(
        f"Purge of six months of network logs, {purge_rows:,} rows",
        rows,
        baseline="DELETE of the same rows",
    )
    verdict(f"partition drop {drop.value:.2f} s", "< 1 s", drop.value < 1)
    seconds = await integrity(integrity_rows)
    rate = integrity_rows / seconds
    report(
        f"GET /integrity over {integrity_rows:,} records ({seconds:.1f} s)",
        [("records verified (the only figure)", rate, "records/s")],
        baseline="records verified (the only figure)",
    )


def main() -> None:
    args = [int(a) for a in sys.argv[1:]]
    events, purge_rows, integrity_rows = (args + [20_000, 1_000_000, 200_000][len(args) :])[:3]
    asyncio.run(main_async(events, purge_rows, integrity_rows))


if __name__ == "__main__":
    main()
