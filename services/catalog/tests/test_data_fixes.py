"""State and data the review found wrong: record keys normalised, quality figures that do not
drift, merge-by-field upserts, not_shared never open, an event for every draft correction, and
project acceptance on what is published."""

from typing import Any

import httpx
from stdnum.cn import ric

from pdp_contracts.catalog import ResourceDraftUpdated

API = "/api/catalog"
PERSON = [
    {
        "name": "id_number",
        "title": "身份证号",
        "type": "string",
        "format": "resident_id",
        "sensitive": True,
        "key": True,
    },
    {"name": "phone", "title": "联系电话", "type": "string", "format": "phone", "sensitive": True},
    {"name": "name", "title": "姓名", "type": "string", "sensitive": True},
    {"name": "age", "title": "年龄", "type": "integer", "sensitive": False},
]


def person_id() -> str:
    """A resident ID number whose check character is X."""
    for sequence in range(1000):
        base = f"31010519850612{sequence:03d}"
        if ric.calc_check_digit(base + "0") == "X":
            return base + "X"
    raise AssertionError("no X check digit")


async def ingest(
    client: httpx.AsyncClient, resource_id: str, records: list[Any], headers: dict[str, str]
) -> dict[str, Any]:
    response = await client.post(
        f"{API}/resources/{resource_id}/records", json={"records": records}, headers=headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def stored(
    client: httpx.AsyncClient, resource_id: str, headers: dict[str, str]
) -> list[dict[str, Any]]:
    response = await client.get(f"{API}/internal/resources/{resource_id}/records", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_formatted_values_are_normalised_before_they_are_keyed_and_stored(
    client: httpx.AsyncClient,
    seed: Any,
    as_department: dict[str, str],
    as_service: dict[str, str],
) -> None:
    await seed.department("D001")
    resource = await seed.published(fields=PERSON)
    number = person_id()
    spellings = [number, number[:-1] + "x", f" {number} "]
    for index, spelling in enumerate(spellings):
        await ingest(
            client,
            resource["id"],
            [{"id_number": spelling, "phone": "138 0013 8000"}],
            as_department,
        )
        assert len(await stored(client, resource["id"], as_service)) == 1, spellings[index]
    [record] = await stored(client, resource["id"], as_service)
    assert (record["id_number"], record["phone"]) == (number, "+8613800138000")


async def test_numbers_are_keyed_by_value(
    client: httpx.AsyncClient,
    seed: Any,
    as_department: dict[str, str],
    as_service: dict[str, str],
) -> None:
    await seed.department("D001")
    fields = [
        {"name": "code", "title": "编号", "type": "number", "sensitive": False, "key": True},
        {"name": "label", "title": "名称", "type": "string", "sensitive": False},
    ]
    resource = await seed.published(fields=fields)
    await ingest(client, resource["id"], [{"code": 7, "label": "甲"}], as_department)
    await ingest(client, resource["id"], [{"code": 7.0, "label": "乙"}], as_department)
    assert [r["label"] for r in await stored(client, resource["id"], as_service)] == ["乙"]


async def test_a_partial_push_merges_by_field_and_never_erases_stored_values(
    client: httpx.AsyncClient,
    seed: Any,
    as_department: dict[str, str],
    as_service: dict[str, str],
    as_datacenter: dict[str, str],
) -> None:
    await seed.department("D001")
    resource = await seed.published(fields=PERSON)
    number = person_id()
    full = {"id_number": number, "phone": "13800138000", "name": "张三", "age": 40}
    await ingest(client, resource["id"], [full], as_department)
    await ingest(client, resource["id"], [{"id_number": number, "age": 41}], as_department)
    [record] = await stored(client, resource["id"], as_service)
    assert record == full | {"age": 41, "phone": "+8613800138000"}
    quality = (
        await client.get(f"{API}/resources/{resource['id']}/quality", headers=as_datacenter)
    ).json()
    assert quality["completeness"] == 1.0
    await ingest(client, resource["id"], [{"id_number": number, "name": None}], as_department)
    [cleared] = await stored(client, resource["id"], as_service)
    assert cleared["name"] is None and cleared["age"] == 41


async def test_a_record_repeated_within_a_batch_is_accepted_once(
    client: httpx.AsyncClient,
    seed: Any,
    as_department: dict[str, str],
    as_datacenter: dict[str, str],
) -> None:
    await seed.department("D001")
    resource = await seed.published(fields=PERSON)
    number = person_id()
    result = await ingest(
        client,
        resource["id"],
        [{"id_number": number, "age": 1}, {"id_number": number, "age": 2}],
        as_department,
    )
    assert result["accepted"] == 1
    quality = (
        await client.get(f"{API}/resources/{resource['id']}/quality", headers=as_datacenter)
    ).json()
    assert (quality["volume"], quality["accepted_total"]) == (1, 1)


async def test_completeness_counts_each_record_against_the_fields_it_was_checked_on(
    client: httpx.AsyncClient,
    seed: Any,
    as_department: dict[str, str],
    as_datacenter: dict[str, str],
) -> None:
    await seed.department("D001")
    resource = await seed.published(fields=PERSON[:2])
    await ingest(
        client, resource["id"], [{"id_number": person_id(), "phone": "13800138000"}], as_department
    )
    # The next version has twice the fields; the stored record was complete for its own.
    body = {k: v for k, v in seed.body(fields=PERSON).items() if k not in ("department", "code")}
    revised = await client.post(
        f"{API}/resources/{resource['id']}/versions", json=body, headers=as_department
    )
    assert revised.status_code == 201
    await seed.submit(resource["id"])
    await seed.publish(resource["id"])
    quality = (
        await client.get(f"{API}/resources/{resource['id']}/quality", headers=as_datacenter)
    ).json()
    assert (quality["version"], quality["completeness"]) == (2, 1.0)


async def test_a_not_shared_resource_cannot_be_declared_open(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str]
) -> None:
    await seed.department("D001")
    for open_type in ("unconditional", "conditional"):
        body = seed.body(
            code=f"R{open_type[:3]}",
            share_type="not_shared",
            share_basis="《统计法》第二十五条",
            open_type=open_type,
        )
        response = await client.post(f"{API}/resources", json=body, headers=as_department)
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["open_type"]


async def test_correcting_a_draft_publishes_an_event(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str], outbox: Any
) -> None:
    await seed.department("D001")
    draft = await seed.draft()
    body = {k: v for k, v in seed.body().items() if k not in ("department", "code")}
    response = await client.put(
        f"{API}/resources/{draft['id']}/draft",
        json=body | {"name": "企业登记信息（更正）"},
        headers=as_department,
    )
    assert response.status_code == 200
    events = await outbox.events(ResourceDraftUpdated.event_type)
    assert [(e.subject, e.data["name"]) for e in events] == [(draft["id"], "企业登记信息（更正）")]


async def test_acceptance_looks_at_the_published_version_not_a_pending_draft(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str]
) -> None:
    await seed.department("D001")
    system = {"code": "SY2", "name": "新系统"}
    created = await client.post(
        f"{API}/departments/D001/systems", json=system, headers=as_department
    )
    assert created.status_code == 201
    resource = await seed.published()  # from SY1, never aggregated
    body = {k: v for k, v in seed.body(system="SY2").items() if k not in ("department", "code")}
    revised = await client.post(
        f"{API}/resources/{resource['id']}/versions", json=body, headers=as_department
    )
    assert revised.status_code == 201
    project = await client.post(
        f"{API}/projects",
        json={"department": "D001", "code": "P1", "name": "项目", "systems": ["SY1"]},
        headers=as_department,
    )
    acceptance = (
        await client.get(f"{API}/projects/{project.json()['id']}/acceptance", headers=as_department)
    ).json()
    assert acceptance["may_accept"] is False
    assert [(m["resource_id"], m["problem"]) for m in acceptance["missing"]] == [
        (resource["id"], "not_aggregated")
    ]
