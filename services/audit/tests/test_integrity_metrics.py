"""The integrity check's last result is on /metrics: 1 while the chains are intact, 0 once a
check finds tampering, with the time it was checked; the daily sweep checks too."""

import time
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from audit.subscriptions import when_any_event_is_published_journal_it as journal_it


def value_in(text: str, name: str) -> float | None:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                return float(sample.value)
    return None


async def scrape(client: httpx.AsyncClient) -> str:
    response = await client.get("/metrics")
    assert response.status_code == 200
    return response.text


async def test_a_failed_integrity_check_sets_the_metric_to_zero(
    client: httpx.AsyncClient, as_bureau: dict[str, str], events: Any, deliver: Any, sql: Any
) -> None:
    await deliver(journal_it, *(events.department_created(f"D00{n}") for n in range(1, 4)))
    started = time.time()
    ok = await client.get("/api/audit/integrity", headers=as_bureau)
    assert ok.json()["ok"] is True
    text = await scrape(client)
    assert value_in(text, "pdp_audit_integrity_ok") == 1
    checked_at = value_in(text, "pdp_audit_integrity_checked_timestamp_seconds")
    assert checked_at is not None and checked_at >= started

    assert await sql("UPDATE journal_entry SET subject = 'forged' WHERE seq = 2") == 1
    bad = await client.get("/api/audit/integrity", headers=as_bureau)
    assert bad.json()["ok"] is False
    assert value_in(await scrape(client), "pdp_audit_integrity_ok") == 0


async def test_the_daily_sweep_checks_integrity(
    client: httpx.AsyncClient, events: Any, deliver: Any, sql: Any, sweep: Any
) -> None:
    await deliver(journal_it, *(events.department_created(f"D00{n}") for n in range(1, 4)))
    assert (await sweep("2026-03-10"))["integrity"] == {"ok": True, "first_bad": None}
    assert value_in(await scrape(client), "pdp_audit_integrity_ok") == 1
    assert await sql("DELETE FROM journal_entry WHERE seq = 3") == 1
    assert (await sweep("2026-03-11"))["integrity"] == {"ok": False, "first_bad": "journal@3"}
    assert value_in(await scrape(client), "pdp_audit_integrity_ok") == 0
