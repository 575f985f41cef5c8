"""Applications from the municipal open-data platform (Art. 24): submission, the data centre's
screening, the owner's 10-working-day review on the official calendar, decisions and sweeps."""

from datetime import date
from typing import Any

from opening_flow import COMPANY_FIELDS, Opening, application_body, credit_code, published

from pdp_contracts.catalog import CalendarYearLoaded
from pdp_contracts.opening import (
    ApplicationApproved,
    ApplicationForwarded,
    ApplicationRefused,
    ApplicationReturned,
    ReviewDeadlineRecomputed,
    ReviewOverdue,
    UsageReportOverdue,
)
from pdp_kit.auth import Role
from pdp_kit.events.envelope import Event

Flow = Opening


async def test_the_municipal_platform_submits_and_a_repeat_returns_the_first(
    opening: Flow, outbox: Any
) -> None:
    listing = await opening.listing()
    body = application_body(listing["id"])
    key = {"Idempotency-Key": "municipal:SHOD000001"}
    first = await opening.post("/applications", {**opening.municipal, **key}, body, status=201)
    assert (first["status"], first["received_on"]) == ("received", "2026-06-01")
    again = await opening.post("/applications", {**opening.municipal, **key}, body, status=200)
    assert again["id"] == first["id"]
    received = await outbox.events("cn.gov.changning.pdp.opening.application.received.v1")
    assert [e.data["municipal_id"] for e in received] == ["SHOD000001"]


async def test_only_the_municipal_platform_submits(opening: Flow) -> None:
    listing = await opening.listing()
    body = application_body(listing["id"])
    for headers in (opening.owner, opening.applicant, opening.datacenter, opening.bureau):
        await opening.post("/applications", headers, body, status=403)


async def test_bad_applications_are_refused_with_every_problem(opening: Flow) -> None:
    listing = await opening.listing()
    bad_code = application_body(listing["id"])
    bad_code["applicant"]["credit_code"] = credit_code(1)[:-1] + "0"
    if bad_code["applicant"]["credit_code"] == credit_code(1):
        bad_code["applicant"]["credit_code"] = credit_code(1)[:-1] + "1"
    problem = await opening.post("/applications", opening.municipal, bad_code, status=422)
    assert [e["field"] for e in problem["errors"]] == ["applicant.credit_code"]
    no_code = application_body(listing["id"])
    no_code["applicant"].pop("credit_code")
    await opening.post("/applications", opening.municipal, no_code, status=422)
    person = application_body(listing["id"])
    person["applicant"] = {"kind": "person", "name": "张三", "client_id": "public-app-9"}
    await opening.post("/applications", opening.municipal, person, status=201)
    forbidden = application_body(listing["id"], scenario="精准营销推送")
    problem = await opening.post("/applications", opening.municipal, forbidden, status=422)
    assert [e["field"] for e in problem["errors"]] == ["scenario"]
    unlisted = application_body("NO-SUCH-LISTING")
    await opening.post("/applications", opening.municipal, unlisted, status=404)


async def test_applications_for_not_open_or_unconditional_listings_are_refused(
    opening: Flow,
) -> None:
    await opening.deliver(published("R2", open_type="not_open", fields=COMPANY_FIELDS))
    consent = {"rights_holder": "某企业", "obtained_on": "2026-05-01", "reference": "TY-1"}
    not_open = await opening.listing(
        "R2", open_type="not_open", conditions=None, desensitisation={}, consent=consent
    )
    problem = await opening.post(
        "/applications", opening.municipal, application_body(not_open["id"]), status=422
    )
    assert "not open" in problem["errors"][0]["message"]
    await opening.deliver(published("R3", open_type="unconditional", fields=COMPANY_FIELDS))
    open_one = await opening.listing(
        "R3", open_type="unconditional", conditions=None, desensitisation={}
    )
    await opening.post(
        "/applications", opening.municipal, application_body(open_one["id"]), status=422
    )


