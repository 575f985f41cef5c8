"""Relays on one PostgreSQL outbox: one replica publishes at a time, in commit order, its batches
pipelined within its turn."""

import asyncio
from collections.abc import Iterable

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from pdp_contracts.catalog import CalendarYearLoaded
from pdp_kit.events.kafka import BrokerUnavailable, Record, SentBatch
from pdp_kit.events.outbox import OutboxRelay, record_event
from pdp_kit.models import OutboxMessage


class HeldProducer:
    """Acknowledges a batch only when the test lets it; remembers what was published, in order."""

    def __init__(self, published: list[str]) -> None:
        self.published = published
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    async def send_many(self, records: Iterable[Record]) -> SentBatch:
        batch = [key.decode() for _, key, _, _ in records if key]
        acknowledged: asyncio.Future[list[str]] = asyncio.get_running_loop().create_future()
        acknowledged.set_result(batch)
        return SentBatch(acknowledged)

    async def wait_acknowledged(self, sent: SentBatch) -> None:
        self.holding.set()
        await self.release.wait()
        self.published.extend(sent.acknowledged.result())


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


class LoggingProducer:
    """Acknowledges at once, or fails the acknowledgement of one batch; logs sends and acks."""

    def __init__(self, fail_batch: int | None = None) -> None:
        self.log: list[tuple[str, int, list[str]]] = []
        self.published: list[str] = []
        self._fail_batch = fail_batch
        self._sent = 0

    async def send_many(self, records: Iterable[Record]) -> SentBatch:
        self._sent += 1
        batch = [key.decode() for _, key, _, _ in records if key]
        self.log.append(("send", self._sent, batch))
        acknowledged: asyncio.Future[tuple[int, list[str]]] = (
            asyncio.get_running_loop().create_future()
        )
        acknowledged.set_result((self._sent, batch))
        return SentBatch(acknowledged)

    async def wait_acknowledged(self, sent: SentBatch) -> None:
        number, batch = sent.acknowledged.result()
        if number == self._fail_batch:
            raise BrokerUnavailable("broker gone before acknowledging")
        self.log.append(("ack", number, batch))
        self.published.extend(batch)


async def _changes(app, count: int) -> list[str]:
    subjects = [f"P-{i:02d}" for i in range(count)]
    async with app.state.sessionmaker() as session, session.begin():
        for subject in subjects:
            payload = CalendarYearLoaded(year=2100, holidays=[], workdays=[])
            await record_event(session, payload, subject=subject)
    return subjects


async def _unsent(app) -> int:
    async with app.state.sessionmaker() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(col(OutboxMessage.sent_at).is_(None))
            )
        )


async def test_a_pipelined_turn_sends_the_next_batch_before_the_last_is_acknowledged_in_order(
    app, backend
) -> None:
    if backend != "postgresql":
        pytest.skip("the pipelined turn is PostgreSQL's (SQLite publishes a batch at a time)")
    subjects = await _changes(app, 7)
    producer = LoggingProducer()
    relay = OutboxRelay(app.state.sessionmaker, producer, batch_size=3)  # type: ignore[arg-type]
    assert await relay.run_once() == 7
    assert [(step, n) for step, n, _ in producer.log] == [
        ("send", 1),
        ("send", 2),
        ("ack", 1),
        ("send", 3),
        ("ack", 2),
        ("ack", 3),
    ]
    sent = [subject for step, _, batch in producer.log if step == "send" for subject in batch]
    assert sent == producer.published == subjects  # outbox order, across batches
    assert await _unsent(app) == 0


async def test_a_broker_failure_mid_turn_leaves_the_whole_turn_to_be_published_again(
    app, backend
) -> None:
    if backend != "postgresql":
        pytest.skip("the pipelined turn is PostgreSQL's (SQLite publishes a batch at a time)")
    subjects = await _changes(app, 6)
    failing = LoggingProducer(fail_batch=2)
    relay = OutboxRelay(app.state.sessionmaker, failing, batch_size=2)  # type: ignore[arg-type]
    with pytest.raises(BrokerUnavailable):
        await relay.run_once()
    # Batch 1 was acknowledged, batch 2 was not: neither is marked (the marks commit with the
    # turn), so nothing acknowledged-but-unmarked and nothing unacknowledged is lost.
    assert failing.published == subjects[:2]
    assert await _unsent(app) == 6
    working = LoggingProducer()
    again = OutboxRelay(app.state.sessionmaker, working, batch_size=2)  # type: ignore[arg-type]
    assert await again.drain() == 6
    assert working.published == subjects  # again, in order: at least once
    assert await _unsent(app) == 0


async def test_a_change_committed_during_a_turn_below_the_batch_in_flight_goes_before_later_ones(
    app, backend
) -> None:
    if backend != "postgresql":
        pytest.skip("the pipelined turn is PostgreSQL's (SQLite publishes a batch at a time)")
    payload = CalendarYearLoaded(year=2100, holidays=[], workdays=[])
    slow = app.state.sessionmaker()
    await slow.begin()
    await record_event(slow, payload, subject="A-1")
    await slow.flush()  # A-1 has the lowest seq but is not committed yet
    others = await _changes(app, 3)

    class CommittingProducer(LoggingProducer):
        async def send_many(self, records: Iterable[Record]) -> SentBatch:
            sent = await super().send_many(records)
            if self._sent == 1:  # while the first batch is in flight: A-1 commits, then A-2
                await slow.commit()
                await _change(app, "A-2")
            return sent

    producer = CommittingProducer()
    relay = OutboxRelay(app.state.sessionmaker, producer, batch_size=3)  # type: ignore[arg-type]
    try:
        assert await relay.run_once() == 5
    finally:
        await slow.close()
    assert producer.published == [*others, "A-1", "A-2"]
