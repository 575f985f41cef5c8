"""The legal clocks a review found wrong (Art. 10): a rejection reopens the obligation, the
bureau's own review deadline is watched, extensions only in time, and a loaded or corrected
calendar moves every open deadline whose dates fall in its year."""

from datetime import date
from typing import Any

import httpx

from pdp_contracts.catalog import (
    ChangeDeadlineRecomputed,
    ChangeOverdue,
    ChangeOverdueCleared,
    ChangeReopened,
    ResourceDeadlineRecomputed,
    ResourceReviewOverdue,
)

API = "/api/catalog"
CHANGE = {"department": "D001", "reason": "《条例》修订", "occurred_on": "2026-09-28"}
#: 2026 as the State Council published it, plus 8 October as a correction: a day off.
CORRECTED_2026 = {
    "holidays": [
        "2026-01-01", "2026-01-02", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
        "2026-02-20", "2026-02-23", "2026-04-06", "2026-05-01", "2026-05-04", "2026-05-05",
        "2026-06-19", "2026-09-25", "2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06",
        "2026-10-07", "2026-10-08",
    ],
    "workdays": [
        "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
    ],
}  # fmt: skip


async def sweep(client: httpx.AsyncClient, headers: dict[str, str], as_of: str) -> dict[str, Any]:
    response = await client.post(f"{API}/admin/sweep", params={"as_of": as_of}, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json()["results"])


async def test_a_rejected_update_reopens_the_obligation_and_is_flagged_when_not_resubmitted(
    client: httpx.AsyncClient,
    seed: Any,
    as_department: dict[str, str],
    as_bureau: dict[str, str],
    today: Any,
    outbox: Any,
) -> None:
    await seed.department("D001")
    resource = await seed.published()
    today(date(2026, 10, 9))
    change = (await client.post(f"{API}/changes", json=CHANGE, headers=as_department)).json()
    body = {k: v for k, v in seed.body().items() if k not in ("department", "code")}
    revised = await client.post(
        f"{API}/resources/{resource['id']}/versions", json=body, headers=as_department
    )
    assert revised.status_code == 201
    await seed.submit(resource["id"])
    met = (await client.get(f"{API}/changes/{change['id']}", headers=as_department)).json()
    assert met["submitted_on"] == "2026-10-09"
    rejected = await client.post(
        f"{API}/resources/{resource['id']}/reject", json={"reason": "缺少字段"}, headers=as_bureau
    )
    assert rejected.status_code == 200
    reopened = (await client.get(f"{API}/changes/{change['id']}", headers=as_department)).json()
    assert reopened["submitted_on"] is None
    assert [e.subject for e in await outbox.events(ChangeReopened.event_type)] == [change["id"]]
    results = await sweep(client, as_bureau, "2026-10-19")
    assert results["catalog.change-overdue"]["flagged"] == [change["id"]]
    assert [e.subject for e in await outbox.events(ChangeOverdue.event_type)] == [change["id"]]


async def test_the_bureaus_own_review_deadline_is_flagged_once_when_missed(
    client: httpx.AsyncClient,
    seed: Any,
    as_department: dict[str, str],
    as_bureau: dict[str, str],
    today: Any,
    outbox: Any,
) -> None:
    await seed.department("D001")
    draft = await seed.draft()
    today(date(2026, 9, 29))
    submitted = await seed.submit(draft["id"])
    assert submitted["review_due_on"] == "2026-10-08"
    assert (await sweep(client, as_bureau, "2026-10-08"))["catalog.review-overdue"] == {
        "flagged": []
    }
    first = await sweep(client, as_bureau, "2026-10-09")
    assert first["catalog.review-overdue"] == {"flagged": [draft["id"]]}
    again = await sweep(client, as_bureau, "2026-10-12")
    assert again["catalog.review-overdue"] == {"flagged": []}
    events = await outbox.events(ResourceReviewOverdue.event_type)
    assert [(e.subject, e.data["review_due_on"], e.data["as_of"]) for e in events] == [
        (draft["id"], "2026-10-08", "2026-10-09")
    ]
    shown = (await client.get(f"{API}/resources/{draft['id']}", headers=as_department)).json()
    assert shown["review_overdue_on"] == "2026-10-09"


