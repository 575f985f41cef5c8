"""A second audit consumer joins and leaves the group again and again while events flow; one
more dies with SIGKILL while it holds partitions."""

from __future__ import annotations

import asyncio
import random
import signal
import sys
from pathlib import Path

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

from audit.subscriptions import subscriptions as audit_subscriptions
from pdp_kit.broker import EmbeddedBroker
from pdp_kit.worker import Worker

#: Fault tests take longer than the suite's per-test default (databases and brokers included).
pytestmark = [pytest.mark.timeout(300), pytest.mark.broker, pytest.mark.postgres]

CYCLES = 3
MEMBER = Path(__file__).with_name("consumer_process.py")
AFTERWARDS = 50


async def test_a_consumer_joining_and_leaving_repeatedly_loses_nothing_and_leaves_no_stuck_group(
    own_broker: EmbeddedBroker, producer_dbs: dict[str, Database], audit_db: Database
) -> None:
    summary = Summary("consumer churn")
    catalog, journal = producer_dbs["catalog"], Journal(audit_db)
    bootstrap = own_broker.bootstrap
    rng = random.Random(6)
    written = 0
    churning = True

    async def write() -> None:
        nonlocal written
        while churning:
            batch = [
                (f"D{n % 31:03d}", department_change(f"D{n % 31:03d}", n))
                for n in range(written, written + 5)
            ]
            await commit_changes(catalog, batch)
            written += len(batch)
            await asyncio.sleep(0.02)

    handled_by_visitors = duplicates = 0
    async with (
        worker("catalog", catalog, bootstrap, NO_SUBSCRIPTIONS),
        worker("audit", audit_db, bootstrap, audit_subscriptions) as steady,
    ):
        writer = asyncio.create_task(write())
        try:
            for _ in range(CYCLES):
                async with worker("audit", audit_db, bootstrap, audit_subscriptions) as visitor:
                    # It joins for real: the group rebalances and hands it partitions to read.
                    await eventually(
                        lambda v=visitor: _has_handled(v), timeout=30, what="the new member reads"
                    )
                    await asyncio.sleep(rng.uniform(0.2, 1.5))
                handled_by_visitors += visitor.consumer.stats.handled
                duplicates += visitor.consumer.stats.duplicates
                await asyncio.sleep(rng.uniform(0.2, 1.0))
            # Last, a member that dies without leaving: the group waits out its session, then
            # hands its partitions back (from their committed offsets) to the one left.
            await kill_a_member_while_it_reads(audit_db, bootstrap)
        finally:
            churning = False
            await writer
        await eventually(
            lambda: journal.has(written), timeout=60, what=f"{written} changes journaled"
        )
        # No stuck group: the member left behind still takes new events at once.
        before = written
        await commit_changes(
            catalog,
            [
                (f"D{n % 31:03d}", department_change(f"D{n % 31:03d}", n))
                for n in range(before, before + AFTERWARDS)
            ],
        )
        written += AFTERWARDS
        await eventually(
            lambda: journal.has(written), timeout=30, what="the group goes on after the churn"
        )
        duplicates += steady.consumer.stats.duplicates

    journaled = await journal.ids()
    assert len(journaled) == written
    assert set(journaled) == set(await catalog.outbox_ids())
    summary.print(
        cycles=CYCLES,
        members_killed=1,
        changes=written,
        journaled=len(journaled),
        handled_by_joining_members=handled_by_visitors,
        duplicates_absorbed=duplicates,
    )


async def kill_a_member_while_it_reads(database: Database, bootstrap: str) -> None:
    member = await asyncio.create_subprocess_exec(
        sys.executable, str(MEMBER), database.url, bootstrap, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert member.stdout is not None
        line = await asyncio.wait_for(member.stdout.readline(), timeout=90)
        assert line == b"handling\n", line
    finally:
        member.send_signal(signal.SIGKILL)
        await member.wait()


async def _has_handled(member: Worker) -> bool:
    return member.consumer.stats.handled > 0
