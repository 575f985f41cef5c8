"""Outbox, relay, consumer and inbox against the real embedded broker and real databases."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from demo_service.app import create_app
from sqlalchemy import func, select

from pdp_contracts.catalog import CalendarYearLoaded
from pdp_kit.broker import EmbeddedBroker, free_port
from pdp_kit.calendar import CalendarSource
from pdp_kit.calendar_store import load_calendar
from pdp_kit.events.envelope import Event
from pdp_kit.models import InboxEntry, OutboxMessage

pytestmark = pytest.mark.broker


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.2)


async def year_known(app: Any, year: int) -> bool:
    async with app.state.sessionmaker() as session:
        calendar = await load_calendar(session)
    return calendar.source_for(year) is CalendarSource.OPERATOR


@pytest.fixture
async def running(service_settings) -> AsyncIterator[Callable[..., Any]]:
    """Start the demo service with its worker (relay, consumer, sweeps) against a bootstrap."""
    stack: list[Any] = []

    async def start(bootstrap: str) -> Any:
        settings = service_settings.model_copy(
            update={
                "role": "all",
                "kafka_bootstrap": bootstrap,
                "relay_idle_seconds": 0.05,
                "kafka_timeout_seconds": 3.0,
            }
        )
        app = create_app(settings)
        context = app.router.lifespan_context(app)
        await context.__aenter__()
        stack.append(context)
        return app

    yield start
    for context in reversed(stack):
        await context.__aexit__(None, None, None)


def client_for(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://demo")


async def test_an_event_travels_outbox_relay_broker_consumer_to_the_database(
    running, broker: EmbeddedBroker, as_bureau
) -> None:
    app = await running(broker.bootstrap)
    year = 2100 + uuid.uuid4().int % 80
    async with client_for(app) as client:
        response = await client.post(f"/api/demo/calendar/{year}", headers=as_bureau)
    assert response.status_code == 200
    await eventually(lambda: year_known(app, year))


async def test_writes_go_on_while_the_broker_is_down_and_nothing_is_lost_or_doubled(
    running, tmp_path, as_bureau
) -> None:
    port = free_port()
    app = await running(f"127.0.0.1:{port}")
    years = [2200 + i for i in range(5)]
    async with client_for(app) as client:
        for year in years:
            response = await client.post(f"/api/demo/calendar/{year}", headers=as_bureau)
            assert response.status_code == 200
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["status"] == "degraded"
        assert ready.json()["checks"]["broker"] == "down"

        async def pending() -> int:
            async with app.state.sessionmaker() as session:
                return int(
                    await session.scalar(
                        select(func.count())
                        .select_from(OutboxMessage)
                        .where(OutboxMessage.sent_at.is_(None))
                    )
                )

        assert await pending() == len(years)
        with EmbeddedBroker(port, log_path=tmp_path / "tansu.log"):
            for year in years:
                await eventually(lambda y=year: year_known(app, y))
            assert await pending() == 0
            await eventually(lambda: _ready(client))
    async with app.state.sessionmaker() as session:
        handled = await session.scalar(select(func.count()).select_from(InboxEntry))
    assert handled == len(years)


async def _ready(client: httpx.AsyncClient) -> bool:
    return bool((await client.get("/readyz")).json()["status"] == "ready")


async def test_a_malformed_record_goes_to_the_dead_letter_topic_and_consumption_goes_on(
    running, broker: EmbeddedBroker
) -> None:
    app = await running(broker.bootstrap)
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, enable_idempotence=False)
    await producer.start()
    marker = uuid.uuid4().hex
    year = 2300 + uuid.uuid4().int % 80
    good = Event.of(CalendarYearLoaded(year=year, holidays=[], workdays=[]), subject=str(year))
    key, value, headers = good.encode()
    try:
        await producer.send_and_wait("pdp.catalog.events", f"not json {marker}".encode(), key=b"x")
        await producer.send_and_wait("pdp.catalog.events", value, key=key, headers=headers)
    finally:
        await producer.stop()
    await eventually(lambda: year_known(app, year))

    dead = AIOKafkaConsumer(
        "pdp.demo.dlq",
        bootstrap_servers=broker.bootstrap,
        group_id=f"t-{marker}",
        auto_offset_reset="earliest",
    )
    await dead.start()
    try:
        found: dict[str, bytes] = {}
        deadline = asyncio.get_running_loop().time() + 30
        while not found and asyncio.get_running_loop().time() < deadline:
            for records in (await dead.getmany(timeout_ms=500)).values():
                for record in records:
                    if marker.encode() in (record.value or b""):
                        found = dict(record.headers)
    finally:
        await dead.stop()
    assert b"CloudEvents" in found["pdp-dlq-reason"]
    assert found["pdp-dlq-origin"].startswith(b"pdp.catalog.events/")


async def test_the_relay_catches_up_when_the_broker_returns_during_a_run(
    running, tmp_path, as_bureau
) -> None:
    port = free_port()
    first = EmbeddedBroker(port, log_path=tmp_path / "first.log").start()
    app = await running(f"127.0.0.1:{port}")
    async with client_for(app) as client:
        assert (await client.post("/api/demo/calendar/2400", headers=as_bureau)).status_code == 200
        await eventually(lambda: year_known(app, 2400))
        first.stop()
        for year in (2401, 2402):
            response = await client.post(f"/api/demo/calendar/{year}", headers=as_bureau)
            assert response.status_code == 200
        await eventually(lambda: _broker_down(client))
        # A real outage: the relay has tried and failed before the broker comes back.
        await eventually(lambda: _relay_failed(app))
        with EmbeddedBroker(port, log_path=tmp_path / "second.log"):
            for year in (2401, 2402):
                await eventually(lambda y=year: year_known(app, y), timeout=60)
    async with app.state.sessionmaker() as session:
        handled = await session.scalar(select(func.count()).select_from(InboxEntry))
    assert handled == 3


async def _broker_down(client: httpx.AsyncClient) -> bool:
    return bool((await client.get("/readyz")).json()["checks"]["broker"] == "down")


async def _relay_failed(app: Any) -> bool:
    return not app.state.worker.relay.healthy
