"""Audit: the cost of tamper evidence and retention (Art. 32, 34), on PostgreSQL.

1. Journal ingest, per poll batch of 500 through the kit's consumer path (decode, inbox, handler):
   the chained journal against the same path with a plain INSERT (no chain).
2. Network-log ingest through the same consumer path, chained, against a bare ``COPY`` of the same
   rows into a table of the same shape in the same database. Goal: at least 0.5×.
3. Retention purge of six months of network logs (N rows, default 1,000,000): dropping the
   monthly partitions against a ``DELETE`` of the same rows. Goal: drop under one second.
4. ``GET /integrity`` (every chain recomputed) over M records (default 200,000 to keep ``make
   bench`` short; the issue's figure is ``bench_audit.py 20000 1000000 1000000``): time printed.

Run: ``.venv/bin/python bench/bench_audit.py [EVENTS] [PURGE_ROWS] [INTEGRITY_ROWS]``.
"""

from __future__ import annotations

import asyncio
import logging
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

from audit.chain import service as chain_service
from audit.chain.hashing import genesis, link
from audit.journal import service as journal_service
from audit.main import definition
from audit.netlogs.service import chain as netlog_chain
from audit.retention import partitions
from audit.settings import AuditSettings
from audit.subscriptions import subscriptions
from pdp_contracts.catalog import DepartmentCreated
from pdp_contracts.gateway import RequestLogged
from pdp_kit.db import sessionmaker
from pdp_kit.events.consumer import EventConsumer, Subscriptions
from pdp_kit.events.envelope import Event

BATCH = 500
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


def logged(i: int, moment: datetime) -> Event:
    request = RequestLogged(
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
    )
    return Event.of(request, subject=request.request_id, actor=request.client_id)


async def netlog_ingest(count: int) -> list[tuple[str, float, str]]:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    events = [logged(i, start + timedelta(seconds=i)) for i in range(count)]
    async with migrated_database("audit_netlog", MIGRATIONS) as (engine, _):
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE netlog_copy (LIKE netlog)"))
        now = datetime.now(UTC)
        rows = [
            (
                n + 1,
                e.id,
                e.data["request_id"],
                datetime.fromisoformat(e.data["time"]),
                e.data["client_id"],
                e.data["source_address"],
                "GET",
                e.data["path"],
                200,
                3.25,
                0,
                2048,
                None,
                now,
                "",
            )
            for n, e in enumerate(events)
        ]
        async with engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            with Stopwatch() as watch:
                for first in range(0, len(rows), 20_000):
                    await raw.copy_records_to_table(
                        "netlog_copy", records=rows[first : first + 20_000]
                    )
            copy_rate = count / watch.seconds
        platform = await consume(engine, subscriptions, records(events, "pdp.gateway.netlog"))
    return [
        ("bare COPY of the same rows", copy_rate, "rows/s"),
        ("consumer path → chained netlog", platform, "rows/s"),
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
                    previous = link(previous, chain.kind, n, row, chain.columns)
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
    copy, platform = report(
        f"Network-log ingest, {events:,} rows (PostgreSQL)",
        await netlog_ingest(events),
        baseline="bare COPY of the same rows",
    )
    ratio = platform.value / copy.value
    verdict(f"network-log ingest {ratio:.2f}× bare COPY", "≥ 0.5×", ratio >= 0.5)
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
