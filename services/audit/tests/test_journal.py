import dataclasses
import json
from datetime import datetime
from typing import Any

import httpx
import pytest
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from audit.subscriptions import when_any_event_is_published_journal_it as journal_it
from pdp_contracts.catalog import DepartmentCreated
from pdp_kit.auth import Role

EVENTS = "/api/audit/events"


async def test_handled_events_are_listed_in_journal_order_with_every_field(
    client: httpx.AsyncClient, as_bureau: dict[str, str], events: Any, deliver: Any
) -> None:
    created = events.department_created("D001")
    submitted = events.share_request_submitted("SR-1")
    await deliver(journal_it, created, submitted)

    response = await client.get(EVENTS, headers=as_bureau)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["next_cursor"] is None
    assert [item["id"] for item in body["items"]] == [created.id, submitted.id]
    first = body["items"][0]
    assert first["type"] == DepartmentCreated.event_type
    assert first["source"] == "/pdp/catalog"
    assert first["subject"] == "D001"
    assert first["actor"] == "bureau-admin"
    assert first["department"] == "D001"
    assert first["data"] == {"code": "D001", "name": "部门D001"}
    assert first["traceparent"] == created.traceparent
    assert datetime.fromisoformat(first["time"]) == created.time
    assert datetime.fromisoformat(first["receivedat"]) >= created.time


async def test_journal_items_are_the_structured_cloudevents_the_sdk_reads(
    client: httpx.AsyncClient, as_bureau: dict[str, str], events: Any, deliver: Any
) -> None:
    created = events.department_created("D001")
    anonymous = dataclasses.replace(
        events.share_request_submitted("SR-1"), actor=None, extensions={"partitionkey": "SR-1"}
    )
    await deliver(journal_it, created, anonymous)

    items = (await client.get(EVENTS, headers=as_bureau)).json()["items"]

    parsed = [JSONFormat().read(CloudEvent, json.dumps(item).encode()) for item in items]
    assert [event.get_id() for event in parsed] == [created.id, anonymous.id]
    first, second = parsed
    assert first.get_attributes()["specversion"] == "1.0"
    assert first.get_type() == DepartmentCreated.event_type
    assert first.get_time() == created.time
    assert first.get_data() == created.data
    assert first.get_attributes()["actor"] == "bureau-admin"
    assert "receivedat" in first.get_attributes()
    assert all(name.isalnum() and name.islower() for name in items[0])
    assert "actor" not in items[1] and None not in items[1].values()
    assert second.get_attributes()["partitionkey"] == "SR-1"
    # The item is the event as published: the same attributes the producer's record carries.
    published = JSONFormat().read(CloudEvent, created.encode()[1]).get_attributes()
    assert {k: v for k, v in first.get_attributes().items() if k != "receivedat"} == published


async def test_each_filter_narrows_the_journal(
    client: httpx.AsyncClient, as_cyberspace: dict[str, str], events: Any, deliver: Any
) -> None:
    early = events.department_created("D001", time="2026-01-10T00:00:00")
    later = events.department_created("D002", time="2026-02-10T00:00:00")
    request = events.share_request_submitted("SR-1", department="D002")
    await deliver(journal_it, early, later, request)

    async def ids(**params: str) -> list[str]:
        response = await client.get(EVENTS, params=params, headers=as_cyberspace)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids(type=DepartmentCreated.event_type) == [early.id, later.id]
    assert await ids(subject="SR-1") == [request.id]
    assert await ids(department="D002") == [later.id, request.id]
    assert await ids(**{"from": "2026-02-01T00:00:00Z"}) == [later.id, request.id]
    assert await ids(to="2026-02-01T00:00:00+08:00") == [early.id]
    assert await ids(**{"from": "2026-01-10T00:00:00Z", "to": "2026-01-10T00:00:00Z"}) == [early.id]
    assert await ids(department="D002", type=DepartmentCreated.event_type) == [later.id]
    assert await ids(subject="nothing") == []


async def test_the_same_event_twice_is_journaled_once(
    client: httpx.AsyncClient, as_bureau: dict[str, str], events: Any, deliver: Any
) -> None:
    created = events.department_created("D001")
    await deliver(journal_it, created)
    # Past the kit's inbox (a replay into a fresh consumer group): the unique event id holds.
    await deliver(journal_it, created, created)

    response = await client.get(EVENTS, headers=as_bureau)

    assert [item["id"] for item in response.json()["items"]] == [created.id]


async def test_network_log_records_are_kept_apart_from_the_journal(
    client: httpx.AsyncClient, as_bureau: dict[str, str], events: Any, deliver: Any
) -> None:
    await deliver(journal_it, events.request_logged())

    response = await client.get(EVENTS, headers=as_bureau)

    assert response.json()["items"] == []


async def test_only_the_bureau_cyberspace_office_and_assessor_read_the_journal(
    client: httpx.AsyncClient, auth: Any
) -> None:
    for role in (Role.BUREAU, Role.CYBERSPACE, Role.ASSESSOR):
        response = await client.get(EVENTS, headers=auth.headers(role))
        assert response.status_code == 200, (role, response.text)
    for headers in (
        auth.department("D001"),
        auth.operator("OP001"),
        auth.headers(Role.PUBLIC),
        auth.headers(Role.DATACENTER),
        auth.headers(Role.OPS),
    ):
        response = await client.get(EVENTS, headers=headers)
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == "application/problem+json"
    assert (await client.get(EVENTS)).status_code == 401


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"limit": "501"}, 400, "limit"),
        ({"cursor": "not-a-cursor"}, 400, "cursor"),
        ({"cursor": "InRleHQi"}, 400, "cursor"),  # a JSON string, not a journal position
        ({"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}, 422, "from"),
        ({"from": "yesterday"}, 422, "from"),
        ({"to": "2026-13-01"}, 422, "to"),
    ],
)
async def test_bad_paging_and_filters_are_refused_with_the_field_named(
    client: httpx.AsyncClient,
    as_bureau: dict[str, str],
    params: dict[str, str],
    status: int,
    field: str,
) -> None:
    response = await client.get(EVENTS, params=params, headers=as_bureau)

    assert response.status_code == status, response.text
    assert field in [error["field"] for error in response.json()["errors"]]


async def test_pages_follow_the_cursor_to_the_end_of_the_journal(
    client: httpx.AsyncClient, as_assessor: dict[str, str], events: Any, deliver: Any
) -> None:
    published = [events.share_request_submitted(f"SR-{n}") for n in range(5)]
    await deliver(journal_it, *published)

    seen: list[str] = []
    cursor: str | None = None
    for _ in range(5):
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        body = (await client.get(EVENTS, params=params, headers=as_assessor)).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert seen == [event.id for event in published]
