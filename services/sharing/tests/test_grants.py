"""Grants (Art. 19, 20): idle suspension after three calendar months, misuse to termination, the
holder ending a grant, and a withdrawn or changed resource ending its grants."""

from datetime import date
from typing import Any

from pdp_contracts.sharing import (
    GrantDataCalled,
    GrantReinstated,
    GrantSuspended,
    GrantTerminated,
    RequestRejected,
)

Sharing = Any
API = "/api/sharing"


async def test_a_grant_approved_on_30_november_is_suspended_only_after_28_february(
    sharing: Sharing, today: Any, outbox: Any
) -> None:
    today(date(2026, 11, 30))
    grant = await sharing.grant()
    assert grant["approved_on"] == "2026-11-30" and grant["status"] == "active"

    # Three calendar months from 30 Nov end on 28 Feb (February has no 30th).
    for day in (date(2027, 2, 27), date(2027, 2, 28)):
        assert (await sharing.sweep(day))["sharing.grant-clocks"]["idle_suspended"] == 0
        assert (await sharing.get(f"/grants/{grant['id']}"))["status"] == "active"

    assert (await sharing.sweep(date(2027, 3, 1)))["sharing.grant-clocks"]["idle_suspended"] == 1
    suspended = await sharing.get(f"/grants/{grant['id']}")
    assert (suspended["status"], suspended["suspension"]) == ("suspended", "idle")
    [event] = await outbox.events(GrantSuspended.event_type)
    assert (event.subject, event.data["kind"]) == (grant["id"], "idle")
    # The sweep is idempotent.
    assert (await sharing.sweep(date(2027, 3, 2)))["sharing.grant-clocks"]["idle_suspended"] == 0


async def test_a_leap_year_february_ends_the_three_months_on_the_29th(
    sharing: Sharing, today: Any
) -> None:
    today(date(2027, 11, 30))
    grant = await sharing.grant(valid_until="2028-12-31")
    await sharing.sweep(date(2028, 2, 29))
    assert (await sharing.get(f"/grants/{grant['id']}"))["status"] == "active"
    await sharing.sweep(date(2028, 3, 1))
    assert (await sharing.get(f"/grants/{grant['id']}"))["status"] == "suspended"


async def test_a_filed_justification_keeps_an_idle_grant_alive_and_revives_a_suspended_one(
    sharing: Sharing, today: Any, outbox: Any
) -> None:
    today(date(2026, 6, 1))
    kept = await sharing.grant()
    lapsed = await sharing.grant()
    justified = await sharing.post(
        f"/grants/{kept['id']}/justification", sharing.requester, {"reason": "年度核验才调用"}
    )
    assert justified["justification"] == "年度核验才调用"
    await sharing.sweep(date(2026, 9, 2))
    assert (await sharing.get(f"/grants/{kept['id']}"))["status"] == "active"
    assert (await sharing.get(f"/grants/{lapsed['id']}"))["status"] == "suspended"

    today(date(2026, 9, 3))
    revived = await sharing.post(
        f"/grants/{lapsed['id']}/justification", sharing.requester, {"reason": "仍需使用"}
    )
    assert revived["status"] == "active"
    assert [e.subject for e in await outbox.events(GrantReinstated.event_type)] == [lapsed["id"]]


async def test_misuse_suspension_ends_in_termination_when_the_rectification_date_passes(
    sharing: Sharing, today: Any, outbox: Any
) -> None:
    today(date(2026, 6, 1))
    grant = await sharing.grant()
    body = {"reason": "超出申请用途使用", "rectify_by": "2026-06-30"}
    suspended = await sharing.post(f"/grants/{grant['id']}/suspend", sharing.provider, body)
    assert (suspended["status"], suspended["suspension"], suspended["rectify_by"]) == (
        "suspended",
        "misuse",
        "2026-06-30",
    )
    # A justification does not lift a misuse suspension.
    await sharing.post(
        f"/grants/{grant['id']}/justification", sharing.requester, {"reason": "x"}, status=409
    )
    await sharing.sweep(date(2026, 6, 30))
    assert (await sharing.get(f"/grants/{grant['id']}"))["status"] == "suspended"

    await sharing.sweep(date(2026, 7, 1))
    ended = await sharing.get(f"/grants/{grant['id']}")
    assert (ended["status"], ended["termination_cause"]) == ("terminated", "unrectified")
    [event] = await outbox.events(GrantTerminated.event_type)
    assert event.data["cause"] == "unrectified"
    await sharing.post(
        f"/grants/{grant['id']}/reinstate", sharing.bureau, {"reason": "x"}, status=409
    )


async def test_the_bureau_suspends_and_the_provider_reinstates_after_rectification(
    sharing: Sharing, today: Any
) -> None:
    grant = await sharing.grant()
    body = {"reason": "未按要求落实安全措施", "rectify_by": "2026-06-15"}
    await sharing.post(f"/grants/{grant['id']}/suspend", sharing.bureau, body)
    back = await sharing.post(
        f"/grants/{grant['id']}/reinstate", sharing.provider, {"reason": "已整改"}
    )
    assert (back["status"], back["suspension"], back["rectify_by"]) == ("active", None, None)
    await sharing.sweep(date(2026, 6, 16))
    assert (await sharing.get(f"/grants/{grant['id']}"))["status"] == "active"


