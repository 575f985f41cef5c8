"""The open-data platform adapter (Art. 24): applications from the city reach opening once, and
decisions go back, whatever the city or opening do meanwhile."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from gateway.municipal.runner import MunicipalAdapters
from pdp_contracts.opening import ApplicationApproved, ApplicationRefused, ApplicationReturned
from pdp_kit.auth import Role

from .conftest import Sim, Upstream, later
from .events import deliver

APPLICATIONS = "/api/gateway/municipal/applications"


def application(number: int) -> dict[str, Any]:
    return {
        "id": f"SHOD{number:06d}",
        "listing_id": "L0001",
        "applicant": {
            "kind": "legal_person",
            "name": "上海某数据科技有限公司",
            "credit_code": "91310105MA1FW8LX2H",
            "client_id": "public-app-1",
        },
        "scenario": "交通出行服务",
        "materials": ["营业执照", "数据安全承诺书"],
    }


async def listed(client: httpx.AsyncClient, auth: Any) -> dict[str, dict[str, Any]]:
    response = await client.get(APPLICATIONS, headers=auth.headers(Role.DATACENTER))
    assert response.status_code == 200, response.text
    return {item["id"]: item for item in response.json()["items"]}


async def test_applications_from_the_city_are_posted_to_opening_once_as_municipal(
    client: httpx.AsyncClient, auth: Any, sim: Sim, opening: Upstream, adapters: MunicipalAdapters
) -> None:
    for number in (1, 2):
        assert (await sim.admin.post("/admin/applications", json=application(number))).is_success
    await sim.faults(duplicate=True)  # every item twice, the last page again
    opening.script = [(201, {"id": "APP-A"}), (201, {"id": "APP-B"})]

    result = await adapters.step()
    assert (result["applications_pulled"], result["applications_forwarded"]) == (2, 2)
    await adapters.step(now=later(60))  # the repeated page adds nothing

    assert [call["idempotency_key"] for call in opening.calls] == [
        "municipal:SHOD000001",
        "municipal:SHOD000002",
    ]
    first = opening.calls[0]
    assert first["path"] == "/api/opening/applications"
    assert (first["client_id"], first["roles"]) == ("municipal-open-data", ["municipal"])
    contract = ("listing_id", "applicant", "scenario", "materials")
    assert first["body"] == {name: application(1)[name] for name in contract}
    states = await listed(client, auth)
    assert {k: (v["status"], v["opening_id"]) for k, v in states.items()} == {
        "SHOD000001": ("done", "APP-A"),
        "SHOD000002": ("done", "APP-B"),
    }


async def test_while_opening_or_the_city_is_down_applications_wait_and_are_not_lost(
    client: httpx.AsyncClient, auth: Any, sim: Sim, opening: Upstream, adapters: MunicipalAdapters
) -> None:
    await sim.admin.post("/admin/applications", json=application(1))
    await sim.faults(fail=-1)
    result = await adapters.step()
    assert str(result["applications_pulled"]).startswith("failed")
    assert await listed(client, auth) == {}

    await sim.faults(fail=0)
    opening.script = [(503, {"title": "down"}), (502, {"title": "down"})]
    await adapters.step()
    waiting = (await listed(client, auth))["SHOD000001"]
    assert (waiting["status"], waiting["attempts"]) == ("pending", 1)
    assert "503" in waiting["last_error"]
    await adapters.step(now=later(12))
    assert (await listed(client, auth))["SHOD000001"]["attempts"] == 2
    await adapters.step(now=later(60))
    done = (await listed(client, auth))["SHOD000001"]
    assert (done["status"], done["attempts"]) == ("done", 3)
    assert len(opening.calls) == 3
    assert {call["idempotency_key"] for call in opening.calls} == {"municipal:SHOD000001"}


async def test_an_application_opening_refuses_goes_back_to_the_city_with_the_reason(
    client: httpx.AsyncClient, auth: Any, sim: Sim, opening: Upstream, adapters: MunicipalAdapters
) -> None:
    await sim.admin.post("/admin/applications", json=application(1))
    await sim.admin.post("/admin/applications", json={"id": "BROKEN", "scenario": 3})
    opening.script = [(422, {"title": "清单未开放"})]
    await adapters.step()
    states = await listed(client, auth)
    assert states["SHOD000001"]["status"] == "refused"
    assert "清单未开放" in states["SHOD000001"]["last_error"]
    assert states["BROKEN"]["status"] == "refused"  # kept, with what is wrong, never dropped
    assert "listing_id" in states["BROKEN"]["last_error"]
    assert len(opening.calls) == 1

    await adapters.step()
    returned = (await sim.admin.get("/admin/applications/SHOD000001/decisions")).json()
    assert [d["decision"] for d in returned] == ["returned"]
    assert "清单未开放" in returned[0]["reason"]


async def test_the_data_centre_returns_a_decision_to_the_city_once_despite_a_lost_answer(
    client: httpx.AsyncClient, auth: Any, sim: Sim, adapters: MunicipalAdapters
) -> None:
    await sim.admin.post("/admin/applications", json=application(1))
    await adapters.step()
    decision = {
        "decision": "approved",
        "access": {"listing_id": "L0001", "client_id": "public-app-1"},
    }
    path = f"{APPLICATIONS}/SHOD000001/decision"
    datacenter = auth.headers(Role.DATACENTER)
    queued = await client.post(path, json=decision, headers=datacenter)
    assert queued.status_code == 202, queued.text
    assert queued.json()["status"] == "pending"
    again = await client.post(path, json=decision, headers=datacenter)
    assert again.json()["id"] == queued.json()["id"]  # the same decision is queued once

    await sim.faults(lose=1)
    await adapters.step()
    await adapters.step(now=later(15))
    returned = (await sim.admin.get("/admin/applications/SHOD000001/decisions")).json()
    assert returned == [{**decision, "reason": None, "decided_at": returned[0]["decided_at"]}]
    shown = (await client.get("/api/gateway/municipal/decisions", headers=datacenter)).json()[
        "items"
    ]
    assert [(d["status"], d["attempts"]) for d in shown] == [("done", 2)]


async def test_only_the_data_centre_or_the_bureau_return_decisions_on_known_applications(
    client: httpx.AsyncClient, auth: Any, sim: Sim, adapters: MunicipalAdapters
) -> None:
    await sim.admin.post("/admin/applications", json=application(1))
    await adapters.step()
    body = {"decision": "rejected", "reason": "用途超出开放条件"}
    path = f"{APPLICATIONS}/SHOD000001/decision"
    for headers in (auth.department("D001"), auth.headers(Role.OPS), auth.headers(Role.MUNICIPAL)):
        assert (await client.post(path, json=body, headers=headers)).status_code == 403
    unknown = f"{APPLICATIONS}/NOPE/decision"
    response = await client.post(unknown, json=body, headers=auth.headers(Role.BUREAU))
    assert response.status_code == 404
    bad = await client.post(path, json={"decision": "maybe"}, headers=auth.headers(Role.BUREAU))
    assert bad.status_code == 422
    assert (await client.get(APPLICATIONS, headers=auth.department("D001"))).status_code == 403


async def test_opening_s_decision_events_go_back_to_the_city_each_once(
    app: Any, sim: Sim, opening: Upstream, adapters: MunicipalAdapters
) -> None:
    for number in (1, 2, 3):
        await sim.admin.post("/admin/applications", json=application(number))
    opening.script = [(201, {"id": "APP-A"}), (201, {"id": "APP-B"}), (201, {"id": "APP-C"})]
    await adapters.step()
    common = {"listing_id": "L0001", "department": "D001", "client_id": "public-app-1"}
    approved = ApplicationApproved(
        id="APP-A",
        municipal_id="SHOD000001",
        scenario="交通出行服务",
        valid_from=date(2026, 6, 1),
        valid_until=date(2026, 12, 31),
        usage_report_due_on=date(2026, 7, 1),
        decided_on=date(2026, 6, 1),
        on_time=True,
        **common,
    )
    event = await deliver(app, approved)
    await deliver(app, approved, event=event)  # a redelivery queues nothing more
    # No municipal_id (an older event): found by opening's id.
    await deliver(
        app,
        ApplicationRefused(
            id="APP-B", reason="场景不符", decided_on=date(2026, 6, 1), on_time=True, **common
        ),
    )
    await deliver(
        app,
        ApplicationReturned(
            id="APP-C",
            municipal_id="SHOD000003",
            missing=["数据安全承诺书", "场景说明"],
            screened_on=date(2026, 6, 1),
            **common,
        ),
    )
    await deliver(  # posted to opening directly, not by the city: nowhere to return it
        app,
        ApplicationRefused(
            id="APP-Z", reason="x", decided_on=date(2026, 6, 1), on_time=True, **common
        ),
    )
    await adapters.step()
    returned = {
        number: (await sim.admin.get(f"/admin/applications/SHOD00000{number}/decisions")).json()
        for number in (1, 2, 3)
    }
    [first] = returned[1]
    assert first["decision"] == "approved"
    assert first["access"]["client_id"] == "public-app-1"
    assert first["access"]["valid_until"] == "2026-12-31"
    assert [(d["decision"], d["reason"]) for d in returned[2]] == [("rejected", "场景不符")]
    [incomplete] = returned[3]
    assert incomplete["decision"] == "returned"
    assert "数据安全承诺书" in incomplete["reason"] and "场景说明" in incomplete["reason"]
