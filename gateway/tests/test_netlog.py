import asyncio
from datetime import UTC, datetime

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from pdp_contracts.gateway import (
    NETLOG_TOPIC,
    ClientRegistered,
    RequestLogged,
    RequestsLogged,
    StaffUserCreated,
)
from pdp_kit.events.envelope import Event
from pdp_kit.models import OutboxMessage
from pdp_kit.settings import DEV_ADMIN_ID
from pdp_kit.testing.spies import OutboxSpy


async def logged(app: FastAPI, outbox: OutboxSpy) -> list[RequestLogged]:
    """What the flush published, entry by entry."""
    await app.state.netlog.flush()
    return requests_of(await outbox.events(RequestsLogged.event_type))


def requests_of(events: list[Event]) -> list[RequestLogged]:
    return [r for e in events for r in e.payload(RequestsLogged).requests()]


async def test_a_token_request_is_logged_once_with_its_client_and_sizes(
    app: FastAPI, gateway, outbox
) -> None:
    before = datetime.now(UTC)
    response = await gateway.token()
    assert response.status_code == 200
    await app.state.netlog.flush()
    events = await outbox.events(RequestsLogged.event_type)
    assert len(events) == 1
    [entry] = events[0].payload(RequestsLogged).requests()
    assert entry.request_id == response.headers["x-request-id"]
    assert entry.client_id == DEV_ADMIN_ID
    assert entry.source_address == "127.0.0.1"
    assert (entry.method, entry.path, entry.status) == ("POST", "/oauth/token", 200)
    assert entry.bytes_in == len(b"grant_type=client_credentials")
    assert entry.bytes_out == len(response.content)
    assert entry.latency_ms > 0
    assert before <= entry.time <= datetime.now(UTC)
    # A batch is known by its first entry's id (audit's redelivery check relies on it).
    assert events[0].id == events[0].data["entries"][0][0]


async def test_netlog_events_go_to_the_netlog_topic_and_client_events_do_not(
    app: FastAPI, gateway
) -> None:
    await gateway.token()
    await app.state.netlog.flush()
    async with app.state.sessionmaker() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
    routes = {(Event.decode(row.value).type, row.topic) for row in rows}
    assert routes == {
        (RequestsLogged.event_type, NETLOG_TOPIC),
        (ClientRegistered.event_type, "pdp.gateway.events"),
        (StaffUserCreated.event_type, "pdp.gateway.events"),  # the dev bureau staff user
    }


async def test_a_failed_token_request_is_logged_with_the_client_id_it_named(
    app: FastAPI, gateway, outbox
) -> None:
    response = await gateway.token(DEV_ADMIN_ID, "wrong")
    assert response.status_code == 401
    [entry] = await logged(app, outbox)
    assert (entry.status, entry.client_id) == (401, DEV_ADMIN_ID)


async def test_every_request_is_logged_with_its_caller_but_probes_are_not(
    app: FastAPI, client: httpx.AsyncClient, auth, outbox
) -> None:
    bureau = auth.headers("bureau", client_id="bureau-console")
    await client.get("/healthz")
    await client.get("/readyz")
    await client.get("/metrics")
    await client.get("/api/gateway/clients", headers=bureau)
    await client.get("/api/gateway/clients", headers={"Authorization": "Bearer forged"})
    await client.get("/api/catalog/resources", headers=bureau)  # proxied; nothing listens
    await client.get("/api/nosuch/x")
    await client.get("/.well-known/jwks.json")
    entries = await logged(app, outbox)
    assert [(e.path, e.status, e.client_id) for e in entries] == [
        ("/api/gateway/clients", 200, "bureau-console"),
        ("/api/gateway/clients", 401, None),
        ("/api/catalog/resources", 502, "bureau-console"),
        ("/api/nosuch/x", 404, None),
        ("/.well-known/jwks.json", 200, None),
    ]
    assert len({e.request_id for e in entries}) == len(entries)


async def test_the_buffer_flushes_by_itself_shortly_after_a_request(
    app: FastAPI, client: httpx.AsyncClient, outbox
) -> None:
    await client.get("/.well-known/oauth-authorization-server")
    for _ in range(50):  # the flusher runs every 100 ms
        if await outbox.events(RequestsLogged.event_type):
            break
        await asyncio.sleep(0.05)
    assert len(requests_of(await outbox.events(RequestsLogged.event_type))) == 1


async def test_entries_still_buffered_are_written_when_the_gateway_stops(
    service_app_factory, service_settings
) -> None:
    create_app, _ = service_app_factory
    gateway_app = create_app(service_settings.model_copy(update={"netlog_flush_seconds": 3600.0}))
    async with gateway_app.router.lifespan_context(gateway_app):
        transport = httpx.ASGITransport(app=gateway_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw.test") as c:
            for _ in range(3):
                await c.get("/.well-known/jwks.json")
        assert gateway_app.state.netlog.pending == 3
    try:
        events = await OutboxSpy(gateway_app.state.sessionmaker).events(RequestsLogged.event_type)
    finally:
        await gateway_app.state.engine.dispose()
    assert len(requests_of(events)) == 3
