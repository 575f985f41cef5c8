"""Data handed back by the city (属地返还, Art. 5): each batch reaches the catalog once, as the
gateway's internal client, and waits while the catalog is down."""

from __future__ import annotations

from typing import Any

import httpx

from gateway.municipal.runner import MunicipalAdapters
from pdp_kit.auth import Role

from .conftest import Sim, Upstream, later

HANDBACKS = "/api/gateway/municipal/handbacks"


async def listed(client: httpx.AsyncClient, auth: Any) -> dict[str, dict[str, Any]]:
    response = await client.get(HANDBACKS, headers=auth.headers(Role.OPS))
    assert response.status_code == 200, response.text
    return {item["id"]: item for item in response.json()["items"]}


async def test_a_handed_back_batch_is_imported_into_the_catalog_once(
    client: httpx.AsyncClient, auth: Any, sim: Sim, catalog: Upstream, adapters: MunicipalAdapters
) -> None:
    records = [{"credit_code": "91310105MA1FW8LX2H", "name": "上海某科技有限公司"}]
    await sim.admin.post("/admin/handback", json={"resource_id": "RES001", "records": records})
    await sim.faults(duplicate=True)
    catalog.script = [(200, {"resource_id": "RES001", "accepted": 1, "rejected": []})]
    await adapters.step()
    await adapters.step(now=later(60))

    [call] = catalog.calls
    assert call["path"] == "/api/catalog/internal/handback/resources/RES001/records"
    assert (call["client_id"], call["roles"]) == ("pdp-gateway", ["service"])
    assert call["body"] == {"batch_id": "HB000001", "records": records}
    assert call["idempotency_key"] == "handback:HB000001"
    batch = (await listed(client, auth))["HB000001"]
    assert (batch["status"], batch["accepted"], batch["rejected"]) == ("done", 1, 0)


async def test_while_the_catalog_is_down_a_batch_waits_and_a_refused_one_keeps_its_reason(
    client: httpx.AsyncClient, auth: Any, sim: Sim, catalog: Upstream, adapters: MunicipalAdapters
) -> None:
    await sim.admin.post("/admin/handback", json={"resource_id": "RES001", "records": [{}]})
    await sim.admin.post("/admin/handback", json={"resource_id": "GONE", "records": [{}]})
    catalog.script = [(503, {}), (404, {"title": "资源 GONE 不存在"}), (200, {"accepted": 0})]
    await adapters.step()
    states = await listed(client, auth)
    assert (states["HB000001"]["status"], states["HB000001"]["attempts"]) == ("pending", 1)
    assert states["HB000002"]["status"] == "refused"
    assert "不存在" in states["HB000002"]["last_error"]

    await adapters.step(now=later(15))
    states = await listed(client, auth)
    assert states["HB000001"]["status"] == "done"
    assert states["HB000002"]["attempts"] == 1  # a refusal is not retried
    assert len(catalog.calls) == 3


async def test_handed_back_batches_are_for_the_platform_staff_and_ops_to_see(
    client: httpx.AsyncClient, auth: Any
) -> None:
    assert (await client.get(HANDBACKS, headers=auth.department("D001"))).status_code == 403
    assert (await client.get(HANDBACKS, headers=auth.headers(Role.BUREAU))).status_code == 200
