from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from stdnum.cn import uscc

from pdp_kit.events.envelope import Event
from pdp_kit.testing.catalog_events import resource_published, resource_withdrawn
from pdp_kit.testing.spies import deliver
from registry import clock
from registry.main import create_app
from registry.settings import RegistrySettings
from registry.subscriptions import subscriptions

API = "/api/registry"
PROVIDER, OTHER_DEPARTMENT = "D001", "D002"

FIELDS: list[dict[str, Any]] = [
    {"name": "credit_code", "title": "统一社会信用代码", "type": "string", "sensitive": False},
    {"name": "name", "title": "企业名称", "type": "string", "sensitive": False},
    {"name": "legal_person_id", "title": "法定代表人身份证号", "type": "string", "sensitive": True},
]


@pytest.fixture
def service_app_factory() -> tuple[object, type[RegistrySettings]]:
    return create_app, RegistrySettings


def credit_code(serial: int) -> str:
    base = f"91310105MA1FL{serial:04d}"
    return base + uscc.calc_check_digit(base)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Move the day actions are received on (Asia/Shanghai): ``today(date(2026, 9, 30))``."""

    def move(day: date) -> None:
        monkeypatch.setattr(clock, "today", lambda: day)

    move(date(2026, 6, 1))
    return move


def published(
    resource_id: str,
    *,
    department: str = PROVIDER,
    version: int = 1,
    fields: list[dict[str, Any]] | None = None,
) -> Event:
    chosen = FIELDS if fields is None else fields
    return resource_published(resource_id, department=department, fields=chosen, version=version)


def withdrawn(resource_id: str, *, department: str = PROVIDER) -> Event:
    return resource_withdrawn(resource_id, department=department)


class Registry:
    """Drives operators, authorisations and registrations through the API."""

    published = staticmethod(published)
    credit_code = staticmethod(credit_code)
    withdrawn = staticmethod(withdrawn)

    def __init__(self, app: FastAPI, client: httpx.AsyncClient, auth: Any, bureau: dict[str, str]):
        self.app, self.client, self.auth, self.bureau = app, client, auth, bureau
        self.serial = 0

    async def deliver(self, *events: Event) -> None:
        await deliver(self.app.state.sessionmaker, subscriptions, *events)

    async def call(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        json: Any = None,
        status: int = 200,
        params: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        response = await self.client.request(
            method, f"{API}{path}", json=json, headers=headers, params=params
        )
        assert response.status_code == status, response.text
        if status >= 400:
            assert response.headers["content-type"].startswith("application/problem+json")
        return dict(response.json())

    async def post(
        self, path: str, headers: dict[str, str], json: Any = None, status: int = 200
    ) -> dict[str, Any]:
        return await self.call("POST", path, headers, json, status)

    async def get(self, path: str, headers: dict[str, str], status: int = 200) -> dict[str, Any]:
        return await self.call("GET", path, headers, status=status)

    async def operator(self, name: str = "长宁数据运营有限公司") -> tuple[str, dict[str, str]]:
        """A recorded operator and the headers of its gateway client."""
        self.serial += 1
        body = {"name": name, "credit_code": credit_code(self.serial)}
        created = await self.post("/operators", self.bureau, body, status=201)
        return str(created["id"]), self.auth.operator(created["id"])

    async def authorise(self, operator: str, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "operator": operator,
            "resources": ["R1", "R2"],
            "scenarios": ["企业信用画像", "普惠金融"],
            "valid_from": "2026-06-01",
            "valid_until": "2027-05-31",
        }
        body.update(overrides)
        return await self.post("/authorisations", self.bureau, body, status=201)

    async def assess(self, authorisation: str, scenario: str, result: str = "pass") -> None:
        body = {"scenario": scenario, "result": result, "notes": "评估通过"}
        await self.post(f"/authorisations/{authorisation}/assessments", self.bureau, body)

    async def sweep(self, as_of: date) -> dict[str, Any]:
        """The bureau runs the registry's sweeps as of ``as_of``: what each changed."""
        ran = await self.post(f"/admin/sweep?as_of={as_of.isoformat()}", self.bureau)
        return dict(ran["results"])


@pytest.fixture
async def registry(
    app: FastAPI, client: httpx.AsyncClient, auth: Any, as_bureau: dict[str, str], today: Any
) -> Registry:
    flow = Registry(app, client, auth, as_bureau)
    await flow.deliver(published("R1"), published("R2"), published("R3"))
    return flow
