from datetime import date
from typing import Any

import httpx

from pdp_contracts.catalog import ChangeClosed, ChangeExtended, ChangeOpened, ChangeOverdue

API = "/api/catalog"


async def open_change(
    client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    body = {
        "department": "D001",
        "reason": "《市场主体登记管理条例》修订",
        "occurred_on": "2026-09-28",
        "summary": "登记事项调整",
    } | overrides
    response = await client.post(f"{API}/changes", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def sweep(client: httpx.AsyncClient, headers: dict[str, str], as_of: str) -> dict[str, Any]:
    response = await client.post(f"{API}/admin/sweep", params={"as_of": as_of}, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json()["results"])


async def test_a_change_obligation_is_due_ten_working_days_after_the_change_across_national_day(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str], today: Any, outbox: Any
) -> None:
    await seed.department("D001")
    today(date(2026, 10, 9))
    change = await open_change(client, as_department, occurred_on="2026-09-28")
    # 29, 30 Sep, then the holiday 1–7 Oct, then 8, 9, 12–16 Oct: not 12 Oct as weekends alone say.
    assert (change["status"], change["due_on"], change["provisional"]) == (
        "open",
        "2026-10-16",
        False,
    )
    assert [e.data["due_on"] for e in await outbox.events(ChangeOpened.event_type)] == [
        "2026-10-16"
    ]


async def test_the_bureau_may_open_a_change_obligation_for_a_department(
    client: httpx.AsyncClient, seed: Any, as_bureau: dict[str, str], today: Any
) -> None:
    await seed.department("D001")
    today(date(2026, 10, 9))
    change = await open_change(client, as_bureau)
    assert change["department"] == "D001"


async def test_a_change_cannot_have_occurred_in_the_future_nor_name_foreign_resources(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str], today: Any
) -> None:
    await seed.department("D001")
    await seed.department("D002")
    foreign = await seed.draft("D002", "X1")
    today(date(2026, 9, 1))
    body = {
        "department": "D001",
        "reason": "职责调整",
        "occurred_on": "2026-09-28",
        "resources": [foreign["id"]],
    }
    response = await client.post(f"{API}/changes", json=body, headers=as_department)
    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == ["occurred_on", "resources.0"]
    response = await client.post(
        f"{API}/changes", json=body | {"occurred_on": "not a date"}, headers=as_department
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "occurred_on"


async def test_one_extension_of_five_working_days_with_the_bureaus_approval_and_never_a_second(
    client: httpx.AsyncClient,
    seed: Any,
    as_department: dict[str, str],
    as_bureau: dict[str, str],
    today: Any,
    outbox: Any,
) -> None:
    await seed.department("D001")
    today(date(2026, 10, 9))
    change = await open_change(client, as_department)
    path = f"{API}/changes/{change['id']}/extension"
    early = await client.post(f"{path}/approve", headers=as_bureau)
    assert early.status_code == 409, "nothing to approve before a request"
    requested = await client.post(path, json={"reason": "涉及多个系统改造"}, headers=as_department)
    assert requested.status_code == 200 and requested.json()["extension_status"] == "requested"
    assert (await client.post(f"{path}/approve", headers=as_department)).status_code == 403
    approved = await client.post(f"{path}/approve", headers=as_bureau)
    assert approved.status_code == 200
    assert (approved.json()["due_on"], approved.json()["extension_status"]) == (
        "2026-10-23",
        "approved",
    )
    assert [e.data["due_on"] for e in await outbox.events(ChangeExtended.event_type)] == [
        "2026-10-23"
    ]
    again = await client.post(path, json={"reason": "再延一次"}, headers=as_department)
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "extension_status"


async def test_a_refused_extension_cannot_be_asked_again(
    client: httpx.AsyncClient,
    seed: Any,
    as_department: dict[str, str],
    as_bureau: dict[str, str],
    today: Any,
) -> None:
    await seed.department("D001")
    today(date(2026, 10, 9))
    change = await open_change(client, as_department)
    path = f"{API}/changes/{change['id']}/extension"
    await client.post(path, json={"reason": "人手不足"}, headers=as_department)
    refused = await client.post(f"{path}/refuse", json={"reason": "理由不充分"}, headers=as_bureau)
    assert (
        refused.json()["extension_status"] == "refused" and refused.json()["due_on"] == "2026-10-16"
    )
    assert (
        await client.post(path, json={"reason": "再次申请"}, headers=as_department)
    ).status_code == 409


async def test_publishing_the_updated_resources_closes_the_obligation_on_time(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str], today: Any, outbox: Any
) -> None:
    await seed.department("D001")
    first = await seed.draft("D001", "R1")
    second = await seed.draft("D001", "R2")
    today(date(2026, 10, 9))
    change = await open_change(client, as_department, resources=[first["id"], second["id"]])
    await seed.submit(first["id"])
    await seed.publish(first["id"])
    still = (await client.get(f"{API}/changes/{change['id']}", headers=as_department)).json()
    assert still["status"] == "open" and still["submitted_on"] is None, "R2 is not updated yet"
    today(date(2026, 10, 15))
    await seed.submit(second["id"])
    today(date(2026, 10, 19))
    await seed.publish(second["id"])
    closed = (await client.get(f"{API}/changes/{change['id']}", headers=as_department)).json()
    assert (closed["status"], closed["submitted_on"], closed["closed_on"]) == (
        "closed",
        "2026-10-15",
        "2026-10-19",
    )
    events = await outbox.events(ChangeClosed.event_type)
    assert [(e.subject, e.data["on_time"]) for e in events] == [(change["id"], True)]


