"""Usage reports (Art. 34): filed by the grant's holder, read by it, the provider and supervisors;
the sweep reminds grants with calls and no report."""

from typing import Any

import httpx
import pytest

from audit.subscriptions import when_data_is_called_keep_a_usage_record as keep_usage
from audit.subscriptions import when_grant_is_created_keep_it as keep_grant
from audit.subscriptions import when_grant_is_terminated_mark_it as end_grant
from pdp_contracts.audit import UsageReportDue, UsageReportFiled
from pdp_contracts.sharing import GrantTerminated
from pdp_kit.auth import Role
from pdp_kit.events.envelope import Event

REPORTS = "/api/audit/usage-reports"
REPORT = {
    "grant_id": "G1",
    "scenario": "低保资格核查",
    "process": "按月比对",
    "effect": "发现不符 12 户",
    "storage": "本部门加密存储",
    "destroyed_on": "2026-12-31",
}


@pytest.fixture
async def grants(events: Any, deliver_each: Any) -> None:
    """G1: D002 holds D001's data; G2: D003 holds D004's."""
    await deliver_each(
        keep_grant,
        events.grant_created("G1", holder="D002", provider="D001"),
        events.grant_created("G2", holder="D003", provider="D004"),
    )


async def test_the_holder_files_a_usage_report_on_its_grant(
    client: httpx.AsyncClient, auth: Any, grants: None, outbox: Any
) -> None:
    response = await client.post(REPORTS, json=REPORT, headers=auth.department("D002"))

    assert response.status_code == 201, response.text
    report = response.json()
    assert {k: report[k] for k in REPORT} == REPORT
    assert (report["holder"], report["provider"], report["resource_id"]) == ("D002", "D001", "R1")
    [filed] = await outbox.events(UsageReportFiled.event_type)
    assert filed.data["id"] == report["id"] and filed.department == "D002"


async def test_another_department_cannot_file_on_a_grant_it_does_not_hold(
    client: httpx.AsyncClient, auth: Any, grants: None
) -> None:
    for department in ("D001", "D003"):  # the provider, a stranger
        response = await client.post(REPORTS, json=REPORT, headers=auth.department(department))
        assert response.status_code == 404, response.text
    unknown = {**REPORT, "grant_id": "G404"}
    assert (
        await client.post(REPORTS, json=unknown, headers=auth.department("D002"))
    ).status_code == 404
    for role in (Role.BUREAU, Role.OPERATOR, Role.PUBLIC):
        assert (
            await client.post(REPORTS, json=REPORT, headers=auth.headers(role))
        ).status_code == 403


async def test_reports_are_read_by_the_holder_the_provider_and_supervisors_only(
    client: httpx.AsyncClient, auth: Any, grants: None
) -> None:
    mine = (await client.post(REPORTS, json=REPORT, headers=auth.department("D002"))).json()
    other = {**REPORT, "grant_id": "G2"}
    theirs = (await client.post(REPORTS, json=other, headers=auth.department("D003"))).json()

    async def ids(headers: dict[str, str], **params: str) -> list[str]:
        response = await client.get(REPORTS, params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    for role in (Role.BUREAU, Role.DATACENTER, Role.CYBERSPACE, Role.ASSESSOR):
        assert await ids(auth.headers(role)) == [mine["id"], theirs["id"]]
    assert await ids(auth.department("D002")) == [mine["id"]]
    assert await ids(auth.department("D001")) == [mine["id"]]
    assert await ids(auth.department("D009")) == []
    assert await ids(auth.headers(Role.BUREAU), grant_id="G2") == [theirs["id"]]
    for headers in (auth.operator("OP001"), auth.headers(Role.PUBLIC), auth.headers(Role.OPS)):
        assert (await client.get(REPORTS, headers=headers)).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"effect": ""}, "effect"),
        ({"storage": None}, "storage"),
        ({"destroyed_on": "soon"}, "destroyed_on"),
        ({"surprise": 1}, "surprise"),
    ],
)
async def test_a_bad_report_is_refused_with_the_field_named(
    client: httpx.AsyncClient, auth: Any, grants: None, change: dict[str, Any], field: str
) -> None:
    response = await client.post(
        REPORTS, json={**REPORT, **change}, headers=auth.department("D002")
    )

    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]


async def test_a_terminated_grant_is_marked_and_its_holder_may_still_report(
    client: httpx.AsyncClient, auth: Any, grants: None, deliver_each: Any
) -> None:
    ended = Event.of(
        GrantTerminated(
            id="G1", holder="D002", provider="D001", cause="resource_withdrawn", reason="资源下线"
        ),
        subject="G1",
    )
    await deliver_each(end_grant, ended, ended)

    response = await client.post(REPORTS, json=REPORT, headers=auth.department("D002"))
    assert response.status_code == 201, response.text


async def test_grants_with_calls_and_no_report_are_reminded_once_a_period(
    client: httpx.AsyncClient,
    auth: Any,
    grants: None,
    events: Any,
    deliver: Any,
    sweep: Any,
    outbox: Any,
) -> None:
    await deliver(
        keep_usage,
        events.data_called("G1", time="2026-01-05T00:00:00"),
        events.data_called("G1", time="2026-02-05T00:00:00"),
        events.data_called("G2", holder="D003", provider="D004", time="2026-03-20T00:00:00"),
    )

    assert (await sweep("2026-04-04"))["usage_reports"] == {"reminded": []}  # 89 days
    assert (await sweep("2026-04-05"))["usage_reports"] == {"reminded": ["G1"]}
    assert (await sweep("2026-04-06"))["usage_reports"] == {"reminded": []}
    [due] = await outbox.events(UsageReportDue.event_type)
    assert (due.subject, due.data["holder"], due.data["calls"]) == ("G1", "D002", 2)

    # A report stops the reminders until there are calls after it.
    assert (
        await client.post(REPORTS, json=REPORT, headers=auth.department("D002"))
    ).status_code == 201
    assert (await sweep("2026-07-10"))["usage_reports"] == {"reminded": ["G2"]}