async def test_a_rectification_date_in_the_past_or_no_reason_is_422(sharing: Sharing) -> None:
    grant = await sharing.grant()
    path = f"/grants/{grant['id']}/suspend"
    past = await sharing.post(
        path, sharing.provider, {"reason": "x", "rectify_by": "2026-05-01"}, status=422
    )
    assert past["errors"][0]["field"] == "rectify_by"
    await sharing.post(path, sharing.provider, {"rectify_by": "2026-07-01"}, status=422)


async def test_calls_on_a_suspended_terminated_or_expired_grant_are_409_and_recorded(
    sharing: Sharing, today: Any, outbox: Any
) -> None:
    suspended = await sharing.grant()
    await sharing.post(
        f"/grants/{suspended['id']}/suspend",
        sharing.provider,
        {"reason": "超范围", "rectify_by": "2026-07-01"},
    )
    ended = await sharing.grant()
    terminated = await sharing.post(f"/grants/{ended['id']}/terminate", sharing.requester)
    assert (terminated["status"], terminated["termination_cause"]) == ("terminated", "holder")
    expiring = await sharing.grant(valid_until="2026-06-30")
    today(date(2026, 7, 1))

    for grant, state in ((suspended, "suspended"), (ended, "terminated"), (expiring, "expired")):
        response = await sharing.client.get(
            f"{API}/grants/{grant['id']}/data", headers=sharing.requester
        )
        assert response.status_code == 409, response.text
        assert state in response.json()["detail"]
    usage = await outbox.events(GrantDataCalled.event_type)
    assert [(e.subject, e.data["result"]) for e in usage] == [
        (suspended["id"], "refused"),
        (ended["id"], "refused"),
        (expiring["id"], "refused"),
    ]
    assert all(e.data["record_count"] == 0 for e in usage)

    await sharing.sweep(date(2026, 7, 1))
    assert (await sharing.get(f"/grants/{expiring['id']}"))["termination_cause"] == "expired"


async def test_a_withdrawn_resource_ends_its_grants_and_refuses_its_open_requests(
    sharing: Sharing, outbox: Any
) -> None:
    grant = await sharing.grant()
    waiting = await sharing.submit()
    await sharing.deliver(sharing.withdrawn("R1"))
    await sharing.deliver(sharing.withdrawn("R1"))  # redelivered: nothing more happens

    ended = await sharing.get(f"/grants/{grant['id']}")
    assert (ended["status"], ended["termination_cause"]) == ("terminated", "resource_withdrawn")
    refused = await sharing.get(f"/requests/{waiting['id']}")
    assert refused["status"] == "rejected" and refused["notices"][0]["kind"] == "rejection"
    assert len(await outbox.events(GrantTerminated.event_type)) == 1
    assert len(await outbox.events(RequestRejected.event_type)) == 1
    response = await sharing.client.post(
        f"{API}/requests", json=sharing.body(), headers=sharing.requester
    )
    assert response.status_code == 404


async def test_a_new_version_without_a_granted_field_ends_that_grant_and_blocks_approval(
    sharing: Sharing,
) -> None:
    keeps = await sharing.grant(fields=["credit_code"])
    loses = await sharing.grant(fields=["credit_code", "capital"])
    pending = await sharing.submit(fields=["capital"])
    fields = [f for f in sharing.published("R1").data["fields"] if f["name"] != "capital"]
    await sharing.deliver(sharing.published("R1", version=2, fields=fields))

    assert (await sharing.get(f"/grants/{keeps['id']}"))["status"] == "active"
    lost = await sharing.get(f"/grants/{loses['id']}")
    assert (lost["status"], lost["termination_cause"]) == ("terminated", "fields_removed")
    refused = await sharing.post(f"/requests/{pending['id']}/approve", sharing.provider, status=409)
    assert "capital" in refused["detail"]


async def test_no_endpoint_widens_a_grant(sharing: Sharing) -> None:
    grant = await sharing.grant(fields=["credit_code"])
    for method in ("PUT", "PATCH"):
        response = await sharing.client.request(
            method,
            f"{API}/grants/{grant['id']}",
            json={"fields": ["credit_code", "capital"]},
            headers=sharing.provider,
        )
        assert response.status_code == 405
    assert (await sharing.get(f"/grants/{grant['id']}"))["fields"] == ["credit_code"]


async def test_grants_are_listed_to_holder_and_provider_page_by_page(sharing: Sharing) -> None:
    first = await sharing.grant()
    second = await sharing.grant()
    await sharing.post(f"/grants/{second['id']}/terminate", sharing.requester)
    for side in (sharing.requester, sharing.provider, sharing.bureau):
        listed = await sharing.get("/grants", side)
        assert [g["id"] for g in listed["items"]] == [first["id"], second["id"]]
    active = await sharing.client.get(
        f"{API}/grants", params={"status": "active", "limit": 1}, headers=sharing.requester
    )
    assert [g["id"] for g in active.json()["items"]] == [first["id"]]
