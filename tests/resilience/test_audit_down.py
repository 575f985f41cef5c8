"""Audit is down for a while: what was used and requested meanwhile reaches it complete after."""

from __future__ import annotations

from contextlib import AsyncExitStack

import pytest
from resilience_kit import (
    NO_SUBSCRIPTIONS,
    Database,
    Journal,
    Summary,
    commit_changes,
    data_call,
    eventually,
    open_data_read,
    request_logged,
)
from resilience_kit import running_worker as worker

from audit.subscriptions import subscriptions as audit_subscriptions
from pdp_kit.broker import EmbeddedBroker

#: Fault tests take longer than the suite's per-test default (databases and brokers included).
pytestmark = [pytest.mark.timeout(300), pytest.mark.broker, pytest.mark.postgres]

BEFORE, DURING = 100, 900


async def _use_and_request(dbs: dict[str, Database], first: int, count: int) -> None:
    """``count`` data calls (sharing), open-data reads (opening) and gateway requests each."""
    for start in range(first, first + count, 50):
        numbers = range(start, min(start + 50, first + count))
        await commit_changes(
            dbs["sharing"], [(f"G{n % 7}", data_call(f"G{n % 7}", n)) for n in numbers]
        )
        await commit_changes(
            dbs["opening"], [(f"L{n % 5}", open_data_read(f"L{n % 5}", n)) for n in numbers]
        )
        await commit_changes(dbs["gateway"], [(f"req-{n}", request_logged(n)) for n in numbers])


async def test_usage_and_network_log_records_arrive_complete_after_audit_was_down(
    own_broker: EmbeddedBroker, producer_dbs: dict[str, Database], audit_db: Database
) -> None:
    summary = Summary("audit down")
    journal = Journal(audit_db)
    bootstrap = own_broker.bootstrap
    async with AsyncExitStack() as relays:
        for name in ("sharing", "opening", "gateway"):
            await relays.enter_async_context(
                worker(name, producer_dbs[name], bootstrap, NO_SUBSCRIPTIONS)
            )
        async with worker("audit", audit_db, bootstrap, audit_subscriptions):
            await _use_and_request(producer_dbs, 0, BEFORE)
            await eventually(
                lambda: _complete(journal, BEFORE), timeout=60, what="audit keeps up before"
            )
        # Audit is down: the producers go on, their relays publish, nobody consumes.
        await _use_and_request(producer_dbs, BEFORE, DURING)
        await eventually(
            lambda: _all_sent(producer_dbs),
            timeout=60,
            what="the relays publish while audit is down",
        )
        assert await journal.netlog_count() == BEFORE
        async with worker("audit", audit_db, bootstrap, audit_subscriptions) as audit:
            total = BEFORE + DURING
            await eventually(lambda: _complete(journal, total), timeout=90, what="audit catches up")
            stats = audit.consumer.stats

    assert await journal.usage_count() == 2 * total
    assert await journal.netlog_count() == total
    # The journal holds the domain events, each once; the network log is kept apart (Art. 34).
    assert await journal.count() == 2 * total
    assert stats.dead_lettered == 0
    # Complete: each record is the one its producer committed, and each request is there once.
    used = set(await producer_dbs["sharing"].outbox_ids()) | set(
        await producer_dbs["opening"].outbox_ids()
    )
    assert {r[0] for r in await audit_db.rows("SELECT event_id FROM usage_record")} == used
    requests = await audit_db.rows("SELECT event_id, request_id FROM netlog")
    assert {r[0] for r in requests} == set(await producer_dbs["gateway"].outbox_ids())
    assert sorted(r[1] for r in requests) == sorted(f"req-{n}" for n in range(total))
    summary.print(
        records_while_down=3 * DURING,
        usage_records=2 * total,
        netlog_records=total,
        handled_after_restart=stats.handled,
        duplicates_absorbed=stats.duplicates,
    )


async def _complete(journal: Journal, n: int) -> bool:
    return await journal.usage_count() >= 2 * n and await journal.netlog_count() >= n


async def _all_sent(dbs: dict[str, Database]) -> bool:
    return all([await dbs[name].pending() == 0 for name in ("sharing", "opening", "gateway")])
