"""The open list (Art. 21, 22, 25): what may be listed, by whom, and with which profile."""

from typing import Any

from opening_flow import COMPANY_FIELDS, MASK_ALL, Opening, listing_body, published, withdrawn

from pdp_contracts.opening import (
    ListingAdjusted,
    ListingClosed,
    ListingMadeStatic,
    ListingPublished,
)

Flow = Opening


async def test_the_owner_lists_its_resource_with_every_sensitive_field_masked_or_dropped(
    opening: Flow, outbox: Any
) -> None:
    listing = await opening.listing()
    assert (listing["status"], listing["open_type"], listing["basis"]) == (
        "active",
        "conditional",
        "open",
    )
    shown = {f["name"]: f["masked"] for f in listing["fields"]}
    assert "remark" not in shown  # dropped: not even named as leaving
    assert shown["id_number"] == "id_number" and shown["phone"] == "phone"
    assert shown["full_name"] == "name" and shown["address"] == "address"
    assert shown["licence"] is None
    [event] = await outbox.events(ListingPublished.event_type)
    assert (event.data["department"], event.data["resource_id"]) == ("D001", "R1")
    everyone = await opening.get("/listings", opening.stranger)
    assert [item["id"] for item in everyone["items"]] == [listing["id"]]


async def test_a_sensitive_field_left_keep_is_refused_naming_the_field(opening: Flow) -> None:
    profile = {"id_number": "keep", "full_name": "mask", "phone": "mask", "address": "drop"}
    problem = await opening.post(
        "/listings", opening.owner, {**_body(), "desensitisation": profile}, status=422
    )
    named = {e["field"] for e in problem["errors"]}
    # Both the explicit keep and the sensitive field the profile forgot (kept by default).
    assert named == {"desensitisation.id_number", "desensitisation.remark"}


async def test_an_explicit_rule_and_unknown_fields_are_checked(opening: Flow) -> None:
    profile = {
        **_body()["desensitisation"],
        "full_name": {"action": "mask", "rule": "name"},
        "nope": "drop",
    }
    problem = await opening.post(
        "/listings", opening.owner, {**_body(), "desensitisation": profile}, status=422
    )
    assert [e["field"] for e in problem["errors"]] == ["desensitisation.nope"]


async def test_another_departments_resource_cannot_be_listed(opening: Flow) -> None:
    await opening.post("/listings", opening.other, _body(), status=403)
    await opening.post("/listings", opening.bureau, _body(), status=403)
    await opening.post("/listings", opening.owner, _body("UNKNOWN"), status=404)


async def test_a_not_shared_resource_is_never_listed(opening: Flow) -> None:
    await opening.deliver(published("R2", share_type="not_shared", open_type="not_open"))
    problem = await opening.post("/listings", opening.owner, _body("R2"), status=422)
    assert problem["errors"][0]["field"] == "resource_id"


async def test_a_not_open_resource_needs_desensitisation_or_consent(opening: Flow) -> None:
    await opening.deliver(published("R3", open_type="not_open", fields=COMPANY_FIELDS))
    body = {**_body("R3"), "desensitisation": {}}
    problem = await opening.post("/listings", opening.owner, body, status=422)
    assert [e["field"] for e in problem["errors"]] == ["consent"]
    consent = {"rights_holder": "某企业", "obtained_on": "2026-05-01", "reference": "TY-001"}
    listed = await opening.post("/listings", opening.owner, {**body, "consent": consent}, 201)
    assert listed["basis"] == "consent"
    # The rights holder's consent stays on record with the department, not on the public list.
    shown = await opening.get(f"/listings/{listed['id']}", opening.stranger)
    assert "consent" not in shown and "某企业" not in str(shown)
    await opening.deliver(published("R4", open_type="not_open"))
    masked = await opening.post("/listings", opening.owner, _body("R4"), status=201)
    assert masked["basis"] == "desensitised"


async def test_conditions_belong_to_conditional_listings_and_no_listing_opens_wider(
    opening: Flow,
) -> None:
    problem = await opening.post(
        "/listings", opening.owner, {**_body(), "conditions": None}, status=422
    )
    assert [e["field"] for e in problem["errors"]] == ["conditions"]
    problem = await opening.post(
        "/listings", opening.owner, {**_body(), "open_type": "unconditional"}, status=422
    )
    assert {e["field"] for e in problem["errors"]} == {"conditions", "open_type"}


async def test_a_resource_is_listed_once(opening: Flow) -> None:
    await opening.listing()
    problem = await opening.post("/listings", opening.owner, _body(), status=409)
    assert problem["type"].endswith("listing-exists")


async def test_the_owner_makes_a_listing_static_and_it_stays_open(
    opening: Flow, outbox: Any
) -> None:
    listing = await opening.listing()
    reason = {"reason": "源系统已停止更新"}
    await opening.post(f"/listings/{listing['id']}/static", opening.other, reason, status=403)
    static = await opening.post(f"/listings/{listing['id']}/static", opening.owner, reason)
    assert (static["static"], static["status"], static["update_frequency"]) == (
        True,
        "active",
        "static",
    )
    assert len(await outbox.events(ListingMadeStatic.event_type)) == 1


async def test_a_withdrawn_resource_closes_its_listing(opening: Flow, outbox: Any) -> None:
    listing = await opening.listing()
    await opening.deliver(withdrawn("R1"), withdrawn("R1"))
    closed = await opening.get(f"/listings/{listing['id']}", opening.stranger)
    assert closed["status"] == "closed"
    assert len(await outbox.events(ListingClosed.event_type)) == 1
    assert (await opening.get("/listings", opening.stranger))["items"] == []
    history = await opening.get("/listings", opening.stranger, params={"status": "closed"})
    assert len(history["items"]) == 1


def _body(resource_id: str = "R1") -> dict[str, Any]:

    return listing_body(resource_id)


async def test_the_owner_adjusts_a_listing_under_the_same_rules(opening: Flow, outbox: Any) -> None:
    listing = await opening.listing()
    path = f"/listings/{listing['id']}"
    terms = {key: value for key, value in _body().items() if key != "resource_id"}
    stricter = {**terms, "desensitisation": {**MASK_ALL, "address": "drop"}}
    await opening.call("PUT", path, opening.other, json=stricter, status=403)
    await opening.call("PUT", "/listings/NOPE", opening.owner, json=stricter, status=404)
    leaky = {**terms, "desensitisation": {**MASK_ALL, "phone": "keep"}}
    problem = await opening.call("PUT", path, opening.owner, json=leaky, status=422)
    assert [e["field"] for e in problem["errors"]] == ["desensitisation.phone"]
    adjusted = await opening.call("PUT", path, opening.owner, json=stricter)
    assert "address" not in {f["name"] for f in adjusted["fields"]}
    [event] = await outbox.events(ListingAdjusted.event_type)
    assert event.data["desensitisation"]["address"] == "drop"
