from typing import Any

import httpx
from stdnum.cn import uscc

from pdp_contracts.catalog import ProjectCreated

API = "/api/catalog"


def credit_code(serial: int) -> str:
    base = f"91310105MA1FL{serial:04d}"
    return base + uscc.calc_check_digit(base)


async def test_a_project_may_be_accepted_once_its_resources_are_published_and_aggregated(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str], outbox: Any
) -> None:
    await seed.department("D001")
    second = await client.post(
        f"{API}/departments/D001/systems",
        json={"code": "SY2", "name": "监管系统"},
        headers=as_department,
    )
    assert second.status_code == 201
    created = await client.post(
        f"{API}/projects",
        json={
            "department": "D001",
            "code": "P1",
            "name": "一网通办改造",
            "systems": ["SY1", "SY2"],
        },
        headers=as_department,
    )
    assert created.status_code == 201, created.text
    project = created.json()
    assert project["systems"] == ["SY1", "SY2"]
    assert [e.data["systems"] for e in await outbox.events(ProjectCreated.event_type)] == [
        ["SY1", "SY2"]
    ]
    path = f"{API}/projects/{project['id']}/acceptance"

    first = (await client.get(path, headers=as_department)).json()
    assert first["may_accept"] is False
    assert [(m["system"], m["problem"]) for m in first["missing"]] == [
        ("SY1", "no_resources"),
        ("SY2", "no_resources"),
    ]

    draft = await seed.draft("D001", "R1")
    other = await seed.published("D001", "R2", system="SY2")
    second_look = (await client.get(path, headers=as_department)).json()
    assert [(m["resource_id"], m["problem"]) for m in second_look["missing"]] == [
        (draft["id"], "not_published"),
        (other["id"], "not_aggregated"),
    ]

    await seed.submit(draft["id"])
    await seed.publish(draft["id"])
    for resource_id in (draft["id"], other["id"]):
        await client.post(
            f"{API}/resources/{resource_id}/records",
            json={"records": [{"credit_code": credit_code(1), "name": "甲"}]},
            headers=as_department,
        )
    final = (await client.get(path, headers=as_department)).json()
    assert final == {"project_id": project["id"], "may_accept": True, "missing": []}


async def test_a_project_names_systems_of_its_own_department(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str]
) -> None:
    await seed.department("D001")
    response = await client.post(
        f"{API}/projects",
        json={"department": "D001", "code": "P1", "name": "项目", "systems": ["SY1", "NOPE"]},
        headers=as_department,
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "systems.1"
    empty = await client.post(
        f"{API}/projects",
        json={"department": "D001", "code": "P1", "name": "项目", "systems": []},
        headers=as_department,
    )
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "systems"
