"""Share requests (Art. 17, 18): submission, the legal reply clocks, the one materials notice."""

from datetime import date
from typing import Any

import httpx

from pdp_contracts.catalog import CalendarYearLoaded
from pdp_contracts.sharing import (
    MaterialsRequested,
    MaterialsResubmitted,
    RequestRejected,
    RequestSubmitted,
)
from pdp_kit.events.envelope import Event

API = "/api/sharing"
PROVIDER, REQUESTER = "D001", "D002"
Sharing = Any


async def test_a_conditional_request_received_before_national_day_is_due_ten_working_days_later(
    sharing: Sharing, today: Any, outbox: Any
) -> None:
    today(date(2026, 9, 30))
    request = await sharing.submit()
    # 1–7 Oct are the holiday; Saturday 10 Oct is worked (调休): 8, 9, 10, 12 … 20 Oct.
    assert (request["status"], request["received_on"]) == ("submitted", "2026-09-30")
    assert (request["reply_due_on"], request["provisional"]) == ("2026-10-20", False)
    [event] = await outbox.events(RequestSubmitted.event_type)
    assert event.data["provider"] == PROVIDER and event.data["reply_due_on"] == "2026-10-20"


async def test_an_unconditional_request_is_due_the_next_working_day_after_the_holiday(
    sharing: Sharing, today: Any
) -> None:
    await sharing.resource("R2", share_type="unconditional")
    today(date(2026, 9, 30))
    assert (await sharing.submit("R2"))["reply_due_on"] == "2026-10-08"
    # Saturday 14 Feb 2026 is a working day; the Spring Festival runs 15–23 Feb.
    today(date(2026, 2, 14))
    assert (await sharing.submit("R2"))["reply_due_on"] == "2026-02-24"
    today(date(2026, 2, 13))
    assert (await sharing.submit("R2"))["reply_due_on"] == "2026-02-14"


async def test_a_conditional_request_across_the_spring_festival_counts_the_worked_saturdays(
    sharing: Sharing, today: Any
) -> None:
    today(date(2026, 2, 13))
    # 14 Feb (Saturday, worked), 24–27 Feb, 28 Feb (Saturday, worked), 2–5 Mar.
    assert (await sharing.submit())["reply_due_on"] == "2026-03-05"


async def test_a_deadline_in_an_unknown_year_is_provisional_until_the_year_is_loaded(
    sharing: Sharing, today: Any, outbox: Any
) -> None:
    today(date(2026, 12, 30))
    request = await sharing.submit()
    assert (request["reply_due_on"], request["provisional"]) == ("2027-01-13", True)

    loaded = CalendarYearLoaded(
        year=2027, holidays=[date(2027, 1, 1), date(2027, 1, 4)], workdays=[]
    )
    await sharing.deliver(Event.of(loaded, subject="2027"))

    again = await sharing.get(f"/requests/{request['id']}")
    assert (again["reply_due_on"], again["provisional"]) == ("2027-01-15", False)
    [moved] = await outbox.events("cn.gov.changning.pdp.sharing.request.deadline_recomputed.v1")
    assert (moved.subject, moved.data["reply_due_on"]) == (request["id"], "2027-01-15")
    # Loading the same year again moves nothing and publishes nothing.
    await sharing.deliver(Event.of(loaded, subject="2027"))
    assert len(await outbox.events(moved.type)) == 1


async def test_the_clock_restarts_from_the_resubmission_after_the_one_materials_notice(
    sharing: Sharing, today: Any, outbox: Any
) -> None:
    today(date(2026, 9, 1))
    request = await sharing.submit()
    assert request["reply_due_on"] == "2026-09-15"
    notice = await sharing.post(
        f"/requests/{request['id']}/materials-notice",
        sharing.provider,
        {"missing": ["法律依据原文", "使用场景说明"]},
    )
    assert notice["status"] == "materials_requested"
    [written] = notice["notices"]
    assert (written["kind"], written["sender"], written["recipient"]) == (
        "materials",
        PROVIDER,
        REQUESTER,
    )
    assert "法律依据原文" in written["text"] and "使用场景说明" in written["text"]
    assert written["number"] and written["issued_on"] == "2026-09-01"

    today(date(2026, 9, 29))
    resubmitted = await sharing.post(
        f"/requests/{request['id']}/materials", sharing.requester, {"materials": "已补充"}
    )
    # From 29 Sep: 30 Sep, then 8, 9, 10 (Saturday, worked), 12–16 Oct and 19 Oct.
    assert (resubmitted["status"], resubmitted["received_on"]) == ("submitted", "2026-09-29")
    assert resubmitted["reply_due_on"] == "2026-10-19"
    assert [e.data["missing"] for e in await outbox.events(MaterialsRequested.event_type)] == [
        ["法律依据原文", "使用场景说明"]
    ]
    [event] = await outbox.events(MaterialsResubmitted.event_type)
    assert event.data["reply_due_on"] == "2026-10-19"


async def test_a_second_materials_notice_is_refused(sharing: Sharing) -> None:
    request = await sharing.submit()
    path = f"/requests/{request['id']}/materials-notice"
    await sharing.post(path, sharing.provider, {"missing": ["法律依据"]})
    await sharing.post(
        f"/requests/{request['id']}/materials", sharing.requester, {"materials": "x"}
    )

    second = await sharing.post(path, sharing.provider, {"missing": ["另一份材料"]}, status=409)
    assert second["type"].endswith("materials-notice-sent")


