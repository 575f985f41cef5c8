"""The outbox relay killed with SIGKILL, again and again, while a service keeps writing."""

from __future__ import annotations

import asyncio
import random
import signal
import sys
from pathlib import Path

import pytest
from resilience_kit import Database, Journal, Summary, commit_changes, department_change, eventually
from resilience_kit import running_worker as worker

from audit.subscriptions import subscriptions as audit_subscriptions
from pdp_kit.broker import EmbeddedBroker

#: Fault tests take longer than the suite's per-test default (databases and brokers included).
pytestmark = [pytest.mark.timeout(300), pytest.mark.broker, pytest.mark.postgres]

RELAY = Path(__file__).with_name("relay_process.py")
#: The service writes at least this many transactions, and goes on until the relay was killed
#: KILLS times (half of them between publishing and marking sent).
TRANSACTIONS = 200
KILLS = 4
AGGREGATES = 40


async def spawn_relay(database: Database, bootstrap: str) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(RELAY), database.url, bootstrap, "50", stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
    assert line == b"started\n", line
    return process


async def until_published(process: asyncio.subprocess.Process) -> bool:
    """Read the relay's lines until it announces an acknowledged batch not yet marked sent."""
    assert process.stdout is not None
    while line := await process.stdout.readline():
        if line.startswith(b"published"):
            return True
    return False


async def kill(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGKILL)
    await process.wait()


async def test_a_relay_killed_between_publishing_and_marking_sent_loses_nothing_and_doubles_nothing(
    own_broker: EmbeddedBroker, producer_dbs: dict[str, Database], audit_db: Database
) -> None:
    summary = Summary("relay SIGKILL")
    catalog, journal = producer_dbs["catalog"], Journal(audit_db)
    rng = random.Random(14)
    changes = 0

    counters = [0] * AGGREGATES

    async def write() -> None:
        nonlocal changes
        written = 0
        while written < TRANSACTIONS or kills < KILLS:
            written += 1
            batch = []
            for _ in range(rng.randint(1, 5)):
                aggregate = rng.randrange(AGGREGATES)
                counters[aggregate] += 1
                batch.append(
                    (
                        f"D{aggregate:03d}",
                        department_change(f"D{aggregate:03d}", counters[aggregate]),
                    )
                )
            await commit_changes(catalog, batch)
            changes += len(batch)
            await asyncio.sleep(rng.uniform(0.005, 0.03))

    kills = kills_after_publish = 0
    async with worker("audit", audit_db, own_broker.bootstrap, audit_subscriptions) as audit:
        writer = asyncio.create_task(write())
        while not writer.done():
            relay = await spawn_relay(catalog, own_broker.bootstrap)
            if kills % 2 == 0:
                # Exactly in the window: the broker has the batch, the outbox still says unsent.
                announced = asyncio.create_task(until_published(relay))
                done, _ = await asyncio.wait(
                    {announced, writer}, timeout=30, return_when="FIRST_COMPLETED"
                )
                if announced in done and announced.result():
                    kills_after_publish += 1
                else:
                    announced.cancel()
            else:
                await asyncio.sleep(rng.uniform(0.05, 0.5))
            await kill(relay)
            kills += 1
        await writer
        relay = await spawn_relay(catalog, own_broker.bootstrap)
        try:
            await eventually(
                lambda: _drained(catalog), timeout=60, what="the last relay drains the outbox"
            )
            await eventually(
                lambda: journal.has(changes), timeout=60, what=f"{changes} changes journaled"
            )
        finally:
            await kill(relay)
        duplicates = audit.consumer.stats.duplicates

    assert kills >= KILLS and kills_after_publish >= KILLS // 2, (kills, kills_after_publish)
    journaled = await journal.ids()
    assert len(journaled) == changes
    assert set(journaled) == set(await catalog.outbox_ids())
    # Republished batches come after later changes were journaled: each aggregate keeps its order.
    order = await journal.names_by_subject()
    for number, count in enumerate(counters):
        aggregate = f"D{number:03d}"
        assert order.get(aggregate, []) == [f"{aggregate}#{n:06d}" for n in range(1, count + 1)]
    # The kills between publishing and marking sent did publish batches twice: the inbox took them.
    assert duplicates >= 1
    summary.print(
        changes=changes,
        kills=kills,
        kills_between_publish_and_mark=kills_after_publish,
        journaled=len(journaled),
        duplicates_absorbed=duplicates,
    )


async def _drained(database: Database) -> bool:
    return await database.pending() == 0
