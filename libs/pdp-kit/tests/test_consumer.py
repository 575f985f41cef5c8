"""The consumer's guarantees, on real databases with a fake dead-letter producer."""

import asyncio
from typing import Any

import pytest
from aiokafka import ConsumerRecord, TopicPartition
from sqlalchemy import func, select

from pdp_contracts.catalog import CalendarYearLoaded
from pdp_kit.calendar import CalendarSource
from pdp_kit.calendar_store import load_calendar, when_calendar_year_loaded_store_it
from pdp_kit.db import create_engine, sessionmaker
from pdp_kit.events import consumer as consumer_module
from pdp_kit.events.consumer import EventConsumer, Subscriptions
from pdp_kit.events.envelope import Event
from pdp_kit.models import InboxEntry


class FakeDeadLetters:
    def __init__(self) -> None:
        self.records: list[tuple[str, bytes | None, bytes, dict[str, bytes]]] = []

    async def publish(
        self, topic: str, key: bytes | None, value: bytes, headers: list[tuple[str, bytes]]
    ) -> None:
        self.records.append((topic, key, value, dict(headers)))


def record(value: bytes, offset: int = 0) -> ConsumerRecord[Any, Any]:
    return ConsumerRecord(
        topic="pdp.catalog.events",
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=b"k",
        value=value,
        checksum=None,
        serialized_key_size=1,
        serialized_value_size=len(value),
        headers=(),
    )


def year_event(year: int) -> Event:
    return Event.of(CalendarYearLoaded(year=year, holidays=[], workdays=[]), subject=str(year))


def consumer_for(app: Any, subscriptions: Subscriptions, dead: FakeDeadLetters) -> EventConsumer:
    return EventConsumer(
        name="pdp-demo",
        subscriptions=subscriptions,
        sessionmaker=app.state.sessionmaker,
        dead_letters=dead,
        dead_letter_topic="pdp.demo.dlq",
        max_attempts=3,  # type: ignore[arg-type]
        retry_base_seconds=0.001,
    )


async def inbox_count(app: Any) -> int:
    async with app.state.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(InboxEntry)))


async def test_a_redelivered_event_is_handled_once(app) -> None:
    calls: list[str] = []

    async def counting(session, event: Event) -> None:
        calls.append(event.id)
        await when_calendar_year_loaded_store_it(session, event)

    dead = FakeDeadLetters()
    consumer = consumer_for(app, Subscriptions({CalendarYearLoaded.event_type: [counting]}), dead)
    _, value, _ = year_event(2040).encode()
    await consumer.handle_records([record(value, 0), record(value, 1)])
    await consumer.handle_records([record(value, 2)])
    assert len(calls) == 1
    assert await inbox_count(app) == 1
    assert consumer.stats.duplicates == 2


async def test_a_malformed_record_is_dead_lettered_and_the_next_one_handled(app) -> None:
    dead = FakeDeadLetters()
    subscriptions = Subscriptions(
        {CalendarYearLoaded.event_type: [when_calendar_year_loaded_store_it]}
    )
    consumer = consumer_for(app, subscriptions, dead)
    _, good, _ = year_event(2041).encode()
    await consumer.handle_records([record(b'{"id": 1}', 0), record(good, 1)])
    assert [(topic, headers["pdp-dlq-origin"]) for topic, _, _, headers in dead.records] == [
        ("pdp.demo.dlq", b"pdp.catalog.events/0/0")
    ]
    async with app.state.sessionmaker() as session:
        assert (await load_calendar(session)).source_for(2041) is CalendarSource.OPERATOR


async def test_a_handler_that_keeps_failing_is_retried_then_dead_lettered_without_its_changes(
    app,
) -> None:
    attempts: list[int] = []

    async def store_then_fail(session, event: Event) -> None:
        attempts.append(1)
        await when_calendar_year_loaded_store_it(session, event)
        raise RuntimeError("downstream rule broke")

    dead = FakeDeadLetters()
    consumer = consumer_for(
        app, Subscriptions({CalendarYearLoaded.event_type: [store_then_fail]}), dead
    )
    _, value, _ = year_event(2042).encode()
    await consumer.handle_records([record(value, 0)])
    assert len(attempts) == 1 + 3  # the batch, then max_attempts on its own
    assert b"downstream rule broke" in dead.records[0][3]["pdp-dlq-reason"]
    async with app.state.sessionmaker() as session:
        assert (await load_calendar(session)).source_for(2042) is not CalendarSource.OPERATOR
    assert await inbox_count(app) == 0


async def test_a_handler_that_fails_once_succeeds_on_retry(app) -> None:
    failures = iter([True])

    async def flaky(session, event: Event) -> None:
        if next(failures, False):
            raise ConnectionError("blip")
        await when_calendar_year_loaded_store_it(session, event)

    dead = FakeDeadLetters()
    consumer = consumer_for(app, Subscriptions({CalendarYearLoaded.event_type: [flaky]}), dead)
    _, value, _ = year_event(2044).encode()
    await consumer.handle_records([record(value, 0)])
    assert dead.records == []
    assert await inbox_count(app) == 1


async def test_events_nobody_subscribed_to_are_acknowledged_without_an_inbox_row(app) -> None:
    dead = FakeDeadLetters()
    consumer = consumer_for(app, Subscriptions(), dead)
    _, value, _ = year_event(2045).encode()
    await consumer.handle_records([record(value, 0)])
    assert consumer.stats.ignored == 1
    assert await inbox_count(app) == 0