async def test_state_conflicts_name_the_state(sharing: Sharing) -> None:
    request = await sharing.submit()
    rid = request["id"]
    resubmit = await sharing.post(
        f"/requests/{rid}/materials", sharing.requester, {"materials": "x"}, status=409
    )
    assert "submitted" in resubmit["detail"]

    refused = await sharing.post(f"/requests/{rid}/reject", sharing.provider, {"reason": "无依据"})
    assert refused["status"] == "rejected"
    approve = await sharing.post(f"/requests/{rid}/approve", sharing.provider, status=409)
    assert approve["type"].endswith("request-state") and "rejected" in approve["detail"]

    approved = await sharing.submit()
    await sharing.post(f"/requests/{approved['id']}/approve", sharing.provider)
    notice = await sharing.post(
        f"/requests/{approved['id']}/materials-notice",
        sharing.provider,
        {"missing": ["x"]},
        status=409,
    )
    assert "approved" in notice["detail"]
    again = await sharing.post(
        f"/requests/{approved['id']}/reject", sharing.provider, {"reason": "x"}, status=409
    )
    assert "approved" in again["detail"]


async def test_a_refusal_is_a_written_notice_both_sides_read(sharing: Sharing, outbox: Any) -> None:
    request = await sharing.submit()
    await sharing.post(
        f"/requests/{request['id']}/reject", sharing.provider, {"reason": "申请用途与职责无关"}
    )
    for side in (sharing.requester, sharing.provider, sharing.bureau):
        notices = await sharing.get(f"/requests/{request['id']}/notices", side)
        [notice] = notices["items"]
        assert notice["kind"] == "rejection" and "申请用途与职责无关" in notice["text"]
        single = await sharing.get(f"/notices/{notice['id']}", side)
        assert single == notice
    hidden = await sharing.client.get(f"{API}/notices/{notice['id']}", headers=sharing.third)
    assert hidden.status_code == 404
    [event] = await outbox.events(RequestRejected.event_type)
    assert event.data["reason"] == "申请用途与职责无关" and event.data["notice_id"] == notice["id"]


async def test_a_not_shared_resource_is_refused_at_once_citing_its_basis(
    sharing: Sharing,
) -> None:
    await sharing.resource(
        "R9", share_type="not_shared", share_basis="《中华人民共和国统计法》第九条"
    )
    response = await sharing.client.post(
        f"{API}/requests", json=sharing.body("R9"), headers=sharing.requester
    )
    assert response.status_code == 422
    assert "统计法" in response.json()["detail"]


async def test_bad_requests_are_422_with_every_problem_listed(sharing: Sharing) -> None:
    async def problems(**overrides: Any) -> set[str]:
        response = await sharing.client.post(
            f"{API}/requests", json=sharing.body(**overrides), headers=sharing.requester
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        return {p["field"] for p in response.json()["errors"]}

    assert await problems(fields=["credit_code", "salary"]) == {"fields"}
    assert await problems(valid_until="2026-05-31") == {"valid_until"}
    assert await problems(attestation=False) == {"attestation"}
    assert await problems(fields=[]) == {"fields"}
    assert await problems(fields=["salary"], valid_until="2020-01-01") == {"fields", "valid_until"}


async def test_bad_provider_input_is_422(sharing: Sharing) -> None:
    request = await sharing.submit()
    rid = request["id"]
    empty = await sharing.post(
        f"/requests/{rid}/materials-notice", sharing.provider, {"missing": []}, status=422
    )
    assert empty["errors"][0]["field"] == "missing"
    await sharing.post(f"/requests/{rid}/reject", sharing.provider, {}, status=422)
    await sharing.post(f"/requests/{rid}/reject", sharing.provider, {"reason": "  "}, status=422)
    assert (await sharing.get(f"/requests/{rid}"))["status"] == "submitted"


async def test_a_requester_and_a_provider_list_their_own_requests(
    sharing: Sharing, auth: Any
) -> None:
    await sharing.resource("R3", department="D003")
    mine = await sharing.submit()
    other = await sharing.submit("R3")
    theirs = await sharing.client.post(
        f"{API}/requests",
        json=sharing.body("R1", requester="D003"),
        headers=auth.department("D003"),
    )
    assert theirs.status_code == 201

    async def ids(headers: dict[str, str], **params: str) -> list[str]:
        response = await sharing.client.get(f"{API}/requests", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids(sharing.requester) == [mine["id"], other["id"]]
    assert await ids(sharing.provider, **{"as": "provider"}) == [mine["id"], theirs.json()["id"]]
    assert await ids(sharing.provider, **{"as": "requester"}) == []
    assert await ids(sharing.requester, resource_id="R3") == [other["id"]]
    assert len(await ids(sharing.bureau)) == 3
    first = await sharing.client.get(f"{API}/requests", params={"limit": 1}, headers=sharing.bureau)
    rest = await sharing.client.get(
        f"{API}/requests",
        params={"limit": 5, "cursor": first.json()["next_cursor"]},
        headers=sharing.bureau,
    )
    assert len(rest.json()["items"]) == 2


async def test_a_request_for_a_resource_sharing_does_not_know_is_404(
    client: httpx.AsyncClient, sharing: Sharing
) -> None:
    response = await client.post(
        f"{API}/requests", json=sharing.body("NOPE"), headers=sharing.requester
    )
    assert response.status_code == 404
