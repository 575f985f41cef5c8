"""Audit tests: the app, events as other services would publish them, and a way to deliver them."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from audit.main import create_app
from audit.settings import AuditSettings
from pdp_contracts.catalog import DepartmentCreated
from pdp_contracts.gateway import REQUESTS_LOGGED_FIELDS, RequestLogged, RequestsLogged
from pdp_contracts.opening import OpenDataRead
from pdp_contracts.sharing import GrantCreated, GrantDataCalled, RequestSubmitted
from pdp_contracts.usage import UsageBasis, UsageResult
from pdp_kit.events.envelope import Event

Handler = Callable[[AsyncSession, Sequence[Event]], Awaitable[None]]
Deliver = Callable[..., Awaitable[None]]


@pytest.fixture
def service_app_factory() -> tuple[object, type[AuditSettings]]:
    return create_app, AuditSettings


@pytest.fixture
def service_settings(service_settings: AuditSettings, tmp_path: Path) -> AuditSettings:
    """Each test's own data directory: its own checkpoint key."""
    return service_settings.model_copy(update={"data_dir": tmp_path / "data"})


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
            RequestSubmitted(
                id=request_id,
                resource_id="R1",
                requester=department,
                provider="D001",
                share_type="conditional",
                fields=["credit_code"],
                scenario="企业开办核验",
                legal_basis="《上海市公共数据和一网通办管理办法》第二十五条",
                method="api",
                valid_until=date(2027, 12, 31),
                received_on=date(2026, 3, 2),
                reply_due_on=date(2026, 3, 16),
                provisional=False,
            ),
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

    @staticmethod
    def requests_logged(
        count: int = 3, *, time: str = "2026-03-01T08:00:00", **fields: Any
    ) -> Event:
        """A gateway batch of ``count`` entries a second apart (``fields`` override values)."""
        start = at(time)
        entries = []
        for n in range(count):
            entry = {
                "event_id": str(uuid.uuid4()),
                "request_id": f"req-{uuid.uuid4().hex[:12]}",
                "time": (start + timedelta(seconds=n)).isoformat(timespec="microseconds"),
                "client_id": "client-D001",
                "source_address": "10.0.0.7",
                "method": "GET",
                "path": f"/api/catalog/resources/{n}",
                "status": 200,
                "latency_ms": 3.25,
                "bytes_in": 0,
                "bytes_out": 2048,
                "traceparent": None,
                **fields,
            }
            entries.append([entry[name] for name in REQUESTS_LOGGED_FIELDS])
        return Event(
            id=entries[0][0],
            source="/pdp/gateway",
            type=RequestsLogged.event_type,
            subject=entries[0][0],
            time=datetime.now(UTC),
            data={"fields": list(REQUESTS_LOGGED_FIELDS), "entries": entries},
        )

    @staticmethod
    def data_called(
        grant_id: str = "G1",
        *,
        holder: str = "D002",
        provider: str = "D001",
        resource_id: str = "R1",
        time: str = "2026-03-01T08:00:00",
        records: int = 10,
        result: UsageResult = UsageResult.OK,
    ) -> Event:
        call = GrantDataCalled(
            client_id=f"client-{holder}",
            department=holder,
            basis=UsageBasis.GRANT,
            basis_id=grant_id,
            resource_id=resource_id,
            provider=provider,
            purpose="低保资格核查",
            fields=["name", "id_number"],
            record_count=records,
            result=result,
            reason=None if result is UsageResult.OK else "授权已终止",
            called_at=at(time),
        )
        return Event.of(call, subject=grant_id, actor=call.client_id, department=holder)

    @staticmethod
    def open_data_read(
        operator: str = "OP001", *, provider: str = "D001", time: str = "2026-03-01T08:00:00"
    ) -> Event:
        call = OpenDataRead(
            client_id=f"client-{operator}",
            operator=operator,
            basis=UsageBasis.LISTING,
            basis_id="L1",
            listing_id="L1",
            resource_id="R9",
            provider=provider,
            record_count=3,
            result=UsageResult.OK,
            called_at=at(time),
        )
        return Event.of(call, subject="L1", actor=call.client_id)

    @staticmethod
    def grant_created(
        grant_id: str = "G1", *, holder: str = "D002", provider: str = "D001"
    ) -> Event:
        grant = GrantCreated(
            id=grant_id,
            request_id=f"SR-{grant_id}",
            resource_id="R1",
            provider=provider,
            holder=holder,
            fields=["name", "id_number"],
            purpose="低保资格核查",
            legal_basis="《社会救助暂行办法》",
            valid_until=date(2027, 12, 31),
        )
        event = Event.of(grant, subject=grant_id, actor="pdp-sharing", department=holder)
        return dataclasses.replace(event, time=at("2026-02-01T00:00:00"))


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


@pytest.fixture
def deliver_each(app: FastAPI) -> Deliver:
    """Hand events one by one to a per-event handler, in one transaction each."""

    async def deliver_each(
        handler: Callable[[AsyncSession, Event], Awaitable[None]], *events: Event
    ) -> None:
        for event in events:
            async with app.state.sessionmaker() as session, session.begin():
                await handler(session, event)

    return deliver_each


@pytest.fixture
def sweep(client: Any, as_bureau: dict[str, str]) -> Callable[[str], Awaitable[dict[str, Any]]]:
    """Run audit's sweeps as of a date, as the bureau; returns each sweep's result."""

    async def sweep(as_of: str) -> dict[str, Any]:
        response = await client.post(
            "/api/audit/admin/sweep", params={"as_of": as_of}, headers=as_bureau
        )
        assert response.status_code == 200, response.text
        results: dict[str, Any] = response.json()["results"]
        return results

    return sweep


@pytest.fixture
def sql(app: FastAPI) -> Callable[..., Awaitable[Any]]:
    """Run a statement straight on the service's database, as someone with database access."""

    async def sql(statement: str, **params: Any) -> Any:
        async with app.state.engine.begin() as connection:
            result = await connection.execute(text(statement), params)
            return result.all() if result.returns_rows else result.rowcount

    return sql
