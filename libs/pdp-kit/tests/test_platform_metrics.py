"""The platform metrics on /metrics move when the outbox, consumers and sweeps do."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer, ConsumerRecord
from demo_service.app import create_app
from prometheus_client.parser import text_string_to_metric_families

from pdp_contracts.catalog import CalendarYearLoaded
from pdp_kit.broker import EmbeddedBroker
from pdp_kit.events.consumer import EventConsumer, Subscriptions
from pdp_kit.events.envelope import Event
from pdp_kit.events.kafka import build_consumer
from pdp_kit.settings import ProcessRole
from pdp_kit.sweeps import Sweep, run_sweeps


class FakeDeadLetters:
    async def publish(self, *_: Any) -> None:
        return None


def value_in(text: str, name: str, **labels: str) -> float | None:
    """One sample's value in a Prometheus exposition, or None when it is not there."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return None


async def scrape(app: Any) -> str:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://demo") as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    return response.text


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.1)


@pytest.fixture
async def started(service_settings) -> AsyncIterator[Callable[..., Awaitable[Any]]]:
    """Start the demo service with the given settings changes (refreshing metrics quickly)."""
    contexts: list[Any] = []

    async def start(**changes: Any) -> Any:
        settings = service_settings.model_copy(
            update={"metrics_refresh_seconds": 0.05, "relay_idle_seconds": 0.05, **changes}
        )
        app = create_app(settings)
        context = app.router.lifespan_context(app)
        await context.__aenter__()
        contexts.append(context)
        return app

    yield start
    for context in reversed(contexts):
        await context.__aexit__(None, None, None)


async def test_an_api_process_reports_the_backlog_and_oldest_age_it_reads_from_the_database(
    started, as_bureau
) -> None:
    app = await started(role=ProcessRole.API)  # no relay here: the rows stay unsent
    text = await scrape(app)
    assert "# TYPE pdp_outbox_backlog gauge" in text
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://d") as c:
        for year in (2401, 2402, 2403):
            assert (await c.post(f"/api/demo/calendar/{year}", headers=as_bureau)).is_success
    await asyncio.sleep(0.3)  # older than a refresh or two

    async def three_waiting() -> bool:
        return value_in(await scrape(app), "pdp_outbox_backlog") == 3

    await eventually(three_waiting)
    age = value_in(await scrape(app), "pdp_outbox_oldest_age_seconds")
    assert age is not None and age >= 0.2  # refreshed every 0.05 s


@pytest.mark.broker
async def test_published_and_handled_events_are_counted_and_the_backlog_drains(
    started, broker: EmbeddedBroker, as_bureau
) -> None:
    app = await started(
        role=ProcessRole.ALL, kafka_bootstrap=broker.bootstrap, kafka_timeout_seconds=3.0
    )
    before = await scrape(app)
    group = {"group": "pdp-demo"}
    handled_before = value_in(before, "pdp_consumer_events_total", **group, outcome="handled")
    published_before = value_in(before, "pdp_outbox_published_total") or 0.0
    year = 2500 + uuid.uuid4().int % 80
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://d") as c:
        assert (await c.post(f"/api/demo/calendar/{year}", headers=as_bureau)).is_success

    async def handled() -> bool:
        text = await scrape(app)
        now = value_in(text, "pdp_consumer_events_total", **group, outcome="handled") or 0.0
        return now > (handled_before or 0.0) and value_in(text, "pdp_outbox_backlog") == 0

    await eventually(handled)
    after = await scrape(app)
    assert (value_in(after, "pdp_outbox_published_total") or 0.0) >= published_before + 1
    assert value_in(after, "pdp_outbox_oldest_age_seconds") == 0

    async def caught_up() -> bool:
        lag = value_in(await scrape(app), "pdp_consumer_lag", **group, topic="pdp.catalog.events")
        return lag == 0

    await eventually(caught_up)


