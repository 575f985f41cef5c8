"""Dynamic adjustment (Art. 25): public feedback answered by the owner, demand for unopened
resources surfaced to their owner, freshness against the update frequency."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from opening_flow import Opening, published

from pdp_contracts.catalog import RecordsIngested
from pdp_contracts.opening import (
    FeedbackAnswered,
    FeedbackReceived,
    ListingFoundStale,
    OpeningDemanded,
)
from pdp_kit.auth import Role
from pdp_kit.events.envelope import Event

Flow = Opening


async def test_feedback_is_given_by_anyone_and_answered_once_by_the_owner(
    opening: Flow, outbox: Any
) -> None:
    listing = await opening.listing()
    path = f"/listings/{listing['id']}/feedback"
    given = await opening.post(path, opening.stranger, {"text": "希望增加按街道统计"}, 201)
    await opening.post(path, opening.applicant, {"text": "字段说明不清"}, status=201)
    await opening.post(path, opening.stranger, {"text": " "}, status=422)
    await opening.post("/listings/NOPE/feedback", opening.stranger, {"text": "x"}, status=404)
    assert len((await opening.get(path, opening.owner))["items"]) == 2
    assert len((await opening.get(path, opening.stranger))["items"]) == 1
    assert (await opening.get(path, opening.other))["items"] == []
    answer = {"answer": "已纳入下一版"}
    await opening.post(f"/feedback/{given['id']}/answer", opening.other, answer, status=404)
    await opening.post(f"/feedback/{given['id']}/answer", opening.stranger, answer, status=403)
    answered = await opening.post(f"/feedback/{given['id']}/answer", opening.owner, answer)
    assert (answered["answer"], answered["answered_on"]) == ("已纳入下一版", "2026-06-01")
    await opening.post(f"/feedback/{given['id']}/answer", opening.owner, answer, status=409)
    assert len(await outbox.events(FeedbackReceived.event_type)) == 2
    assert len(await outbox.events(FeedbackAnswered.event_type)) == 1
    figures = await opening.get(f"/listings/{listing['id']}/figures", opening.bureau)
    assert figures["figures"]["feedback"] == 2


async def test_an_often_requested_unopened_resource_is_surfaced_to_its_owner_once(
    opening: Flow, outbox: Any
) -> None:
    await opening.deliver(published("R7", open_type="not_open"))
    for n in range(5):
        client = opening.auth.headers(Role.PUBLIC, client_id=f"app-{n}")
        await opening.post("/demands", client, {"resource_id": "R7", "reason": "研究"}, 202)
    await opening.post("/demands", opening.stranger, {"resource_id": "R1", "reason": "x"}, 202)
    results = await opening.sweep(date(2026, 6, 2))
    assert results["opening.demand"]["surfaced"] == 1
    assert (await opening.sweep(date(2026, 6, 3)))["opening.demand"]["surfaced"] == 0
    [event] = await outbox.events(OpeningDemanded.event_type)
    assert (event.data["resource_id"], event.data["requests"]) == ("R7", 5)
    tally = await opening.get("/demands", opening.owner)
    assert [(t["resource_id"], t["requests"]) for t in tally] == [("R7", 5), ("R1", 1)]
    assert tally[0]["surfaced_on"] == "2026-06-02"
    assert await opening.get("/demands", opening.other) == []
    await opening.get("/demands", opening.stranger, status=403)
    listing = await opening.listing()
    problem = await opening.post(
        "/demands", opening.stranger, {"resource_id": "R1", "reason": "x"}, status=409
    )
    assert listing["id"] in problem["detail"]


async def test_freshness_follows_the_records_the_department_pushes(opening: Flow) -> None:
    listing = await opening.listing()
    path = f"/listings/{listing['id']}/figures"
    assert (await opening.get(path, opening.owner))["figures"]["fresh"] is False
    ingested = RecordsIngested(
        resource_id="R1", version=1, department="D001", accepted=3, rejected=0
    )
    await opening.deliver(Event.of(ingested, subject="R1"))
    figures = (await opening.get(path, opening.owner))["figures"]
    assert figures["fresh"] is True and figures["last_updated_at"] is not None
    await opening.post(f"/listings/{listing['id']}/static", opening.owner, {"reason": "停更"})
    assert (await opening.get(path, opening.owner))["figures"]["fresh"] is None


async def test_the_periodic_evaluation_flags_a_stale_listing_once_and_lifts_it_when_fresh(
    opening: Flow, outbox: Any
) -> None:
    listing = await opening.listing()  # daily; published just now, no records pushed since
    path = f"/listings/{listing['id']}/figures"
    today = date.today()
    assert (await opening.sweep(today))["opening.freshness"] == {"stale": 0, "fresh_again": 0}
    later = today + timedelta(days=5)
    assert (await opening.sweep(later))["opening.freshness"]["stale"] == 1
    assert (await opening.sweep(later))["opening.freshness"]["stale"] == 0
    assert (await opening.get(path, opening.owner))["figures"]["stale_since"] == str(later)
    [event] = await outbox.events(ListingFoundStale.event_type)
    assert (event.data["department"], event.data["as_of"]) == ("D001", str(later))
    ingested = RecordsIngested(
        resource_id="R1", version=1, department="D001", accepted=1, rejected=0
    )
    pushed_later = datetime.combine(later, time(9), tzinfo=UTC)
    await opening.deliver(replace(Event.of(ingested, subject="R1"), time=pushed_later))
    assert (await opening.sweep(later))["opening.freshness"]["fresh_again"] == 1
    assert (await opening.get(path, opening.owner))["figures"]["stale_since"] is None
