from typing import Any

import httpx

from pdp_contracts.catalog import ObjectionAnswered, ObjectionFiled

API = "/api/catalog"


async def test_a_grant_holder_files_an_objection_through_sharing_and_the_owner_answers(
    client: httpx.AsyncClient,
    seed: Any,
    auth: Any,
    as_department: dict[str, str],
    as_service: dict[str, str],
    outbox: Any,
) -> None:
    await seed.department("D001")
    resource = await seed.published()
    user = auth.department("D002")
    filed = await client.post(
        f"{API}/resources/{resource['id']}/objections",
        json={
            "description": "注册资本与工商公示不一致",
            "fields": ["capital"],
            "record": {"credit_code": "X"},
            "on_behalf_of": "D002",
        },
        headers=as_service,
    )
    assert filed.status_code == 201, filed.text
    ticket = filed.json()
    assert (ticket["status"], ticket["filer_department"], ticket["version"]) == ("open", "D002", 1)
    assert [e.subject for e in await outbox.events(ObjectionFiled.event_type)] == [ticket["id"]]

    assert (await client.get(f"{API}/objections/{ticket['id']}", headers=user)).status_code == 200
    refused = await client.post(
        f"{API}/objections/{ticket['id']}/answer",
        json={"outcome": "confirmed", "answer": "x"},
        headers=user,
    )
    assert refused.status_code == 403, "the filer does not answer its own ticket"
    answered = await client.post(
        f"{API}/objections/{ticket['id']}/answer",
        json={"outcome": "corrected", "answer": "已核实并更正注册资本"},
        headers=as_department,
    )
    assert answered.status_code == 200
    assert (answered.json()["status"], answered.json()["outcome"]) == ("answered", "corrected")
    assert [e.data["outcome"] for e in await outbox.events(ObjectionAnswered.event_type)] == [
        "corrected"
    ]
    again = await client.post(
        f"{API}/objections/{ticket['id']}/answer",
        json={"outcome": "confirmed", "answer": "y"},
        headers=as_department,
    )
    assert again.status_code == 409
    listed = await client.get(f"{API}/resources/{resource['id']}/objections", headers=as_department)
    assert [t["id"] for t in listed.json()["items"]] == [ticket["id"]]


async def test_an_objection_names_real_fields_and_needs_a_description(
    client: httpx.AsyncClient, seed: Any, auth: Any, as_datacenter: dict[str, str]
) -> None:
    await seed.department("D001")
    resource = await seed.published()
    user = as_datacenter
    path = f"{API}/resources/{resource['id']}/objections"
    unknown = await client.post(path, json={"description": "x", "fields": ["salary"]}, headers=user)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "fields.0"
    empty = await client.post(path, json={"fields": ["name"]}, headers=user)
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "description"
    bad = await client.post(path, json={"description": "x"}, headers=user)
    answer = await client.post(
        f"{API}/objections/{bad.json()['id']}/answer",
        json={"outcome": "maybe", "answer": "x"},
        headers=auth.department("D001"),
    )
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "outcome"


async def test_callers_without_an_entitlement_to_the_data_cannot_file_objections(
    client: httpx.AsyncClient,
    seed: Any,
    auth: Any,
    as_ops: dict[str, str],
    as_assessor: dict[str, str],
    as_public: dict[str, str],
    as_bureau: dict[str, str],
) -> None:
    """Art. 6, 14: the owner, the data centre, and grant or licence holders through the platform's
    services; another department without a grant, the bureau and outsiders get 403."""
    await seed.department("D001")
    resource = await seed.published()
    path = f"{API}/resources/{resource['id']}/objections"
    for headers in (as_ops, as_assessor, as_public, as_bureau, auth.department("D002")):
        response = await client.post(path, json={"description": "x"}, headers=headers)
        assert response.status_code == 403
    on_behalf = await client.post(
        path, json={"description": "x", "on_behalf_of": "D002"}, headers=auth.department("D001")
    )
    assert on_behalf.status_code == 422, "only a platform service files for a grant holder"
    own = await client.post(
        path, json={"description": "自查发现有误"}, headers=auth.department("D001")
    )
    assert own.status_code == 201


async def test_a_platform_service_files_an_objection_for_a_grant_holder(
    client: httpx.AsyncClient, seed: Any, as_service: dict[str, str], auth: Any
) -> None:
    await seed.department("D001")
    resource = await seed.published()
    filed = await client.post(
        f"{API}/resources/{resource['id']}/objections",
        json={"description": "开放数据中电话号码有误"},
        headers=as_service,
    )
    assert filed.status_code == 201
    other = await client.get(
        f"{API}/objections/{filed.json()['id']}", headers=auth.department("D003")
    )
    assert other.status_code == 404
