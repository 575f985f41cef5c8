"""Two relay replicas on one PostgreSQL outbox: one batch in flight at a time, in commit order."""

import asyncio
from collections.abc import Iterable

import pytest

from pdp_contracts.catalog import CalendarYearLoaded
from pdp_kit.events.kafka import Record
from pdp_kit.events.outbox import OutboxRelay, record_event


class HeldProducer:
    """Acknowledges a batch only when the test lets it; remembers what was published, in order."""

    def __init__(self, published: list[str]) -> None:
        self.published = published
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    async def publish_many(self, records: Iterable[Record]) -> None:
        batch = [key.decode() for _, key, _, _ in records if key]
        self.holding.set()
        await self.release.wait()
        self.published.extend(batch)


async def _change(app, subject: str) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        payload = CalendarYearLoaded(year=2100, holidays=[], workdays=[])
        await record_event(session, payload, subject=subject)


async def test_a_second_replica_waits_while_the_first_publishes_so_an_aggregate_keeps_its_order(
    app, backend
) -> None:
    if backend != "postgresql":
        pytest.skip("replicas share an outbox on PostgreSQL; SQLite runs one relay")
    published: list[str] = []
    first, second = HeldProducer(published), HeldProducer(published)
    await _change(app, "X-1")
    one = OutboxRelay(app.state.sessionmaker, first)  # type: ignore[arg-type]
    other = OutboxRelay(app.state.sessionmaker, second)  # type: ignore[arg-type]
    in_flight = asyncio.create_task(one.run_once())
    await asyncio.wait_for(first.holding.wait(), timeout=10)
    await _change(app, "X-2")  # the aggregate's next change, committed while X-1 is in flight
    second.release.set()

    assert await asyncio.wait_for(other.run_once(), timeout=10) == 0
    first.release.set()
    assert await asyncio.wait_for(in_flight, timeout=10) == 1
    assert await asyncio.wait_for(other.run_once(), timeout=10) == 1
    assert published == ["X-1", "X-2"]
