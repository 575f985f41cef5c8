"""What the fault tests share: producers' changes, running workers, counting the audit journal.

Each test gets its own embedded broker (so no other test's records are on its topics) and its
own PostgreSQL databases migrated by the real services' migrations. The audit side is the real
audit subscriptions behind the kit's :class:`~pdp_kit.worker.Worker`, as a service process runs it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp_contracts import EventPayload
from pdp_contracts.catalog import DepartmentCreated
from pdp_contracts.gateway import RequestLogged
from pdp_contracts.opening import OpenDataRead
from pdp_contracts.registry import OperatorRegistered
from pdp_contracts.sharing import GrantDataCalled
from pdp_contracts.usage import UsageBasis, UsageResult
from pdp_kit.db import create_engine, sessionmaker
from pdp_kit.events.consumer import Subscriptions
from pdp_kit.events.outbox import record_event
from pdp_kit.models import OutboxMessage
from pdp_kit.settings import ServiceSettings
from pdp_kit.worker import Worker

NO_SUBSCRIPTIONS = Subscriptions()
#: Every summary line of the run, repeated at the end of pytest's report (see conftest.py).
SUMMARIES: list[str] = []


async def eventually(
    check: Callable[[], Awaitable[bool]], *, timeout: float, what: str, every: float = 0.2
) -> None:
    """Wait for a condition with a deadline: the guarantee holds in time, or the test fails."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f}s: {what}")
        await asyncio.sleep(every)


def worker_settings(bootstrap: str, **overrides: Any) -> ServiceSettings:
    """A worker's settings for the embedded broker, with short waits so faults show quickly."""
    values: dict[str, Any] = {
        "env": "test",
        "role": "worker",
        "kafka_bootstrap": bootstrap,
        "kafka_idempotence": False,
        "kafka_timeout_seconds": 3.0,
        "kafka_rebalance_timeout_ms": 1000,
        "relay_idle_seconds": 0.05,
        "relay_batch_size": 500,
        "jwks": '{"keys": []}',
        "log_json": False,
    }
    return ServiceSettings(**{**values, **overrides})


@dataclass
class Database:
    url: str
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]

    @classmethod
    def open(cls, url: str) -> Database:
        engine = create_engine(url)
        return cls(url, engine, sessionmaker(engine))

    async def scalar(self, statement: str, **params: Any) -> Any:
        async with self.engine.connect() as connection:
            return (await connection.execute(text(statement), params)).scalar()

    async def rows(self, statement: str, **params: Any) -> list[Any]:
        async with self.engine.connect() as connection:
            return list((await connection.execute(text(statement), params)).all())

    async def pending(self) -> int:
        async with self.sessionmaker() as session:
            return int(
                await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.sent_at.is_(None))  # type: ignore[union-attr]
                )
            )

    async def outbox_ids(self) -> list[str]:
        return [row[0] for row in await self.rows("SELECT event_id FROM pdp_outbox ORDER BY seq")]


@asynccontextmanager
async def running_worker(
    name: str, database: Database, bootstrap: str, subscriptions: Subscriptions, **settings: Any
) -> AsyncIterator[Worker]:
    """The kit's worker part of a service process: relay, and consumers when it subscribes."""
    worker = Worker(
        name,
        worker_settings(bootstrap, **settings),
        database.sessionmaker,
        subscriptions=subscriptions,
    )
    await worker.start()
    try:
        yield worker
    finally:
        await worker.stop()