@pytest.mark.parametrize(
    "bad", [b"", b"[]", b'{"specversion": "1.0", "id": "x", "source": "/s", "type": "t"}']
)
async def test_records_that_are_not_platform_events_are_dead_lettered(app, bad: bytes) -> None:
    dead = FakeDeadLetters()
    consumer = consumer_for(app, Subscriptions(), dead)
    await consumer.handle_records([record(bad, 0)])
    assert len(dead.records) == 1


class DatabaseDownFor:
    """A sessionmaker whose first ``calls`` sessions find the database unreachable."""

    def __init__(self, app: Any, calls: int) -> None:
        self._app = app
        self._left = calls
        self._down = create_engine("postgresql+asyncpg://postgres@127.0.0.1:9/down")

    def __call__(self) -> Any:
        if self._left > 0:
            self._left -= 1
            return sessionmaker(self._down)()
        return self._app.state.sessionmaker()


async def test_an_unreachable_database_is_waited_for_and_never_dead_letters_the_event(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(consumer_module, "UNREACHABLE_WAIT_SECONDS", 0.001)
    dead = FakeDeadLetters()
    subscriptions = Subscriptions(
        handlers={CalendarYearLoaded.event_type: [when_calendar_year_loaded_store_it]}
    )
    consumer = consumer_for(app, subscriptions, dead)
    down = DatabaseDownFor(app, calls=10)  # the batch, then more than max_attempts (3) alone
    consumer._sessionmaker = down  # type: ignore[assignment]

    await consumer.handle_records([record(year_event(2091).encode()[1])])

    assert dead.records == []
    assert await inbox_count(app) == 1
    async with app.state.sessionmaker() as session:
        assert (await load_calendar(session)).source_for(2091) is CalendarSource.OPERATOR
    await down._down.dispose()


async def test_subscriptions_whose_own_records_say_what_was_handled_write_no_inbox_rows(
    app,
) -> None:
    kept: dict[str, Event] = {}  # the service's own record of each event it handled
    batches: list[list[str]] = []

    async def keep_them(session, events) -> None:  # type: ignore[no-untyped-def]
        batches.append([e.id for e in events])
        kept.update({e.id: e for e in events})

    async def already_kept(session, ids):  # type: ignore[no-untyped-def]
        return [i for i in ids if i in kept]

    subscriptions = Subscriptions(
        batch_handlers={CalendarYearLoaded.event_type: [keep_them]}, already_handled=already_kept
    )
    consumer = consumer_for(app, subscriptions, FakeDeadLetters())
    first, second = year_event(2043), year_event(2044)
    a, b = first.encode()[1], second.encode()[1]
    await consumer.handle_records([record(a, 0), record(b, 1), record(a, 2)])
    await consumer.handle_records([record(b, 3), record(a, 4)])  # after a lost offset commit
    assert batches == [[first.id, second.id]]
    assert (consumer.stats.handled, consumer.stats.duplicates) == (2, 3)
    assert await inbox_count(app) == 0


class ScriptedKafka:
    """Stands in for aiokafka's consumer: hands out the polls given, then nothing; records the
    offsets committed and what had been handled when each was."""

    def __init__(self, polls: list[list[ConsumerRecord[Any, Any]]], handled: list[str]) -> None:
        self._polls = polls
        self._handled = handled
        self.polled = asyncio.Event()  # set when a poll past the first one was asked for
        self.calls = 0
        self.commits: list[tuple[int, list[str]]] = []

    async def getmany(self, timeout_ms: int) -> dict[TopicPartition, list[ConsumerRecord]]:
        self.calls += 1
        if self.calls > 1:
            self.polled.set()
        if not self._polls:
            await asyncio.sleep(timeout_ms / 1000)
            return {}
        return {TopicPartition("pdp.catalog.events", 0): self._polls.pop(0)}

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        self.commits.append((*offsets.values(), list(self._handled)))

    def assignment(self) -> set[TopicPartition]:
        return set()


async def test_the_next_poll_is_fetched_during_a_batch_and_offsets_follow_the_handling(
    app,
) -> None:
    handled: list[str] = []
    first, second = year_event(2045), year_event(2046)
    polls = [[record(first.encode()[1], 0)], [record(second.encode()[1], 1)]]
    kafka = ScriptedKafka(polls, handled)

    async def slow_keep(session, events) -> None:  # type: ignore[no-untyped-def]
        # The first batch is still being handled when the consumer asks for the next poll.
        if not handled:
            await asyncio.wait_for(kafka.polled.wait(), timeout=5)
        handled.extend(e.id for e in events)

    consumer = consumer_for(
        app,
        Subscriptions(batch_handlers={CalendarYearLoaded.event_type: [slow_keep]}),
        FakeDeadLetters(),
    )
    stop = asyncio.Event()
    running = asyncio.create_task(consumer.run(kafka, stop))  # type: ignore[arg-type]
    for _ in range(200):
        if len(kafka.commits) == 2:
            break
        await asyncio.sleep(0.02)
    stop.set()
    await asyncio.wait_for(running, timeout=5)
    assert handled == [first.id, second.id]
    # Each offset was committed after its own batch was handled (and so after the next poll).
    assert kafka.commits == [(1, [first.id]), (2, [first.id, second.id])] or kafka.commits == [
        (1, [first.id, second.id]),
        (2, [first.id, second.id]),
    ]
    assert await inbox_count(app) == 2
