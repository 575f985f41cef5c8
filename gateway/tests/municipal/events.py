"""Chain requests as the catalog publishes them, handed to the gateway's handlers."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI

from pdp_contracts import EventPayload
from pdp_contracts.catalog import ResourceChainRequested
from pdp_kit.events.envelope import Event


async def deliver(app: FastAPI, payload: EventPayload, *, event: Event | None = None) -> Event:
    """Hand an event to the gateway's handlers, as its consumer does (one transaction)."""
    event = event or Event.of(payload, subject=str(getattr(payload, "id", "x")), actor="catalog")
    handlers = app.state.definition.subscriptions.for_type(event.type)
    assert handlers, f"the gateway does not consume {event.type}"
    async with app.state.sessionmaker() as session, session.begin():
        for handler in handlers:
            await handler(session, event)
    return event


def resource_request(resource_id: str = "RES001", version: int = 1) -> ResourceChainRequested:
    return ResourceChainRequested(
        id=resource_id,
        version=version,
        department="D001",
        department_name="区教育局",
        code="R001",
        name="学校名录",
        description="本区中小学名录",
        duty="DU1",
        system="SY1",
        share_type="unconditional",
        open_type="unconditional",
        grade="general",
        level=1,
        important=False,
        update_frequency="yearly",
        fields=[{"name": "name", "title": "学校名称", "type": "string", "sensitive": False}],
        published_at=datetime(2026, 11, 2, 8, 0, tzinfo=UTC),
    )
