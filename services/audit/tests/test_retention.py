"""Retention (Art. 34): nothing younger than its retention or under a hold is purged; each purge
is recorded and the chains still verify after it."""

from typing import Any

import httpx
import pytest

from audit.subscriptions import when_data_is_called_keep_a_usage_record as keep_usage
from audit.subscriptions import when_grant_is_created_keep_it as keep_grant
from audit.subscriptions import when_request_is_logged_keep_it as keep_netlog
from pdp_contracts.audit import RecordsPurged
from pdp_kit.auth import Role

HOLDS = "/api/audit/holds"


async def netlog_ids(client: httpx.AsyncClient, headers: dict[str, str]) -> list[str]:
    response = await client.get("/api/audit/netlogs", headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def usage_ids(client: httpx.AsyncClient, headers: dict[str, str]) -> list[str]:
    response = await client.get("/api/audit/usage-records", headers=headers)
    return [item["id"] for item in response.json()["items"]]


async def assert_intact(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    body = (await client.get("/api/audit/integrity", headers=headers)).json()
    assert body["ok"] is True, body


@pytest.fixture
async def month_end(events: Any, deliver: Any) -> dict[str, Any]:
    """Network logs around 31 August (Shanghai): six months on is a day February lacks."""
    logged = {
        "aug28": events.request_logged(time="2025-08-28T15:59:59"),  # 28 Aug 23:59:59 +08:00
        "aug29": events.request_logged(time="2025-08-28T16:00:00"),  # 29 Aug 00:00 +08:00
        "aug31": events.request_logged(time="2025-08-31T08:00:00"),
        "sep30": events.request_logged(time="2025-09-30T08:00:00"),
    }
    await deliver(keep_netlog, *logged.values())
    return {name: event.id for name, event in logged.items()}


async def test_network_logs_are_purged_only_after_six_calendar_months_across_a_month_end(
    client: httpx.AsyncClient,
    as_bureau: dict[str, str],
    month_end: dict[str, str],
    sweep: Any,
    outbox: Any,
) -> None:
    await sweep("2026-02-28")
    assert await netlog_ids(client, as_bureau) == list(month_end.values())

    results = await sweep("2026-03-01")
    assert results["retention"]["netlog"]["removed"] == 1
    assert await netlog_ids(client, as_bureau) == [
        month_end["aug29"],
        month_end["aug31"],
        month_end["sep30"],
    ]
    await assert_intact(client, as_bureau)

    await sweep("2026-03-01")  # again the same day: nothing more
    assert len(await netlog_ids(client, as_bureau)) == 3

    results = await sweep("2026-03-02")  # 29-31 August: kept through 1 March
    assert results["retention"]["netlog"]["removed"] == 2
    assert await netlog_ids(client, as_bureau) == [month_end["sep30"]]
    await assert_intact(client, as_bureau)

    purged = await outbox.events(RecordsPurged.event_type)
    assert [(e.data["kind"], e.data["removed"], e.data["cut_position"]) for e in purged] == [
        ("netlog", 1, 1),
        ("netlog", 2, 3),
    ]


async def test_usage_records_are_kept_three_years_across_a_leap_day(
    client: httpx.AsyncClient, as_bureau: dict[str, str], events: Any, deliver: Any, sweep: Any
) -> None:
    feb28 = events.data_called("G1", time="2024-02-28T15:59:59")  # 28 Feb 2024 +08:00
    feb29 = events.data_called("G2", time="2024-02-28T16:00:00")  # 29 Feb 2024 +08:00
    mar01 = events.data_called("G3", time="2024-02-29T16:00:00")  # 1 Mar 2024 +08:00
    await deliver(keep_usage, feb28, feb29, mar01)

    assert (await sweep("2027-02-28"))["retention"]["usage"]["removed"] == 0
    assert (await sweep("2027-03-01"))["retention"]["usage"]["removed"] == 1
    assert await usage_ids(client, as_bureau) == [feb29.id, mar01.id]
    assert (await sweep("2027-03-02"))["retention"]["usage"]["removed"] == 2
    assert await usage_ids(client, as_bureau) == []
    await assert_intact(client, as_bureau)


async def test_a_record_past_retention_behind_a_younger_one_waits_for_it(
    client: httpx.AsyncClient, as_bureau: dict[str, str], events: Any, deliver: Any, sweep: Any
) -> None:
    young = events.request_logged(time="2026-01-10T00:00:00")
    late_old = events.request_logged(time="2025-01-10T00:00:00")  # arrived after the young one
    await deliver(keep_netlog, young, late_old)

    await sweep("2026-03-01")

    assert await netlog_ids(client, as_bureau) == [young.id, late_old.id]
    await assert_intact(client, as_bureau)


async def test_nothing_under_a_hold_is_purged_until_the_hold_is_released(
    client: httpx.AsyncClient,
    as_bureau: dict[str, str],
    month_end: dict[str, str],
    sweep: Any,
) -> None:
    response = await client.post(
        HOLDS,
        json={
            "scope": "netlogs",
            "from": "2025-08-31T00:00:00Z",
            "to": "2025-08-31T23:59:59Z",
            "reason": "网络安全事件调查",
        },
        headers=as_bureau,
    )
    assert response.status_code == 201, response.text
    hold = response.json()
    assert hold["scope"] == "netlogs" and hold["from"].startswith("2025-08-31")
    # A hold on another scope keeps no network log.
    other = {"scope": "usage", "reason": "审计", "from": "2020-01-01T00:00:00Z"}
    assert (await client.post(HOLDS, json=other, headers=as_bureau)).status_code == 201

    await sweep("2026-06-01")
    assert await netlog_ids(client, as_bureau) == [month_end["aug31"], month_end["sep30"]]

    released = await client.delete(f"{HOLDS}/{hold['id']}", headers=as_bureau)
    assert released.status_code == 200, released.text
    assert released.json()["released_at"] is not None
    await sweep("2026-06-02")
    assert await netlog_ids(client, as_bureau) == []
    await assert_intact(client, as_bureau)
    assert (await client.delete(f"{HOLDS}/{hold['id']}", headers=as_bureau)).status_code == 409


async def test_usage_reports_are_purged_three_years_on_unless_held(
    client: httpx.AsyncClient,
    auth: Any,
    as_bureau: dict[str, str],
    events: Any,
    deliver_each: Any,
    sweep: Any,
) -> None:
    await deliver_each(keep_grant, events.grant_created("G1"))
    report = {"grant_id": "G1", "scenario": "s", "process": "p", "effect": "e", "storage": "x"}
    filed = await client.post(
        "/api/audit/usage-reports", json=report, headers=auth.department("D002")
    )
    assert filed.status_code == 201, filed.text
    hold = await client.post(
        HOLDS, json={"scope": "usage", "reason": "争议处理"}, headers=as_bureau
    )

    assert (await sweep("2099-01-01"))["retention"]["reports"]["removed"] == 0
    await client.delete(f"{HOLDS}/{hold.json()['id']}", headers=as_bureau)
    assert (await sweep("2099-01-02"))["retention"]["reports"]["removed"] == 1
    listed = await client.get("/api/audit/usage-reports", headers=as_bureau)
    assert listed.json()["items"] == []
    await assert_intact(client, as_bureau)


async def test_appending_after_a_purge_continues_the_chain(
    client: httpx.AsyncClient,
    as_bureau: dict[str, str],
    month_end: dict[str, str],
    events: Any,
    deliver: Any,
    sweep: Any,
) -> None:
    await sweep("2026-03-02")
    later = events.request_logged(time="2026-03-02T01:00:00")
    await deliver(keep_netlog, later)
    await sweep("2026-03-03")  # a checkpoint past the cut

    assert await netlog_ids(client, as_bureau) == [month_end["sep30"], later.id]
    body = (await client.get("/api/audit/integrity", headers=as_bureau)).json()
    assert body == {"ok": True, "checked": 2}


async def test_a_forged_purge_record_is_found(
    client: httpx.AsyncClient,
    as_bureau: dict[str, str],
    month_end: dict[str, str],
    sweep: Any,
    sql: Any,
) -> None:
    await sweep("2026-03-02")
    await sql("UPDATE chain_cut SET position = position + 1 WHERE kind = 'netlog'")

    body = (await client.get("/api/audit/integrity", headers=as_bureau)).json()
    assert body["first_bad"] == {"kind": "netlog", "position": 4}


async def test_on_postgresql_whole_months_are_dropped_as_partitions(
    client: httpx.AsyncClient,
    as_bureau: dict[str, str],
    backend: str,
    events: Any,
    deliver: Any,
    sweep: Any,
    sql: Any,
) -> None:
    if backend != "postgresql":
        pytest.skip("partitions are PostgreSQL's")
    july = [events.request_logged(time=f"2025-07-1{n}T00:00:00") for n in range(3)]
    august = events.request_logged(time="2025-08-20T00:00:00")
    september = events.request_logged(time="2025-09-20T00:00:00")
    await deliver(keep_netlog, *july, august, september)

    created = (await sweep("2026-01-05"))["retention"]["partitions_created"]
    assert created == [
        "netlog_p202507",
        "netlog_p202508",
        "netlog_p202509",
        "netlog_p202601",
        "netlog_p202602",
        "netlog_p202603",
    ]
    assert (await sql("SELECT count(*) FROM netlog_default"))[0][0] == 0
    assert (await sql("SELECT count(*) FROM netlog_p202507"))[0][0] == 3

    result = (await sweep("2026-02-27"))["retention"]["netlog"]  # 20 Aug: kept through 20 Feb

    assert (result["removed"], result["method"]) == (4, "partition-drop+delete")
    tables = {row[0] for row in await sql("SELECT tablename FROM pg_tables")}
    assert "netlog_p202507" not in tables
    assert {"netlog_p202508", "netlog_p202509"} <= tables
    assert await netlog_ids(client, as_bureau) == [september.id]
    await assert_intact(client, as_bureau)


async def test_only_the_bureau_places_and_releases_holds(
    client: httpx.AsyncClient, auth: Any, as_bureau: dict[str, str]
) -> None:
    body = {"scope": "events", "reason": "审计"}
    for headers in (
        auth.department("D001"),
        auth.headers(Role.CYBERSPACE),
        auth.headers(Role.ASSESSOR),
        auth.headers(Role.DATACENTER),
    ):
        assert (await client.post(HOLDS, json=body, headers=headers)).status_code == 403
    hold = (await client.post(HOLDS, json=body, headers=as_bureau)).json()
    response = await client.delete(f"{HOLDS}/{hold['id']}", headers=auth.department("D001"))
    assert response.status_code == 403
    assert (await client.get(HOLDS, headers=auth.headers(Role.ASSESSOR))).status_code == 200
    assert (await client.get(HOLDS, headers=auth.department("D001"))).status_code == 403
    assert (await client.delete(f"{HOLDS}/nothing", headers=as_bureau)).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scope": "everything", "reason": "x"}, "scope"),
        ({"scope": "usage", "reason": ""}, "reason"),
        (
            {
                "scope": "usage",
                "reason": "x",
                "from": "2026-02-01T00:00:00Z",
                "to": "2026-01-01T00:00:00Z",
            },
            None,
        ),
    ],
)
async def test_a_bad_hold_is_refused(
    client: httpx.AsyncClient, as_bureau: dict[str, str], body: dict[str, str], field: str | None
) -> None:
    response = await client.post(HOLDS, json=body, headers=as_bureau)

    assert response.status_code == 422, response.text
    if field:
        assert field in [error["field"] for error in response.json()["errors"]]


async def test_the_purge_runs_on_its_own_connection_when_one_is_configured(
    service_settings: Any, as_bureau: dict[str, str], events: Any
) -> None:
    from audit.main import create_app

    url = service_settings.resolved_database_url()
    app = create_app(service_settings.model_copy(update={"purge_database_url": url}))
    async with app.router.lifespan_context(app):
        async with app.state.sessionmaker() as session, session.begin():
            await keep_netlog(session, [events.request_logged(time="2025-01-10T00:00:00")])
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://audit.test") as client:
            swept = await client.post(
                "/api/audit/admin/sweep", params={"as_of": "2026-01-01"}, headers=as_bureau
            )
            assert swept.json()["results"]["retention"]["netlog"]["removed"] == 1
            await assert_intact(client, as_bureau)
            assert await netlog_ids(client, as_bureau) == []
