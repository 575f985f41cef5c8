"""The catalogue chain adapter (Art. 11) against the simulator, with its faults switched on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from gateway.municipal.chain import canonical_json, sm3_hex
from gateway.municipal.runner import MunicipalAdapters
from pdp_contracts.catalog import DutyChainRequested
from pdp_contracts.chain import ChainReceiptRecorded
from pdp_kit.auth import Role
from pdp_kit.sweeps import today_in_shanghai

from .conftest import Sim, later
from .events import deliver, resource_request

PUSHES = "/api/gateway/municipal/chain-pushes"


async def pushes(client: httpx.AsyncClient, auth: Any) -> list[dict[str, Any]]:
    response = await client.get(PUSHES, headers=auth.headers(Role.DATACENTER))
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def receipts(outbox: Any) -> list[ChainReceiptRecorded]:
    events = await outbox.events(ChainReceiptRecorded.event_type)
    return [event.payload(ChainReceiptRecorded) for event in events]


async def test_a_published_resource_is_chained_and_its_receipt_goes_back_to_the_catalog(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth: Any,
    sim: Sim,
    adapters: MunicipalAdapters,
    outbox: Any,
) -> None:
    request = resource_request()
    await deliver(app, request)
    [waiting] = await pushes(client, auth)
    assert (waiting["status"], waiting["attempts"], waiting["tx_id"]) == ("pending", 0, None)

    result = await adapters.step()
    assert result["chained"] == 1

    [chained] = await sim.chain()
    expected_hash = sm3_hex(canonical_json(request.model_dump(mode="json")))
    assert chained["hash"] == expected_hash
    [receipt] = await receipts(outbox)
    assert (receipt.resource_id, receipt.kind, receipt.version, receipt.status) == (
        "RES001",
        "resource",
        1,
        "chained",
    )
    assert receipt.tx_id == chained["tx_id"]
    [done] = await pushes(client, auth)
    assert (done["status"], done["tx_id"]) == ("done", chained["tx_id"])
    assert done["hash"] == expected_hash
    assert (await adapters.step())["chained"] == 0  # nothing is pushed twice


async def test_a_redelivered_or_repeated_request_is_chained_once(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth: Any,
    sim: Sim,
    adapters: MunicipalAdapters,
    outbox: Any,
) -> None:
    first = await deliver(app, resource_request())
    await deliver(app, resource_request(), event=first)  # the broker redelivers it
    await deliver(app, resource_request())  # the catalog asked twice
    await adapters.step()
    await deliver(app, resource_request())  # and once more after it went out
    await adapters.step()
    assert len(await pushes(client, auth)) == 1
    assert len(await sim.chain()) == 1
    assert len(await receipts(outbox)) == 1


async def test_while_the_chain_fails_pushes_wait_with_growing_backoff_and_nothing_is_lost(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth: Any,
    sim: Sim,
    adapters: MunicipalAdapters,
    outbox: Any,
) -> None:
    await sim.faults(fail=-1)
    await deliver(app, resource_request())
    started = datetime.now(UTC)

    await adapters.step(now=started)
    [push] = await pushes(client, auth)
    first_wait = datetime.fromisoformat(push["next_attempt_at"]) - started
    assert push["status"] == "pending" and push["attempts"] == 1
    assert "503" in push["last_error"]
    assert 9 <= first_wait.total_seconds() <= 11  # base 10 s, ±10 % jitter

    await adapters.step(now=later(5))  # not due yet: no call, no attempt
    assert (await pushes(client, auth))[0]["attempts"] == 1

    second_at = later(12)
    await adapters.step(now=second_at)
    [push] = await pushes(client, auth)
    second_wait = datetime.fromisoformat(push["next_attempt_at"]) - second_at
    assert push["attempts"] == 2
    assert 18 <= second_wait.total_seconds() <= 22  # doubled
    assert await receipts(outbox) == []  # not reported yet

    await adapters.step(now=later(40))  # the third failure: the catalog is told, once
    await adapters.step(now=later(90))
    failed = await receipts(outbox)
    assert [(r.status, r.tx_id) for r in failed] == [("failed", None)]
    assert "目录链不可用" in (failed[0].reason or "")

    await sim.faults(fail=0)  # the city is back
    await adapters.step(now=later(600))
    [push] = await pushes(client, auth)
    assert push["status"] == "done" and push["attempts"] == 5
    assert [r.status for r in await receipts(outbox)] == ["failed", "chained"]
    assert len(await sim.chain()) == 1


async def test_a_chain_too_slow_to_answer_is_retried(
    app: FastAPI, client: httpx.AsyncClient, auth: Any, sim: Sim, adapters: MunicipalAdapters
) -> None:
    await deliver(app, resource_request())
    await adapters.step()  # a first call takes the token while the city is quick
    await deliver(app, resource_request("RES002"))
    await sim.faults(slow=3.0)  # the adapter waits 2 s at most
    await adapters.step()
    slow = {p["entry_id"]: p for p in await pushes(client, auth)}["RES002"]
    assert slow["status"] == "pending" and "Timeout" in slow["last_error"]

    await sim.faults(slow=0)
    await adapters.step(now=later(15))
    assert {p["status"] for p in await pushes(client, auth)} == {"done"}


async def test_a_lost_answer_is_retried_and_the_chain_keeps_the_entry_once(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth: Any,
    sim: Sim,
    adapters: MunicipalAdapters,
    outbox: Any,
) -> None:
    await sim.faults(lose=1)  # chained, but the answer never arrives
    await deliver(app, resource_request())
    await adapters.step()
    assert (await pushes(client, auth))[0]["status"] == "pending"
    [entry] = await sim.chain()

    await adapters.step(now=later(15))  # the same idempotency key: the chain answers the receipt
    [push] = await pushes(client, auth)
    assert (push["status"], push["tx_id"]) == ("done", entry["tx_id"])
    assert len(await sim.chain()) == 1
    assert [r.tx_id for r in await receipts(outbox)] == [entry["tx_id"]]


async def test_daily_reconciliation_chains_again_what_the_chain_lost(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth: Any,
    as_bureau: dict[str, str],
    sim: Sim,
    adapters: MunicipalAdapters,
) -> None:
    await deliver(app, resource_request())
    await deliver(app, resource_request("RES002"))
    await adapters.step()
    await sim.admin.delete("/admin/chain/resource/RES002")  # the chain lost one entry

    tomorrow = (today_in_shanghai() + timedelta(days=1)).isoformat()
    sweep = f"/api/gateway/admin/sweep?as_of={tomorrow}"
    today = await client.post("/api/gateway/admin/sweep", headers=as_bureau)
    assert today.json()["results"]["municipal-chain-reconcile"]["to_check"] == 0  # just chained
    swept = await client.post(sweep, headers=as_bureau)
    assert swept.status_code == 200, swept.text
    assert swept.json()["results"]["municipal-chain-reconcile"]["to_check"] == 2

    result = await adapters.step()
    assert result["requeued_by_reconciliation"] == 1
    await adapters.step()
    assert sorted(c["id"] for c in await sim.chain()) == ["RES001", "RES002"]
    assert {p["status"] for p in await pushes(client, auth)} == {"done"}
    again = await client.post(sweep, headers=as_bureau)
    assert again.json()["results"]["municipal-chain-reconcile"]["to_check"] == 0  # checked


async def test_a_newer_duty_version_supersedes_one_still_waiting(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth: Any,
    sim: Sim,
    adapters: MunicipalAdapters,
) -> None:
    def duty(version: int, status: str) -> DutyChainRequested:
        return DutyChainRequested(
            id="DUTY01",
            version=version,
            department="D001",
            department_name="区教育局",
            code="DU1",
            name="学籍管理",
            legal_basis="《义务教育法》",
            status=status,
            changed_at=datetime(2026, 11, version, tzinfo=UTC),
        )

    await deliver(app, duty(1, "active"))
    await deliver(app, duty(2, "retired"))
    await deliver(app, duty(1, "active"))  # a late redelivery of the older one
    await adapters.step()
    states = {p["version"]: p["status"] for p in await pushes(client, auth)}
    assert states == {1: "superseded", 2: "done"}
    [entry] = await sim.chain()
    assert (entry["kind"], entry["version"]) == ("duty", 2)


async def test_a_refused_push_is_reported_and_can_be_sent_again_by_the_data_centre(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth: Any,
    sim: Sim,
    adapters: MunicipalAdapters,
    outbox: Any,
) -> None:
    await deliver(app, resource_request())
    await adapters.step()  # the token first
    await deliver(app, resource_request("RES002"))
    await sim.faults(refuse=1)
    await adapters.step(now=later(1))
    refused = {p["entry_id"]: p for p in await pushes(client, auth)}["RES002"]
    assert refused["status"] == "refused" and "422" in refused["last_error"]
    await adapters.step(now=later(3600))  # a refusal is not retried by itself
    assert [r.status for r in await receipts(outbox)] == ["chained", "failed"]

    key = "resource:RES002:v1"
    datacenter = auth.headers(Role.DATACENTER)
    retried = await client.post(f"{PUSHES}/{key}/retry", headers=datacenter)
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "pending"
    await adapters.step(now=later(3601))
    assert [r.status for r in await receipts(outbox)] == ["chained", "failed", "chained"]
    chained = await client.post(f"{PUSHES}/{key}/retry", headers=datacenter)
    assert chained.status_code == 409  # chained: nothing to send again
    missing = await client.post(f"{PUSHES}/nope/retry", headers=datacenter)
    assert missing.status_code == 404


async def test_only_the_platform_staff_and_ops_see_or_retry_pushes(
    client: httpx.AsyncClient, auth: Any
) -> None:
    for role in (Role.BUREAU, Role.DATACENTER, Role.OPS):
        assert (await client.get(PUSHES, headers=auth.headers(role))).status_code == 200
    for headers in (auth.department("D001"), auth.headers(Role.MUNICIPAL)):
        assert (await client.get(PUSHES, headers=headers)).status_code == 403
    for headers in (auth.department("D001"), auth.headers(Role.OPS)):
        retry = await client.post(f"{PUSHES}/resource:RES001:v1/retry", headers=headers)
        assert retry.status_code == 403
    assert (await client.get(PUSHES)).status_code == 401
