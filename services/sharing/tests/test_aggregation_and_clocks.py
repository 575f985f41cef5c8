"""Aggregation warnings (Art. 19), the reply clocks' sweep (Art. 18) and concurrent decisions."""

import asyncio
from datetime import date
from typing import Any

from pdp_contracts.sharing import ReplyDueSoon, ReplyOverdue

Sharing = Any
API = "/api/sharing"

PEOPLE = [
    {"name": "person_id", "title": "人员编号", "type": "string", "sensitive": False, "key": True},
    {"name": "full_name", "title": "姓名", "type": "string", "sensitive": True},
    {"name": "age", "title": "年龄", "type": "integer", "sensitive": False},
]
CONTACTS = [
    {"name": "person_id", "title": "人员编号", "type": "string", "sensitive": False, "key": True},
    {
        "name": "id_card",
        "title": "公民身份号码",
        "type": "string",
        "format": "resident_id",
        "sensitive": True,
    },
    {
        "name": "mobile_no",
        "title": "联系方式",
        "type": "string",
        "format": "phone",
        "sensitive": True,
    },
    {"name": "benefit", "title": "补贴金额", "type": "number", "sensitive": False},
]


async def test_fields_that_identify_people_only_together_warn_before_the_decision(
    sharing: Sharing,
) -> None:
    await sharing.resource("NAMES", fields=PEOPLE, level=2)
    await sharing.resource("IDS", department="D003", fields=CONTACTS, level=2)
    held = await sharing.grant("NAMES", fields=["person_id", "full_name"])
    harmless = await sharing.submit("IDS", fields=["person_id", "benefit"])
    risky = await sharing.submit("IDS", fields=["person_id", "id_card", "mobile_no"])

    assert (await sharing.get(f"/requests/{harmless['id']}"))["warnings"] == []
    provider_of_ids = sharing.auth.department("D003")
    for reader in (provider_of_ids, sharing.bureau):
        [warning] = (await sharing.get(f"/requests/{risky['id']}", reader))["warnings"]
        assert warning["kind"] == "aggregation"
        assert warning["grants"] == [held["id"]]
        assert warning["resources"] == ["IDS", "NAMES"]
        assert warning["identifies"] == ["name", "resident_id", "phone"]
        # Two general level-2 resources combine to general level 3.
        assert (warning["combined_grade"], warning["combined_level"]) == ("general", 3)
        assert warning["message"]

    await sharing.post(f"/requests/{risky['id']}/approve", provider_of_ids)
    # The warning stays on record as the provider saw it when deciding.
    decided = await sharing.get(f"/requests/{risky['id']}", sharing.bureau)
    assert decided["warnings"][0]["grants"] == [held["id"]]


async def test_a_level_four_combination_is_graded_important(sharing: Sharing) -> None:
    await sharing.resource("NAMES", fields=PEOPLE, level=4)
    await sharing.resource("IDS", department="D003", fields=CONTACTS, level=1)
    await sharing.grant("NAMES", fields=["full_name"])
    risky = await sharing.submit("IDS", fields=["id_card"])
    [warning] = (await sharing.get(f"/requests/{risky['id']}", sharing.bureau))["warnings"]
    assert (warning["combined_grade"], warning["combined_level"]) == ("important", None)


async def test_a_terminated_grant_no_longer_counts(sharing: Sharing) -> None:
    await sharing.resource("NAMES", fields=PEOPLE)
    await sharing.resource("IDS", department="D003", fields=CONTACTS)
    held = await sharing.grant("NAMES", fields=["full_name"])
    await sharing.post(f"/grants/{held['id']}/terminate", sharing.requester)
    request = await sharing.submit("IDS", fields=["id_card"])
    assert (await sharing.get(f"/requests/{request['id']}"))["warnings"] == []


async def test_the_sweep_marks_a_late_reply_overdue_once_and_reminds_the_day_before(
    sharing: Sharing, today: Any, outbox: Any
) -> None:
    today(date(2026, 9, 1))
    request = await sharing.submit()  # due 15 Sep
    waiting = await sharing.submit()
    await sharing.post(
        f"/requests/{waiting['id']}/materials-notice", sharing.provider, {"missing": ["x"]}
    )

    assert (await sharing.sweep(date(2026, 9, 11)))["sharing.reply-clocks"] == {
        "overdue": 0,
        "reminded": 0,
    }
    # Monday 14 Sep: due on the next working day.
    assert (await sharing.sweep(date(2026, 9, 14)))["sharing.reply-clocks"]["reminded"] == 1
    assert (await sharing.sweep(date(2026, 9, 14)))["sharing.reply-clocks"]["reminded"] == 0
    assert (await sharing.sweep(date(2026, 9, 15)))["sharing.reply-clocks"]["overdue"] == 0
    assert (await sharing.sweep(date(2026, 9, 16)))["sharing.reply-clocks"]["overdue"] == 1
    assert (await sharing.sweep(date(2026, 9, 17)))["sharing.reply-clocks"]["overdue"] == 0

    [late] = await outbox.events(ReplyOverdue.event_type)
    assert (late.subject, late.data["provider"], late.data["reply_due_on"]) == (
        request["id"],
        "D001",
        "2026-09-15",
    )
    assert [e.subject for e in await outbox.events(ReplyDueSoon.event_type)] == [request["id"]]
    assert (await sharing.get(f"/requests/{request['id']}"))["overdue"] is True
    assert (await sharing.get(f"/requests/{waiting['id']}"))["overdue"] is False


async def test_concurrent_approval_and_refusal_one_wins_the_other_is_409(
    sharing: Sharing,
) -> None:
    for _ in range(3):
        rid = (await sharing.submit())["id"]
        approve = sharing.client.post(f"{API}/requests/{rid}/approve", headers=sharing.provider)
        reject = sharing.client.post(
            f"{API}/requests/{rid}/reject", json={"reason": "不予共享"}, headers=sharing.provider
        )
        results = await asyncio.gather(approve, reject)
        assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
        final = await sharing.get(f"/requests/{rid}")
        winner = "approved" if results[0].status_code == 200 else "rejected"
        assert final["status"] == winner
        assert (final["grant_id"] is not None) == (winner == "approved")
    grants = await sharing.get("/grants", sharing.bureau)
    approvals = (await sharing.get("/requests?status=approved", sharing.bureau))["items"]
    assert len(grants["items"]) == len(approvals)
