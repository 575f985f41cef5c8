from datetime import date, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from catalog.subscriptions import subscriptions
from pdp_contracts.catalog import ObjectionAnswered, ObjectionFiled
from pdp_contracts.sharing import GrantCreated, GrantReinstated, GrantSuspended, GrantTerminated
from pdp_kit.events.envelope import Event

API = "/api/catalog"


async def deliver(app: FastAPI, *events: Event) -> None:
    """Run each event's handlers from the subscriptions table in one transaction."""
    async with app.state.sessionmaker() as session, session.begin():
        for event in events:
            for handler in subscriptions.for_type(event.type):
                await handler(session, event)


def granted(
    grant_id: str, resource_id: str, holder: str, *, valid_until: date | None = None
) -> Event:
    created = GrantCreated(
        id=grant_id,
        request_id=f"Q{grant_id}",
        resource_id=resource_id,
        holder=holder,
        provider="D001",
        fields=["name", "capital"],
        purpose="企业信用监管",
        legal_basis="《优化营商环境条例》",
        valid_until=valid_until or date.today() + timedelta(days=365),
    )
    return Event.of(created, subject=grant_id, department=holder)


def terminated(grant_id: str, holder: str) -> Event:
    payload = GrantTerminated(
        id=grant_id, holder=holder, provider="D001", cause="holder", reason="申请部门不再需要"
    )
    return Event.of(payload, subject=grant_id, department=holder)


def suspended(grant_id: str, holder: str) -> Event:
    payload = GrantSuspended(
        id=grant_id, holder=holder, provider="D001", kind="misuse", reason="超范围使用"
    )
    return Event.of(payload, subject=grant_id, department=holder)


def reinstated(grant_id: str, holder: str) -> Event:
    payload = GrantReinstated(id=grant_id, holder=holder, provider="D001", reason="已整改")
    return Event.of(payload, subject=grant_id, department=holder)


async def file(client: httpx.AsyncClient, resource_id: str, headers: dict[str, str]) -> int:
    response = await client.post(
        f"{API}/resources/{resource_id}/objections",
        json={"description": "注册资本与工商公示不一致", "fields": ["capital"]},
        headers=headers,
    )
    return response.status_code


async def test_a_grant_holder_files_an_objection_and_the_owner_answers(
    client: httpx.AsyncClient,
    app: FastAPI,
    seed: Any,
    auth: Any,
    as_department: dict[str, str],
    outbox: Any,
) -> None:
    await seed.department("D001")
    resource = await seed.published()
    user = auth.department("D002")
    await deliver(app, granted("G1", resource["id"], "D002"))
    filed = await client.post(
        f"{API}/resources/{resource['id']}/objections",
        json={
            "description": "注册资本与工商公示不一致",
            "fields": ["capital"],
            "record": {"credit_code": "X"},
        },
        headers=user,
    )
    assert filed.status_code == 201, filed.text
    ticket = filed.json()
    assert (ticket["status"], ticket["filer_department"], ticket["version"]) == ("open", "D002", 1)
    assert [e.subject for e in await outbox.events(ObjectionFiled.event_type)] == [ticket["id"]]
    assert [e.data["filer_department"] for e in await outbox.events(ObjectionFiled.event_type)] == [
        "D002"
    ]

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


