"""Concurrent actions on one application or listing, raced through the app on PostgreSQL (real
concurrent sessions): the second waits for the first's row lock and sees its result, so a state
never changes twice and a race never answers 500. SQLite's writers already run one at a time."""

import asyncio
from typing import Any

import pytest
from opening_flow import Opening, application_body, listing_body, published

from pdp_contracts.opening import ApplicationApproved, ApplicationRefused


@pytest.fixture(autouse=True)
def _postgresql_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite writers already run one at a time")


async def test_a_concurrent_approval_and_refusal_let_exactly_one_through(
    opening: Opening, outbox: Any
) -> None:
    listing = await opening.listing()
    forwarded = await opening.forwarded(listing["id"])
    path = f"/api/opening/applications/{forwarded['id']}"
    responses = await asyncio.gather(
        opening.client.post(f"{path}/approve", headers=opening.owner),
        opening.client.post(f"{path}/reject", json={"reason": "否"}, headers=opening.owner),
    )
    assert sorted(r.status_code for r in responses) == [200, 409]
    decided = await outbox.events(ApplicationApproved.event_type) + await outbox.events(
        ApplicationRefused.event_type
    )
    assert len(decided) == 1


async def test_concurrent_screenings_and_listings_give_one_result_and_409s(
    opening: Opening,
) -> None:
    listing = await opening.listing()
    application = await opening.apply(listing["id"])
    path = f"/api/opening/applications/{application['id']}/screen"
    screenings = await asyncio.gather(
        *(
            opening.client.post(path, json={"complete": True}, headers=opening.datacenter)
            for _ in range(3)
        )
    )
    assert sorted(r.status_code for r in screenings) == [200, 409, 409]
    await opening.deliver(published("R5"))
    listings = await asyncio.gather(
        *(
            opening.client.post(
                "/api/opening/listings", json=listing_body("R5"), headers=opening.owner
            )
            for _ in range(3)
        )
    )
    assert sorted(r.status_code for r in listings) == [201, 409, 409]
    same = {"Idempotency-Key": "municipal:SHOD-RACE"}
    posts = await asyncio.gather(
        *(
            opening.client.post(
                "/api/opening/applications",
                json=application_body(listing["id"]),
                headers={**opening.municipal, **same},
            )
            for _ in range(2)
        )
    )
    assert sorted(r.status_code for r in posts) == [200, 201]
    assert posts[0].json()["id"] == posts[1].json()["id"]
