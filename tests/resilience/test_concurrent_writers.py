"""Fifty writers at once on PostgreSQL, transactions short and long, two relay replicas."""

from __future__ import annotations

import asyncio
import random

import pytest
from resilience_kit import (
    NO_SUBSCRIPTIONS,
    Database,
    Journal,
    Summary,
    commit_changes,
    department_change,
    eventually,
)
from resilience_kit import running_worker as worker
from sqlalchemy.ext.asyncio import async_sessionmaker

from audit.subscriptions import subscriptions as audit_subscriptions
from pdp_kit.broker import EmbeddedBroker
from pdp_kit.db import create_async_engine

#: Fault tests take longer than the suite's per-test default (databases and brokers included).
pytestmark = [pytest.mark.timeout(300), pytest.mark.broker, pytest.mark.postgres]

WRITERS = 50
TRANSACTIONS_EACH = 12


async def test_fifty_concurrent_writers_lose_no_event_and_keep_each_aggregates_order(
    own_broker: EmbeddedBroker, producer_dbs: dict[str, Database], audit_db: Database
) -> None:
    summary = Summary("50 concurrent writers")
    catalog, journal = producer_dbs["catalog"], Journal(audit_db)
    # One connection per writer, so all fifty transactions are open at once.
    engine = create_async_engine(catalog.url, pool_size=WRITERS, max_overflow=0)
    writers_db = Database(catalog.url, engine, async_sessionmaker(engine, expire_on_commit=False))
    written: dict[str, int] = {}

    async def write(number: int) -> None:
        rng = random.Random(number)
        aggregates = [f"W{number:02d}-{part}" for part in "ab"]
        for _ in range(TRANSACTIONS_EACH):
            batch = []
            for _ in range(rng.randint(1, 4)):
                aggregate = rng.choice(aggregates)
                written[aggregate] = written.get(aggregate, 0) + 1
                batch.append((aggregate, department_change(aggregate, written[aggregate])))
            # Mostly short transactions, some held open while later ones commit around them.
            hold = rng.choice([0.0, 0.0, 0.01, 0.05, 0.2, 0.6])
            await commit_changes(writers_db, batch, hold=hold)

    try:
        # Two relay replicas on catalog's outbox (they take turns, see pdp_kit.events.outbox).
        async with (
            worker("audit", audit_db, own_broker.bootstrap, audit_subscriptions) as audit,
            worker("catalog", catalog, own_broker.bootstrap, NO_SUBSCRIPTIONS, relay_batch_size=50),
            worker("catalog", catalog, own_broker.bootstrap, NO_SUBSCRIPTIONS, relay_batch_size=50),
        ):
            await asyncio.gather(*(write(n) for n in range(WRITERS)))
            changes = sum(written.values())
            await eventually(
                lambda: journal.has(changes), timeout=60, what=f"{changes} changes journaled"
            )
            duplicates = audit.consumer.stats.duplicates
    finally:
        await engine.dispose()

    journaled = await journal.ids()
    assert len(journaled) == changes
    assert set(journaled) == set(await catalog.outbox_ids())
    assert await catalog.pending() == 0
    order = await journal.names_by_subject()
    out_of_order = {
        aggregate: names
        for aggregate, names in order.items()
        if names != [f"{aggregate}#{n:06d}" for n in range(1, written[aggregate] + 1)]
    }
    assert not out_of_order, f"{len(out_of_order)} aggregates out of order: {out_of_order}"
    summary.print(
        writers=WRITERS,
        transactions=WRITERS * TRANSACTIONS_EACH,
        changes=changes,
        aggregates=len(written),
        journaled=len(journaled),
        duplicates_absorbed=duplicates,
    )
