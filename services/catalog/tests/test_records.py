from typing import Any

import httpx
from stdnum.cn import ric, uscc

from pdp_contracts.catalog import RecordsIngested

API = "/api/catalog"


def credit_code(serial: int) -> str:
    base = f"91310105MA1FL{serial:04d}"
    return base + uscc.calc_check_digit(base)


def resident_id(sequence: int = 123) -> str:
    base = f"31010519850612{sequence:03d}"
    return base + ric.calc_check_digit(base + "0")


PERSON_FIELDS = [
    {
        "name": "id_number",
        "title": "身份证号",
        "type": "string",
        "format": "resident_id",
        "sensitive": True,
        "key": True,
    },
    {"name": "phone", "title": "联系电话", "type": "string", "format": "phone", "sensitive": True},
    {"name": "email", "title": "电子邮箱", "type": "string", "format": "email", "sensitive": True},
    {"name": "age", "title": "年龄", "type": "integer", "sensitive": False},
    {"name": "verified", "title": "已核验", "type": "boolean", "sensitive": False},
    {"name": "seen_at", "title": "核验时间", "type": "datetime", "sensitive": False},
]


async def ingest(
    client: httpx.AsyncClient, resource_id: str, records: list[Any], headers: dict[str, str]
) -> httpx.Response:
    return await client.post(
        f"{API}/resources/{resource_id}/records", json={"records": records}, headers=headers
    )


async def test_a_batch_keeps_the_good_records_and_reports_each_bad_one(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str], outbox: Any
) -> None:
    await seed.department("D001")
    resource = await seed.published()
    good = {
        "credit_code": credit_code(1),
        "name": "甲公司",
        "registered_on": "2020-05-01",
        "capital": 100.5,
    }
    records = [
        good,
        {
            "credit_code": credit_code(2)[:-1] + "0"
            if credit_code(2)[-1] != "0"
            else credit_code(2)[:-1] + "1",
            "name": "乙公司",
        },
        {
            "credit_code": credit_code(3),
            "registered_on": "2020-02-30",
            "capital": "many",
            "founder": "张三",
        },
        "not an object",
        {"credit_code": credit_code(4), "name": "丁公司", "capital": 0},
    ]
    response = await ingest(client, resource["id"], records, as_department)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["accepted"] == 2
    reported = {r["index"]: sorted(e["field"] for e in r["errors"]) for r in body["rejected"]}
    assert reported == {
        1: ["credit_code"],
        2: ["capital", "founder", "name", "registered_on"],
        3: [""],
    }
    messages = {e["field"]: e["message"] for e in body["rejected"][1]["errors"]}
    assert messages["name"] == "is required" and "date" in messages["registered_on"]
    assert "check character" in body["rejected"][0]["errors"][0]["message"]
    event = (await outbox.events(RecordsIngested.event_type))[0]
    assert (event.data["accepted"], event.data["rejected"]) == (2, 3)
    assert "records" not in event.data, "events carry counts, never data"


async def test_formats_are_checked_by_checksum_and_number_plan(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str]
) -> None:
    await seed.department("D001")
    resource = await seed.published(fields=PERSON_FIELDS)
    ok = {
        "id_number": resident_id(),
        "phone": "13812345678",
        "email": "a@b.cn",
        "age": 41,
        "verified": True,
        "seen_at": "2026-11-02T09:30:00+08:00",
    }
    bad = {
        "id_number": resident_id()[:-1] + "X"
        if resident_id()[-1] != "X"
        else resident_id()[:-1] + "0",
        "phone": "12345678901",
        "email": "nobody",
        "age": True,
        "verified": "yes",
        "seen_at": "2026-11-02T09:30:00",
    }
    response = await ingest(client, resource["id"], [ok, bad], as_department)
    body = response.json()
    assert body["accepted"] == 1
    assert sorted(e["field"] for e in body["rejected"][0]["errors"]) == [
        "age",
        "email",
        "id_number",
        "phone",
        "seen_at",
        "verified",
    ]


async def test_records_are_upserted_by_their_key_fields(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str], as_service: dict[str, str]
) -> None:
    await seed.department("D001")
    resource = await seed.published()
    first = [{"credit_code": credit_code(n), "name": f"公司{n}"} for n in range(3)]
    assert (await ingest(client, resource["id"], first, as_department)).json()["accepted"] == 3
    again = [
        {"credit_code": credit_code(1), "name": "更名公司"},
        {"credit_code": credit_code(9), "name": "新公司"},
    ]
    assert (await ingest(client, resource["id"], again, as_department)).json()["accepted"] == 2
    page = await client.get(
        f"{API}/internal/resources/{resource['id']}/records",
        params={"fields": "credit_code,name"},
        headers=as_service,
    )
    assert page.status_code == 200, page.text
    names = {r["credit_code"]: r["name"] for r in page.json()["items"]}
    assert len(names) == 4 and names[credit_code(1)] == "更名公司"
    assert set(page.json()["items"][0]) == {"credit_code", "name"}


async def test_a_batch_over_the_limit_is_refused_whole(
    client: httpx.AsyncClient,
    app: Any,
    seed: Any,
    as_department: dict[str, str],
    as_service: dict[str, str],
) -> None:
    await seed.department("D001")
    resource = await seed.published()
    limit = app.state.settings.records_batch_limit
    records = [{"credit_code": credit_code(n % 10000), "name": "公司"} for n in range(limit + 1)]
    response = await ingest(client, resource["id"], records, as_department)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "records"
    page = await client.get(
        f"{API}/internal/resources/{resource['id']}/records", headers=as_service
    )
    assert page.json()["items"] == []


async def test_records_of_an_unpublished_resource_are_refused(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str]
) -> None:
    await seed.department("D001")
    draft = await seed.draft()
    response = await ingest(
        client, draft["id"], [{"credit_code": credit_code(1), "name": "甲"}], as_department
    )
    assert response.status_code == 409 and response.json()["errors"][0]["field"] == "status"


async def test_the_internal_records_endpoint_pages_and_checks_field_names(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str], as_service: dict[str, str]
) -> None:
    await seed.department("D001")
    resource = await seed.published()
    await ingest(
        client,
        resource["id"],
        [{"credit_code": credit_code(n), "name": f"公司{n}"} for n in range(5)],
        as_department,
    )
    path = f"{API}/internal/resources/{resource['id']}/records"
    first = (await client.get(path, params={"limit": 3}, headers=as_service)).json()
    rest = (
        await client.get(
            path, params={"limit": 3, "cursor": first["next_cursor"]}, headers=as_service
        )
    ).json()
    keys = [r["credit_code"] for r in first["items"] + rest["items"]]
    assert keys == sorted(credit_code(n) for n in range(5)) and rest["next_cursor"] is None
    unknown = await client.get(path, params={"fields": "name,salary"}, headers=as_service)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "fields"


async def test_only_platform_services_read_records_internally(
    client: httpx.AsyncClient,
    seed: Any,
    as_department: dict[str, str],
    as_bureau: dict[str, str],
    as_datacenter: dict[str, str],
    as_public: dict[str, str],
    auth: Any,
) -> None:
    await seed.department("D001")
    resource = await seed.published()
    audit = auth.headers("service", client_id="pdp-audit")
    for headers in (as_department, as_bureau, as_datacenter, as_public, audit):
        response = await client.get(
            f"{API}/internal/resources/{resource['id']}/records", headers=headers
        )
        assert response.status_code == 403
