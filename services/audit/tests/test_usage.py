import csv
import io
from datetime import datetime
from typing import Any

import httpx
import pytest

from audit.subscriptions import when_any_event_is_published_journal_it as journal_it
from audit.subscriptions import when_data_is_called_keep_a_usage_record as keep_usage
from pdp_contracts.registry import AuthorisationDataCalled
from pdp_contracts.sharing import GrantDataCalled
from pdp_contracts.usage import UsageBasis, UsageResult
from pdp_kit.auth import Role
from pdp_kit.events.envelope import Event

USAGE = "/api/audit/usage-records"


async def ids(client: httpx.AsyncClient, headers: dict[str, str], **params: str) -> list[str]:
    response = await client.get(USAGE, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def test_a_grant_data_call_is_kept_as_a_usage_record_with_every_field(
    client: httpx.AsyncClient, as_bureau: dict[str, str], events: Any, deliver: Any
) -> None:
    called = events.data_called("G1", records=42)
    await deliver(keep_usage, called)

    response = await client.get(USAGE, headers=as_bureau)

    assert response.status_code == 200, response.text
    [item] = response.json()["items"]
    assert datetime.fromisoformat(item.pop("called_at")) == events.at("2026-03-01T08:00:00")
    assert datetime.fromisoformat(item.pop("received_at")).tzinfo is not None
    assert item == {
        "id": called.id,
        "type": GrantDataCalled.event_type,
        "client_id": "client-D002",
        "department": "D002",
        "operator": None,
        "basis": "grant",
        "basis_id": "G1",
        "resource_id": "R1",
        "provider": "D001",
        "purpose": "低保资格核查",
        "fields": ["name", "id_number"],
        "record_count": 42,
        "result": "ok",
        "reason": None,
    }


async def test_any_producers_data_call_is_kept_and_other_events_are_not(
    client: httpx.AsyncClient, as_bureau: dict[str, str], events: Any, deliver: Any
) -> None:
    grant_call = events.data_called("G1")
    open_read = events.open_data_read("OP001")
    await deliver(keep_usage, events.department_created("D001"), grant_call, open_read)

    assert await ids(client, as_bureau) == [grant_call.id, open_read.id]


async def test_a_data_call_is_journaled_too_and_kept_once(
    client: httpx.AsyncClient, as_bureau: dict[str, str], events: Any, deliver: Any
) -> None:
    called = events.data_called()
    for _ in range(2):
        await deliver(journal_it, called)
        await deliver(keep_usage, called, called)

    journal = (await client.get("/api/audit/events", headers=as_bureau)).json()["items"]
    assert [item["id"] for item in journal] == [called.id]
    assert await ids(client, as_bureau) == [called.id]


@pytest.fixture
async def calls(events: Any, deliver: Any) -> dict[str, Any]:
    """D002 calls D001's data, D003 calls D004's, operator OP001 reads D001's open data."""
    made = {
        "d002_on_d001": events.data_called("G1", holder="D002", provider="D001"),
        "d003_on_d004": events.data_called("G2", holder="D003", provider="D004"),
        "op001_on_d001": events.open_data_read("OP001", provider="D001"),
    }
    await deliver(keep_usage, *made.values())
    return {name: event.id for name, event in made.items()}


async def test_supervisors_read_every_usage_record(
    client: httpx.AsyncClient, auth: Any, calls: dict[str, str]
) -> None:
    for role in (Role.BUREAU, Role.DATACENTER, Role.CYBERSPACE, Role.ASSESSOR):
        assert await ids(client, auth.headers(role)) == list(calls.values()), role


async def test_a_department_reads_its_own_calls_and_the_calls_on_its_data_only(
    client: httpx.AsyncClient, auth: Any, calls: dict[str, str]
) -> None:
    provider = auth.department("D001")
    requester = auth.department("D002")
    stranger = auth.department("D009")

    assert await ids(client, provider) == [calls["d002_on_d001"], calls["op001_on_d001"]]
    assert await ids(client, requester) == [calls["d002_on_d001"]]
    assert await ids(client, stranger) == []
    # Asking for another department's records by filter gives nothing either.
    assert await ids(client, requester, department="D003") == []
    assert await ids(client, stranger, provider="D001") == []


async def test_an_operator_reads_only_its_own_calls(
    client: httpx.AsyncClient, auth: Any, calls: dict[str, str]
) -> None:
    assert await ids(client, auth.operator("OP001")) == [calls["op001_on_d001"]]
    assert await ids(client, auth.operator("OP002")) == []


async def test_others_may_not_read_usage_records(
    client: httpx.AsyncClient, auth: Any, calls: dict[str, str]
) -> None:
    for role in (Role.PUBLIC, Role.OPS, Role.MUNICIPAL):
        response = await client.get(USAGE, headers=auth.headers(role))
        assert response.status_code == 403, (role, response.text)
    assert (await client.get(USAGE)).status_code == 401


async def test_each_filter_narrows_the_usage_records(
    client: httpx.AsyncClient, as_cyberspace: dict[str, str], events: Any, deliver: Any
) -> None:
    early = events.data_called("G1", time="2026-01-10T00:00:00")
    later = events.data_called("G2", holder="D003", resource_id="R2", time="2026-02-10T00:00:00")
    opened = events.open_data_read("OP001", time="2026-02-11T00:00:00")
    await deliver(keep_usage, early, later, opened)

    assert await ids(client, as_cyberspace, department="D003") == [later.id]
    assert await ids(client, as_cyberspace, resource_id="R2") == [later.id]
    assert await ids(client, as_cyberspace, grant_id="G1") == [early.id]
    assert await ids(client, as_cyberspace, grant_id="L1") == []  # a listing, not a grant
    assert await ids(client, as_cyberspace, provider="D001") == [early.id, later.id, opened.id]
    assert await ids(client, as_cyberspace, **{"from": "2026-02-01T00:00:00Z"}) == [
        later.id,
        opened.id,
    ]
    assert await ids(client, as_cyberspace, to="2026-02-10T08:00:00+08:00") == [early.id, later.id]


async def test_the_csv_export_has_the_same_rows_and_rights_as_the_list(
    client: httpx.AsyncClient, auth: Any, calls: dict[str, str]
) -> None:
    async def exported(headers: dict[str, str]) -> list[dict[str, str]]:
        response = await client.get(f"{USAGE}/export.csv", headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        return list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))

    rows = await exported(auth.headers(Role.ASSESSOR))
    assert [row["id"] for row in rows] == list(calls.values())
    assert rows[0]["fields"] == "name;id_number"
    assert [row["id"] for row in await exported(auth.department("D002"))] == [calls["d002_on_d001"]]
    assert await exported(auth.department("D009")) == []
    response = await client.get(f"{USAGE}/export.csv", headers=auth.headers(Role.PUBLIC))
    assert response.status_code == 403


async def test_an_operators_authorised_data_call_from_the_registry_is_its_usage_record(
    client: httpx.AsyncClient, auth: Any, events: Any, deliver: Any
) -> None:
    called = Event.of(
        AuthorisationDataCalled(
            client_id="client-OP001",
            operator="OP001",
            basis=UsageBasis.AUTHORISATION,
            basis_id="A1",
            resource_id="R1",
            provider="D001",
            purpose="企业信用画像",
            fields=["credit_code", "name"],
            record_count=3,
            result=UsageResult.OK,
            called_at=events.at("2026-06-01T08:00:00"),
        ),
        subject="A1",
        department="D001",
    )
    await deliver(keep_usage, called)

    assert await ids(client, auth.operator("OP001")) == [called.id]
    assert await ids(client, auth.operator("OP002")) == []
    assert await ids(client, auth.department("D001")) == [called.id]  # the provider
