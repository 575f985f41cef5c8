"""The broker stops answering for a while during many state changes across services.

Issue #14's 10,000 changes fit CI's budget (about 25 s on a loaded 2-core machine), so CI runs
them all; ``make resilience-long`` runs 50,000 through a 30-second outage
(``PDP_RESILIENCE_CHANGES``, ``PDP_RESILIENCE_OUTAGE_SECONDS``).
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from contextlib import AsyncExitStack

import pytest
from resilience_kit import CHANGE_OF, Database, Journal, Summary, commit_changes, eventually
from resilience_kit import running_worker as worker

from audit.subscriptions import subscriptions as audit_subscriptions
from pdp_kit.broker import EmbeddedBroker
from pdp_kit.events.consumer import Subscriptions
from pdp_kit.worker import Worker

CHANGES = int(os.environ.get("PDP_RESILIENCE_CHANGES", "10000"))
#: At least this long without a broker: longer than the relays' and consumers' Kafka timeouts.
OUTAGE_SECONDS = float(os.environ.get("PDP_RESILIENCE_OUTAGE_SECONDS", "8"))
#: Deadlines grow with the count (the long run) and the outage.
SCALE = max(1.0, CHANGES / 10_000) + OUTAGE_SECONDS / 10
#: Fault tests take longer than the suite's per-test default (databases and brokers included).
pytestmark = [pytest.mark.timeout(300 * SCALE), pytest.mark.broker, pytest.mark.postgres]


async def test_writes_never_fail_while_the_broker_is_down_and_audit_journals_each_change_once(
    own_broker: EmbeddedBroker, producer_dbs: dict[str, Database], audit_db: Database
) -> None:
    summary = Summary("broker outage")
    journal = Journal(audit_db)
    services = list(CHANGE_OF)
    written = 0
    write_failures: list[BaseException] = []
    slowest_write = 0.0

    async def write(service: str, share: int) -> None:
        nonlocal written, slowest_write
        rng = random.Random(service)
        n = 0
        while n < share:
            batch = [CHANGE_OF[service](n + i) for i in range(min(rng.randint(1, 5), share - n))]
            started = time.monotonic()
            try:
                await commit_changes(producer_dbs[service], batch)
            except Exception as exc:  # noqa: BLE001 - any failed write breaks the guarantee
                write_failures.append(exc)
                continue
            slowest_write = max(slowest_write, time.monotonic() - started)
            n += len(batch)
            written += len(batch)
            await asyncio.sleep(0.002)

    async with AsyncExitStack() as stack:
        audit = await stack.enter_async_context(
            worker("audit", audit_db, own_broker.bootstrap, audit_subscriptions)
        )
        relays = [
            await stack.enter_async_context(
                worker(name, producer_dbs[name], own_broker.bootstrap, Subscriptions())
            )
            for name in services
        ]
        shares = [CHANGES // len(services) + (i < CHANGES % len(services)) for i in range(4)]
        writers = asyncio.gather(*(write(s, n) for s, n in zip(services, shares, strict=True)))

        async def written_at_least(n: int) -> bool:
            return written >= n

        await eventually(
            lambda: written_at_least(CHANGES // 4), timeout=60 * SCALE, what="first quarter"
        )
        own_broker.pause()
        paused_at = time.monotonic()
        try:
            await eventually(
                lambda: _all_waiting(relays), timeout=30, what="every relay notices the outage"
            )
            await eventually(
                lambda: written_at_least(CHANGES * 3 // 4), timeout=90 * SCALE, what="writes go on"
            )
            # The outage lasts past every Kafka timeout, however fast the writes were.
            await asyncio.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - paused_at)))
            written_during_outage = written - CHANGES // 4
        finally:
            own_broker.resume()
        outage = time.monotonic() - paused_at
        await writers
        await eventually(
            lambda: journal.has(CHANGES), timeout=120 * SCALE, what=f"{CHANGES} changes journaled"
        )
        duplicates = audit.consumer.stats.duplicates
        dead_lettered = audit.consumer.stats.dead_lettered

    assert write_failures == []
    published = {
        event_id for name in services for event_id in await producer_dbs[name].outbox_ids()
    }
    journaled = await journal.ids()
    assert len(published) == CHANGES
    assert len(journaled) == CHANGES
    assert set(journaled) == published
    # Every sharing change is a data call and every opening change a read: each is a usage record.
    data_calls = shares[services.index("sharing")] + shares[services.index("opening")]
    assert await journal.usage_count() == data_calls
    assert dead_lettered == 0
    summary.print(
        changes=CHANGES,
        services=len(services),
        written_during_outage=written_during_outage,
        outage_seconds=f"{outage:.1f}",
        slowest_write_seconds=f"{slowest_write:.2f}",
        journaled=len(journaled),
        duplicates_absorbed=duplicates,
    )


async def _all_waiting(relays: list[Worker]) -> bool:
    return all(not relay.relay.healthy for relay in relays)
