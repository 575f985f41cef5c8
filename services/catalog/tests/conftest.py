from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest

from catalog import clock
from catalog.main import create_app
from catalog.settings import CatalogSettings

API = "/api/catalog"


@pytest.fixture
def service_app_factory() -> tuple[object, type[CatalogSettings]]:
    return create_app, CatalogSettings


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Move the day actions are received on (Asia/Shanghai): ``today(date(2026, 9, 29))``."""

    def move(day: date) -> None:
        monkeypatch.setattr(clock, "today", lambda: day)

    return move


def fields(*extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "name": "credit_code",
            "title": "统一社会信用代码",
            "type": "string",
            "format": "uscc",
            "sensitive": False,
            "key": True,
        },
        {
            "name": "name",
            "title": "企业名称",
            "type": "string",
            "sensitive": False,
            "required": True,
        },
        {"name": "registered_on", "title": "成立日期", "type": "date", "sensitive": False},
        {"name": "capital", "title": "注册资本", "type": "number", "sensitive": False},
        *extra,
    ]


def resource_body(department: str = "D001", code: str = "R001", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "department": department,
        "code": code,
        "name": "企业登记信息",
        "description": "本区企业设立、变更、注销登记的基本信息",
        "duty": "DU1",
        "system": "SY1",
        "share_type": "conditional",
        "open_type": "not_open",
        "grade": "general",
        "level": 2,
        "important": False,
        "update_frequency": "daily",
        "fields": fields(),
    }
    body.update(overrides)
    return body


class Seed:
    """Builds catalogue state through the API, as a department and the bureau would."""

    body = staticmethod(resource_body)
    fields = staticmethod(fields)

    def __init__(self, client: httpx.AsyncClient, auth: Any, bureau: dict[str, str]) -> None:
        self.client, self.auth, self.bureau = client, auth, bureau

    async def department(self, code: str = "D001", name: str | None = None) -> None:
        response = await self.client.post(
            f"{API}/departments",
            json={"code": code, "name": name or f"部门{code}"},
            headers=self.bureau,
        )
        assert response.status_code == 201, response.text
        dept = self.auth.department(code)
        for path, body in (
            (
                "duties",
                {
                    "code": "DU1",
                    "name": "市场主体登记",
                    "legal_basis": "《市场主体登记管理条例》第三条",
                },
            ),
            ("systems", {"code": "SY1", "name": "企业登记系统"}),
        ):
            response = await self.client.post(
                f"{API}/departments/{code}/{path}", json=body, headers=dept
            )
            assert response.status_code == 201, response.text

    async def draft(
        self, department: str = "D001", code: str = "R001", **overrides: Any
    ) -> dict[str, Any]:
        response = await self.client.post(
            f"{API}/resources",
            json=resource_body(department, code, **overrides),
            headers=self.auth.department(department),
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def submit(self, resource_id: str, department: str = "D001") -> dict[str, Any]:
        response = await self.client.post(
            f"{API}/resources/{resource_id}/submit", headers=self.auth.department(department)
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def publish(self, resource_id: str) -> dict[str, Any]:
        response = await self.client.post(
            f"{API}/resources/{resource_id}/publish", headers=self.bureau
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def published(
        self, department: str = "D001", code: str = "R001", **overrides: Any
    ) -> dict[str, Any]:
        resource = await self.draft(department, code, **overrides)
        await self.submit(resource["id"], department)
        return await self.publish(resource["id"])


@pytest.fixture
def seed(client: httpx.AsyncClient, auth: Any, as_bureau: dict[str, str]) -> Seed:
    return Seed(client, auth, as_bureau)
