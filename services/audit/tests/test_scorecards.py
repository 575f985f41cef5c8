"""Scorecards (Art. 34, 35): the figures match a scripted history of events."""

import csv
import io
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from audit.reports.service import chain as reports_chain
from audit.subscriptions import when_any_event_is_published_journal_it as journal_it
from audit.subscriptions import when_data_is_called_keep_a_usage_record as keep_usage
from audit.supervision.scorecards import LISTING_PUBLISHED, SHARE_REPLIED, SHARE_REPLY_OVERDUE
from pdp_contracts import EventPayload
from pdp_contracts.catalog import (
    ChangeClosed,
    ChangeOverdue,
    DepartmentCreated,
    RecordsIngested,
    ResourcePublished,
    ResourceWithdrawn,
)
from pdp_contracts.chain import ChainReceiptRecorded
from pdp_kit.auth import Role
from pdp_kit.events.envelope import Event

SCORECARDS = "/api/audit/scorecards"


def at(moment: str) -> Any:
    from datetime import UTC, datetime

    return datetime.fromisoformat(moment).replace(tzinfo=UTC)


def happened(
    payload: EventPayload, moment: str, *, subject: str, department: str | None = None
) -> Event:
    event = Event.of(payload, subject=subject, department=department)
    return Event(**{**event.__dict__, "time": at(moment)})


def raw(type_: str, moment: str, *, subject: str, data: dict[str, Any], department: str) -> Event:
    """An event of a contract not yet published (sharing's and opening's)."""
    return Event(
        id=str(uuid.uuid4()),
        source=f"/pdp/{type_.split('.')[4]}",
        type=type_,
        subject=subject,
        time=at(moment),
        data=data,
        department=department,
    )


def published(resource: str, moment: str, *, open_type: str = "unconditional") -> Event:
    payload = ResourcePublished(
        id=resource,
        version=1,
        department="D001",
        code=f"C-{resource}",
        name=resource,
        description="",
        duty="DU1",
        system="SY1",
        share_type="unconditional",
        open_type=open_type,
        grade="general",
        level=1,
        important=False,
        update_frequency="daily",
        fields=[],
        published_at=at(moment),
    )
    return happened(payload, moment, subject=resource, department="D001")


def receipt(resource: str, status: str, moment: str) -> Event:
    payload = ChainReceiptRecorded(resource_id=resource, version=1, status=status)
    return happened(payload, moment, subject=resource)


def change_closed(change: str, moment: str, *, on_time: bool) -> Event:
    payload = ChangeClosed(
        id=change, department="D001", kind="change", closed_on=at(moment).date(), on_time=on_time
    )
    return happened(payload, moment, subject=change, department="D001")


def change_overdue(change: str, moment: str) -> Event:
    day = at(moment).date()
    payload = ChangeOverdue(id=change, department="D001", kind="change", due_on=day, as_of=day)
    return happened(payload, moment, subject=change, department="D001")


def ingested(resource: str, moment: str, accepted: int, rejected: int) -> Event:
    payload = RecordsIngested(
        resource_id=resource, version=1, department="D001", accepted=accepted, rejected=rejected
    )
    return happened(payload, moment, subject=resource, department="D001")


@pytest.fixture
async def history(app: FastAPI, events: Any, deliver: Any) -> None:
    created = [
        happened(DepartmentCreated(code=c, name=c), "2026-01-01T00:00:00", subject=c)
        for c in ("D001", "D002", "D003")
    ]
    withdrawn = ResourceWithdrawn(
        id="R4",
        version=1,
        department="D001",
        reason="来源系统下线",
        withdrawn_at=at("2026-03-07T00:00:00"),
    )
    script = [
        *created,
        published("R1", "2026-02-01T00:00:00"),
        published("R4", "2026-02-02T00:00:00"),
        published("R2", "2026-03-05T00:00:00", open_type="not_open"),
        published("R3", "2026-03-06T00:00:00", open_type="conditional"),
        happened(withdrawn, "2026-03-07T00:00:00", subject="R4", department="D001"),
        published("R9", "2026-04-02T00:00:00"),  # after the period
        receipt("R1", "chained", "2026-02-01T01:00:00"),
        receipt("R2", "failed", "2026-03-05T01:00:00"),
        receipt("R3", "failed", "2026-03-06T01:00:00"),
        receipt("R3", "chained", "2026-03-06T02:00:00"),
        change_closed("C0", "2026-02-10T00:00:00", on_time=True),  # before the period
        change_closed("C1", "2026-03-10T00:00:00", on_time=True),
        change_overdue("C2", "2026-03-11T00:00:00"),
        change_closed("C2", "2026-03-20T00:00:00", on_time=False),
        change_overdue("C3", "2026-03-25T00:00:00"),
        ingested("R2", "2026-02-20T00:00:00", 10, 0),  # before the period
        ingested("R1", "2026-03-03T00:00:00", 100, 2),
        ingested("R1", "2026-03-04T00:00:00", 50, 0),
        raw(
            SHARE_REPLIED,
            "2026-03-02T00:00:00",
            subject="SR1",
            data={"provider": "D001"},
            department="D002",
        ),
        raw(
            SHARE_REPLIED,
            "2026-03-12T00:00:00",
            subject="SR2",
            data={"provider": "D001"},
            department="D002",
        ),
        raw(
            SHARE_REPLY_OVERDUE,
            "2026-03-11T00:00:00",
            subject="SR2",
            data={"provider": "D001"},
            department="D002",
        ),
        raw(
            SHARE_REPLY_OVERDUE,
            "2026-03-15T00:00:00",
            subject="SR3",
            data={"provider": "D001"},
            department="D002",
        ),
        raw(
            LISTING_PUBLISHED,
            "2026-03-08T00:00:00",
            subject="L1",
            data={"resource_id": "R1"},
            department="D001",
        ),
    ]
    await deliver(journal_it, *script)
    await deliver(
        keep_usage,
        events.data_called("G1", time="2026-03-03T00:00:00"),
        events.data_called("G1", time="2026-03-04T00:00:00"),
        events.data_called("G2", time="2026-03-05T00:00:00"),
        events.data_called("G3", time="2026-02-05T00:00:00"),
    )
    async with app.state.sessionmaker() as session, session.begin():
        for grant, moment in (("G1", "2026-03-28T00:00:00"), ("G3", "2026-03-02T00:00:00")):
            await reports_chain.append(
                session,
                [
                    {
                        "id": str(uuid.uuid4()),
                        "grant_id": grant,
                        "holder": "D002",
                        "provider": "D001",
                        "resource_id": "R1",
                        "scenario": "s",
                        "process": "p",
                        "effect": "e",
                        "storage": "x",
                        "destroyed_on": None,
                        "filed_by": "client-D002",
                        "filed_at": at(moment),
                    }
                ],
            )