async def test_without_named_resources_the_next_submission_meets_the_obligation(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str], today: Any
) -> None:
    await seed.department("D001")
    today(date(2026, 10, 9))
    change = await open_change(client, as_department)
    await seed.published("D001", "R1")
    closed = (await client.get(f"{API}/changes/{change['id']}", headers=as_department)).json()
    assert (closed["status"], closed["submitted_on"]) == ("closed", "2026-10-09")


async def test_an_overdue_obligation_is_flagged_once_by_the_sweep(
    client: httpx.AsyncClient,
    seed: Any,
    as_department: dict[str, str],
    as_bureau: dict[str, str],
    today: Any,
    outbox: Any,
) -> None:
    await seed.department("D001")
    today(date(2026, 10, 9))
    late = await open_change(
        client, as_department, resources=[(await seed.draft("D001", "R2"))["id"]]
    )
    on_time = await open_change(
        client, as_department, resources=[(await seed.draft("D001", "R1"))["id"]]
    )
    await seed.submit(
        on_time["resources"][0]
    )  # submitted in time; the bureau has not published yet

    assert (await sweep(client, as_bureau, "2026-10-16"))["catalog.change-overdue"]["flagged"] == []
    assert (await sweep(client, as_bureau, "2026-10-19"))["catalog.change-overdue"]["flagged"] == [
        late["id"]
    ]
    assert (await sweep(client, as_bureau, "2026-10-20"))["catalog.change-overdue"]["flagged"] == []
    events = await outbox.events(ChangeOverdue.event_type)
    assert [(e.subject, e.data["due_on"]) for e in events] == [(late["id"], "2026-10-16")]
    shown = (await client.get(f"{API}/changes/{late['id']}", headers=as_department)).json()
    assert (shown["overdue"], shown["overdue_on"]) == (True, "2026-10-19")


async def test_the_annual_review_is_opened_once_per_department_and_year(
    client: httpx.AsyncClient,
    seed: Any,
    as_department: dict[str, str],
    as_bureau: dict[str, str],
    auth: Any,
    today: Any,
    outbox: Any,
) -> None:
    await seed.department("D001")
    await seed.department("D002")
    assert (await sweep(client, as_bureau, "2026-03-01"))["catalog.annual-review"]["opened"] == 2
    assert (await sweep(client, as_bureau, "2026-06-01"))["catalog.annual-review"]["opened"] == 0
    assert (await sweep(client, as_bureau, "2027-01-04"))["catalog.annual-review"]["opened"] == 2
    opened = await outbox.events(ChangeOpened.event_type)
    assert sorted((e.data["department"], e.data["due_on"]) for e in opened) == [
        ("D001", "2026-12-31"),
        ("D001", "2027-12-31"),
        ("D002", "2026-12-31"),
        ("D002", "2027-12-31"),
    ]
    mine = (
        await client.get(f"{API}/changes", params={"status": "open"}, headers=as_department)
    ).json()["items"]
    assert {c["department"] for c in mine} == {"D001"} and len(mine) == 2
    current = next(c for c in mine if c["due_on"] == "2027-12-31")
    today(date(2027, 3, 1))
    done = await client.post(
        f"{API}/changes/{current['id']}/complete",
        json={"summary": "已全面复核，无需调整"},
        headers=as_department,
    )
    assert done.status_code == 200 and done.json()["status"] == "closed"
    other = await client.post(
        f"{API}/changes/{current['id']}/complete",
        json={"summary": "x"},
        headers=auth.department("D002"),
    )
    assert other.status_code == 404


async def test_an_unfinished_annual_review_is_flagged_overdue_after_the_year(
    client: httpx.AsyncClient, seed: Any, as_bureau: dict[str, str], outbox: Any
) -> None:
    await seed.department("D001")
    await sweep(client, as_bureau, "2026-03-01")
    results = await sweep(client, as_bureau, "2027-01-01")
    assert len(results["catalog.change-overdue"]["flagged"]) == 1
    assert [e.data["kind"] for e in await outbox.events(ChangeOverdue.event_type)] == [
        "annual_review"
    ]


async def test_an_extension_is_only_for_change_obligations(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str], as_bureau: dict[str, str]
) -> None:
    await seed.department("D001")
    await sweep(client, as_bureau, "2026-03-01")
    annual = (await client.get(f"{API}/changes", headers=as_department)).json()["items"][0]
    response = await client.post(
        f"{API}/changes/{annual['id']}/extension", json={"reason": "x"}, headers=as_department
    )
    assert response.status_code == 409 and response.json()["errors"][0]["field"] == "kind"
