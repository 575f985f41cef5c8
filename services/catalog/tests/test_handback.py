"""Data handed back by the city (属地返还, Art. 5): imported by the gateway as records of a
resource, checked like the owning department's own push, and by nobody else."""

from typing import Any

import httpx
from stdnum.cn import uscc

from pdp_contracts.catalog import RecordsIngested
from pdp_kit.auth import Role

API = "/api/catalog"


def credit_code(serial: int) -> str:
    base = f"91310105MA1HB{serial:04d}"
    return base + uscc.calc_check_digit(base)


def handback_path(resource_id: str) -> str:
    return f"{API}/internal/handback/resources/{resource_id}/records"


def as_gateway(auth: Any) -> dict[str, str]:
    return dict(auth.headers(Role.SERVICE, client_id="pdp-gateway"))


async def test_the_gateway_imports_a_handed_back_batch_as_records_of_the_resource(
    client: httpx.AsyncClient, seed: Any, auth: Any, outbox: Any
) -> None:
    await seed.department("D001")
    resource = await seed.published()
    batch = {
        "batch_id": "HB000001",
        "records": [
            {"credit_code": credit_code(1), "name": "返还甲公司"},
            {"credit_code": "not a code", "name": "返还乙公司"},
        ],
    }
    path = handback_path(resource["id"])
    response = await client.post(path, json=batch, headers=as_gateway(auth))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["accepted"] == 1
    assert [r["index"] for r in body["rejected"]] == [1]

    # the same batch again (a retry after a lost answer) upserts the same record: still one
    again = await client.post(path, json=batch, headers=as_gateway(auth))
    assert again.status_code == 200, again.text
    served = await client.get(
        f"{API}/internal/resources/{resource['id']}/records",
        headers=auth.headers(Role.SERVICE, client_id="pdp-sharing"),
    )
    assert [item["name"] for item in served.json()["items"]] == ["返还甲公司"]

    ingested = await outbox.events(RecordsIngested.event_type)
    assert ingested[-1].actor == "pdp-gateway"
    assert ingested[-1].payload(RecordsIngested).department == "D001"


async def test_only_the_gateways_internal_client_may_import_handed_back_data(
    client: httpx.AsyncClient, seed: Any, auth: Any, as_bureau: dict[str, str]
) -> None:
    await seed.department("D001")
    resource = await seed.published()
    batch = {"batch_id": "HB1", "records": [{"credit_code": credit_code(2), "name": "甲"}]}
    for headers in (
        auth.headers(Role.SERVICE, client_id="pdp-sharing"),
        auth.department("D001"),
        auth.department("D002"),
        as_bureau,
        auth.headers(Role.MUNICIPAL),
    ):
        response = await client.post(handback_path(resource["id"]), json=batch, headers=headers)
        assert response.status_code == 403, response.text
    assert (await client.post(handback_path(resource["id"]), json=batch)).status_code == 401


async def test_a_handed_back_batch_for_an_unknown_or_unpublished_resource_is_refused(
    client: httpx.AsyncClient, seed: Any, auth: Any
) -> None:
    await seed.department("D001")
    draft = await seed.draft()
    batch = {"batch_id": "HB2", "records": [{"credit_code": credit_code(3), "name": "甲"}]}
    missing = await client.post(handback_path("nope"), json=batch, headers=as_gateway(auth))
    assert missing.status_code == 404
    path = handback_path(draft["id"])
    unpublished = await client.post(path, json=batch, headers=as_gateway(auth))
    assert unpublished.status_code == 409, unpublished.text