async def test_only_an_active_unexpired_grant_on_that_resource_entitles_a_department(
    client: httpx.AsyncClient, app: FastAPI, seed: Any, auth: Any, as_bureau: dict[str, str]
) -> None:
    """Art. 19, 20: a grant on another resource, an expired, a terminated or a suspended grant
    does not entitle; a reinstated one does again. The bureau and other departments get 403."""
    await seed.department("D001")
    resource = await seed.published("D001", "R1")
    other = await seed.published("D001", "R2")
    await deliver(
        app,
        granted("G2", resource["id"], "D002"),
        granted("G3", other["id"], "D003"),
        granted("G4", resource["id"], "D004", valid_until=date.today() - timedelta(days=2)),
        granted("G5", resource["id"], "D005"),
    )
    rid = resource["id"]
    assert await file(client, rid, auth.department("D003")) == 403, "its grant is on R2"
    assert await file(client, rid, auth.department("D004")) == 403, "its grant has expired"
    assert await file(client, rid, auth.department("D006")) == 403, "it holds no grant"
    assert await file(client, rid, as_bureau) == 403
    assert await file(client, rid, auth.department("D002")) == 201
    assert await file(client, other["id"], auth.department("D003")) == 201

    await deliver(app, terminated("G2", "D002"))
    assert await file(client, rid, auth.department("D002")) == 403, "its grant was terminated"

    await deliver(app, suspended("G5", "D005"))
    assert await file(client, rid, auth.department("D005")) == 403, "its sharing right is held"
    await deliver(app, reinstated("G5", "D005"))
    assert await file(client, rid, auth.department("D005")) == 201


async def test_redelivered_grant_events_are_harmless(
    client: httpx.AsyncClient, app: FastAPI, seed: Any, auth: Any
) -> None:
    """The handlers are idempotent beyond the inbox: a created grant is remembered once, a late
    ``GrantCreated`` does not revive a terminated grant, an older suspension does not undo a
    later reinstatement, and events of a grant never seen are skipped."""
    await seed.department("D001")
    resource = await seed.published()
    rid = resource["id"]
    created, suspension, reinstatement = (
        granted("G6", rid, "D002"),
        suspended("G6", "D002"),
        reinstated("G6", "D002"),
    )
    await deliver(app, created, created, suspension, reinstatement)
    await deliver(app, created, reinstatement, suspension)
    assert await file(client, rid, auth.department("D002")) == 201

    created, ended = granted("G7", rid, "D003"), terminated("G7", "D003")
    await deliver(app, created, ended)
    await deliver(app, ended, created, granted("G7", rid, "D003"), reinstated("G7", "D003"))
    assert await file(client, rid, auth.department("D003")) == 403

    await deliver(app, terminated("unknown", "D004"), suspended("unknown", "D004"))
    assert await file(client, rid, auth.department("D004")) == 403


def test_the_catalog_consumes_sharing_grant_events_from_its_topic() -> None:
    assert subscriptions.all_topics() == {"pdp.gateway.events", "pdp.sharing.events"}
    for payload in (GrantCreated, GrantSuspended, GrantReinstated, GrantTerminated):
        assert subscriptions.for_type(payload.event_type), payload.event_type


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
    """Art. 6, 14: the owner, the data centre, grant holders, and licence holders through the
    opening and registry services; another department without a grant, the bureau, other
    platform services and outsiders get 403."""
    await seed.department("D001")
    resource = await seed.published()
    path = f"{API}/resources/{resource['id']}/objections"
    sharing = auth.headers("service", client_id="pdp-sharing")
    for headers in (as_ops, as_assessor, as_public, as_bureau, auth.department("D002"), sharing):
        response = await client.post(path, json={"description": "x"}, headers=headers)
        assert response.status_code == 403
    own = await client.post(
        path, json={"description": "自查发现有误"}, headers=auth.department("D001")
    )
    assert own.status_code == 201


async def test_the_opening_service_files_an_objection_for_a_licence_holder(
    client: httpx.AsyncClient, seed: Any, auth: Any
) -> None:
    await seed.department("D001")
    resource = await seed.published()
    filed = await client.post(
        f"{API}/resources/{resource['id']}/objections",
        json={"description": "开放数据中电话号码有误"},
        headers=auth.headers("service", client_id="pdp-opening"),
    )
    assert filed.status_code == 201
    assert (filed.json()["filed_by"], filed.json()["filer_department"]) == ("pdp-opening", None)
    other = await client.get(
        f"{API}/objections/{filed.json()['id']}", headers=auth.department("D003")
    )
    assert other.status_code == 404
