from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pdp_contracts.catalog import ResourcePublished, ResourceWithdrawn
from pdp_kit.events.envelope import Event
from sharing import clock
from sharing.main import create_app
from sharing.settings import SharingSettings
from sharing.subscriptions import subscriptions

API = "/api/sharing"
PROVIDER, REQUESTER, THIRD = "D001", "D002", "D003"


@pytest.fixture
def service_app_factory() -> tuple[object, type[SharingSettings]]:
    return create_app, SharingSettings


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Move the day actions are received on (Asia/Shanghai): ``today(date(2026, 9, 30))``."""

    def move(day: date) -> None:
        monkeypatch.setattr(clock, "today", lambda: day)

    move(date(2026, 6, 1))
    return move


async def deliver(app: FastAPI, *events: Event) -> None:
    """Run each event's handlers from the subscriptions table in one transaction."""
    async with app.state.sessionmaker() as session, session.begin():
        for event in events:
            for handler in subscriptions.for_type(event.type):
                await handler(session, event)


COMPANY_FIELDS: list[dict[str, Any]] = [
    {
        "name": "credit_code",
        "title": "统一社会信用代码",
        "type": "string",
        "format": "uscc",
        "sensitive": False,
        "key": True,
    },
    {"name": "name", "title": "企业名称", "type": "string", "sensitive": False},
    {"name": "registered_on", "title": "成立日期", "type": "date", "sensitive": False},
    {"name": "capital", "title": "注册资本", "type": "number", "sensitive": False},
]


def published(
    resource_id: str = "R1",
    *,
    department: str = PROVIDER,
    share_type: str = "conditional",
    fields: list[dict[str, Any]] | None = None,
    version: int = 1,
    grade: str = "general",
    level: int | None = 2,
    share_basis: str | None = None,
) -> Event:
    payload = ResourcePublished(
        id=resource_id,
        version=version,
        department=department,
        code=resource_id,
        name=f"资源{resource_id}",
        description="测试资源",
        duty="DU1",
        system="SY1",
        share_type=share_type,
        share_basis=share_basis,
        open_type="not_open",
        grade=grade,
        level=level,
        important=False,
        update_frequency="daily",
        fields=fields or COMPANY_FIELDS,
        published_at=datetime.now(UTC),
    )
    return Event.of(payload, subject=resource_id, department=department)


def withdrawn(resource_id: str = "R1", *, department: str = PROVIDER) -> Event:
    payload = ResourceWithdrawn(
        id=resource_id,
        version=1,
        department=department,
        reason="源系统停用",
        withdrawn_at=datetime.now(UTC),
    )
    return Event.of(payload, subject=resource_id, department=department)


def request_body(resource_id: str = "R1", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "resource_id": resource_id,
        "requester": REQUESTER,
        "legal_basis": "《上海市公共数据和一网通办管理办法》第二十五条",
        "scenario": "企业开办一件事核验",
        "fields": ["credit_code", "name"],
        "method": "api",
        "valid_until": "2027-12-31",
        "attestation": True,
    }
    body.update(overrides)
    return body


class Sharing:
    """Drives requests and grants through the API as the departments and the bureau would."""

    body = staticmethod(request_body)
    published = staticmethod(published)
    withdrawn = staticmethod(withdrawn)

    def __init__(self, app: FastAPI, client: httpx.AsyncClient, auth: Any, bureau: dict[str, str]):
        self.app, self.client, self.auth, self.bureau = app, client, auth, bureau
        self.provider = auth.department(PROVIDER)
        self.requester = auth.department(REQUESTER)
        self.third = auth.department(THIRD)

    async def deliver(self, *events: Event) -> None:
        await deliver(self.app, *events)

    async def resource(self, resource_id: str = "R1", **kwargs: Any) -> None:
        await deliver(self.app, published(resource_id, **kwargs))

    async def submit(self, resource_id: str = "R1", **overrides: Any) -> dict[str, Any]:
        response = await self.client.post(
            f"{API}/requests", json=request_body(resource_id, **overrides), headers=self.requester
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def post(
        self, path: str, headers: dict[str, str], json: Any = None, status: int = 200
    ) -> dict[str, Any]:
        response = await self.client.post(f"{API}{path}", json=json, headers=headers)
        assert response.status_code == status, response.text
        return dict(response.json())

    async def get(self, path: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
        response = await self.client.get(f"{API}{path}", headers=headers or self.requester)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def grant(self, resource_id: str = "R1", **overrides: Any) -> dict[str, Any]:
        request = await self.submit(resource_id, **overrides)
        approved = await self.post(f"/requests/{request['id']}/approve", self.provider)
        return await self.get(f"/grants/{approved['grant_id']}")

    async def sweep(self, as_of: date) -> dict[str, Any]:
        response = await self.client.post(
            f"{API}/admin/sweep", params={"as_of": as_of.isoformat()}, headers=self.bureau
        )
        assert response.status_code == 200, response.text
        return dict(response.json()["results"])


@pytest.fixture
async def sharing(
    app: FastAPI, client: httpx.AsyncClient, auth: Any, as_bureau: dict[str, str], today: Any
) -> Sharing:
    flow = Sharing(app, client, auth, as_bureau)
    await flow.resource("R1")
    return flow
