"""Keeping the catalogue alive (Art. 9, 11): resources are withdrawn, duties and systems updated
and retired; every catalogue is chained, and a failed push can be retried."""

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from catalog.chain.handlers import when_chain_receipt_recorded_show_it_on_the_resource
from pdp_contracts.catalog import (
    DutyChainRequested,
    DutyRetired,
    DutyUpdated,
    ResourceChainRequested,
    ResourceWithdrawn,
    SystemChainRequested,
    SystemRetired,
)
from pdp_contracts.chain import ChainReceiptRecorded
from pdp_kit.events.envelope import Event

API = "/api/catalog"


async def receive(app: Any, **receipt: Any) -> None:
    payload = ChainReceiptRecorded(**receipt)
    event = Event(
        id=str(uuid.uuid4()),
        source="/pdp/gateway",
        type=payload.event_type,
        subject=payload.resource_id,
        time=datetime.now(UTC),
        data=payload.model_dump(mode="json"),
    )
    async with app.state.sessionmaker() as session, session.begin():
        await when_chain_receipt_recorded_show_it_on_the_resource(session, event)


async def test_a_withdrawn_resource_leaves_the_catalogue_and_stays_readable_in_history(
    client: httpx.AsyncClient,
    seed: Any,
    auth: Any,
    as_department: dict[str, str],
    as_service: dict[str, str],
    outbox: Any,
) -> None:
    await seed.department("D001")
    resource = await seed.published()
    path = f"{API}/resources/{resource['id']}"
    missing_reason = await client.post(f"{path}/withdraw", json={}, headers=as_department)
    assert missing_reason.status_code == 422
    withdrawn = await client.post(
        f"{path}/withdraw", json={"reason": "系统停用，数据不再产生"}, headers=as_department
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert (withdrawn.json()["status"], withdrawn.json()["withdrawn_reason"]) == (
        "withdrawn",
        "系统停用，数据不再产生",
    )
    events = await outbox.events(ResourceWithdrawn.event_type)
    assert [(e.subject, e.data["version"], e.data["reason"]) for e in events] == [
        (resource["id"], 1, "系统停用，数据不再产生")
    ]
    other = auth.department("D002")
    assert (await client.get(path, headers=other)).json()["status"] == "withdrawn"
    assert (await client.get(f"{path}/versions/1", headers=other)).status_code == 200
    listed = (await client.get(f"{API}/resources", headers=other)).json()["items"]
    assert listed == []
    found = (await client.get(f"{API}/resources", params={"q": "企业"}, headers=other)).json()
    assert found["items"] == []
    dcat = (await client.get(f"{API}/dcat.jsonld", headers=other)).json()
    assert dcat["dcat:dataset"] == []
    records = await client.post(f"{path}/records", json={"records": []}, headers=as_department)
    assert records.status_code == 409
    internal = await client.get(
        f"{API}/internal/resources/{resource['id']}/records", headers=as_service
    )
    assert internal.status_code == 409
    again = await client.post(f"{path}/withdraw", json={"reason": "x"}, headers=as_department)
    assert again.status_code == 409
    body = {k: v for k, v in seed.body().items() if k not in ("department", "code")}
    revise = await client.post(f"{path}/versions", json=body, headers=as_department)
    assert revise.status_code == 409


async def test_only_the_owner_withdraws_and_only_what_was_published(
    client: httpx.AsyncClient, seed: Any, auth: Any, as_bureau: dict[str, str]
) -> None:
    await seed.department("D001")
    published = await seed.published("D001", "R1")
    draft = await seed.draft("D001", "R2")
    body = {"reason": "x"}
    path = f"{API}/resources/{published['id']}/withdraw"
    assert (await client.post(path, json=body, headers=auth.department("D002"))).status_code == 404
    assert (await client.post(path, json=body, headers=as_bureau)).status_code == 403
    never = await client.post(
        f"{API}/resources/{draft['id']}/withdraw", json=body, headers=auth.department("D001")
    )
    assert never.status_code == 409


async def test_a_duty_is_updated_and_retired_with_events_and_chain_requests(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str], outbox: Any
) -> None:
    await seed.department("D001")
    path = f"{API}/departments/D001/duties"
    created = await client.post(
        path, json={"code": "DU2", "name": "旧职责", "legal_basis": "旧条例"}, headers=as_department
    )
    assert created.json()["chain"]["status"] == "pending"
    updated = await client.put(
        f"{path}/DU2", json={"name": "新职责", "legal_basis": "新条例"}, headers=as_department
    )
    assert updated.status_code == 200
    assert (updated.json()["name"], updated.json()["version"]) == ("新职责", 2)
    retired = await client.post(
        f"{path}/DU2/retire", json={"reason": "职责划转"}, headers=as_department
    )
    assert retired.status_code == 200
    assert (retired.json()["status"], retired.json()["version"]) == ("retired", 3)
    assert (await client.get(f"{path}/DU2", headers=as_department)).json()["status"] == "retired"
    again = await client.put(
        f"{path}/DU2", json={"name": "x", "legal_basis": "y"}, headers=as_department
    )
    assert again.status_code == 409
    assert [e.data["version"] for e in await outbox.events(DutyUpdated.event_type)] == [2]
    assert [e.data["reason"] for e in await outbox.events(DutyRetired.event_type)] == ["职责划转"]
    chain = await outbox.events(DutyChainRequested.event_type)
    assert [(e.data["code"], e.data["version"], e.data["status"]) for e in chain][-3:] == [
        ("DU2", 1, "active"),
        ("DU2", 2, "active"),
        ("DU2", 3, "retired"),
    ]
    refused = await client.post(
        f"{API}/resources", json=seed.body(code="R9", duty="DU2"), headers=as_department
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "duty"


async def test_a_system_named_by_a_current_resource_cannot_be_retired(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str], outbox: Any
) -> None:
    await seed.department("D001")
    resource = await seed.published()
    path = f"{API}/departments/D001/systems/SY1"
    renamed = await client.put(path, json={"name": "企业登记系统（新）"}, headers=as_department)
    assert renamed.status_code == 200 and renamed.json()["version"] == 2
    in_use = await client.post(f"{path}/retire", json={"reason": "停用"}, headers=as_department)
    assert in_use.status_code == 409 and in_use.json()["type"].endswith(":entry-in-use")
    await client.post(
        f"{API}/resources/{resource['id']}/withdraw", json={"reason": "停用"}, headers=as_department
    )
    retired = await client.post(f"{path}/retire", json={"reason": "停用"}, headers=as_department)
    assert retired.status_code == 200
    assert [e.data["code"] for e in await outbox.events(SystemRetired.event_type)] == ["SY1"]
    chain = await outbox.events(SystemChainRequested.event_type)
    assert [(e.data["version"], e.data["status"]) for e in chain] == [
        (1, "active"),
        (2, "active"),
        (3, "retired"),
    ]