class Journal:
    """Audit's journal and records, read straight from its database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def count(self) -> int:
        return int(await self.database.scalar("SELECT count(*) FROM journal_entry"))

    async def ids(self) -> list[str]:
        rows = await self.database.rows("SELECT event_id FROM journal_entry ORDER BY seq")
        return [row[0] for row in rows]

    async def names_by_subject(self) -> dict[str, list[str]]:
        """Each aggregate's changes in journal (arrival) order."""
        rows = await self.database.rows("SELECT subject, data FROM journal_entry ORDER BY seq")
        ordered: dict[str, list[str]] = {}
        for subject, data in rows:
            payload = data if isinstance(data, dict) else json.loads(data)
            ordered.setdefault(subject, []).append(payload["name"])
        return ordered

    async def usage_count(self) -> int:
        return int(await self.database.scalar("SELECT count(*) FROM usage_record"))

    async def netlog_count(self) -> int:
        return int(await self.database.scalar("SELECT count(*) FROM netlog"))

    async def has(self, n: int) -> bool:
        return await self.count() >= n


def department_change(aggregate: str, n: int) -> DepartmentCreated:
    """A catalog change whose name carries its aggregate and its place in that aggregate's order."""
    return DepartmentCreated(code=aggregate, name=f"{aggregate}#{n:06d}")


def data_call(grant: str, n: int) -> GrantDataCalled:
    return GrantDataCalled(
        client_id="client-D002",
        department="D002",
        basis=UsageBasis.GRANT,
        basis_id=grant,
        resource_id="R1",
        provider="D001",
        purpose="低保资格核查",
        fields=["name"],
        record_count=n % 50 + 1,
        result=UsageResult.OK,
        called_at=datetime.now(UTC),
    )


def open_data_read(listing: str, n: int) -> OpenDataRead:
    return OpenDataRead(
        client_id="client-OP001",
        operator="OP001",
        basis=UsageBasis.LISTING,
        basis_id=listing,
        listing_id=listing,
        resource_id="R9",
        provider="D001",
        record_count=n % 20 + 1,
        result=UsageResult.OK,
        called_at=datetime.now(UTC),
    )


def request_logged(n: int) -> RequestLogged:
    return RequestLogged(
        request_id=f"req-{n}",
        time=datetime.now(UTC),
        client_id="client-D001",
        source_address="10.0.0.7",
        method="GET",
        path="/api/catalog/resources",
        status=200,
        latency_ms=3.5,
        bytes_in=0,
        bytes_out=512,
    )


async def commit_changes(
    database: Database, changes: list[tuple[str, EventPayload]], *, hold: float = 0.0
) -> None:
    """One transaction holding ``changes`` (subject, payload) and their outbox rows, as a request
    commits them; ``hold`` keeps it open that long before the commit (a long transaction)."""
    async with database.sessionmaker() as session, session.begin():
        for subject, payload in changes:
            await record_event(session, payload, subject=subject, actor="resilience")
        if hold:
            await asyncio.sleep(hold)


@dataclass
class Summary:
    """The one line each fault test prints."""

    name: str
    started: float = field(default_factory=time.monotonic)
    figures: dict[str, Any] = field(default_factory=dict)

    def print(self, **figures: Any) -> None:
        self.figures.update(figures)
        parts = ", ".join(f"{k}={v}" for k, v in self.figures.items())
        line = f"{self.name}: {parts}, seconds={time.monotonic() - self.started:.1f}"
        SUMMARIES.append(line)
        print(f"\n[resilience] {line}")


def operator_registered(operator: str, n: int) -> OperatorRegistered:
    return OperatorRegistered(
        id=operator, name=f"{operator}#{n:06d}", credit_code="91310105MA1FL00000"
    )


#: A change of each producing service, by service: (subject, payload) for the n-th change.
CHANGE_OF: dict[str, Callable[[int], tuple[str, EventPayload]]] = {
    "catalog": lambda n: (f"D{n % 97:03d}", department_change(f"D{n % 97:03d}", n)),
    "sharing": lambda n: (f"G{n % 89}", data_call(f"G{n % 89}", n)),
    "opening": lambda n: (f"L{n % 83}", open_data_read(f"L{n % 83}", n)),
    "registry": lambda n: (f"OP{n % 79}", operator_registered(f"OP{n % 79}", n)),
}