@pytest.mark.broker
async def test_consumer_lag_is_what_the_group_has_not_committed(
    app, broker: EmbeddedBroker
) -> None:
    topic, group = f"pdp.lagtest{uuid.uuid4().hex[:8]}.events", f"pdp-lag-{uuid.uuid4().hex[:8]}"
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, enable_idempotence=False)
    await producer.start()
    try:
        for year in (2601, 2602, 2603):
            key, value, headers = Event.of(
                CalendarYearLoaded(year=year, holidays=[], workdays=[]), subject=str(year)
            ).encode()
            await producer.send_and_wait(topic, value, key=key, headers=headers)
    finally:
        await producer.stop()
    seen: list[str] = []

    async def remember(session: Any, event: Event) -> None:
        seen.append(event.id)

    events = EventConsumer(
        name=group,
        subscriptions=Subscriptions(topics=frozenset({topic}), wildcard=[remember]),
        sessionmaker=app.state.sessionmaker,
        dead_letters=FakeDeadLetters(),  # type: ignore[arg-type]
        dead_letter_topic="pdp.demo.dlq",
    )
    consumer = build_consumer(
        broker.bootstrap, group_id=group, topics=[topic], rebalance_timeout_ms=1000
    )
    await asyncio.wait_for(consumer.start(), timeout=60)
    stop = asyncio.Event()
    try:
        # A fetch tells the consumer where the log ends; nothing is committed yet.
        fetched = 0
        for _ in range(20):  # the three may come in more than one fetch
            batches = await consumer.getmany(timeout_ms=1000)
            fetched += sum(len(records) for records in batches.values())
            if fetched == 3:
                break
        assert fetched == 3
        assert await events.measure_lag(consumer) == {topic: 3}
        assert value_in(await scrape(app), "pdp_consumer_lag", group=group, topic=topic) == 3
        await consumer.seek_to_beginning(*consumer.assignment())  # handle them from the start
        running = asyncio.create_task(events.run(consumer, stop))

        async def none_behind() -> bool:
            lag = value_in(await scrape(app), "pdp_consumer_lag", group=group, topic=topic)
            return len(seen) == 3 and lag == 0

        await eventually(none_behind)
        stop.set()
        await running
    finally:
        await consumer.stop()
    assert (
        value_in(await scrape(app), "pdp_consumer_events_total", group=group, outcome="handled")
        == 3
    )


async def test_a_dead_lettered_record_is_counted_by_group_and_topic(app) -> None:
    group = f"pdp-dead-{uuid.uuid4().hex[:8]}"
    events = EventConsumer(
        name=group,
        subscriptions=Subscriptions(),
        sessionmaker=app.state.sessionmaker,
        dead_letters=FakeDeadLetters(),  # type: ignore[arg-type]
        dead_letter_topic="pdp.demo.dlq",
    )
    bad = ConsumerRecord(
        topic="pdp.catalog.events",
        partition=0,
        offset=7,
        timestamp=0,
        timestamp_type=0,
        key=None,
        value=b"not an event",
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=12,
        headers=(),
    )
    await events.handle_records([bad])
    text = await scrape(app)
    assert (
        value_in(text, "pdp_consumer_dead_letters_total", group=group, topic="pdp.catalog.events")
        == 1
    )
    assert value_in(text, "pdp_consumer_events_total", group=group, outcome="dead_lettered") == 1


async def test_sweep_runs_are_counted_by_outcome_with_what_they_changed(app) -> None:
    name = f"changes-{uuid.uuid4().hex[:8]}"

    async def flag(session: Any, as_of: date) -> dict[str, Any]:
        return {"as_of": as_of.isoformat(), "overdue": 2, "reminded": ["a", "b", "c"]}

    async def broken(session: Any, as_of: date) -> dict[str, Any]:
        raise RuntimeError("the sweep failed")

    await run_sweeps(app.state.sessionmaker, [Sweep(name, flag)], as_of=date(2027, 3, 1))
    await run_sweeps(app.state.sessionmaker, [Sweep(name, flag)], as_of=date(2027, 3, 2))
    with pytest.raises(RuntimeError):
        await run_sweeps(app.state.sessionmaker, [Sweep(name, broken)], as_of=date(2027, 3, 3))
    text = await scrape(app)
    assert value_in(text, "pdp_sweep_runs_total", sweep=name, outcome="ok") == 2
    assert value_in(text, "pdp_sweep_runs_total", sweep=name, outcome="failed") == 1
    assert value_in(text, "pdp_sweep_changes_total", sweep=name) == 10


async def test_the_sweep_endpoint_counts_its_runs(client: httpx.AsyncClient, as_bureau) -> None:
    before = value_in((await client.get("/metrics")).text, "pdp_sweep_runs_total", sweep="count")
    assert (await client.post("/api/demo/admin/sweep", headers=as_bureau)).status_code == 200
    after = value_in((await client.get("/metrics")).text, "pdp_sweep_runs_total", sweep="count")
    assert after == (before or 0.0) + 1