def measures(card: dict[str, Any]) -> dict[str, Any]:
    return {name: (m["score"], m["figures"]) for name, m in card["measures"].items()}


async def test_the_scorecard_figures_match_the_scripted_history(
    client: httpx.AsyncClient, as_assessor: dict[str, str], history: None
) -> None:
    response = await client.get(SCORECARDS, params={"period": "2026-03"}, headers=as_assessor)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["start"].startswith("2026-03-01T00:00:00")  # Shanghai midnight
    cards = {card["department"]: card for card in body["items"]}
    assert list(cards) == ["D001", "D002", "D003"]
    assert measures(cards["D001"]) == {
        "catalogue": (67, {"published": 3, "chained": 2, "failed": 1}),
        "changes": (33, {"due": 3, "in_time": 1, "overdue": 2, "closed_late": 1}),
        "data": (33, {"resources": 3, "fresh": 1, "records_accepted": 150, "records_rejected": 2}),
        "share_replies": (33, {"requests": 3, "in_time": 1, "overdue": 2}),
        "open_list": (50, {"openable": 2, "listed": 1}),
        "usage_reports": (None, {"grants_called": 0, "reported": 0}),
    }
    assert cards["D001"]["score"] == 43  # (67 + 33 + 33 + 33 + 50) / 5
    assert measures(cards["D002"])["usage_reports"] == (50, {"grants_called": 2, "reported": 1})
    assert cards["D002"]["score"] == 50
    assert cards["D003"]["score"] is None


async def test_a_department_sees_only_its_own_scorecard(
    client: httpx.AsyncClient, auth: Any, history: None
) -> None:
    for code in ("D001", "D002"):
        response = await client.get(
            SCORECARDS, params={"period": "2026-03"}, headers=auth.department(code)
        )
        assert [card["department"] for card in response.json()["items"]] == [code]
    for role in (Role.OPERATOR, Role.PUBLIC, Role.OPS, Role.DATACENTER):
        response = await client.get(
            SCORECARDS, params={"period": "2026-03"}, headers=auth.headers(role)
        )
        assert response.status_code == 403, role


async def test_the_scorecards_export_as_csv(
    client: httpx.AsyncClient, as_bureau: dict[str, str], history: None
) -> None:
    response = await client.get(
        f"{SCORECARDS}/export.csv", params={"period": "2026-03"}, headers=as_bureau
    )

    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert [row["department"] for row in rows] == ["D001", "D002", "D003"]
    assert (rows[0]["score"], rows[0]["catalogue_score"], rows[0]["catalogue_chained"]) == (
        "43",
        "67",
        "2",
    )
    assert rows[2]["score"] == ""


async def test_a_whole_year_is_a_period_too(
    client: httpx.AsyncClient, as_bureau: dict[str, str], history: None
) -> None:
    body = (await client.get(SCORECARDS, params={"period": "2026"}, headers=as_bureau)).json()
    d001 = {card["department"]: card for card in body["items"]}["D001"]
    # R9 is published in April; C0 and the February ingest count in the year.
    assert d001["measures"]["catalogue"]["figures"]["published"] == 4
    assert d001["measures"]["changes"]["figures"]["due"] == 4


@pytest.mark.parametrize("period", ["2026-13", "March", "26-03", ""])
async def test_a_bad_period_is_refused(
    client: httpx.AsyncClient, as_bureau: dict[str, str], period: str
) -> None:
    response = await client.get(SCORECARDS, params={"period": period}, headers=as_bureau)

    assert response.status_code == 422, response.text
    assert "period" in [error["field"] for error in response.json()["errors"]]