async def test_an_extension_is_refused_after_the_due_date_or_after_submission(
    client: httpx.AsyncClient, seed: Any, as_department: dict[str, str], today: Any
) -> None:
    await seed.department("D001")
    draft = await seed.draft()
    today(date(2026, 10, 9))
    submitted = (
        await client.post(
            f"{API}/changes", json=CHANGE | {"resources": [draft["id"]]}, headers=as_department
        )
    ).json()
    await seed.submit(draft["id"])
    late = (await client.post(f"{API}/changes", json=CHANGE, headers=as_department)).json()
    today(date(2026, 10, 19))  # the due date, 16 October, has passed
    refused = await client.post(
        f"{API}/changes/{late['id']}/extension", json={"reason": "来不及"}, headers=as_department
    )
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "due_on"
    today(date(2026, 10, 12))
    after_submission = await client.post(
        f"{API}/changes/{submitted['id']}/extension", json={"reason": "x"}, headers=as_department
    )
    assert after_submission.status_code == 409
    assert after_submission.json()["errors"][0]["field"] == "submitted_on"


async def test_granting_an_extension_late_lifts_a_published_overdue_flag_with_an_event(
    client: httpx.AsyncClient,
    seed: Any,
    as_department: dict[str, str],
    as_bureau: dict[str, str],
    today: Any,
    outbox: Any,
) -> None:
    await seed.department("D001")
    today(date(2026, 10, 15))
    change = (await client.post(f"{API}/changes", json=CHANGE, headers=as_department)).json()
    path = f"{API}/changes/{change['id']}/extension"
    assert (await client.post(path, json={"reason": "x"}, headers=as_department)).status_code == 200
    await sweep(client, as_bureau, "2026-10-19")  # the bureau had not decided yet: flagged
    today(date(2026, 10, 20))
    approved = await client.post(f"{path}/approve", headers=as_bureau)
    assert approved.status_code == 200
    assert (approved.json()["due_on"], approved.json()["overdue"]) == ("2026-10-23", False)
    cleared = await outbox.events(ChangeOverdueCleared.event_type)
    assert [(e.subject, e.data["reason"]) for e in cleared] == [(change["id"], "extension_granted")]


async def test_correcting_a_loaded_year_moves_every_open_deadline_in_it_with_events(
    client: httpx.AsyncClient,
    seed: Any,
    as_department: dict[str, str],
    as_bureau: dict[str, str],
    today: Any,
    outbox: Any,
) -> None:
    await seed.department("D001")
    draft = await seed.draft()
    today(date(2026, 9, 29))
    change = (await client.post(f"{API}/changes", json=CHANGE, headers=as_department)).json()
    submitted = await seed.submit(draft["id"])
    assert (submitted["review_due_on"], change["due_on"]) == ("2026-10-08", "2026-10-16")
    assert submitted["provisional"] is False and change["provisional"] is False
    await sweep(client, as_bureau, "2026-10-09")  # the review is flagged against 8 October

    loaded = await client.put(f"{API}/calendar/2026", json=CORRECTED_2026, headers=as_bureau)
    assert loaded.status_code == 200, loaded.text

    resource = (await client.get(f"{API}/resources/{draft['id']}", headers=as_department)).json()
    assert (resource["review_due_on"], resource["review_overdue_on"]) == ("2026-10-09", None)
    moved = (await client.get(f"{API}/changes/{change['id']}", headers=as_department)).json()
    assert moved["due_on"] == "2026-10-19"
    reviews = await outbox.events(ResourceDeadlineRecomputed.event_type)
    assert [(e.subject, e.data["review_due_on"], e.data["overdue_cleared"]) for e in reviews] == [
        (draft["id"], "2026-10-09", True)
    ]
    changes = await outbox.events(ChangeDeadlineRecomputed.event_type)
    assert [(e.subject, e.data["due_on"]) for e in changes] == [(change["id"], "2026-10-19")]


async def test_an_empty_year_is_refused_unless_confirmed(
    client: httpx.AsyncClient, as_bureau: dict[str, str]
) -> None:
    empty = {"holidays": [], "workdays": []}
    refused = await client.put(f"{API}/calendar/2031", json=empty, headers=as_bureau)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "holidays"
    confirmed = await client.put(
        f"{API}/calendar/2031", params={"confirm_empty": "true"}, json=empty, headers=as_bureau
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["source"] == "operator"


async def test_working_days_from_a_far_date_are_bounded_and_the_schema_says_so(
    client: httpx.AsyncClient, app: Any
) -> None:
    far = await client.get(
        f"{API}/calendar/working-days", params={"from": "9999-12-01", "add": 3650}
    )
    assert far.status_code == 422
    assert far.json()["errors"][0]["field"] == "from"
    big = await client.get(f"{API}/calendar/working-days", params={"from": "2026-01-05", "add": 0})
    assert big.status_code == 422
    operation = app.openapi()["paths"][f"{API}/calendar/working-days"]["get"]
    schemas = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert (schemas["add"]["minimum"], schemas["add"]["maximum"]) == (1, 3650)
    assert (schemas["from"]["formatMinimum"], schemas["from"]["formatMaximum"]) == (
        "1900-01-01",
        "2199-12-31",
    )
