"""Data calls through a grant (Art. 19): the holder reads the granted fields of the resource's
records from the catalog's internal endpoint (here the catalog app itself, in process), and every
call is published as a usage record — served, refused or failed."""

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from stdnum.cn import uscc

from catalog.main import create_app as create_catalog_app
from catalog.main import definition as catalog_definition
from catalog.settings import CatalogSettings
from pdp_contracts.catalog import ResourcePublished
from pdp_contracts.sharing import GrantDataCalled
from pdp_kit.auth import Role
from pdp_kit.testing.neighbours import neighbour_fixture
from pdp_kit.testing.spies import OutboxSpy
from sharing.calls.catalog_client import CatalogRecords

Sharing = Any
CATALOG = "/api/catalog"
RECORDS = 7


def credit_code(serial: int) -> str:
    base = f"91310105MA1FL{serial:04d}"
    return base + uscc.calc_check_digit(base)


catalog_app = neighbour_fixture(
    create_catalog_app, CatalogSettings, catalog_definition.migrations_dir
)


@pytest.fixture
async def catalog_resource(catalog_app: FastAPI, sharing: Sharing, auth: Any) -> AsyncIterator[str]:
    """A conditional resource published in the catalog with records, its publication delivered
    to sharing as the catalog's own event."""
    transport = httpx.ASGITransport(app=catalog_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://catalog.test") as client:

        async def post(path: str, body: Any, headers: dict[str, str]) -> dict[str, Any]:
            response = await client.post(f"{CATALOG}{path}", json=body, headers=headers)
            assert response.status_code in (200, 201), response.text
            return dict(response.json())

        owner = auth.department("D001")
        await post("/departments", {"code": "D001", "name": "区市场监管局"}, sharing.bureau)
        basis = "《市场主体登记管理条例》第三条"
        await post(
            "/departments/D001/duties", {"code": "DU1", "name": "登记", "legal_basis": basis}, owner
        )
        await post("/departments/D001/systems", {"code": "SY1", "name": "登记系统"}, owner)
        resource = await post(
            "/resources",
            {
                "department": "D001",
                "code": "R001",
                "name": "企业登记信息",
                "description": "本区企业登记的基本信息",
                "duty": "DU1",
                "system": "SY1",
                "share_type": "conditional",
                "open_type": "not_open",
                "grade": "general",
                "level": 2,
                "important": False,
                "update_frequency": "daily",
                "fields": sharing.published("x").data["fields"],
            },
            owner,
        )
        await post(f"/resources/{resource['id']}/submit", None, owner)
        await post(f"/resources/{resource['id']}/publish", None, sharing.bureau)
        records = [
            {"credit_code": credit_code(n), "name": f"公司{n}", "capital": n * 100}
            for n in range(RECORDS)
        ]
        ingested = await post(f"/resources/{resource['id']}/records", {"records": records}, owner)
        assert ingested["accepted"] == RECORDS
    [event] = await OutboxSpy(catalog_app.state.sessionmaker).events(ResourcePublished.event_type)
    await sharing.deliver(event)
    service_headers: dict[str, str] = auth.headers(Role.SERVICE, client_id="pdp-sharing")

    async def headers() -> dict[str, str]:
        return service_headers

    async with httpx.AsyncClient(transport=transport, base_url="http://catalog.test") as catalog:
        sharing.app.state.catalog_records = CatalogRecords(catalog, headers)
        yield str(resource["id"])


async def test_the_holder_reads_the_granted_fields_only_page_by_page(
    sharing: Sharing, catalog_resource: str, outbox: Any
) -> None:
    grant = await sharing.grant(catalog_resource, fields=["credit_code", "name"])
    path = f"/api/sharing/grants/{grant['id']}/data"

    first = await sharing.client.get(path, params={"limit": 5}, headers=sharing.requester)
    assert first.status_code == 200, first.text
    page = first.json()
    assert page["fields"] == ["credit_code", "name"]
    assert [set(item) for item in page["items"]] == [{"credit_code", "name"}] * 5
    rest = await sharing.client.get(
        path, params={"limit": 5, "cursor": page["next_cursor"]}, headers=sharing.requester
    )
    assert len(rest.json()["items"]) == RECORDS - 5 and rest.json()["next_cursor"] is None
    names = {item["name"] for item in page["items"] + rest.json()["items"]}
    assert names == {f"公司{n}" for n in range(RECORDS)}

    called = await sharing.get(f"/grants/{grant['id']}")
    assert called["last_called_at"] is not None
    usage = await outbox.events(GrantDataCalled.event_type)
    assert [(e.data["result"], e.data["record_count"]) for e in usage] == [("ok", 5), ("ok", 2)]
    assert usage[0].data["fields"] == ["credit_code", "name"]
    assert (usage[0].data["basis"], usage[0].data["basis_id"]) == ("grant", grant["id"])
    assert (usage[0].data["department"], usage[0].data["provider"]) == ("D002", "D001")
    assert usage[0].data["purpose"] == grant["purpose"]


async def test_a_call_resets_the_idle_clock(
    sharing: Sharing, catalog_resource: str, today: Any
) -> None:
    today(date(2026, 6, 1))
    grant = await sharing.grant(catalog_resource, fields=["name"])
    today(date(2026, 8, 20))
    called = await sharing.client.get(
        f"/api/sharing/grants/{grant['id']}/data", headers=sharing.requester
    )
    assert called.status_code == 200
    await sharing.sweep(date(2026, 9, 2))
    assert (await sharing.get(f"/grants/{grant['id']}"))["status"] == "active"
    await sharing.sweep(date(2026, 11, 21))
    assert (await sharing.get(f"/grants/{grant['id']}"))["status"] == "suspended"


async def test_catalog_unreachable_is_503_and_the_usage_record_says_failed(
    sharing: Sharing, outbox: Any
) -> None:
    grant = await sharing.grant(fields=["name"])

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async def headers() -> dict[str, str]:
        return {}

    sharing.app.state.catalog_records = CatalogRecords(
        httpx.AsyncClient(transport=httpx.MockTransport(refuse), base_url="http://catalog.test"),
        headers,
    )
    response = await sharing.client.get(
        f"/api/sharing/grants/{grant['id']}/data", headers=sharing.requester
    )
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    [usage] = await outbox.events(GrantDataCalled.event_type)
    assert (usage.data["result"], usage.data["record_count"]) == ("failed", 0)
    assert (await sharing.get(f"/grants/{grant['id']}"))["last_called_at"] is None


async def test_the_client_asks_the_catalog_for_the_granted_fields_only(
    sharing: Sharing,
) -> None:
    grant = await sharing.grant(fields=["credit_code", "capital"])
    seen: list[httpx.Request] = []

    def catalog(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        items = [{"credit_code": "X", "capital": 1}]
        return httpx.Response(200, json={"resource_id": "R1", "version": 1, "items": items})

    async def headers() -> dict[str, str]:
        return {"Authorization": "Bearer service-token"}

    sharing.app.state.catalog_records = CatalogRecords(
        httpx.AsyncClient(transport=httpx.MockTransport(catalog), base_url="http://catalog.test"),
        headers,
    )
    response = await sharing.client.get(
        f"/api/sharing/grants/{grant['id']}/data",
        params={"limit": 100},
        headers=sharing.requester,
    )
    assert response.status_code == 200, response.text
    [request] = seen
    assert request.url.path == "/api/catalog/internal/resources/R1/records"
    assert request.url.params["fields"] == "credit_code,capital"
    assert request.headers["Authorization"] == "Bearer service-token"
    too_many = await sharing.client.get(
        f"/api/sharing/grants/{grant['id']}/data",
        params={"limit": 501},
        headers=sharing.requester,
    )
    assert too_many.status_code == 400