async def test_a_complete_application_is_forwarded_with_ten_working_days_over_national_day(
    opening: Flow, today: Any, outbox: Any
) -> None:
    listing = await opening.listing()
    application = await opening.apply(listing["id"])
    today(date(2026, 9, 30))
    screened = await opening.post(
        f"/applications/{application['id']}/screen", opening.datacenter, {"complete": True}
    )
    # Oct 1–7 off; Oct 10 (a Saturday) worked: Oct 8, 9, 10, 12–16, 19, 20.
    assert (screened["status"], screened["review_due_on"]) == ("forwarded", "2026-10-20")
    assert screened["provisional"] is False
    [event] = await outbox.events(ApplicationForwarded.event_type)
    assert event.data["review_due_on"] == "2026-10-20"


async def test_the_review_clock_skips_the_spring_festival(opening: Flow, today: Any) -> None:
    listing = await opening.listing()
    application = await opening.apply(listing["id"])
    today(date(2026, 2, 12))
    screened = await opening.post(
        f"/applications/{application['id']}/screen", opening.datacenter, {"complete": True}
    )
    # Feb 15–23 off; Feb 14 and 28 (Saturdays) worked.
    assert screened["review_due_on"] == "2026-03-04"


async def test_screening_happens_once_and_an_incomplete_one_is_returned_listing_all_missing(
    opening: Flow, outbox: Any
) -> None:
    listing = await opening.listing()
    application = await opening.apply(listing["id"])
    path = f"/applications/{application['id']}"
    await opening.post(f"{path}/screen", opening.owner, {"complete": True}, status=403)
    await opening.post(f"{path}/screen", opening.datacenter, {"complete": False}, status=422)
    missing = ["数据安全承诺书（盖章）", "应用场景说明"]
    returned = await opening.post(
        f"{path}/screen", opening.datacenter, {"complete": False, "missing": missing}
    )
    assert (returned["status"], returned["missing"]) == ("returned", missing)
    again = await opening.post(f"{path}/screen", opening.datacenter, {"complete": True}, 409)
    assert again["type"].endswith("application-state")
    [event] = await outbox.events(ApplicationReturned.event_type)
    assert event.data["missing"] == missing
    for headers in (opening.owner, opening.applicant, opening.datacenter):
        await opening.post(f"{path}/materials", headers, {"materials": ["x"]}, status=403)
    resubmitted = await opening.post(
        f"{path}/materials", opening.municipal, {"materials": ["全部材料"]}
    )
    assert resubmitted["status"] == "received"
    problem = await opening.post(
        f"{path}/screen", opening.datacenter, {"complete": False, "missing": ["又一项"]}, 409
    )
    assert problem["type"].endswith("materials-notice-sent")
    forwarded = await opening.post(f"{path}/screen", opening.datacenter, {"complete": True})
    assert forwarded["status"] == "forwarded"


async def test_only_the_owner_decides_and_only_on_a_screened_application(
    opening: Flow, outbox: Any
) -> None:
    listing = await opening.listing()
    unscreened = await opening.apply(listing["id"])
    problem = await opening.post(
        f"/applications/{unscreened['id']}/approve", opening.owner, status=409
    )
    assert problem["type"].endswith("application-state")
    forwarded = await opening.forwarded(listing["id"])
    path = f"/applications/{forwarded['id']}"
    await opening.post(f"{path}/approve", opening.other, status=404)
    await opening.post(f"{path}/reject", opening.other, {"reason": "x"}, status=404)
    await opening.post(f"{path}/approve", opening.datacenter, status=403)
    await opening.get(path, opening.other, status=404)
    await opening.get(path, opening.stranger, status=404)
    await opening.post(f"{path}/reject", opening.owner, {}, status=422)
    await opening.post(f"{path}/reject", opening.owner, {"reason": "  "}, status=422)
    refused = await opening.post(f"{path}/reject", opening.owner, {"reason": "场景与清单不符"})
    assert (refused["status"], refused["reason"]) == ("refused", "场景与清单不符")
    await opening.post(f"{path}/approve", opening.owner, status=409)
    [event] = await outbox.events(ApplicationRefused.event_type)
    assert (event.data["reason"], event.data["on_time"]) == ("场景与清单不符", True)