async def test_a_failed_chain_push_is_shown_and_retried_for_resources_duties_and_systems(
    client: httpx.AsyncClient,
    app: Any,
    seed: Any,
    as_department: dict[str, str],
    as_bureau: dict[str, str],
    as_datacenter: dict[str, str],
    outbox: Any,
) -> None:
    await seed.department("D001")
    resource = await seed.published()
    duty = (await client.get(f"{API}/departments/D001/duties/DU1", headers=as_department)).json()
    system = (await client.get(f"{API}/departments/D001/systems/SY1", headers=as_department)).json()
    resource_retry = f"{API}/resources/{resource['id']}/chain/retry"
    duty_retry = f"{API}/departments/D001/duties/DU1/chain/retry"
    system_retry = f"{API}/departments/D001/systems/SY1/chain/retry"
    not_failed = await client.post(resource_retry, headers=as_bureau)
    assert not_failed.status_code == 409

    await receive(app, resource_id=resource["id"], version=1, status="failed", reason="超时")
    await receive(
        app, resource_id=duty["id"], kind="duty", version=1, status="failed", reason="拒绝"
    )
    await receive(
        app, resource_id=system["id"], kind="system", version=1, status="chained", tx_id="0x5"
    )
    shown = (await client.get(f"{API}/resources/{resource['id']}", headers=as_department)).json()
    assert (shown["chain"]["status"], shown["chain"]["reason"]) == ("failed", "超时")
    duty = (await client.get(f"{API}/departments/D001/duties/DU1", headers=as_department)).json()
    assert (duty["chain"]["status"], duty["chain"]["reason"]) == ("failed", "拒绝")
    system = (await client.get(f"{API}/departments/D001/systems/SY1", headers=as_department)).json()
    assert (system["chain"]["status"], system["chain"]["tx_id"]) == ("chained", "0x5")

    assert (await client.post(resource_retry, headers=as_department)).status_code == 403
    retried = await client.post(resource_retry, headers=as_bureau)
    assert retried.status_code == 200 and retried.json()["chain"]["status"] == "pending"
    requested = await outbox.events(ResourceChainRequested.event_type)
    assert [e.data["version"] for e in requested] == [1, 1]
    retried_duty = await client.post(duty_retry, headers=as_datacenter)
    assert retried_duty.status_code == 200 and retried_duty.json()["status"] == "pending"
    duty_requests = await outbox.events(DutyChainRequested.event_type)
    assert [e.data["code"] for e in duty_requests] == ["DU1", "DU1"]
    assert (await client.post(system_retry, headers=as_bureau)).status_code == 409
