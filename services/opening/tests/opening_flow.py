"""Helpers of the opening tests: events from the catalog, request bodies, a fake catalog and
:class:`Opening`, which drives the API as each party would."""

from datetime import UTC, date, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from stdnum.cn import uscc

from opening.data.catalog_client import CatalogRecords
from opening.subscriptions import subscriptions
from pdp_contracts.catalog import ResourcePublished, ResourceWithdrawn
from pdp_kit.auth import Role
from pdp_kit.events.envelope import Event
from pdp_kit.internal import InternalClient, ServiceTokens

API = "/api/opening"
OWNER, OTHER = "D001", "D002"
APPLICANT, STRANGER = "public-app-1", "public-app-2"


async def deliver(app: FastAPI, *events: Event) -> None:
    """Run each event's handlers from the subscriptions table in one transaction."""
    async with app.state.sessionmaker() as session, session.begin():
        for event in events:
            for handler in subscriptions.for_type(event.type):
                await handler(session, event)


def credit_code(serial: int) -> str:
    base = f"91310105MA1FL{serial:04d}"
    return base + uscc.calc_check_digit(base)


PERSON_FIELDS: list[dict[str, Any]] = [
    {"name": "id", "title": "编号", "type": "string", "sensitive": False, "key": True},
    {
        "name": "id_number",
        "title": "身份证号",
        "type": "string",
        "format": "resident_id",
        "sensitive": True,
    },
    {"name": "full_name", "title": "姓名", "type": "string", "sensitive": True},
    {"name": "phone", "title": "联系电话", "type": "string", "format": "phone", "sensitive": True},
    {"name": "address", "title": "住址", "type": "string", "sensitive": True},
    {"name": "remark", "title": "备注", "type": "string", "sensitive": True},
    {"name": "licence", "title": "许可证类别", "type": "string", "sensitive": False},
]
MASK_ALL = {
    "id_number": "mask",
    "full_name": "mask",
    "phone": "mask",
    "address": "mask",
    "remark": "drop",
}
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
]


def published(
    resource_id: str = "R1",
    *,
    department: str = OWNER,
    share_type: str = "conditional",
    open_type: str = "conditional",
    fields: list[dict[str, Any]] | None = None,
    version: int = 1,
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
        share_basis="《统计法》第二十五条" if share_type == "not_shared" else None,
        open_type=open_type,
        grade="general",
        level=2,
        important=False,
        update_frequency="daily",
        fields=fields or PERSON_FIELDS,
        published_at=datetime.now(UTC),
    )
    return Event.of(payload, subject=resource_id, department=department)


def withdrawn(resource_id: str = "R1", *, department: str = OWNER) -> Event:
    payload = ResourceWithdrawn(
        id=resource_id,
        version=1,
        department=department,
        reason="源系统停用",
        withdrawn_at=datetime.now(UTC),
    )
    return Event.of(payload, subject=resource_id, department=department)


CONDITIONS: dict[str, Any] = {
    "allowed_scenarios": ["交通出行服务"],
    "forbidden_scenarios": ["精准营销"],
    "security_requirements": ["等保二级"],
    "feedback": {"cite_source": True, "accept_spot_checks": True, "usage_report_due_days": 30},
    "technical_requirements": ["接口调用"],
    "credit_requirements": ["dishonest_debtor"],
}


def listing_body(resource_id: str = "R1", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "resource_id": resource_id,
        "open_type": "conditional",
        "conditions": CONDITIONS,
        "desensitisation": dict(MASK_ALL),
        "update_frequency": "daily",
    }
    body.update(overrides)
    return body


def application_body(listing_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "listing_id": listing_id,
        "applicant": {
            "kind": "legal_person",
            "name": "上海某数据科技有限公司",
            "credit_code": credit_code(1),
            "client_id": APPLICANT,
        },
        "scenario": "交通出行服务",
        "materials": ["营业执照", "数据安全承诺书"],
        "credit_declarations": ["dishonest_debtor"],
    }
    body.update(overrides)
    return body


