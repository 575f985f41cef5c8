"""Deadlines in working days: the National Day holiday, and a year the library does not know."""

from datetime import date
from typing import Any

import httpx

from pdp_contracts.catalog import ChangeDeadlineRecomputed

API = "/api/catalog"
SCHEDULE_2027 = {"holidays": ["2027-01-01"], "workdays": []}


async def test_the_review_of_an_update_submitted_before_national_day_is_due_after_it(
    client: httpx.AsyncClient, seed: Any, today: Any
) -> None:
    await seed.department("D001")
    draft = await seed.draft()
    today(date(2026, 9, 29))
    submitted = await seed.submit(draft["id"])
    # 30 Sep counts, 1–7 Oct are the holiday, 8 Oct is the second working day.
    assert (submitted["review_due_on"], submitted["provisional"]) == ("2026-10-08", False)


async def test_a_deadline_in_a_year_no_source_covers_is_provisional_until_the_bureau_loads_it(
    client: httpx.AsyncClient,
    seed: Any,
    as_department: dict[str, str],
    as_bureau: dict[str, str],
    today: Any,
    outbox: Any,
) -> None:
    await seed.department("D001")
    draft = await seed.draft()
    today(date(2026, 12, 31))
    body = {"department": "D001", "reason": "职责调整", "occurred_on": "2026-12-28"}
    change = (await client.post(f"{API}/changes", json=body, headers=as_department)).json()
    assert (change["due_on"], change["provisional"]) == ("2027-01-11", True)  # weekends alone
    submitted = await seed.submit(draft["id"])
    assert (submitted["review_due_on"], submitted["provisional"]) == ("2027-01-04", True)

    loaded = await client.put(f"{API}/calendar/2027", json=SCHEDULE_2027, headers=as_bureau)
    assert loaded.status_code == 200, loaded.text

    change = (await client.get(f"{API}/changes/{change['id']}", headers=as_department)).json()
    assert (change["due_on"], change["provisional"]) == ("2027-01-12", False)
    resource = (await client.get(f"{API}/resources/{draft['id']}", headers=as_department)).json()
    assert (resource["review_due_on"], resource["provisional"]) == ("2027-01-05", False)
    recomputed = await outbox.events(ChangeDeadlineRecomputed.event_type)
    assert [(e.subject, e.data["due_on"]) for e in recomputed] == [(change["id"], "2027-01-12")]


async def test_the_working_day_calendar_answers_with_provisional(client: httpx.AsyncClient) -> None:
    known = await client.get(
        f"{API}/calendar/working-days", params={"from": "2026-09-30", "add": 1}
    )
    assert known.json() == {
        "from": "2026-09-30",
        "add": 1,
        "date": "2026-10-08",
        "provisional": False,
    }
    unknown = await client.get(
        f"{API}/calendar/working-days", params={"from": "2027-09-30", "add": 1}
    )
    assert unknown.json()["provisional"] is True


async def test_only_the_bureau_loads_a_calendar_year(
    client: httpx.AsyncClient, as_department: dict[str, str], as_datacenter: dict[str, str]
) -> None:
    for headers in (as_department, as_datacenter):
        response = await client.put(f"{API}/calendar/2027", json=SCHEDULE_2027, headers=headers)
        assert response.status_code == 403
