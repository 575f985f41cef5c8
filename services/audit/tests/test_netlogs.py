from datetime import datetime
from typing import Any

import httpx
import pytest

from audit.subscriptions import when_request_is_logged_keep_it as keep_it
from pdp_kit.auth import Role

NETLOGS = "/api/audit/netlogs"


async def test_a_logged_request_is_kept_with_every_field(
    client: httpx.AsyncClient, as_ops: dict[str, str], events: Any, deliver: Any
) -> None:
    logged = events.request_logged(client_id="client-D001", status=201)
    await deliver(keep_it, logged)

    response = await client.get(NETLOGS, headers=as_ops)

    assert response.status_code == 200, response.text
    [item] = response.json()["items"]
    assert item["id"] == logged.id
    assert datetime.fromisoformat(item.pop("time")) == events.at("2026-03-01T08:00:00")
    assert datetime.fromisoformat(item.pop("received_at")).tzinfo is not None
    assert {k: v for k, v in item.items() if k != "id"} == {
        "request_id": logged.data["request_id"],
        "client_id": "client-D001",
        "source_address": "10.0.0.7",
        "method": "GET",
        "path": "/api/catalog/resources",
        "status": 201,
        "latency_ms": 12.5,
        "bytes_in": 0,
        "bytes_out": 2048,
        "traceparent": logged.traceparent,
    }


async def test_each_filter_narrows_the_network_log(
    client: httpx.AsyncClient, as_bureau: dict[str, str], events: Any, deliver: Any
) -> None:
    a = events.request_logged(client_id="client-A", status=200, time="2026-03-01T08:00:00")
    b = events.request_logged(client_id="client-B", status=403, time="2026-03-02T08:00:00")
    anonymous = events.request_logged(client_id=None, status=401, time="2026-03-03T08:00:00")
    a_again = events.request_logged(client_id="client-A", status=404, time="2026-03-04T08:00:00")
    await deliver(keep_it, a, b, anonymous, a_again)

    async def ids(**params: str) -> list[str]:
        response = await client.get(NETLOGS, params=params, headers=as_bureau)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids() == [a.id, b.id, anonymous.id, a_again.id]
    assert await ids(client_id="client-A") == [a.id, a_again.id]
    assert await ids(status="401") == [anonymous.id]
    assert await ids(**{"from": "2026-03-02T08:00:00Z"}) == [b.id, anonymous.id, a_again.id]
    assert await ids(to="2026-03-02T16:00:00+08:00") == [a.id, b.id]
    assert await ids(**{"from": "2026-03-02T00:00:00Z", "to": "2026-03-03T23:59:59Z"}) == [
        b.id,
        anonymous.id,
    ]
    assert await ids(client_id="client-A", status="404") == [a_again.id]


async def test_the_same_logged_request_twice_is_kept_once(
    client: httpx.AsyncClient, as_cyberspace: dict[str, str], events: Any, deliver: Any
) -> None:
    logged = events.request_logged()
    await deliver(keep_it, logged)
    await deliver(keep_it, logged, logged)

    response = await client.get(NETLOGS, headers=as_cyberspace)

    assert [item["id"] for item in response.json()["items"]] == [logged.id]


async def test_only_the_bureau_cyberspace_office_and_ops_read_the_network_log(
    client: httpx.AsyncClient, auth: Any
) -> None:
    for role in (Role.BUREAU, Role.CYBERSPACE, Role.OPS):
        response = await client.get(NETLOGS, headers=auth.headers(role))
        assert response.status_code == 200, (role, response.text)
    for headers in (
        auth.department("D001"),
        auth.operator("OP001"),
        auth.headers(Role.PUBLIC),
        auth.headers(Role.ASSESSOR),
        auth.headers(Role.DATACENTER),
    ):
        response = await client.get(NETLOGS, headers=headers)
        assert response.status_code == 403, response.text
    assert (await client.get(NETLOGS)).status_code == 401


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"limit": "501"}, 400, "limit"),
        ({"status": "abc"}, 422, "status"),
        ({"status": "99"}, 422, "status"),
        ({"from": "2026-03-02T00:00:00Z", "to": "2026-03-01T00:00:00Z"}, 422, "from"),
        ({"to": "not-a-time"}, 422, "to"),
    ],
)
async def test_bad_paging_and_filters_are_refused_with_the_field_named(
    client: httpx.AsyncClient,
    as_ops: dict[str, str],
    params: dict[str, str],
    status: int,
    field: str,
) -> None:
    response = await client.get(NETLOGS, params=params, headers=as_ops)

    assert response.status_code == status, response.text
    assert field in [error["field"] for error in response.json()["errors"]]