class FakeCatalog:
    """The catalog's internal records endpoint, in memory: it answers only the fields asked
    for, as the real one does, and remembers what was asked."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records
        self.asked: list[httpx.Request] = []
        self.down = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        self.asked.append(request)
        fields = request.url.params["fields"].split(",")
        limit = int(request.url.params["limit"])
        start = int(request.url.params.get("cursor") or 0)
        chunk = self.records[start : start + limit]
        more = start + limit < len(self.records)
        return httpx.Response(
            200,
            json={
                "resource_id": "R1",
                "version": 1,
                "items": [{f: r.get(f) for f in fields} for r in chunk],
                "next_cursor": str(start + limit) if more else None,
            },
        )


class StaticTokens(ServiceTokens):
    def __init__(self, headers: dict[str, str]) -> None:
        self._static = headers["Authorization"].removeprefix("Bearer ")

    async def token(self) -> str:
        return self._static


def records_client(
    transport: httpx.AsyncBaseTransport, headers: dict[str, str], base_url: str
) -> CatalogRecords:
    client = InternalClient(
        service="catalog", base_url=base_url, tokens=StaticTokens(headers), transport=transport
    )
    return CatalogRecords(lambda: client)


class Opening:
    """Drives the open list and applications through the API as each party would."""

    def __init__(self, app: FastAPI, client: httpx.AsyncClient, auth: Any) -> None:
        self.app, self.client, self.auth = app, client, auth
        self.owner = auth.department(OWNER)
        self.other = auth.department(OTHER)
        self.bureau = auth.headers(Role.BUREAU)
        self.datacenter = auth.headers(Role.DATACENTER)
        self.municipal = auth.headers(Role.MUNICIPAL, client_id="municipal-open-data")
        self.applicant = auth.headers(Role.PUBLIC, client_id=APPLICANT)
        self.stranger = auth.headers(Role.PUBLIC, client_id=STRANGER)
        self.catalog = FakeCatalog([])

    async def deliver(self, *events: Event) -> None:
        await deliver(self.app, *events)

    def use_fake_catalog(self, records: list[dict[str, Any]]) -> FakeCatalog:
        self.catalog = FakeCatalog(records)
        self.app.state.catalog_records = records_client(
            httpx.MockTransport(self.catalog.handle),
            self.auth.headers(Role.SERVICE, client_id="pdp-opening"),
            "http://catalog.test",
        )
        return self.catalog

    async def call(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        json: Any = None,
        status: int = 200,
        **kwargs: Any,
    ) -> Any:
        response = await self.client.request(
            method, f"{API}{path}", json=json, headers=headers, **kwargs
        )
        assert response.status_code == status, response.text
        if status >= 400:
            assert response.headers["content-type"].startswith("application/problem+json")
        return response.json()

    async def post(
        self, path: str, headers: dict[str, str], json: Any = None, status: int = 200
    ) -> Any:
        return await self.call("POST", path, headers, json=json, status=status)

    async def get(self, path: str, headers: dict[str, str], status: int = 200, **kw: Any) -> Any:
        return await self.call("GET", path, headers, status=status, **kw)

    async def listing(self, resource_id: str = "R1", **overrides: Any) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(
            "/listings", self.owner, listing_body(resource_id, **overrides), status=201
        )
        return result

    async def apply(self, listing_id: str, **overrides: Any) -> dict[str, Any]:
        result: dict[str, Any] = await self.post(
            "/applications", self.municipal, application_body(listing_id, **overrides), status=201
        )
        return result

    async def forwarded(self, listing_id: str, **overrides: Any) -> dict[str, Any]:
        application = await self.apply(listing_id, **overrides)
        result: dict[str, Any] = await self.post(
            f"/applications/{application['id']}/screen", self.datacenter, {"complete": True}
        )
        return result

    async def approved(self, listing_id: str, body: Any = None) -> dict[str, Any]:
        application = await self.forwarded(listing_id)
        result: dict[str, Any] = await self.post(
            f"/applications/{application['id']}/approve", self.owner, body
        )
        return result

    async def sweep(self, as_of: date) -> dict[str, Any]:
        response = await self.client.post(
            f"{API}/admin/sweep", params={"as_of": as_of.isoformat()}, headers=self.bureau
        )
        assert response.status_code == 200, response.text
        return dict(response.json()["results"])
