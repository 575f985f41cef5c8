"""Open data read from the real catalog's internal endpoint (the catalog app in process), as the
``pdp-opening`` client: the catalog lets opening read, answers only the fields asked for, and
every masked value leaves masked."""

import json
from typing import Any

import httpx
from fastapi import FastAPI
from opening_flow import Opening, records_client

from catalog.main import create_app as create_catalog_app
from catalog.main import definition as catalog_definition
from catalog.settings import CatalogSettings
from pdp_contracts.catalog import ResourcePublished
from pdp_kit.auth import Role
from pdp_kit.testing.neighbours import neighbour_fixture
from pdp_kit.testing.spies import OutboxSpy

CATALOG = "/api/catalog"
PEOPLE = [
    {
        "id": f"P{n}",
        "id_number": "11010519491231002X",
        "full_name": "王小明",
        "phone": f"1381234{n:04d}",
        "address": "上海市长宁区延安西路1000号",
        "remark": "内部备注",
        "licence": "A类",
    }
    for n in range(4)
]


catalog_app = neighbour_fixture(
    create_catalog_app, CatalogSettings, catalog_definition.migrations_dir
)


async def test_masked_records_from_the_real_catalog(
    opening: Opening, catalog_app: FastAPI, auth: Any
) -> None:
    from .opening_flow import PERSON_FIELDS

    transport = httpx.ASGITransport(app=catalog_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://catalog.test") as catalog:

        async def post(path: str, body: Any, headers: dict[str, str]) -> dict[str, Any]:
            response = await catalog.post(f"{CATALOG}{path}", json=body, headers=headers)
            assert response.status_code in (200, 201), response.text
            return dict(response.json())

        owner = auth.department("D001")
        await post("/departments", {"code": "D001", "name": "区卫健委"}, opening.bureau)
        basis = "《医疗机构管理条例》"
        await post(
            "/departments/D001/duties",
            {"code": "DU1", "name": "执业登记", "legal_basis": basis},
            owner,
        )
        await post("/departments/D001/systems", {"code": "SY1", "name": "登记系统"}, owner)
        resource = await post(
            "/resources",
            {
                "department": "D001",
                "code": "R900",
                "name": "执业人员名录",
                "description": "本区执业人员",
                "duty": "DU1",
                "system": "SY1",
                "share_type": "unconditional",
                "open_type": "unconditional",
                "grade": "general",
                "level": 2,
                "important": False,
                "update_frequency": "daily",
                "fields": PERSON_FIELDS,
            },
            owner,
        )
        await post(f"/resources/{resource['id']}/submit", None, owner)
        await post(f"/resources/{resource['id']}/publish", None, opening.bureau)
        ingested = await post(f"/resources/{resource['id']}/records", {"records": PEOPLE}, owner)
        assert ingested["accepted"] == len(PEOPLE), ingested
    [event] = await OutboxSpy(catalog_app.state.sessionmaker).events(ResourcePublished.event_type)
    await opening.deliver(event)
    listing = await opening.listing(resource["id"], open_type="unconditional", conditions=None)
    opening.app.state.catalog_records = records_client(
        transport, auth.headers(Role.SERVICE, client_id="pdp-opening"), "http://catalog.test"
    )
    page = await opening.get(f"/listings/{listing['id']}/data", opening.stranger)
    assert [item["full_name"] for item in page["items"]] == ["王**"] * 4
    assert {item["id_number"] for item in page["items"]} == {"110105********002X"}
    assert all("remark" not in item for item in page["items"])
    text = json.dumps(page, ensure_ascii=False)
    assert "王小明" not in text and "11010519491231002X" not in text and "13812340001" not in text
    # Another service's token is refused by the catalog: the read fails closed (503).
    opening.app.state.catalog_records = records_client(
        transport, auth.headers(Role.SERVICE, client_id="pdp-audit"), "http://catalog.test"
    )
    await opening.get(f"/listings/{listing['id']}/data", opening.stranger, status=503)
