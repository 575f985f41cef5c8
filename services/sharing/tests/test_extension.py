"""The one extension of a conditional reply (Art. 18): at most 10 working days, effective only
once the bureau consents, and the requester is told."""

from datetime import date
from typing import Any

from pdp_contracts.sharing import ExtensionRequested, ReplyExtended

Sharing = Any


async def test_an_extension_moves_the_deadline_only_once_the_bureau_approves_it(
    sharing: Sharing, today: Any, outbox: Any
) -> None:
    today(date(2026, 9, 1))
    request = await sharing.submit()
    rid = request["id"]
    assert request["reply_due_on"] == "2026-09-15"

    asked = await sharing.post(
        f"/requests/{rid}/extension", sharing.provider, {"working_days": 10, "reason": "需会商"}
    )
    assert asked["reply_due_on"] == "2026-09-15"  # not yet effective
    assert asked["extension"] == {"working_days": 10, "reason": "需会商", "status": "requested"}
    assert [e.data["working_days"] for e in await outbox.events(ExtensionRequested.event_type)] == [
        10
    ]
    assert await outbox.events(ReplyExtended.event_type) == []

    approved = await sharing.post(f"/requests/{rid}/extension/approve", sharing.bureau)
    # Ten working days after 15 Sep: 16–18, Sunday 20 (worked, 调休), 21–24 (25 Sep is the
    # Mid-Autumn Festival), 28 and 29 Sep.
    assert (approved["reply_due_on"], approved["extension"]["status"]) == ("2026-09-29", "approved")
    [told] = await outbox.events(ReplyExtended.event_type)
    assert (told.data["requester"], told.data["reply_due_on"]) == ("D002", "2026-09-29")
    [notice] = (await sharing.get(f"/requests/{rid}/notices"))["items"]
    assert notice["kind"] == "extension" and notice["recipient"] == "D002"
    assert "2026-09-29" in notice["text"]


async def test_a_second_extension_is_a_conflict(sharing: Sharing) -> None:
    rid = (await sharing.submit())["id"]
    body = {"working_days": 3, "reason": "需会商"}
    await sharing.post(f"/requests/{rid}/extension", sharing.provider, body)
    await sharing.post(f"/requests/{rid}/extension/approve", sharing.bureau)
    second = await sharing.post(f"/requests/{rid}/extension", sharing.provider, body, status=409)
    assert second["type"].endswith("extension-exists")
    again = await sharing.post(f"/requests/{rid}/extension/approve", sharing.bureau, status=409)
    assert again["type"].endswith("no-extension-requested")


async def test_an_extension_over_ten_working_days_or_on_an_unconditional_request_is_422(
    sharing: Sharing,
) -> None:
    rid = (await sharing.submit())["id"]
    over = await sharing.post(
        f"/requests/{rid}/extension",
        sharing.provider,
        {"working_days": 11, "reason": "需会商"},
        status=422,
    )
    assert over["errors"][0]["field"] == "working_days"
    await sharing.resource("R2", share_type="unconditional")
    quick = (await sharing.submit("R2"))["id"]
    unconditional = await sharing.post(
        f"/requests/{quick}/extension",
        sharing.provider,
        {"working_days": 2, "reason": "需会商"},
        status=422,
    )
    assert unconditional["errors"][0]["field"] == "working_days"


async def test_only_the_bureau_approves_an_extension(sharing: Sharing) -> None:
    rid = (await sharing.submit())["id"]
    await sharing.post(
        f"/requests/{rid}/extension", sharing.provider, {"working_days": 2, "reason": "需会商"}
    )
    for side in (sharing.provider, sharing.requester):
        await sharing.post(f"/requests/{rid}/extension/approve", side, status=403)
    assert (await sharing.get(f"/requests/{rid}"))["extension"]["status"] == "requested"
