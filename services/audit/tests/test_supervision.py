"""Violation notices (通报) and rectification orders (Art. 35)."""

import csv
import io
from typing import Any

import httpx
import pytest

from pdp_contracts.audit import (
    RectificationClosed,
    RectificationOrdered,
    RectificationOverdue,
    ViolationNotified,
)
from pdp_kit.auth import Role

NOTICES = "/api/audit/notices"
ORDERS = "/api/audit/rectification-orders"
NOTICE = {
    "department": "D001",
    "title": "未按期更新目录",
    "findings": "2026 年 3 月两项目录变更逾期未更新",
    "basis": "第十条",
}


async def notify(client: httpx.AsyncClient, headers: dict[str, str], **change: Any) -> Any:
    response = await client.post(NOTICES, json={**NOTICE, **change}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def order(
    client: httpx.AsyncClient, headers: dict[str, str], *, department: str = "D001", **change: Any
) -> Any:
    body = {"department": department, "requirement": "十个工作日内完成更新", "due_on": "2026-04-15"}
    response = await client.post(ORDERS, json={**body, **change}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_the_bureau_notifies_a_violation_and_the_department_reads_it(
    client: httpx.AsyncClient, auth: Any, as_bureau: dict[str, str], outbox: Any
) -> None:
    notice = await notify(client, as_bureau)
    other = await notify(client, as_bureau, department="D002")

    own = await client.get(NOTICES, headers=auth.department("D001"))
    assert [n["id"] for n in own.json()] == [notice["id"]]
    assert (
        await client.get(f"{NOTICES}/{notice['id']}", headers=auth.department("D001"))
    ).status_code == 200
    assert (
        await client.get(f"{NOTICES}/{other['id']}", headers=auth.department("D001"))
    ).status_code == 404
    for role in (Role.BUREAU, Role.CYBERSPACE, Role.ASSESSOR):
        listed = await client.get(NOTICES, headers=auth.headers(role))
        assert [n["id"] for n in listed.json()] == [notice["id"], other["id"]]
    for headers in (auth.operator("OP001"), auth.headers(Role.PUBLIC)):
        assert (await client.get(NOTICES, headers=headers)).status_code == 403
    [issued, _] = await outbox.events(ViolationNotified.event_type)
    assert (issued.subject, issued.department) == (notice["id"], "D001")


async def test_only_the_bureau_writes_notices_and_orders(
    client: httpx.AsyncClient, auth: Any
) -> None:
    body = {"department": "D001", "requirement": "整改", "due_on": "2026-04-15"}
    for headers in (
        auth.department("D001"),
        auth.headers(Role.CYBERSPACE),
        auth.headers(Role.ASSESSOR),
        auth.headers(Role.DATACENTER),
    ):
        assert (await client.post(NOTICES, json=NOTICE, headers=headers)).status_code == 403
        assert (await client.post(ORDERS, json=body, headers=headers)).status_code == 403


async def test_an_order_runs_from_open_to_overdue_to_closed(
    client: httpx.AsyncClient, auth: Any, as_bureau: dict[str, str], sweep: Any, outbox: Any
) -> None:
    notice = await notify(client, as_bureau)
    ordered = await order(client, as_bureau, notice_id=notice["id"])
    assert (ordered["status"], ordered["overdue"]) == ("open", False)

    assert (await sweep("2026-04-15"))["rectification"] == {"overdue": []}  # due that day
    assert (await sweep("2026-04-16"))["rectification"] == {"overdue": [ordered["id"]]}
    assert (await sweep("2026-04-17"))["rectification"] == {"overdue": []}  # flagged once
    seen = await client.get(f"{ORDERS}/{ordered['id']}", headers=auth.department("D001"))
    assert seen.json()["overdue"] is True

    closing = {"note": "已完成目录更新"}
    denied = await client.post(
        f"{ORDERS}/{ordered['id']}/close", json=closing, headers=auth.department("D001")
    )
    assert denied.status_code == 403
    closed = await client.post(f"{ORDERS}/{ordered['id']}/close", json=closing, headers=as_bureau)
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["closing_note"]) == ("closed", "已完成目录更新")
    again = await client.post(f"{ORDERS}/{ordered['id']}/close", json=closing, headers=as_bureau)
    assert again.status_code == 409
    assert await outbox.types() == [
        ViolationNotified.event_type,
        RectificationOrdered.event_type,
        RectificationOverdue.event_type,
        RectificationClosed.event_type,
    ]


async def test_a_department_reads_only_its_own_orders(
    client: httpx.AsyncClient, auth: Any, as_bureau: dict[str, str]
) -> None:
    mine = await order(client, as_bureau, department="D001")
    theirs = await order(client, as_bureau, department="D002")

    listed = await client.get(ORDERS, headers=auth.department("D001"))
    assert [o["id"] for o in listed.json()] == [mine["id"]]
    response = await client.get(f"{ORDERS}/{theirs['id']}", headers=auth.department("D001"))
    assert response.status_code == 404
    for role in (Role.CYBERSPACE, Role.ASSESSOR):
        listed = await client.get(ORDERS, headers=auth.headers(role))
        assert len(listed.json()) == 2
    assert (await client.get(ORDERS, headers=auth.operator("OP001"))).status_code == 403


async def test_an_order_on_another_departments_notice_is_refused(
    client: httpx.AsyncClient, as_bureau: dict[str, str]
) -> None:
    notice = await notify(client, as_bureau, department="D002")
    body = {
        "department": "D001",
        "notice_id": notice["id"],
        "requirement": "x",
        "due_on": "2026-04-15",
    }

    assert (await client.post(ORDERS, json=body, headers=as_bureau)).status_code == 404


async def test_notices_and_orders_export_as_csv_with_the_same_rights(
    client: httpx.AsyncClient, auth: Any, as_bureau: dict[str, str]
) -> None:
    await notify(client, as_bureau)
    await notify(client, as_bureau, department="D002")
    await order(client, as_bureau)

    async def rows(path: str, headers: dict[str, str]) -> list[dict[str, str]]:
        response = await client.get(f"{path}/export.csv", headers=headers)
        assert response.status_code == 200, response.text
        return list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))

    assert [r["department"] for r in await rows(NOTICES, auth.headers(Role.CYBERSPACE))] == [
        "D001",
        "D002",
    ]
    assert [r["department"] for r in await rows(NOTICES, auth.department("D002"))] == ["D002"]
    assert [r["title"] for r in await rows(NOTICES, auth.department("D001"))] == [NOTICE["title"]]
    assert [r["due_on"] for r in await rows(ORDERS, auth.headers(Role.ASSESSOR))] == ["2026-04-15"]
    assert await rows(ORDERS, auth.department("D002")) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NOTICE, "title": ""}, "title"),
        ({"department": "D001", "title": "t"}, "findings"),
    ],
)
async def test_a_bad_notice_is_refused(
    client: httpx.AsyncClient, as_bureau: dict[str, str], body: dict[str, Any], field: str
) -> None:
    response = await client.post(NOTICES, json=body, headers=as_bureau)

    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]
