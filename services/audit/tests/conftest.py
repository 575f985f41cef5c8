"""Audit tests: the app, events as other services would publish them, and a way to deliver them."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from audit.main import create_app
from audit.settings import AuditSettings
from pdp_contracts import EventPayload, event_type
from pdp_contracts.catalog import DepartmentCreated
from pdp_contracts.gateway import RequestLogged
from pdp_kit.events.envelope import Event

Handler = Callable[[AsyncSession, Sequence[Event]], Awaitable[None]]
Deliver = Callable[..., Awaitable[None]]


@pytest.fixture
def service_app_factory() -> tuple[object, type[AuditSettings]]:
    return create_app, AuditSettings


class ShareRequestSubmitted(EventPayload):
    """A stand-in for a sharing event until the sharing contract has one."""

    event_type = event_type("sharing", "request", "submitted")

    request_id: str
    resource_id: str


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=UTC)


class Events:
    """Envelopes built as the producers build them (``Event.of``)."""

    at = staticmethod(at)

    @staticmethod
    def department_created(code: str = "D001", *, time: str | None = None) -> Event:
        event = Event.of(
            DepartmentCreated(code=code, name=f"部门{code}"),
            subject=code,
            actor="bureau-admin",
            department=code,
            traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        )
        return dataclasses.replace(event, time=at(time)) if time else event

    @staticmethod
    def share_request_submitted(request_id: str, *, department: str = "D002") -> Event:
        return Event.of(
            ShareRequestSubmitted(request_id=request_id, resource_id="R1"),
            subject=request_id,
            actor=f"client-{department}",
            department=department,
        )

    @staticmethod
    def request_logged(
        *,
        client_id: str | None = "client-D001",
        status: int = 200,
        time: str = "2026-03-01T08:00:00",
        path: str = "/api/catalog/resources",
    ) -> Event:
        logged = RequestLogged(
            request_id=f"req-{client_id}-{status}-{time}",
            time=at(time),
            client_id=client_id,
            source_address="10.0.0.7",
            method="GET",
            path=path,
            status=status,
            latency_ms=12.5,
            bytes_in=0,
            bytes_out=2048,
        )
        return Event.of(
            logged,
            subject=logged.request_id,
            actor=client_id,
            traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        )


@pytest.fixture
def events() -> type[Events]:
    return Events


@pytest.fixture
def deliver(app: FastAPI) -> Deliver:
    """Hand events to a handler in one transaction, as the kit's consumer does."""

    async def deliver(handler: Handler, *events: Event) -> None:
        async with app.state.sessionmaker() as session, session.begin():
            await handler(session, list(events))

    return deliver