async def test_approval_grants_the_period_and_a_usage_report_falls_due(
    opening: Flow, outbox: Any
) -> None:
    listing = await opening.listing()
    approved = await opening.approved(listing["id"], {"valid_until": "2026-12-31"})
    assert (approved["status"], approved["valid_from"], approved["valid_until"]) == (
        "approved",
        "2026-06-01",
        "2026-12-31",
    )
    assert approved["usage_report_due_on"] == "2026-07-01"  # 30 days, the listing's duty
    [event] = await outbox.events(ApplicationApproved.event_type)
    assert (event.data["client_id"], event.data["scenario"]) == ("public-app-1", "交通出行服务")
    mine = await opening.get("/applications", opening.applicant)
    assert [a["id"] for a in mine["items"]] == [approved["id"]]
    assert (await opening.get("/applications", opening.stranger))["items"] == []
    assert (await opening.get("/applications", opening.other))["items"] == []
    await opening.get("/applications", opening.auth.headers(Role.OPERATOR), status=403)


async def test_the_sweep_flags_overdue_reviews_and_usage_reports_once(
    opening: Flow, outbox: Any
) -> None:
    listing = await opening.listing()
    late = await opening.forwarded(listing["id"])  # due 2026-06-15
    assert late["review_due_on"] == "2026-06-15"
    approved = await opening.approved(listing["id"])
    assert (await opening.sweep(date(2026, 6, 15)))["opening.review-clocks"]["overdue"] == 0
    assert (await opening.sweep(date(2026, 6, 16)))["opening.review-clocks"]["overdue"] == 1
    assert (await opening.sweep(date(2026, 6, 17)))["opening.review-clocks"]["overdue"] == 0
    shown = await opening.get(f"/applications/{late['id']}", opening.owner)
    assert shown["overdue"] is True
    assert len(await outbox.events(ReviewOverdue.event_type)) == 1

    assert (await opening.sweep(date(2026, 7, 2)))["opening.usage-reports"]["overdue"] == 1
    assert (await opening.sweep(date(2026, 7, 3)))["opening.usage-reports"]["overdue"] == 0
    [event] = await outbox.events(UsageReportOverdue.event_type)
    assert event.subject == approved["id"]
    path = f"/applications/{approved['id']}/usage-reports"
    await opening.post(path, opening.stranger, {"report": "x"}, status=404)
    filed = await opening.post(path, opening.applicant, {"report": "用于交通出行服务，未转授"})
    assert (filed["usage_report_filed_on"], filed["usage_report_overdue"]) == ("2026-06-01", False)


async def test_a_loaded_calendar_year_moves_open_review_deadlines_and_lifts_a_stale_flag(
    opening: Flow, outbox: Any
) -> None:
    listing = await opening.listing()
    forwarded = await opening.forwarded(listing["id"])
    await opening.sweep(date(2026, 6, 16))
    # The bureau corrects 2026: June 2–12 become days off; the review now ends later.
    holidays = [date(2026, 6, d) for d in range(2, 13)]
    loaded = CalendarYearLoaded(year=2026, holidays=holidays, workdays=[])
    await opening.deliver(Event.of(loaded, subject="2026"))
    shown = await opening.get(f"/applications/{forwarded['id']}", opening.owner)
    assert shown["review_due_on"] > "2026-06-16" and shown["overdue"] is False
    [event] = await outbox.events(ReviewDeadlineRecomputed.event_type)
    assert event.data["overdue_lifted"] is True


async def test_an_applicant_must_declare_the_credit_lists_the_listing_names(
    opening: Flow,
) -> None:
    listing = await opening.listing()  # conditions name the dishonest-debtor list
    body = application_body(listing["id"], credit_declarations=[])
    problem = await opening.post("/applications", opening.municipal, body, status=422)
    assert [e["field"] for e in problem["errors"]] == ["credit_declarations"]
    assert "dishonest_debtor" in problem["errors"][0]["message"]
